"""Cluster detail: the cluster the URL names and one tab of it (`?tab=`): its overview with health,
capacity, usage over time and month-to-date cost, or one page of its namespaces, nodes,
workloads or Helm releases, sorted, filtered and paged in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import reflex as rx

from kube_console import routes
from kube_console.components.usage_charts import in_gib, usage_figure, usage_lines
from kube_console.services import explore, explore_pages
from kube_console.services.explore_records import ClusterOverview
from kube_console.settings import get_settings
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    DrilldownPage,
    ListSpec,
    Updates,
    UsageCharts,
    choice_parameter,
    off_the_loop,
    tabbed_page,
)
from kube_console.states.explore_view_models import (
    ClusterView,
    HelmTableRow,
    ListPosition,
    NamespaceTableRow,
    NodeTableRow,
    WorkloadTableRow,
)
from kube_console.states.explore_views import (
    cluster_view,
    helm_table_row,
    namespace_table_row,
    node_table_row,
    workload_table_row,
)
from kube_console.states.guard import current_context

TABS = ("overview", "namespaces", "nodes", "workloads", "helm")
WINDOWS = ("24h", "7d")
WORKLOAD_KINDS = explore.WORKLOAD_KINDS

LISTS = {
    "namespaces": ListSpec.of(explore.NAMESPACE_SORTS, without=("cluster", "pods_running")),
    "nodes": ListSpec.of(explore.NODE_SORTS, without=("cluster", "memory_allocatable")),
    "workloads": ListSpec.of(explore.WORKLOAD_SORTS, without=("cluster",)),
    "helm": ListSpec.of(explore.HELM_SORTS, without=("cluster",)),
}


def _overview_tab(read: explore_pages.ClusterOverviewTab) -> Updates:
    series = read.usage
    return {
        "cluster": _cluster_view(read.overview),
        "cpu_chart": usage_figure(
            times=series.times,
            bucket_seconds=series.bucket_seconds,
            lines=usage_lines(
                allocatable=series.cpu_allocatable_cores,
                requested=series.cpu_requested_cores,
                used=series.cpu_used_cores,
            ),
            unit="cores",
        ),
        "memory_chart": usage_figure(
            times=series.times,
            bucket_seconds=series.bucket_seconds,
            lines=usage_lines(
                allocatable=in_gib(series.memory_allocatable_bytes),
                requested=in_gib(series.memory_requested_bytes),
                used=in_gib(series.memory_used_bytes),
            ),
            unit="GiB",
        ),
        "has_samples": any(value is not None for value in series.cpu_requested_cores),
    }


def _cluster_view(overview: ClusterOverview) -> ClusterView:
    return cluster_view(
        overview,
        sync_interval_seconds=get_settings().sync_interval_seconds,
        now=dt.datetime.now(dt.UTC),
    )


def _list_rows(tab: str, read: explore_pages.ClusterListTab) -> Updates:
    rows = read.page.rows
    if tab == "namespaces":
        return {"namespaces": [namespace_table_row(row) for row in rows]}
    if tab == "nodes":
        return {"nodes": [node_table_row(row, read.node_prices.get(row.id)) for row in rows]}
    if tab == "workloads":
        return {"workloads": [workload_table_row(row) for row in rows]}
    return {"releases": [helm_table_row(row) for row in rows]}


class ClusterDetailState(DrilldownPage, UsageCharts, rx.State):
    cluster: ClusterView | None = None
    tab: str = "overview"
    tab_hrefs: dict[str, str] = {}

    namespaces: list[NamespaceTableRow] = []
    nodes: list[NodeTableRow] = []
    workloads: list[WorkloadTableRow] = []
    releases: list[HelmTableRow] = []
    position: ListPosition = EMPTY_POSITION
    kind: str = ""  # the workloads tab's kind filter

    def _page_key(self, path: str, query: Mapping[str, str]) -> str:
        return f"{path}#{query.get('tab', '')}"

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        cluster_id, tab, common = tabbed_page(path, query, TABS, names="cluster")
        org_id = current_context().org_id
        if tab == "overview":
            window = choice_parameter(query, "window", WINDOWS) or "24h"
            overview = await off_the_loop(
                explore_pages.read_cluster_overview,
                org_id=org_id,
                cluster_id=cluster_id,
                window=window,
            )
            updates = _overview_tab(overview)
            window_hrefs = {name: routes.with_query(path, {"window": name}) for name in WINDOWS}
            return common | updates | {"window": window, "window_hrefs": window_hrefs}
        spec = LISTS[tab]
        kind = choice_parameter(query, "kind", WORKLOAD_KINDS) if tab == "workloads" else ""
        read = await off_the_loop(
            explore_pages.read_cluster_list,
            org_id=org_id,
            cluster_id=cluster_id,
            tab=tab,
            request=spec.request(query),
            search=query.get("q", ""),
            kind=kind or None,
        )
        return (
            common
            | {"cluster": _cluster_view(read.overview)}
            | _list_rows(tab, read)
            | {"position": spec.position(read.page, path, query), "kind": kind}
        )
