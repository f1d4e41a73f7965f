"""Lists and details of the drill-down, on one small fleet worked out by hand.

org "acme", read on 10 Mar 2026 at 12:00 UTC:
  prod (eks, production, healthy)
    nodes  node-a: 3.8 cores / 15 GiB allocatable, using 1.9 cores / 6 GiB
           node-b: 2 cores / 8 GiB, cordoned, spot, no usage figures;  node-old: deleted
    shop (team web, cc-1)
      Deployment web 3/3 → web-1..3 Running on node-a:
                                      0.5 core (uses 0.25), 1 GiB (uses 0.5 GiB) each
      Deployment worker 2 desired, 1 ready → worker-1 Running on node-b:
                                      1 core (uses 1.5), 1 GiB (uses 2 GiB)
                                    → worker-2 Pending, no node: 1 core, 1 GiB (not counted)
      StatefulSet db 1/1;  Deployment old: deleted
      job-1 Succeeded on node-a, owned by Job nightly (not counted);  gone-1: deleted
      PVCs data-db Bound 10 GiB, scratch Pending (1 GiB asked), lost: deleted
      Helm web (chart web 1.2.0, app 2.0, deployed, rev 3)
    search (team data, cc-2): search-1 Running on node-a, 0.25 core, 512 MiB
    kube-system: DaemonSet agent 2 desired, 2 ready, 1 updated; agent-1 on node-a, agent-2 on
                 node-b, 0.1 core, 128 MiB each; Helm agent (chart agent, failed)
    gone: a deleted namespace
  stage (gke, staging, degraded): shop (team web) with web-1, Helm web (deployed)
org "rival": cluster rival with shop, web, web-1, a node, a PVC and Helm web.

Month-to-date cost (monthly rows of March): prod shop $30 (web) + $5 (a second cost-center row),
search $10, idle $7; stage shop $4; rival shop $100; February's $999 for prod shop is no part of it.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlmodel import Session

from kube_console.errors import ValidationFailed
from kube_console.models import CostMonthly
from kube_console.security.authz import NotFound
from kube_console.services.explore import (
    cluster_health,
    cluster_overview,
    helm_release_detail,
    list_cluster_rows,
    list_helm_releases,
    list_namespaces,
    list_nodes,
    list_pods,
    list_pvcs,
    list_workloads,
    namespace_detail,
    pod_detail,
    workload_detail,
)
from kube_console.services.paging import PageRequest
from tests.conftest import _empty_all_tables
from tests.factories import Factory

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 12, tzinfo=UTC)
DELETED = dt.datetime(2026, 3, 9, tzinfo=UTC)
GIB, MIB = 2**30, 2**20


def _pod(make, namespace, name, *, cpu=0.0, cpu_used=None, memory=0, memory_used=None, **fields):
    """A pod of one container "app", stored as a sync stores it: usage per container apart."""
    running = fields.get("phase", "Running") == "Running"
    container = {
        "name": "app",
        "image": f"registry.example/{name}:1",
        "cpu_request_cores": cpu,
        "memory_request_bytes": memory,
        "cpu_limit_cores": cpu * 2 if cpu else None,
        "memory_limit_bytes": memory * 2 if memory else None,
        "restarts": fields.get("restarts", 0),
        "ready": running,
        "state": "running" if running else "waiting:ContainerCreating",
    }
    measured = cpu_used is not None or memory_used is not None
    return make.pod(
        namespace,
        name=name,
        containers=[container],
        container_usage={"app": [cpu_used, memory_used]} if measured else {},
        cpu_request_cores=cpu,
        memory_request_bytes=memory,
        cpu_usage_cores=cpu_used,
        memory_usage_bytes=memory_used,
        cpu_limit_cores=container["cpu_limit_cores"],
        memory_limit_bytes=container["memory_limit_bytes"],
        **fields,
    )


def _monthly(
    session,
    cluster,
    namespace,
    name,
    month,
    total,
    *,
    cpu=0.0,
    memory=0.0,
    storage=0.0,
    cost_center="cc-1",
):
    session.add(
        CostMonthly(
            org_id=cluster.org_id,
            cluster_id=cluster.id,
            namespace_id=namespace.id if namespace else None,
            namespace=name,
            month=month,
            cost_center=cost_center,
            cpu_cost=cpu,
            memory_cost=memory,
            storage_cost=storage,
            total_cost=total,
        )
    )
    session.commit()


@pytest.fixture(scope="module")
def fleet(_session_engine):
    """Built once per database for the whole module: its tests only read."""
    _empty_all_tables(_session_engine)
    with Session(_session_engine, expire_on_commit=False) as session:
        yield _build_fleet(session, Factory(session))


@pytest.fixture
def session(fleet):
    yield fleet.session
    fleet.session.rollback()


def _build_fleet(session, make):
    acme, rival_org = make.org("acme"), make.org("rival")
    prod = make.cluster(
        acme,
        name="prod",
        provider="eks",
        provider_name="Amazon EKS",
        version="v1.30.2",
        status="healthy",
        environment="production",
        api_latency_ms=12.5,
        metrics_available=True,
        health={
            "ok": True,
            "endpoint": "readyz",
            "checks": [{"name": "etcd", "ok": True}, {"name": "poststarthook/rbac", "ok": True}],
            "problems": {"metrics": "metrics.k8s.io: 503"},
        },
        node_count=2,
        ready_node_count=2,
        namespace_count=3,
        pod_count=10,
        running_pod_count=8,
        last_success_at=NOW - dt.timedelta(seconds=30),
    )
    stage = make.cluster(
        acme, name="stage", provider="gke", status="degraded", environment="staging"
    )
    rival = make.cluster(rival_org, name="rival", provider="eks", status="healthy")

    node_a = make.node(
        prod,
        name="node-a",
        ready=True,
        roles=["worker"],
        instance_type="m5.xlarge",
        zone="eu-west-1a",
        allocatable_cpu_cores=3.8,
        allocatable_memory_bytes=15 * GIB,
        allocatable_pods=110,
        capacity_cpu_cores=4.0,
        capacity_memory_bytes=16 * GIB,
        cpu_usage_cores=1.9,
        memory_usage_bytes=6 * GIB,
        created_at=dt.datetime(2026, 1, 1, tzinfo=UTC),
    )
    node_b = make.node(
        prod,
        name="node-b",
        ready=True,
        unschedulable=True,
        spot=True,
        roles=["worker"],
        instance_type="m5.large",
        zone="eu-west-1b",
        allocatable_cpu_cores=2.0,
        allocatable_memory_bytes=8 * GIB,
        capacity_cpu_cores=2.0,
        capacity_memory_bytes=8 * GIB,
        created_at=dt.datetime(2026, 2, 1, tzinfo=UTC),
    )
    make.node(prod, name="node-old", deleted_at=DELETED)

    shop = make.namespace(
        prod,
        name="shop",
        team="web",
        cost_center="cc-1",
        labels={"team": "web", "cost-center": "cc-1", "tier": "front"},
        created_at=dt.datetime(2025, 6, 1, tzinfo=UTC),
    )
    search = make.namespace(
        prod,
        name="search",
        team="data",
        cost_center="cc-2",
        created_at=dt.datetime(2025, 7, 1, tzinfo=UTC),
    )
    system = make.namespace(
        prod, name="kube-system", created_at=dt.datetime(2025, 1, 1, tzinfo=UTC)
    )
    gone = make.namespace(prod, name="gone", deleted_at=DELETED)
    stage_shop = make.namespace(stage, name="shop", team="web", cost_center="cc-1")
    rival_shop = make.namespace(rival, name="shop", team="web")

    template = [
        {
            "name": "app",
            "image": "registry.example/web:2.0",
            "cpu_request_cores": 0.5,
            "memory_request_bytes": GIB,
            "cpu_limit_cores": 1.0,
            "memory_limit_bytes": 2 * GIB,
        },
        {
            "name": "sidecar",
            "image": "registry.example/proxy:1",
            "cpu_request_cores": None,
            "memory_request_bytes": None,
            "cpu_limit_cores": None,
            "memory_limit_bytes": None,
        },
    ]
    web = make.workload(
        shop,
        name="web",
        replicas_desired=3,
        replicas_ready=3,
        replicas_available=3,
        replicas_updated=3,
        containers=template,
        labels={"app": "web"},
        selector={"app": "web"},
        cpu_request_cores=0.5,
        memory_request_bytes=GIB,
        created_at=dt.datetime(2026, 2, 1, tzinfo=UTC),
    )
    worker = make.workload(
        shop,
        name="worker",
        replicas_desired=2,
        replicas_ready=1,
        replicas_available=1,
        replicas_updated=2,
        cpu_request_cores=1.0,
        memory_request_bytes=GIB,
        created_at=dt.datetime(2026, 2, 2, tzinfo=UTC),
    )
    db = make.workload(
        shop,
        name="db",
        kind="StatefulSet",
        replicas_desired=1,
        replicas_ready=1,
        replicas_available=1,
        replicas_updated=1,
        created_at=dt.datetime(2026, 2, 3, tzinfo=UTC),
    )
    agent = make.workload(
        system,
        name="agent",
        kind="DaemonSet",
        replicas_desired=2,
        replicas_ready=2,
        replicas_available=2,
        replicas_updated=1,
        created_at=dt.datetime(2026, 2, 4, tzinfo=UTC),
    )
    make.workload(shop, name="old", deleted_at=DELETED)
    stage_web = make.workload(stage_shop, name="web", replicas_desired=0)
    rival_web = make.workload(
        rival_shop, name="web", replicas_desired=1, replicas_ready=1, replicas_updated=1
    )

    created = dt.datetime(2026, 3, 1, tzinfo=UTC)
    web_pods = [
        _pod(
            make,
            shop,
            f"web-{n}",
            cpu=0.5,
            cpu_used=0.25,
            memory=GIB,
            memory_used=GIB // 2,
            node_name="node-a",
            workload=web,
            created_at=created + dt.timedelta(hours=n),
            restarts=n - 1,
            status_reason="OOMKilled" if n == 3 else "",
            qos_class="Burstable",
            start_time=created + dt.timedelta(hours=n, seconds=5),
            labels={"app": "web"},
        )
        for n in (1, 2, 3)
    ]
    worker_1 = _pod(
        make,
        shop,
        "worker-1",
        cpu=1.0,
        cpu_used=1.5,
        memory=GIB,
        memory_used=2 * GIB,
        node_name="node-b",
        workload=worker,
        created_at=created + dt.timedelta(hours=4),
    )
    worker_2 = _pod(
        make,
        shop,
        "worker-2",
        cpu=1.0,
        memory=GIB,
        phase="Pending",
        status_reason="Unschedulable",
        status_message="0/4 nodes are available: insufficient cpu",
        workload=worker,
        created_at=created + dt.timedelta(hours=5),
    )
    job = _pod(
        make,
        shop,
        "job-1",
        cpu=0.1,
        memory=MIB,
        phase="Succeeded",
        node_name="node-a",
        owner_kind="Job",
        owner_name="nightly",
        created_at=created + dt.timedelta(hours=6),
    )
    _pod(make, shop, "gone-1", cpu=4.0, node_name="node-a", deleted_at=DELETED)
    search_1 = _pod(
        make,
        search,
        "search-1",
        cpu=0.25,
        cpu_used=0.2,
        memory=512 * MIB,
        memory_used=256 * MIB,
        node_name="node-a",
        created_at=created,
    )
    agents = [
        _pod(
            make,
            system,
            f"agent-{n}",
            cpu=0.1,
            cpu_used=0.05,
            memory=128 * MIB,
            memory_used=64 * MIB,
            node_name=node,
            workload=agent,
            created_at=created,
        )
        for n, node in ((1, "node-a"), (2, "node-b"))
    ]
    stage_pod = _pod(make, stage_shop, "web-1", cpu=0.5, node_name="stage-node", workload=stage_web)
    rival_pod = _pod(
        make,
        rival_shop,
        "web-1",
        cpu=8.0,
        node_name="rival-node",
        workload=rival_web,
        status_reason="Unschedulable",
    )

    data_db = make.pvc(
        shop,
        name="data-db",
        phase="Bound",
        storage_class="gp3",
        requested_bytes=10 * GIB,
        capacity_bytes=10 * GIB,
        access_modes=["ReadWriteOnce"],
        volume_name="pv-1",
        mounted_by=["db-0"],
        created_at=created,
    )
    scratch = make.pvc(
        shop,
        name="scratch",
        phase="Pending",
        requested_bytes=GIB,
        created_at=created + dt.timedelta(days=1),
    )
    make.pvc(shop, name="lost", phase="Bound", capacity_bytes=50 * GIB, deleted_at=DELETED)
    rival_pvc = make.pvc(rival_shop, name="data-db", phase="Bound", capacity_bytes=GIB)

    updated = dt.datetime(2026, 3, 5, tzinfo=UTC)
    helm_web = make.helm_release(
        shop,
        name="web",
        chart="web",
        chart_version="1.2.0",
        app_version="2.0",
        status="deployed",
        revision=3,
        updated_at=updated,
    )
    helm_agent = make.helm_release(
        system,
        name="agent",
        chart="agent",
        chart_version="0.9.1",
        app_version="0.9",
        status="failed",
        revision=7,
        updated_at=updated + dt.timedelta(days=1),
        description='Upgrade "agent" failed: timed out waiting for the condition',
        history=[
            {
                "revision": 7,
                "status": "failed",
                "chart": "agent",
                "chart_version": "0.9.1",
                "app_version": "0.9",
                "updated_at": "2026-03-06T00:00:00Z",
                "description": 'Upgrade "agent" failed: timed out waiting for the condition',
            },
            {
                "revision": 6,
                "status": "superseded",
                "chart": "agent",
                "chart_version": "0.9.0",
                "app_version": "0.9",
                "updated_at": "2026-03-01T00:00:00Z",
                "description": "Upgrade complete",
            },
        ],
    )
    make.helm_release(shop, name="retired", chart="web", status="deployed", deleted_at=DELETED)
    stage_helm = make.helm_release(
        stage_shop,
        name="web",
        chart="web",
        chart_version="1.3.0",
        status="deployed",
        revision=1,
        updated_at=updated - dt.timedelta(days=1),
    )
    rival_helm = make.helm_release(rival_shop, name="web", chart="web", status="deployed")

    march, february = dt.date(2026, 3, 1), dt.date(2026, 2, 1)
    _monthly(session, prod, shop, "shop", march, 30.0, cpu=20.0, memory=8.0, storage=2.0)
    _monthly(session, prod, shop, "shop", march, 5.0, cpu=3.0, memory=2.0, cost_center="cc-9")
    _monthly(session, prod, shop, "shop", february, 999.0, cpu=999.0)
    _monthly(session, prod, search, "search", march, 10.0, cpu=6.0, memory=4.0, cost_center="cc-2")
    _monthly(
        session, prod, None, "__idle__", march, 7.0, cpu=5.0, memory=2.0, cost_center="unallocated"
    )
    _monthly(session, stage, stage_shop, "shop", march, 4.0, cpu=4.0)
    _monthly(session, rival, rival_shop, "shop", march, 100.0, cpu=100.0)

    return SimpleNamespace(**locals())


def page(lister, session, org, **arguments):
    request = PageRequest(
        **{
            key: arguments.pop(key)
            for key in ("sort", "descending", "limit", "page", "cursor")
            if key in arguments
        }
    )
    return lister(session=session, org_id=org.id, request=request, **arguments)


def names(result):
    return [row.name for row in result.rows]


# ---------------------------------------------------------------- clusters


def test_cluster_rows_carry_counts_and_month_to_date_cost_with_idle(session, fleet):
    rows = page(list_cluster_rows, session, fleet.acme, now=NOW)
    assert (names(rows), rows.total) == (["prod", "stage"], 2)
    prod = rows.rows[0]
    assert (prod.provider, prod.provider_name, prod.pod_count, prod.month_to_date_cost) == (
        "eks",
        "Amazon EKS",
        10,
        52.0,
    )
    assert rows.rows[1].month_to_date_cost == 4.0
    assert names(page(list_cluster_rows, session, fleet.acme, sort="cost", now=NOW)) == [
        "stage",
        "prod",
    ]
    assert names(page(list_cluster_rows, session, fleet.rival_org, now=NOW)) == ["rival"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "degraded"}, ["stage"]),
        ({"environment": "production"}, ["prod"]),
        ({"provider": "gke"}, ["stage"]),
        ({"search": "ROD"}, ["prod"]),
        ({"status": "healthy", "provider": "gke"}, []),
    ],
)
def test_cluster_rows_filter(session, fleet, filters, expected):
    assert names(page(list_cluster_rows, session, fleet.acme, now=NOW, **filters)) == expected


def test_cluster_overview_shows_capacity_requests_usage_and_cost(session, fleet):
    overview = cluster_overview(
        session=session, org_id=fleet.acme.id, cluster_id=fleet.prod.id, now=NOW
    )
    assert (overview.name, overview.provider_name, overview.version) == (
        "prod",
        "Amazon EKS",
        "v1.30.2",
    )
    assert (overview.cpu_capacity_cores, overview.cpu_allocatable_cores) == (
        6.0,
        pytest.approx(5.8),
    )
    # web 3 × 0.5 + worker-1 1 + search-1 0.25 + agents 2 × 0.1
    # (worker-2 has no node, job-1 is done)
    assert overview.cpu_requested_cores == pytest.approx(2.95)
    assert overview.memory_requested_bytes == 4 * GIB + 512 * MIB + 256 * MIB
    assert (overview.cpu_used_cores, overview.memory_used_bytes) == (pytest.approx(1.9), 6 * GIB)
    assert (overview.memory_capacity_bytes, overview.memory_allocatable_bytes) == (
        24 * GIB,
        23 * GIB,
    )
    assert (overview.month, overview.month_to_date_cost, overview.month_to_date_idle_cost) == (
        "2026-03-01",
        45.0,
        7.0,
    )
    assert overview.currency == "USD"
    assert overview.health.components[0].name == "etcd" and overview.health.ok


def test_cluster_health_lists_components_and_problems(session, fleet):
    health = cluster_health(session=session, org_id=fleet.acme.id, cluster_id=fleet.prod.id)
    assert [(c.name, c.ok) for c in health.components] == [
        ("etcd", True),
        ("poststarthook/rbac", True),
    ]
    assert (health.endpoint, health.api_latency_ms, health.problems) == (
        "readyz",
        12.5,
        {"metrics": "metrics.k8s.io: 503"},
    )
    pending = cluster_health(session=session, org_id=fleet.acme.id, cluster_id=fleet.stage.id)
    assert (pending.ok, pending.components, pending.api_latency_ms, pending.last_success_at) == (
        False,
        [],
        None,
        "",
    )


def test_a_cluster_without_nodes_or_costs_has_zero_figures(session, fleet):
    overview = cluster_overview(
        session=session, org_id=fleet.acme.id, cluster_id=fleet.stage.id, now=NOW
    )
    assert (overview.cpu_capacity_cores, overview.cpu_used_cores, overview.memory_used_bytes) == (
        0.0,
        None,
        None,
    )
    assert (overview.month_to_date_cost, overview.month_to_date_idle_cost) == (4.0, 0.0)


# ---------------------------------------------------------------- namespaces


def test_namespaces_of_a_cluster_with_pods_requests_usage_and_cost(session, fleet):
    result = page(list_namespaces, session, fleet.acme, cluster_id=fleet.prod.id, now=NOW)
    assert names(result) == ["kube-system", "search", "shop"]  # "gone" is deleted
    shop = result.rows[2]
    assert (shop.team, shop.cost_center, shop.cluster_name) == ("web", "cc-1", "prod")
    assert (shop.pods_running, shop.pods_total) == (4, 6)
    assert (shop.cpu_request_cores, shop.cpu_usage_cores) == (
        pytest.approx(2.5),
        pytest.approx(2.25),
    )
    assert (shop.memory_request_bytes, shop.memory_usage_bytes) == (4 * GIB, 3 * GIB + GIB // 2)
    assert shop.month_to_date_cost == 35.0
    system = result.rows[0]
    assert (system.team, system.month_to_date_cost, system.pods_total) == ("unallocated", 0.0, 2)


def test_namespaces_across_the_org_and_their_filters(session, fleet):
    everything = page(list_namespaces, session, fleet.acme, sort="cluster", now=NOW)
    # Equal sort values fall back to the id: prod's namespaces in the order they were made.
    assert [(row.cluster_name, row.name) for row in everything.rows] == [
        ("prod", "shop"),
        ("prod", "search"),
        ("prod", "kube-system"),
        ("stage", "shop"),
    ]
    assert names(page(list_namespaces, session, fleet.acme, team="web", now=NOW)) == [
        "shop",
        "shop",
    ]
    assert names(page(list_namespaces, session, fleet.acme, cost_center="cc-2", now=NOW)) == [
        "search"
    ]
    assert names(page(list_namespaces, session, fleet.acme, search="Sys", now=NOW)) == [
        "kube-system"
    ]
    assert names(page(list_namespaces, session, fleet.rival_org, now=NOW)) == ["shop"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("cost", ["search", "shop"]),
        ("pods", ["search", "shop"]),
        ("cpu_request", ["search", "shop"]),
        ("memory_usage", ["search", "shop"]),
        ("age", ["shop", "search"]),
        ("team", ["search", "shop"]),
    ],
)
def test_namespaces_sort_by_their_figures(session, fleet, sort, expected):
    result = page(
        list_namespaces, session, fleet.acme, cluster_id=fleet.prod.id, sort=sort, now=NOW
    )
    assert [name for name in names(result) if name != "kube-system"] == expected


def test_namespaces_sorted_by_cost_page_with_cursors(session, fleet):
    first = page(
        list_namespaces, session, fleet.acme, sort="cost", descending=True, limit=2, now=NOW
    )
    assert [(row.name, row.month_to_date_cost) for row in first.rows] == [
        ("shop", 35.0),
        ("search", 10.0),
    ]
    second = page(
        list_namespaces,
        session,
        fleet.acme,
        sort="cost",
        descending=True,
        limit=2,
        cursor=first.next_cursor,
        now=NOW,
    )
    assert [(row.cluster_name, row.name, row.month_to_date_cost) for row in second.rows] == [
        ("stage", "shop", 4.0),
        ("prod", "kube-system", 0.0),
    ]
    assert second.next_cursor == ""


def test_namespace_detail_has_labels_counts_and_storage(session, fleet):
    detail = namespace_detail(
        session=session, org_id=fleet.acme.id, namespace_id=fleet.shop.id, now=NOW
    )
    assert detail.labels == {"team": "web", "cost-center": "cc-1", "tier": "front"}
    assert (detail.namespace.name, detail.namespace.month_to_date_cost) == ("shop", 35.0)
    assert (detail.workload_count, detail.pvc_count, detail.storage_bytes) == (3, 2, 10 * GIB)
    assert (detail.currency, detail.deleted_at) == ("USD", "")


def test_a_deleted_namespace_still_opens_flagged(session, fleet):
    assert "gone" not in names(
        page(list_namespaces, session, fleet.acme, cluster_id=fleet.prod.id, now=NOW)
    )
    detail = namespace_detail(
        session=session, org_id=fleet.acme.id, namespace_id=fleet.gone.id, now=NOW
    )
    assert detail.deleted_at == DELETED.isoformat()


# ---------------------------------------------------------------- nodes


def test_nodes_with_requests_usage_and_pods(session, fleet):
    result = page(list_nodes, session, fleet.acme, cluster_id=fleet.prod.id)
    assert names(result) == ["node-a", "node-b"]
    node_a, node_b = result.rows
    # web 3 × 0.5 + search-1 0.25 + agent-1 0.1; job-1 (Succeeded) and gone-1 (deleted) do not count
    assert (node_a.pods, node_a.cpu_requested_cores) == (5, pytest.approx(1.85))
    assert node_a.cpu_requested_ratio == pytest.approx(1.85 / 3.8)
    assert node_a.memory_requested_bytes == 3 * GIB + 512 * MIB + 128 * MIB
    assert (node_a.cpu_used_ratio, node_a.memory_used_ratio) == (
        pytest.approx(0.5),
        pytest.approx(0.4),
    )
    assert (node_a.status, node_a.roles, node_a.instance_type, node_a.zone, node_a.spot) == (
        "Ready",
        ["worker"],
        "m5.xlarge",
        "eu-west-1a",
        False,
    )
    assert (node_b.status, node_b.spot, node_b.pods, node_b.cpu_requested_cores) == (
        "Ready, SchedulingDisabled",
        True,
        2,
        pytest.approx(1.1),
    )
    assert (node_b.cpu_used_cores, node_b.cpu_used_ratio, node_b.cpu_requested_ratio) == (
        None,
        None,
        pytest.approx(0.55),
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("cpu_requested", ["node-a", "node-b"]),
        ("memory_requested", ["node-b", "node-a"]),
        ("cpu_used", ["node-b", "node-a"]),
        ("pods", ["node-b", "node-a"]),
        ("spot", ["node-a", "node-b"]),
        ("status", ["node-b", "node-a"]),
        ("zone", ["node-a", "node-b"]),
        ("age", ["node-a", "node-b"]),
    ],
)
def test_nodes_sort_by_their_figures(session, fleet, sort, expected):
    assert names(page(list_nodes, session, fleet.acme, sort=sort)) == expected


def test_nodes_filter_by_name_and_hide_deleted(session, fleet):
    assert names(page(list_nodes, session, fleet.acme, search="-B")) == ["node-b"]
    assert "node-old" not in names(page(list_nodes, session, fleet.acme))
    assert names(page(list_nodes, session, fleet.acme, cluster_id=fleet.stage.id)) == []


# ---------------------------------------------------------------- workloads


def test_workloads_with_replica_health(session, fleet):
    result = page(list_workloads, session, fleet.acme, cluster_id=fleet.prod.id)
    assert [(row.name, row.kind, row.health) for row in result.rows] == [
        ("agent", "DaemonSet", "progressing"),
        ("db", "StatefulSet", "healthy"),
        ("web", "Deployment", "healthy"),
        ("worker", "Deployment", "degraded"),
    ]
    stage = page(list_workloads, session, fleet.acme, cluster_id=fleet.stage.id)
    assert [(row.name, row.health) for row in stage.rows] == [("web", "scaled_down")]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "Deployment"}, ["web", "web", "worker"]),
        ({"kind": "StatefulSet"}, ["db"]),
        ({"search": "WOR"}, ["worker"]),
        ({"kind": "DaemonSet", "search": "web"}, []),
    ],
)
def test_workloads_filter(session, fleet, filters, expected):
    assert names(page(list_workloads, session, fleet.acme, **filters)) == expected


def test_workloads_of_a_namespace(session, fleet):
    assert names(
        page(
            list_workloads,
            session,
            fleet.acme,
            namespace_id=fleet.shop.id,
            sort="desired",
            descending=True,
        )
    ) == ["web", "worker", "db"]


def test_an_unknown_workload_kind_is_refused(session, fleet):
    with pytest.raises(ValidationFailed) as failure:
        page(list_workloads, session, fleet.acme, kind="CronJob")
    assert "kind" in failure.value.by_field()


def test_workload_detail_with_containers_and_cost_share(session, fleet):
    detail = workload_detail(
        session=session, org_id=fleet.acme.id, workload_id=fleet.web.id, now=NOW
    )
    assert (detail.workload.replicas_desired, detail.workload.replicas_ready) == (3, 3)
    assert [(c.name, c.cpu_request_cores, c.memory_limit_bytes) for c in detail.containers] == [
        ("app", 0.5, 2 * GIB),
        ("sidecar", None, None),
    ]
    assert (detail.pods_total, detail.pods_running, detail.selector) == (3, 3, {"app": "web"})
    share = detail.cost_share
    # Allocation per container, max(request, usage): web pods 3 × 0.5 core and 3 × 1 GiB; worker-1
    # 1.5 cores and 2 GiB; worker-2 has no node and does not count.
    assert (share.pods_counted, share.cpu_alloc_cores, share.namespace_cpu_alloc_cores) == (
        3,
        1.5,
        3.0,
    )
    assert (share.memory_alloc_bytes, share.namespace_memory_alloc_bytes) == (3 * GIB, 5 * GIB)
    assert (share.cpu_share, share.memory_share) == (0.5, 0.6)
    assert (share.namespace_cpu_cost, share.namespace_memory_cost, share.namespace_cost) == (
        23.0,
        10.0,
        35.0,
    )
    assert share.cost == pytest.approx(0.5 * 23 + 0.6 * 10)
    assert share.share_of_namespace_cost == pytest.approx(17.5 / 35)
    assert (share.month, share.currency) == ("2026-03-01", "USD")


def test_a_workload_without_counted_pods_or_costs_has_no_share(session, fleet):
    share = workload_detail(
        session=session, org_id=fleet.acme.id, workload_id=fleet.db.id, now=NOW
    ).cost_share
    assert (share.pods_counted, share.cpu_share is not None, share.cost) == (0, True, 0.0)
    lonely = workload_detail(
        session=session, org_id=fleet.acme.id, workload_id=fleet.stage_web.id, now=NOW
    ).cost_share
    assert (lonely.cpu_alloc_cores, lonely.namespace_cost, lonely.cost) == (
        0.5,
        4.0,
        pytest.approx(4.0),
    )


# ---------------------------------------------------------------- pods


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {},
            [
                "agent-1",
                "agent-2",
                "job-1",
                "search-1",
                "web-1",
                "web-1",
                "web-2",
                "web-3",
                "worker-1",
                "worker-2",
            ],
        ),
        ({"phase": "Pending"}, ["worker-2"]),
        ({"reason": "Unschedulable"}, ["worker-2"]),
        ({"reason": "OOMKilled"}, ["web-3"]),
        ({"reason": "any"}, ["web-3", "worker-2"]),
        ({"reason": "CrashLoopBackOff"}, []),
        ({"node": "node-b"}, ["agent-2", "worker-1"]),
        ({"owner_kind": "Job", "owner_name": "nightly"}, ["job-1"]),
        ({"owner_name": "agent"}, ["agent-1", "agent-2"]),
        ({"search": "eb-"}, ["web-1", "web-1", "web-2", "web-3"]),
        ({"search": "WEB-2"}, ["web-2"]),
        ({"phase": "Running", "node": "node-a", "search": "web"}, ["web-1", "web-2", "web-3"]),
    ],
)
def test_pods_filter(session, fleet, filters, expected):
    assert names(page(list_pods, session, fleet.acme, **filters)) == expected


def test_pods_filter_by_cluster_namespace_and_workload(session, fleet):
    assert names(page(list_pods, session, fleet.acme, cluster_id=fleet.stage.id)) == ["web-1"]
    assert names(page(list_pods, session, fleet.acme, namespace_id=fleet.search.id)) == ["search-1"]
    assert names(page(list_pods, session, fleet.acme, workload_id=fleet.worker.id)) == [
        "worker-1",
        "worker-2",
    ]
    assert (
        names(
            page(
                list_pods,
                session,
                fleet.acme,
                cluster_id=fleet.prod.id,
                namespace_id=fleet.stage_shop.id,
            )
        )
        == []
    )


def test_pod_rows_carry_their_figures(session, fleet):
    web_2 = page(list_pods, session, fleet.acme, namespace_id=fleet.shop.id, search="web-2").rows[0]
    assert (
        web_2.cluster_name,
        web_2.namespace,
        web_2.node_name,
        web_2.owner_kind,
        web_2.owner_name,
    ) == ("prod", "shop", "node-a", "Deployment", "web")
    assert (web_2.workload_id, web_2.containers_ready, web_2.containers_total, web_2.restarts) == (
        fleet.web.id,
        1,
        1,
        1,
    )
    assert (web_2.cpu_request_cores, web_2.cpu_usage_cores, web_2.memory_usage_bytes) == (
        0.5,
        0.25,
        GIB // 2,
    )
    pending = page(list_pods, session, fleet.acme, phase="Pending").rows[0]
    assert (pending.node_name, pending.cpu_usage_cores, pending.containers_ready) == ("", None, 0)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("restarts", ["web-3", "web-2"]),
        ("cpu_usage", ["worker-1", "web-3"]),  # web-1..3 tie at 0.25: the later id first
        ("memory_request", ["worker-2", "worker-1"]),  # five pods tie at 1 GiB
        ("node", ["web-1", "agent-2"]),  # stage's web-1 runs on "stage-node"
        ("age", ["web-1", "job-1"]),  # stage's web-1 has no creation time: first seen now
        ("namespace", ["web-1", "job-1"]),
        ("cluster", ["web-1", "agent-2"]),
    ],
)
def test_pods_sort_descending_by_their_columns(session, fleet, sort, expected):
    assert (
        names(page(list_pods, session, fleet.acme, sort=sort, descending=True, limit=2)) == expected
    )


def test_pod_detail_shows_containers_owner_and_node(session, fleet):
    detail = pod_detail(session=session, org_id=fleet.acme.id, pod_id=fleet.web_pods[0].id)
    assert (detail.pod.name, detail.pod.node_name, detail.workload_kind, detail.workload_name) == (
        "web-1",
        "node-a",
        "Deployment",
        "web",
    )
    assert (detail.qos_class, detail.cpu_limit_cores, detail.memory_limit_bytes, detail.labels) == (
        "Burstable",
        1.0,
        2 * GIB,
        {"app": "web"},
    )
    assert (
        detail.start_time == "2026-03-01T01:00:05+00:00"
        and detail.pod.created_at == "2026-03-01T01:00:00+00:00"
    )
    [container] = detail.containers
    assert (container.name, container.state, container.ready, container.restarts) == (
        "app",
        "running",
        True,
        0,
    )
    assert (container.cpu_request_cores, container.cpu_limit_cores, container.cpu_usage_cores) == (
        0.5,
        1.0,
        0.25,
    )
    job = pod_detail(session=session, org_id=fleet.acme.id, pod_id=fleet.job.id)
    assert (job.pod.owner_kind, job.pod.owner_name, job.pod.workload_id, job.workload_kind) == (
        "Job",
        "nightly",
        None,
        "",
    )


# ---------------------------------------------------------------- PVCs and Helm releases


def test_pvcs_list_and_filter(session, fleet):
    result = page(list_pvcs, session, fleet.acme, namespace_id=fleet.shop.id)
    assert names(result) == ["data-db", "scratch"]  # "lost" is deleted
    data_db = result.rows[0]
    assert (
        data_db.storage_class,
        data_db.capacity_bytes,
        data_db.access_modes,
        data_db.mounted_by,
    ) == ("gp3", 10 * GIB, ["ReadWriteOnce"], ["db-0"])
    assert names(page(list_pvcs, session, fleet.acme, phase="Pending")) == ["scratch"]
    assert names(page(list_pvcs, session, fleet.acme, search="scr")) == ["scratch"]
    assert names(page(list_pvcs, session, fleet.acme, cluster_id=fleet.stage.id)) == []
    assert names(page(list_pvcs, session, fleet.acme, sort="capacity")) == ["scratch", "data-db"]


def test_helm_releases_across_clusters(session, fleet):
    result = page(list_helm_releases, session, fleet.acme, sort="cluster")
    assert [(row.cluster_name, row.name) for row in result.rows][-1] == ("stage", "web")
    assert sorted((row.cluster_name, row.name) for row in result.rows) == [
        ("prod", "agent"),
        ("prod", "web"),
        ("stage", "web"),
    ]
    web = next(row for row in result.rows if row.cluster_name == "prod" and row.name == "web")
    assert (
        web.chart,
        web.chart_version,
        web.app_version,
        web.status,
        web.revision,
        web.namespace,
    ) == ("web", "1.2.0", "2.0", "deployed", 3, "shop")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "failed"}, [("prod", "agent")]),
        ({"namespace": "shop"}, [("prod", "web"), ("stage", "web")]),
        ({"chart": "web"}, [("prod", "web"), ("stage", "web")]),
        ({"search": "AGE"}, [("prod", "agent")]),
        ({"namespace": "shop", "status": "failed"}, []),
    ],
)
def test_helm_releases_filter(session, fleet, filters, expected):
    result = page(list_helm_releases, session, fleet.acme, sort="cluster", **filters)
    assert [(row.cluster_name, row.name) for row in result.rows] == expected


def test_helm_releases_of_one_cluster_and_their_sorts(session, fleet):
    assert names(page(list_helm_releases, session, fleet.acme, cluster_id=fleet.stage.id)) == [
        "web"
    ]
    assert [
        row.revision for row in page(list_helm_releases, session, fleet.acme, sort="revision").rows
    ] == [1, 3, 7]
    assert [
        row.cluster_name
        for row in page(list_helm_releases, session, fleet.acme, sort="updated").rows
    ] == ["stage", "prod", "prod"]
    detail = helm_release_detail(
        session=session, org_id=fleet.acme.id, release_id=fleet.helm_agent.id
    )
    release = detail.release
    assert (release.name, release.status, release.cluster_name) == ("agent", "failed", "prod")
    assert release.description.startswith('Upgrade "agent" failed')
    assert [
        (h.revision, h.status, h.chart_version, h.app_version, h.updated_at, h.description)
        for h in detail.history
    ] == [
        (7, "failed", "0.9.1", "0.9", "2026-03-06T00:00:00Z", release.description),
        (6, "superseded", "0.9.0", "0.9", "2026-03-01T00:00:00Z", "Upgrade complete"),
    ]
    assert detail.deleted_at == ""


def test_a_pod_row_and_its_detail_say_why_it_is_pending(session, fleet):
    [worker_2] = page(list_pods, session, fleet.acme, search="worker-2").rows
    assert (worker_2.status_reason, worker_2.status_message) == (
        "Unschedulable",
        "0/4 nodes are available: insufficient cpu",
    )
    detail = pod_detail(session=session, org_id=fleet.acme.id, pod_id=worker_2.id)
    assert detail.pod.status_reason == "Unschedulable"
    assert [c.last_state for c in detail.containers] == [""]


# ---------------------------------------------------------------- every sort, and the org boundary

SORTS = {
    list_cluster_rows: [
        "name",
        "environment",
        "provider",
        "status",
        "nodes",
        "pods",
        "last_success",
        "cost",
    ],
    list_namespaces: [
        "name",
        "cluster",
        "team",
        "cost_center",
        "age",
        "pods",
        "pods_running",
        "cpu_request",
        "cpu_usage",
        "memory_request",
        "memory_usage",
        "cost",
    ],
    list_nodes: [
        "name",
        "cluster",
        "status",
        "instance_type",
        "zone",
        "spot",
        "cpu_allocatable",
        "memory_allocatable",
        "cpu_requested",
        "memory_requested",
        "cpu_used",
        "memory_used",
        "pods",
        "age",
    ],
    list_workloads: [
        "name",
        "namespace",
        "cluster",
        "kind",
        "desired",
        "ready",
        "cpu_request",
        "memory_request",
        "age",
    ],
    list_pods: [
        "name",
        "namespace",
        "cluster",
        "phase",
        "node",
        "restarts",
        "cpu_request",
        "memory_request",
        "cpu_usage",
        "memory_usage",
        "age",
    ],
    list_pvcs: ["name", "namespace", "cluster", "phase", "storage_class", "capacity", "age"],
    list_helm_releases: ["name", "namespace", "cluster", "chart", "status", "revision", "updated"],
}


@pytest.mark.parametrize(
    ("lister", "sort"), [(lister, sort) for lister, sorts in SORTS.items() for sort in sorts]
)
def test_every_sort_pages_by_cursor_the_same_rows_as_one_page(session, fleet, lister, sort):
    whole = page(lister, session, fleet.acme, sort=sort, descending=True, limit=500)
    walked, cursor = [], ""
    while True:
        part = page(lister, session, fleet.acme, sort=sort, descending=True, limit=2, cursor=cursor)
        walked += [row.id for row in part.rows]
        if not (cursor := part.next_cursor):
            break
    assert walked == [row.id for row in whole.rows] and whole.total == len(walked) > 0


def test_sort_whitelists_are_exactly_these(session, fleet):
    for lister, sorts in SORTS.items():
        with pytest.raises(ValidationFailed) as failure:
            page(lister, session, fleet.acme, sort="id")
        assert failure.value.by_field()["sort"] == f"choose one of: {', '.join(sorted(sorts))}"


def test_another_orgs_ids_are_not_found(session, fleet):
    acme = fleet.acme.id
    for attempt in (
        lambda: cluster_overview(session=session, org_id=acme, cluster_id=fleet.rival.id),
        lambda: cluster_health(session=session, org_id=acme, cluster_id=fleet.rival.id),
        lambda: namespace_detail(session=session, org_id=acme, namespace_id=fleet.rival_shop.id),
        lambda: workload_detail(session=session, org_id=acme, workload_id=fleet.rival_web.id),
        lambda: pod_detail(session=session, org_id=acme, pod_id=fleet.rival_pod.id),
        lambda: helm_release_detail(session=session, org_id=acme, release_id=fleet.rival_helm.id),
        lambda: page(list_namespaces, session, fleet.acme, cluster_id=fleet.rival.id),
        lambda: page(list_nodes, session, fleet.acme, cluster_id=fleet.rival.id),
        lambda: page(list_workloads, session, fleet.acme, cluster_id=fleet.rival.id),
        lambda: page(list_workloads, session, fleet.acme, namespace_id=fleet.rival_shop.id),
        lambda: page(list_pods, session, fleet.acme, cluster_id=fleet.rival.id),
        lambda: page(list_pods, session, fleet.acme, namespace_id=fleet.rival_shop.id),
        lambda: page(list_pods, session, fleet.acme, workload_id=fleet.rival_web.id),
        lambda: page(list_pvcs, session, fleet.acme, namespace_id=fleet.rival_shop.id),
        lambda: page(list_helm_releases, session, fleet.acme, cluster_id=fleet.rival.id),
        lambda: pod_detail(session=session, org_id=acme, pod_id=10**9),
    ):
        with pytest.raises(NotFound):
            attempt()


def test_org_wide_lists_never_show_another_orgs_rows(session, fleet):
    own = {fleet.prod.id, fleet.stage.id}
    for lister in SORTS:
        rows = page(lister, session, fleet.acme, limit=500).rows
        assert (
            rows
            and {row.id if lister is list_cluster_rows else row.cluster_id for row in rows} <= own
        )
    rival_pods = page(list_pods, session, fleet.rival_org)
    assert [(row.name, row.cpu_request_cores) for row in rival_pods.rows] == [("web-1", 8.0)]
