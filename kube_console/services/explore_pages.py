"""What each explore page reads, in a session of its own: the faces call these and never open
a session. Each takes `open_session` (the app's unless the caller passes another) and blocks,
so a page's state runs it off the event loop. Scoping is services/explore.py's: every read is
the caller's org's, keyword-only.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Protocol

from sqlmodel import Session

from kube_console.costs.inventory_costs import namespace_cost_breakdown
from kube_console.costs.node_price_sources import node_prices_now
from kube_console.costs.records import NamespaceCostBreakdown
from kube_console.costs.rows import NodePriceNow
from kube_console.errors import ValidationFailed
from kube_console.services import explore, search
from kube_console.services.explore_records import (
    ClusterOverview,
    HelmReleaseDetail,
    HelmReleaseRow,
    NamespaceDetail,
    PodDetail,
    PodRow,
    WorkloadDetail,
)
from kube_console.services.paging import Page, PageRequest
from kube_console.services.search import SearchResults
from kube_console.services.sessions import OpenSession, open_app_session
from kube_console.services.usage_series import (
    ClusterUsageSeries,
    NamespaceEfficiency,
    NamespaceUsageSeries,
    cluster_usage_series,
    namespace_efficiency,
    namespace_usage_series,
)


@dataclasses.dataclass(frozen=True)
class ClusterOverviewTab:
    overview: ClusterOverview
    usage: ClusterUsageSeries


@dataclasses.dataclass(frozen=True)
class ClusterListTab:
    """A cluster and one page of a list of it; the nodes' prices when the list is its nodes."""

    overview: ClusterOverview
    page: Page[Any]
    node_prices: dict[int, NodePriceNow]


# The lists a cluster detail page tabs through, by tab.
CLUSTER_TABS = ("namespaces", "nodes", "workloads", "helm")
# The lists a namespace detail page tabs through, by tab.
NAMESPACE_TABS = ("workloads", "pods", "pvcs")


def read_cluster_overview(
    *, org_id: int, cluster_id: int, window: str, open_session: OpenSession = open_app_session
) -> ClusterOverviewTab:
    """A cluster's overview tab: its figures and its usage over `window`."""
    with open_session() as session:
        return ClusterOverviewTab(
            overview=explore.cluster_overview(
                session=session, org_id=org_id, cluster_id=cluster_id
            ),
            usage=cluster_usage_series(
                session=session, org_id=org_id, cluster_id=cluster_id, window=window
            ),
        )


class _ListOfCluster(Protocol):
    def __call__(
        self,
        *,
        session: Session,
        org_id: int,
        request: PageRequest,
        cluster_id: int | None = None,
        search: str | None = None,
    ) -> Page[Any]: ...


class _ListOfNamespace(Protocol):
    def __call__(
        self,
        *,
        session: Session,
        org_id: int,
        request: PageRequest,
        namespace_id: int | None = None,
        search: str | None = None,
    ) -> Page[Any]: ...


# The lists a cluster detail page tabs through (its workloads apart: they filter by kind).
_CLUSTER_LISTS: dict[str, _ListOfCluster] = {
    "namespaces": explore.list_namespaces,
    "nodes": explore.list_nodes,
    "helm": explore.list_helm_releases,
}
# The lists a namespace detail page tabs through.
_NAMESPACE_LISTS: dict[str, _ListOfNamespace] = {
    "workloads": explore.list_workloads,
    "pods": explore.list_pods,
    "pvcs": explore.list_pvcs,
}


def read_cluster_list(
    *,
    org_id: int,
    cluster_id: int,
    tab: str,
    request: PageRequest,
    search: str,
    kind: str | None = None,
    open_session: OpenSession = open_app_session,
) -> ClusterListTab:
    """A cluster and one page of its namespaces, nodes, workloads (of `kind`) or Helm releases."""
    if tab not in CLUSTER_TABS:
        raise ValidationFailed.one("tab", f"choose one of: {', '.join(CLUSTER_TABS)}")
    with open_session() as session:
        overview = explore.cluster_overview(session=session, org_id=org_id, cluster_id=cluster_id)
        page: Page[Any]
        lister = (
            functools.partial(explore.list_workloads, kind=kind)
            if tab == "workloads"
            else _CLUSTER_LISTS[tab]
        )
        page = lister(
            session=session, org_id=org_id, request=request, cluster_id=cluster_id, search=search
        )
        prices: dict[int, NodePriceNow] = {}
        if tab == "nodes":
            node_ids = [row.id for row in page.rows]
            prices = node_prices_now(session=session, org_id=org_id, node_ids=node_ids)
        return ClusterListTab(overview=overview, page=page, node_prices=prices)


@dataclasses.dataclass(frozen=True)
class NamespaceOverviewTab:
    detail: NamespaceDetail
    costs: NamespaceCostBreakdown
    usage: NamespaceUsageSeries
    efficiency: NamespaceEfficiency


def read_namespace_overview(
    *,
    org_id: int,
    namespace_id: int,
    window: str,
    step: str,
    open_session: OpenSession = open_app_session,
) -> NamespaceOverviewTab:
    """A namespace's overview tab: its figures, its cost by resource in `step`s, its usage over
    `window`, and how well its requests fit its usage."""
    with open_session() as session:
        return NamespaceOverviewTab(
            detail=explore.namespace_detail(
                session=session, org_id=org_id, namespace_id=namespace_id
            ),
            costs=namespace_cost_breakdown(
                session=session, org_id=org_id, namespace_id=namespace_id, step=step
            ),
            usage=namespace_usage_series(
                session=session, org_id=org_id, namespace_id=namespace_id, window=window
            ),
            efficiency=namespace_efficiency(
                session=session, org_id=org_id, namespace_id=namespace_id
            ),
        )


