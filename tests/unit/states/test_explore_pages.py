"""The drill-down pages' states, driven through Reflex's real event processing: what each page
loads for its URL, how sort, filters and pages in the URL reach SQL, what a bad or foreign id
gives, how the 30-second refresh behaves, and the global search."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import parse_qsl

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.components.live import REFRESH_SECONDS
from kube_console.costs.inventory_costs import month_of
from kube_console.models import Cluster, CostMonthly, Pod
from kube_console.services import explore
from kube_console.states.cluster_detail import ClusterDetailState
from kube_console.states.helm import HelmState
from kube_console.states.helm_release import HelmReleaseState
from kube_console.states.namespace_detail import NamespaceDetailState
from kube_console.states.pod_detail import PodDetailState
from kube_console.states.pods import PodsState
from kube_console.states.search import SearchState
from kube_console.states.workload_detail import WorkloadDetailState
from tests.factories import Factory
from tests.support.reflex_events import EventDriver
from tests.unit.states.conftest import signed_in

GIB = 2**30
NOW = dt.datetime.now(dt.UTC)


def _parts(url: str) -> tuple[str, dict[str, str]]:
    path, _, query = url.partition("?")
    return path, dict(parse_qsl(query))


@dataclasses.dataclass
class Shop:
    """Org "acme": cluster prod-eu with namespace shop (a checkout Deployment of three pods, one
    pending) and namespace ops; org "globex" with a cluster of its own."""

    token: str
    cluster_id: int
    shop_id: int
    ops_id: int
    checkout_id: int
    pod_ids: list[int]
    release_id: int
    other_cluster_id: int
    other_namespace_id: int
    other_pod_id: int
    other_release_id: int


def _container(name: str, cpu: float, memory: int) -> dict:
    return {
        "name": name,
        "image": f"ghcr.io/acme/{name}:1.4.2",
        "cpu_request_cores": cpu,
        "memory_request_bytes": memory,
        "cpu_limit_cores": cpu * 2,
        "memory_limit_bytes": memory * 2,
        "restarts": 0,
        "ready": True,
        "state": "running",
    }


@pytest.fixture
def shop(console_db, session: Session, make: Factory) -> Shop:
    acme = make.org("acme")
    user = make.user(acme, email="bo@acme.test")
    cluster = make.cluster(
        acme,
        name="prod-eu",
        status="healthy",
        node_count=2,
        ready_node_count=2,
        namespace_count=2,
        pod_count=4,
        running_pod_count=3,
    )
    for index, name in enumerate(["node-b", "node-a"]):
        make.node(
            cluster,
            name=name,
            ready=True,
            allocatable_cpu_cores=4.0,
            capacity_cpu_cores=4.0,
            allocatable_memory_bytes=16 * GIB,
            capacity_memory_bytes=16 * GIB,
            instance_type="m5.xlarge",
            zone=f"eu-west-1{'ab'[index]}",
        )
    shop = make.namespace(
        cluster, name="shop", team="payments", cost_center="cc-42", labels={"team": "payments"}
    )
    ops = make.namespace(cluster, name="ops", team="platform")
    checkout = make.workload(
        shop,
        name="checkout",
        replicas_desired=3,
        replicas_ready=2,
        replicas_available=2,
        replicas_updated=3,
        cpu_request_cores=0.25,
        memory_request_bytes=256 * 2**20,
        containers=[_container("checkout", 0.25, 256 * 2**20)],
    )
    pods = [
        make.pod(
            shop,
            name=f"checkout-7d9f8b-{suffix}",
            workload=checkout,
            phase=phase,
            node_name="node-a" if phase == "Running" else None,
            containers=[_container("checkout", 0.25, 256 * 2**20)],
            cpu_request_cores=0.25,
            memory_request_bytes=256 * 2**20,
            cpu_usage_cores=0.1 if phase == "Running" else None,
            memory_usage_bytes=100 * 2**20 if phase == "Running" else None,
            created_at=NOW - dt.timedelta(hours=3),
        )
        for suffix, phase in [("aaaaa", "Running"), ("bbbbb", "Running"), ("ccccc", "Pending")]
    ]
    pending = pods[2]
    pending.status_reason, pending.status_message = (
        "Unschedulable",
        "0/4 nodes are available: insufficient cpu",
    )
    pending.containers = [
        _container("checkout", 0.25, 256 * 2**20) | {"ready": False, "state": "waiting:Unscheduled"}
    ]
    session.add(pending)
    make.pod(ops, name="debug-shell", phase="Running", node_name="node-b", cpu_request_cores=0.5)
    release = make.helm_release(
        shop,
        name="checkout",
        chart="checkout",
        chart_version="1.4.2",
        app_version="1.4.2",
        status="deployed",
        revision=2,
        description="Upgrade complete",
        history=[
            {
                "revision": 2,
                "status": "deployed",
                "chart": "checkout",
                "chart_version": "1.4.2",
                "app_version": "1.4.2",
                "updated_at": "2026-03-02T08:00:00+00:00",
                "description": "Upgrade complete",
            },
            {
                "revision": 1,
                "status": "superseded",
                "chart": "checkout",
                "chart_version": "1.4.1",
                "app_version": "1.4.1",
                "updated_at": "2026-03-01T08:00:00+00:00",
                "description": "Install complete",
            },
        ],
    )
    session.add(
        CostMonthly(
            org_id=acme.id,
            cluster_id=cluster.id,
            namespace_id=shop.id,
            namespace="shop",
            month=month_of(NOW),
            cpu_cost=8.0,
            memory_cost=4.4,
            total_cost=12.4,
        )
    )
    session.commit()

    globex = make.org("globex")
    theirs = make.cluster(globex, name="globex-prod")
    their_namespace = make.namespace(theirs, name="globex-secret-plans")
    their_pod = make.pod(their_namespace, name="checkout-globex-pod")
    their_release = make.helm_release(their_namespace, name="globex-release", chart="globex-chart")
    return Shop(
        token=signed_in(session, user),
        cluster_id=cluster.id,
        shop_id=shop.id,
        ops_id=ops.id,
        checkout_id=checkout.id,
        pod_ids=[pod.id for pod in pods],
        release_id=release.id,
        other_cluster_id=theirs.id,
        other_namespace_id=their_namespace.id,
        other_pod_id=their_pod.id,
        other_release_id=their_release.id,
    )


@pytest.mark.anyio
async def test_the_cluster_overview_shows_health_capacity_and_this_months_cost(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id))
        page = await tab.state(ClusterDetailState)
        assert page.view == "ready" and page.tab == "overview"
        assert page.cluster.name == "prod-eu"
        assert page.cluster.pods == "3 / 4 running"
        assert page.cluster.cost == "$12.40"
        assert [(bar.label, bar.amount) for bar in page.cluster.cpu_bars] == [
            ("Capacity", "8 cores"),
            ("Allocatable", "8 cores"),
            ("Requested", "1 core"),  # the two running checkout pods and the ops pod
            ("Used", "—"),
        ]


@pytest.mark.anyio
async def test_a_tab_lists_one_page_sorted_as_the_url_says_with_links_that_resort_it(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id) + "?tab=nodes&sort=name&order=desc")
        page = await tab.state(ClusterDetailState)
        assert page.tab == "nodes"
        assert [node.name for node in page.nodes] == ["node-b", "node-a"]
        # Each node's hourly price and its source: no rule, and a cluster of no known provider
        # matches no catalogue row, so 4 cores × $0.04 + 16 GiB × $0.005 at the built-in prices.
        assert [(node.price, node.price_source) for node in page.nodes] == [
            ("$0.24/h", "unit prices"),
            ("$0.24/h", "unit prices"),
        ]
        assert page.position.summary == "1–2 of 2"
        name_sort = page.position.sort_hrefs["name"]
        assert _parts(name_sort) == (
            f"/clusters/{shop.cluster_id}",
            {"tab": "nodes", "sort": "name", "order": "asc"},
        )
        assert _parts(page.position.sort_hrefs["pods"])[1]["order"] == "desc"

        await tab.open(name_sort)
        page = await tab.state(ClusterDetailState)
        assert [node.name for node in page.nodes] == ["node-a", "node-b"]
        assert page.namespaces == [] and page.cluster.name == "prod-eu"


@pytest.mark.anyio
async def test_the_namespaces_tab_shows_figures_with_units_and_links_each_namespace(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id) + "?tab=namespaces&sort=cost")
        page = await tab.state(ClusterDetailState)
        shop_row, ops_row = page.namespaces
        assert (shop_row.name, shop_row.team, shop_row.cost_center) == ("shop", "payments", "cc-42")
        assert (shop_row.pods, shop_row.cpu_request, shop_row.memory_request) == (
            "2 / 3",
            "500 m",
            "512 MiB",
        )
        assert (shop_row.cpu_usage, shop_row.memory_usage, shop_row.cost) == (
            "200 m",
            "200 MiB",
            "$12.40",
        )
        assert shop_row.id == shop.shop_id and ops_row.cost == "$0.00"


@pytest.mark.anyio
async def test_pages_of_a_long_list_come_from_the_url(shop, session: Session, make: Factory):
    cluster = session.get(Cluster, shop.cluster_id)
    for index in range(60):
        make.namespace(cluster, name=f"team-{index:02d}")
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id) + "?tab=namespaces&page=2")
        page = await tab.state(ClusterDetailState)
        assert page.position.summary == "51–62 of 62"
        assert [row.name for row in page.namespaces][:2] == ["team-48", "team-49"]
        assert page.position.next_href == ""
        assert _parts(page.position.previous_href) == (
            f"/clusters/{shop.cluster_id}",
            {"tab": "namespaces"},
        )

        await tab.open(routes.cluster(shop.cluster_id) + "?tab=namespaces&page=9")
        page = await tab.state(ClusterDetailState)
        assert page.view == "ready" and page.namespaces == [] and page.position.total == 62


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "state"),
    [
        ("/clusters/{other_cluster_id}", ClusterDetailState),
        ("/clusters/{other_cluster_id}?tab=namespaces", ClusterDetailState),
        ("/namespaces/{other_namespace_id}", NamespaceDetailState),
        ("/namespaces/{other_namespace_id}?tab=pods", NamespaceDetailState),
        ("/pods/{other_pod_id}", PodDetailState),
        ("/helm/{other_release_id}", HelmReleaseState),
        ("/helm/-1", HelmReleaseState),
        ("/deployments/999999", WorkloadDetailState),
        ("/clusters/abc", ClusterDetailState),
        ("/pods/-4", PodDetailState),
        ("/namespaces/99999999999999999999999", NamespaceDetailState),
        ("/pods/" + "9" * 5000, PodDetailState),
        ("/pods?cluster={other_cluster_id}", PodsState),
        ("/helm?cluster={other_cluster_id}", HelmState),
    ],
)
async def test_another_orgs_or_a_bad_id_is_a_clean_not_found_that_shows_nothing_of_it(
    shop, path, state
):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(path.format(**dataclasses.asdict(shop)))
        page = await tab.state(state)
        assert page.view == "missing"
        assert "globex" not in tab.received_text() and "globex" not in await tab.snapshot_text()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?tab=nodes&sort=password", "sort"),
        ("?tab=nodes&order=sideways", "order"),
        ("?tab=nodes&page=0", "page"),
        ("?tab=nodes&page=100001", "page"),
        ("?tab=nodes&page=" + "9" * 5000, "page"),  # more digits than Python reads as an int
        ("?tab=secrets", "tab"),
        ("?window=1y", "window"),
        ("?tab=workloads&kind=CronJob", "kind"),
    ],
)
async def test_a_url_asking_for_what_a_page_cannot_do_says_what(shop, query, field):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id) + query)
        page = await tab.state(ClusterDetailState)
        assert page.view == "invalid"
        assert page.problem.startswith(f"{field}: ")


@pytest.mark.anyio
async def test_a_nul_character_in_the_url_is_dropped_before_the_database_sees_it(shop):
    """PostgreSQL refuses to compare text holding NUL: a crafted %00 must not fail the page."""
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pods(phase="Run\x00ning", node="node-\x00a", sort="name"))
        page = await tab.state(PodsState)
        assert page.view == "ready", page.problem
        assert [pod.name for pod in page.pods] == ["checkout-7d9f8b-aaaaa", "checkout-7d9f8b-bbbbb"]


@pytest.mark.anyio
async def test_the_refresh_rereads_the_same_page_while_the_tab_is_visible_and_skips_when_hidden(
    shop, session: Session
):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pods(phase="Running", sort="name", order="desc"))
        page = await tab.state(PodsState)
        first_update = page.updated_at
        assert [pod.name for pod in page.pods] == [
            "debug-shell",
            "checkout-7d9f8b-bbbbb",
            "checkout-7d9f8b-aaaaa",
        ]
        pending = session.get(Pod, shop.pod_ids[2])
        pending.phase, pending.node_name = "Running", "node-a"
        session.add(pending)
        session.commit()

        await tab.fire(PodsState.refresh, visible=True)  # the tick as the page mounts
        assert (await tab.state(PodsState)).updated_at == first_update
        (await tab.state(PodsState))._started_at -= REFRESH_SECONDS  # the next tick, 30 s on

        await tab.fire(PodsState.refresh, visible=False)
        page = await tab.state(PodsState)
        assert len(page.pods) == 3 and page.updated_at == first_update

        await tab.fire(PodsState.refresh, visible=True)
        page = await tab.state(PodsState)
        assert [pod.name for pod in page.pods] == [
            "debug-shell",
            "checkout-7d9f8b-ccccc",
            "checkout-7d9f8b-bbbbb",
            "checkout-7d9f8b-aaaaa",
        ]
        assert page.position.sort == "name" and page.position.descending is True
        assert page.filters["phase"] == "Running"
        assert page.updated_at > first_update


@pytest.mark.anyio
async def test_the_pod_list_filters_by_cluster_namespace_phase_node_owner_and_name(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)

        async def names(**filters: str) -> list[str]:
            await tab.open(routes.pods(**filters))
            page = await tab.state(PodsState)
            assert page.view == "ready", page.problem
            return sorted(pod.name for pod in page.pods)

        checkout_pods = [f"checkout-7d9f8b-{suffix}" for suffix in ("aaaaa", "bbbbb", "ccccc")]
        assert await names() == [*checkout_pods, "debug-shell"]
        assert (
            await names(cluster=str(shop.cluster_id), namespace=str(shop.shop_id)) == checkout_pods
        )
        assert await names(phase="Pending") == ["checkout-7d9f8b-ccccc"]
        assert await names(cluster=str(shop.cluster_id), node="node-b") == ["debug-shell"]
        assert await names(owner_kind="Deployment", owner="checkout") == checkout_pods
        assert await names(q="bbb") == ["checkout-7d9f8b-bbbbb"]

        page = await tab.state(PodsState)
        assert page.filtered is True
        assert [choice.label for choice in page.cluster_choices] == ["prod-eu"]


@pytest.mark.anyio
async def test_choosing_a_cluster_offers_its_namespaces_and_nodes_and_drops_the_old_ones(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pods(namespace=str(shop.ops_id), node="node-b"))
        reply = await tab.fire(PodsState.filter_chosen, name="cluster", value=str(shop.cluster_id))
        assert reply.redirects == [f"/pods?cluster={shop.cluster_id}"]

        await tab.open(reply.redirects[0])
        page = await tab.state(PodsState)
        assert [choice.label for choice in page.namespace_choices] == ["ops", "shop"]
        assert [choice.label for choice in page.node_choices] == ["node-a", "node-b"]

        reply = await tab.fire(PodsState.filter_chosen, name="phase", value="all")
        assert reply.redirects == [f"/pods?cluster={shop.cluster_id}"]
        reply = await tab.fire(PodsState.search_typed, text=" check ")
        assert _parts(reply.redirects[0]) == (
            "/pods",
            {"cluster": str(shop.cluster_id), "q": "check"},
        )


@pytest.mark.anyio
async def test_the_namespace_page_shows_its_owner_cost_efficiency_and_its_lists(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.namespace(shop.shop_id))
        page = await tab.state(NamespaceDetailState)
        namespace = page.namespace
        assert (namespace.name, namespace.team, namespace.cost_center) == (
            "shop",
            "payments",
            "cc-42",
        )
        assert [(label.key, label.value) for label in namespace.labels] == [("team", "payments")]
        assert namespace.cost == "$12.40" and namespace.pods == "2 / 3 running"
        assert [view.resource for view in page.efficiency] == ["CPU", "Memory"]
        assert page.efficiency_basis.startswith("No samples")

        await tab.open(routes.namespace(shop.shop_id, tab="pods", sort="phase"))
        page = await tab.state(NamespaceDetailState)
        assert [pod.phase for pod in page.pods] == ["Pending", "Running", "Running"]
        assert page.workloads == [] and page.cost_chart.data == ()


@pytest.mark.anyio
async def test_the_workload_page_shows_replicas_containers_cost_share_and_its_pods(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.workload(shop.checkout_id))
        page = await tab.state(WorkloadDetailState)
        workload = page.workload
        assert (workload.desired, workload.ready, workload.available, workload.updated) == (
            3,
            2,
            2,
            3,
        )
        assert workload.health == "degraded"
        (container,) = workload.containers
        assert (container.cpu_request, container.cpu_limit) == ("250 m", "500 m")
        assert (container.memory_request, container.memory_limit) == ("256 MiB", "512 MiB")
        assert workload.namespace_cost == "$12.40"
        assert sorted(pod.name for pod in page.pods) == [
            f"checkout-7d9f8b-{suffix}" for suffix in ("aaaaa", "bbbbb", "ccccc")
        ]


@pytest.mark.anyio
async def test_the_pod_page_shows_containers_node_and_owner(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pod(shop.pod_ids[0]))
        pod = (await tab.state(PodDetailState)).pod
        assert (pod.name, pod.phase, pod.node) == ("checkout-7d9f8b-aaaaa", "Running", "node-a")
        assert (pod.owner_kind, pod.owner_name, pod.workload_id) == (
            "Deployment",
            "checkout",
            shop.checkout_id,
        )
        (container,) = pod.containers
        assert (container.state, container.cpu_request, container.memory_limit) == (
            "running",
            "250 m",
            "512 MiB",
        )


@pytest.mark.anyio
async def test_the_pod_page_says_why_a_pod_is_pending_and_the_pods_page_filters_by_reason(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pod(shop.pod_ids[2]))
        pod = (await tab.state(PodDetailState)).pod
        assert (pod.reason, pod.reason_message) == (
            "Unschedulable",
            "0/4 nodes are available: insufficient cpu",
        )
        assert [c.state for c in pod.containers] == ["waiting: Unscheduled"]

        await tab.open(routes.pods(reason="Unschedulable"))
        page = await tab.state(PodsState)
        assert [(row.name, row.reason) for row in page.pods] == [
            ("checkout-7d9f8b-ccccc", "Unschedulable")
        ]
        assert page.filters["reason"] == "Unschedulable" and page.filtered
        await tab.open(routes.pods(reason="any"))
        assert [row.name for row in (await tab.state(PodsState)).pods] == ["checkout-7d9f8b-ccccc"]
        await tab.open(routes.pods(reason="Sleepy"))
        page = await tab.state(PodsState)
        assert page.view == "invalid" and "reason" in page.problem


@pytest.mark.anyio
async def test_the_helm_release_page_shows_its_revision_history(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.helm_release(shop.release_id))
        page = await tab.state(HelmReleaseState)
        assert page.view == "ready"
        release = page.release
        assert (release.release.name, release.release.revision, release.description) == (
            "checkout",
            2,
            "Upgrade complete",
        )
        assert [
            (h.revision, h.status, h.chart, h.app_version, h.description) for h in release.history
        ] == [
            (2, "deployed", "checkout 1.4.2", "1.4.2", "Upgrade complete"),
            (1, "superseded", "checkout 1.4.1", "1.4.1", "Install complete"),
        ]


@pytest.mark.anyio
async def test_the_helm_page_lists_releases_and_filters_by_status(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.HELM)
        page = await tab.state(HelmState)
        assert [
            (row.name, row.chart, row.chart_version, row.cluster_name) for row in page.releases
        ] == [("checkout", "checkout", "1.4.2", "prod-eu")]
        await tab.open(routes.helm(status="failed"))
        page = await tab.state(HelmState)
        assert page.releases == [] and page.any_release is True and page.filtered is True


@pytest.mark.anyio
async def test_opening_a_page_empties_the_other_drilldown_pages(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.cluster(shop.cluster_id) + "?tab=namespaces")
        assert (await tab.state(ClusterDetailState)).namespaces
        await tab.open(routes.pod(shop.pod_ids[0]))
        cluster_page = await tab.state(ClusterDetailState)
        assert cluster_page.namespaces == [] and cluster_page.cluster is None
        assert cluster_page.view == "loading"


@pytest.mark.anyio
async def test_the_search_finds_the_orgs_objects_and_enter_opens_the_chosen_one(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open("/")
        await tab.fire(SearchState.typed, text="checkout")
        search = await tab.state(SearchState)
        assert [(option.kind, option.name) for option in search.options] == [
            ("Deployment", "checkout"),
            ("Pod", "checkout-7d9f8b-aaaaa"),
            ("Pod", "checkout-7d9f8b-bbbbb"),
            ("Pod", "checkout-7d9f8b-ccccc"),
            ("Helm release", "checkout"),
        ]
        assert "globex" not in tab.received_text()
        assert search.options[1].href == routes.pod(shop.pod_ids[0])

        await tab.fire(SearchState.key_pressed, key="ArrowDown")
        await tab.fire(SearchState.key_pressed, key="ArrowDown")
        reply = await tab.fire(SearchState.key_pressed, key="Enter")
        assert reply.redirects == [routes.pod(shop.pod_ids[1])]
        search = await tab.state(SearchState)
        assert search.options == [] and search.open is False


@pytest.mark.anyio
async def test_a_one_letter_search_asks_nothing_and_closes_the_list(shop):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open("/")
        await tab.fire(SearchState.typed, text="ch")
        assert (await tab.state(SearchState)).open is True
        await tab.fire(SearchState.typed, text="c")
        search = await tab.state(SearchState)
        assert search.options == [] and search.open is False


@pytest.mark.anyio
async def test_a_read_that_fails_says_so_on_the_page_instead_of_loading_forever(
    shop, monkeypatch: pytest.MonkeyPatch
):
    def broken(**_: object) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(explore, "pod_detail", broken)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.pod(shop.pod_ids[0]))
        page = await tab.state(PodDetailState)
        assert (page.view, page.refreshing, page.pod) == ("failed", False, None)


@pytest.mark.anyio
async def test_a_namespace_without_usage_data_is_told_why_it_has_no_efficiency(shop, make, session):
    # prod-eu has no metrics.k8s.io: a day of hourly syncs shows ops asking 400 m and 512 MiB.
    cluster = session.get(Cluster, shop.cluster_id)
    for hour in range(24):
        make.usage_snapshot(
            cluster,
            NOW - dt.timedelta(hours=hour + 1),
            namespaces={
                shop.ops_id: {"cpu_request_cores": 0.4, "memory_request_bytes": 512 * 2**20}
            },
            metrics_available=False,
        )
    async with EventDriver() as driver:
        tab = driver.tab(session_token=shop.token)
        await tab.open(routes.namespace(shop.ops_id))
        page = await tab.state(NamespaceDetailState)
        cpu, memory = page.efficiency
        assert (cpu.efficiency, cpu.known, cpu.unknown_reason) == ("—", False, "No usage data")
        assert (cpu.average_request, cpu.average_usage, memory.average_request) == (
            "400 m",
            "—",
            "512 MiB",
        )
        assert (
            cpu.no_hint_reason
            == memory.no_hint_reason
            == (
                "No usage data: the cluster reported no usage (metrics.k8s.io) in the last 7 days, "
                "so there is nothing to size the requests against."
            )
        )
        assert page.efficiency_basis == (
            "24 samples in the last 7 days, none with usage metrics: the cluster does not "
            "report usage (metrics.k8s.io)."
        )
