"""Namespace detail: the namespace the URL names with its labels, team and cost-center, then one
tab (`?tab=`): its cost by resource, usage against requests and efficiency with a right-sizing
hint, or one page of its workloads, pods or PVCs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from kube_console import routes
from kube_console.components.charts import (
    ChartTable,
    Series,
    empty_figure,
    figure_table,
    stacked_costs_figure,
)
from kube_console.components.usage_charts import in_gib, usage_figure, usage_lines
from kube_console.costs.figures import GRAINS, RESOURCES
from kube_console.formatting import format_money
from kube_console.services import explore, explore_pages
from kube_console.services.paging import Page
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    PODS_IN_A_NAMESPACE,
    DrilldownPage,
    ListSpec,
    Updates,
    UsageCharts,
    choice_parameter,
    off_the_loop,
    tabbed_page,
)
from kube_console.states.explore_view_models import (
    EfficiencyView,
    ListPosition,
    NamespaceView,
    PodTableRow,
    PvcTableRow,
    WorkloadTableRow,
)
from kube_console.states.explore_views import (
    efficiency_basis,
    efficiency_views,
    namespace_view,
    pod_table_row,
    pvc_table_row,
    workload_table_row,
)
from kube_console.states.guard import current_context

TABS = ("overview", "workloads", "pods", "pvcs")
WINDOWS = ("24h", "7d")
STEPS = tuple(GRAINS)

LISTS = {
    "workloads": ListSpec.of(explore.WORKLOAD_SORTS, without=("namespace", "cluster")),
    "pods": PODS_IN_A_NAMESPACE,
    "pvcs": ListSpec.of(explore.PVC_SORTS, without=("namespace", "cluster")),
}


def _overview_tab(read: explore_pages.NamespaceOverviewTab) -> Updates:
    breakdown, series, efficiency = read.costs, read.usage, read.efficiency
    cost_series = [
        Series(
            key=f"resource={resource.name}",
            label=resource.title,
            values=getattr(breakdown, resource.cost),
        )
        for resource in RESOURCES
    ]
    return {
        "namespace": namespace_view(read.detail),
        # automargin: the shared figure's 8 px margins clip the money ticks ("$0.05" reads "5").
        "cost_chart": stacked_costs_figure(
            buckets=breakdown.buckets,
            step=breakdown.step,
            series=cost_series,
            currency=breakdown.currency,
        ).update_layout(xaxis_automargin=True, yaxis_automargin=True),
        "window_cost": format_money(breakdown.window_cost, breakdown.currency),
        "has_costs": breakdown.window_cost > 0,
        "cpu_chart": usage_figure(
            times=series.times,
            bucket_seconds=series.bucket_seconds,
            lines=usage_lines(requested=series.cpu_request_cores, used=series.cpu_usage_cores),
            unit="cores",
        ),
        "memory_chart": usage_figure(
            times=series.times,
            bucket_seconds=series.bucket_seconds,
            lines=usage_lines(
                requested=in_gib(series.memory_request_bytes),
                used=in_gib(series.memory_usage_bytes),
            ),
            unit="GiB",
        ),
        "has_samples": any(value is not None for value in series.cpu_request_cores),
        "efficiency": efficiency_views(efficiency),
        "efficiency_basis": efficiency_basis(efficiency),
    }


def _list_rows(tab: str, page: Page[Any]) -> Updates:
    if tab == "workloads":
        return {"workloads": [workload_table_row(row) for row in page.rows]}
    if tab == "pods":
        return {"pods": [pod_table_row(row) for row in page.rows]}
    return {"pvcs": [pvc_table_row(row) for row in page.rows]}


class NamespaceDetailState(DrilldownPage, UsageCharts, rx.State):
    namespace: NamespaceView | None = None
    tab: str = "overview"
    tab_hrefs: dict[str, str] = {}

    step: str = "day"
    step_hrefs: dict[str, str] = {}
    cost_chart: go.Figure = empty_figure()
    window_cost: str = ""
    has_costs: bool = False

    @rx.var
    def cost_chart_table(self) -> ChartTable:
        return figure_table(self.cost_chart)

    efficiency: list[EfficiencyView] = []
    efficiency_basis: str = ""

    workloads: list[WorkloadTableRow] = []
    pods: list[PodTableRow] = []
    pvcs: list[PvcTableRow] = []
    position: ListPosition = EMPTY_POSITION

    def _page_key(self, path: str, query: Mapping[str, str]) -> str:
        return f"{path}#{query.get('tab', '')}"

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        namespace_id, tab, common = tabbed_page(path, query, TABS, names="namespace")
        org_id = current_context().org_id
        if tab == "overview":
            window = choice_parameter(query, "window", WINDOWS) or "24h"
            step = choice_parameter(query, "step", STEPS) or "day"
            overview = await off_the_loop(
                explore_pages.read_namespace_overview,
                org_id=org_id,
                namespace_id=namespace_id,
                window=window,
                step=step,
            )
            updates = _overview_tab(overview)
            return (
                common
                | updates
                | {
                    "window": window,
                    "step": step,
                    "window_hrefs": {
                        name: routes.with_query(path, {**query, "window": name}) for name in WINDOWS
                    },
                    "step_hrefs": {
                        name: routes.with_query(path, {**query, "step": name}) for name in STEPS
                    },
                }
            )
        spec = LISTS[tab]
        detail, page = await off_the_loop(
            explore_pages.read_namespace_list,
            org_id=org_id,
            namespace_id=namespace_id,
            tab=tab,
            request=spec.request(query),
            search=query.get("q", ""),
        )
        return (
            common
            | {"namespace": namespace_view(detail)}
            | _list_rows(tab, page)
            | {"position": spec.position(page, path, query)}
        )