def read_namespace_list(
    *,
    org_id: int,
    namespace_id: int,
    tab: str,
    request: PageRequest,
    search: str,
    open_session: OpenSession = open_app_session,
) -> tuple[NamespaceDetail, Page[Any]]:
    """A namespace and one page of its workloads, pods or PVCs."""
    if tab not in NAMESPACE_TABS:
        raise ValidationFailed.one("tab", f"choose one of: {', '.join(NAMESPACE_TABS)}")
    with open_session() as session:
        detail = explore.namespace_detail(session=session, org_id=org_id, namespace_id=namespace_id)
        page = _NAMESPACE_LISTS[tab](
            session=session,
            org_id=org_id,
            request=request,
            namespace_id=namespace_id,
            search=search,
        )
        return detail, page


def read_workload_with_pods(
    *,
    org_id: int,
    workload_id: int,
    request: PageRequest,
    open_session: OpenSession = open_app_session,
) -> tuple[WorkloadDetail, Page[PodRow]]:
    """A workload and one page of its pods."""
    with open_session() as session:
        detail = explore.workload_detail(session=session, org_id=org_id, workload_id=workload_id)
        pods = explore.list_pods(
            session=session, org_id=org_id, request=request, workload_id=workload_id
        )
        return detail, pods


def read_pods(*, open_session: OpenSession = open_app_session, **filters: Any) -> Page[PodRow]:
    """list_pods (same filters, org_id among them) in a session of its own."""
    with open_session() as session:
        return explore.list_pods(session=session, **filters)


@dataclasses.dataclass(frozen=True)
class PodFilterChoices:
    """What the pods page's filters offer: the org's clusters, and the chosen cluster's
    namespaces and nodes (none without a chosen cluster), as (id, name) or names."""

    clusters: list[tuple[int, str]]
    namespaces: list[tuple[int, str]]
    nodes: list[str]


def read_pod_filter_choices(
    *, org_id: int, cluster_id: int | None, limit: int, open_session: OpenSession = open_app_session
) -> PodFilterChoices:
    """The first `limit` of each by name: a longer menu is better served by typing a name."""
    by_name = PageRequest(sort="name", limit=limit)
    with open_session() as session:
        clusters = explore.list_cluster_rows(session=session, org_id=org_id, request=by_name).rows
        if cluster_id is None:
            return PodFilterChoices([(row.id, row.name) for row in clusters], [], [])
        namespaces = explore.list_namespaces(
            session=session, org_id=org_id, request=by_name, cluster_id=cluster_id
        ).rows
        nodes = explore.list_nodes(
            session=session, org_id=org_id, request=by_name, cluster_id=cluster_id
        ).rows
        return PodFilterChoices(
            clusters=[(row.id, row.name) for row in clusters],
            namespaces=[(row.id, row.name) for row in namespaces],
            nodes=[row.name for row in nodes],
        )


@dataclasses.dataclass(frozen=True)
class HelmReleasesRead:
    """A page of releases; the org's clusters to filter by when asked (else None); whether the
    org has any release at all (so an empty page can say whether a filter is why)."""

    page: Page[HelmReleaseRow]
    clusters: list[tuple[int, str]] | None
    any_release: bool


def read_helm_releases(
    *,
    org_id: int,
    request: PageRequest,
    cluster_choices_limit: int | None = None,
    open_session: OpenSession = open_app_session,
    **filters: Any,
) -> HelmReleasesRead:
    """list_helm_releases (same filters) in a session of its own; with the first
    `cluster_choices_limit` clusters by name when it is given."""
    with open_session() as session:
        page = explore.list_helm_releases(
            session=session, org_id=org_id, request=request, **filters
        )
        clusters = None
        if cluster_choices_limit is not None:
            by_name = PageRequest(sort="name", limit=cluster_choices_limit)
            rows = explore.list_cluster_rows(session=session, org_id=org_id, request=by_name).rows
            clusters = [(row.id, row.name) for row in rows]
        any_release = bool(page.total) or bool(
            explore.list_helm_releases(
                session=session, org_id=org_id, request=PageRequest(limit=1)
            ).total
        )
        return HelmReleasesRead(page=page, clusters=clusters, any_release=any_release)


def read_pod_detail(
    *, org_id: int, pod_id: int, open_session: OpenSession = open_app_session
) -> PodDetail:
    with open_session() as session:
        return explore.pod_detail(session=session, org_id=org_id, pod_id=pod_id)


def read_helm_release_detail(
    *, org_id: int, release_id: int, open_session: OpenSession = open_app_session
) -> HelmReleaseDetail:
    with open_session() as session:
        return explore.helm_release_detail(session=session, org_id=org_id, release_id=release_id)


def read_search(
    *, org_id: int, query: str, limit_per_kind: int, open_session: OpenSession = open_app_session
) -> SearchResults:
    """The top bar's type-ahead: what of the org is named like `query` (services/search.py)."""
    with open_session() as session:
        return search.search(
            session=session, org_id=org_id, query=query, limit_per_kind=limit_per_kind
        )
