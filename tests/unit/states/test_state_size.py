"""Each drill-down page keeps its state small with a 5,000-pod cluster loaded (reflex-rules.md,
rule 7: one page of rows; performance.md: each page's state ≤ 200 KB).

A cluster of the fake API server with 5,000 pods is synced into the test database with two
hours of samples and their costs; every page of the drill-down is opened in one browser tab,
its tables on their largest page. Measured per page: the JSON a reconnect would send for the
whole tab (every state, not only the page's), and the page state as the state store pickles it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.services import explore
from kube_console.services.paging import PageRequest
from kube_console.states.cluster_detail import ClusterDetailState
from kube_console.states.explore_support import PAGE_SIZE
from kube_console.states.helm import HelmState
from kube_console.states.namespace_detail import NamespaceDetailState
from kube_console.states.pod_detail import PodDetailState
from kube_console.states.pods import PodsState
from kube_console.states.workload_detail import WorkloadDetailState
from tests.factories import Factory
from tests.fakekube.generator import generate_cluster
from tests.support.reflex_events import EventDriver
from tests.support.synced_fleet import fetch_snapshots, sync_fleet
from tests.unit.states.conftest import signed_in

LIMIT_BYTES = 200_000
PODS = 5_000


@pytest.fixture(scope="module")
def big_snapshot():
    """Fetched once: generating and serving 5,000 pods is the slow part."""
    cluster = generate_cluster("big", seed=5, namespaces=100, nodes=200, deployments=300, pods=PODS)
    return fetch_snapshots([cluster])["big"]


@pytest.fixture
def big_cluster(
    console_db, database_url: str, session: Session, make: Factory, big_snapshot
) -> Iterator[dict]:
    org = make.org("acme")
    token = signed_in(session, make.user(org))
    (cluster_id,) = sync_fleet(
        database_url, org_id=org.id, snapshots={"big": big_snapshot}, hours=2
    ).values()
    biggest = explore.list_namespaces(
        session=session,
        org_id=org.id,
        request=PageRequest(sort="pods", descending=True, limit=1),
        cluster_id=cluster_id,
    ).rows[0]
    deployment = explore.list_workloads(
        session=session,
        org_id=org.id,
        request=PageRequest(sort="desired", descending=True, limit=1),
        cluster_id=cluster_id,
        kind="Deployment",
    ).rows[0]
    pod = explore.list_pods(
        session=session,
        org_id=org.id,
        request=PageRequest(sort="restarts", descending=True, limit=1),
    ).rows[0]
    yield {
        "token": token,
        "cluster": cluster_id,
        "namespace": biggest.id,
        "namespace_pods": biggest.pods_total,
        "deployment": deployment.id,
        "pod": pod.id,
    }


def _pages(ids: dict) -> list[tuple[str, type, str]]:
    """(URL, page state, the rows var that must hold a full page, or "" for a detail page)."""
    cluster = routes.cluster(ids["cluster"])
    namespace = routes.namespace(ids["namespace"])
    return [
        (cluster, ClusterDetailState, ""),
        (cluster + "?window=7d", ClusterDetailState, ""),
        (cluster + "?tab=namespaces", ClusterDetailState, "namespaces"),
        (cluster + "?tab=nodes", ClusterDetailState, "nodes"),
        (cluster + "?tab=workloads", ClusterDetailState, "workloads"),
        (cluster + "?tab=helm", ClusterDetailState, ""),
        (namespace + "?step=hour", NamespaceDetailState, ""),
        (namespace + "?tab=pods", NamespaceDetailState, "pods"),
        (namespace + "?tab=workloads", NamespaceDetailState, ""),
        (namespace + "?tab=pvcs", NamespaceDetailState, ""),
        (routes.workload(ids["deployment"]), WorkloadDetailState, ""),
        (routes.pod(ids["pod"]), PodDetailState, ""),
        (routes.pods(), PodsState, "pods"),
        (routes.pods(cluster=str(ids["cluster"])), PodsState, "pods"),
        (routes.HELM, HelmState, ""),
    ]


@pytest.mark.anyio
async def test_every_drilldown_page_keeps_its_state_under_200_kb_with_5000_pods(big_cluster):
    assert big_cluster["namespace_pods"] > PAGE_SIZE, "the biggest namespace needs more than a page"
    sizes = {}
    async with EventDriver() as driver:
        tab = driver.tab(session_token=big_cluster["token"])
        for url, state_class, rows in _pages(big_cluster):
            await tab.open(url)
            page = await tab.state(state_class)
            assert page.view == "ready", (url, page.problem)
            if rows:
                assert len(getattr(page, rows)) == PAGE_SIZE, url
            sizes[url] = (len((await tab.snapshot_text()).encode()), len(page._serialize()))
    too_big = {url: size for url, size in sizes.items() if max(size) >= LIMIT_BYTES}
    assert too_big == {}, f"(whole tab as JSON, page state pickled) in bytes: {too_big}"


@pytest.mark.anyio
async def test_the_charts_hold_aggregated_buckets_not_samples(big_cluster):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=big_cluster["token"])
        await tab.open(routes.cluster(big_cluster["cluster"]))
        page = await tab.state(ClusterDetailState)
        assert page.has_samples
        assert [len(trace.y) for trace in page.cpu_chart.data] == [288, 288, 288]  # 24 h of 5 min
