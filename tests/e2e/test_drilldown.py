"""The drill-down in Chromium, on a cluster of the fake API server synced and costed into the
console's database: cluster → namespace → deployment → pod with the expected names and figures,
the global search jumping to a pod, the pod list filtered by phase and by reason, why a pod is
pending or crash-looping, a Helm release's revision history, the stale marks on an unreachable
cluster's figures, and ids that are not there.

The fleet belongs to its own organization (Umbrella), so the Initech pages other tests check
for empty states stay empty.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from kube_console.costs.node_price_sources import node_prices_now
from kube_console.db import make_engine
from kube_console.formatting import format_money, format_unit_price
from kube_console.models import Cluster, Organization
from kube_console.security.keyring import Keyring
from kube_console.services import explore
from kube_console.services.paging import PageRequest
from tests.e2e.conftest import Account, Console, console_database_path, sign_in_as
from tests.fakekube import builders
from tests.fakekube.cluster import FakeCluster
from tests.fakekube.server import FakeKubeServer
from tests.support.synced_fleet import SHOP, fetch_snapshots, shop_cluster, sync_fleet

UMBRELLA_ADMIN = Account("ada@umbrella.test", "ada's long password", "admin", "Ada Wong")
CLUSTER = "prod-eu"
STALE_CLUSTER = "edge-offline"  # unreachable: tried a moment ago, last read 10 minutes ago
CRASHING_POD = "reports-6f7c9-zzzzz"
FAILED_UPGRADE = 'Upgrade "checkout" failed: timed out waiting for the condition'
VALUES_SECRET = "e2e-values-hunter2"


@dataclass(frozen=True)
class Fleet:
    cluster_id: int
    namespace_id: int
    foreign_cluster_id: int
    cluster_cost: str  # this month so far, idle included, as the pages write it
    namespace_cost: str
    running_pods: int
    total_pods: int
    pending_pods: int
    node: str  # a node of the cluster, its hourly price as the Nodes tab writes it, and its source
    node_price: str
    node_price_source: str
    stale_cluster_id: int
    release_id: int


def _with_trouble(cluster: FakeCluster) -> FakeCluster:
    """A crash-looping pod (OOMKilled last time) outside the shop, and a second, failed
    revision of the shop's Helm release whose values hold a password."""
    namespace = cluster.objects("Namespace")[0]["metadata"]["name"]
    container = builders.container(
        "reports", "ghcr.io/acme/reports:2.0.1", requests={"cpu": "100m"}
    )
    cluster.add(
        builders.pod(
            namespace,
            CRASHING_POD,
            containers=[container],
            waiting_reason="CrashLoopBackOff",
            restarts=[6],
        )
    )
    cluster.add(
        builders.helm_release_secret(
            SHOP.namespace,
            SHOP.deployment,
            2,
            chart=SHOP.chart,
            chart_version="1.5.0",
            app_version="1.5.0",
            status="failed",
            description=FAILED_UPGRADE,
            values={"db": {"password": VALUES_SECRET}},
        )
    )
    return cluster


def _org_id(console: Console, name: str) -> int:
    with sqlite3.connect(console_database_path(console)) as db:
        return db.execute("SELECT id FROM organizations WHERE name = ?", (name,)).fetchone()[0]


@pytest.fixture(scope="module")
def fleet(console: Console) -> Iterator[Fleet]:
    made = console.cli(
        "create-admin",
        "--org",
        "Umbrella",
        "--email",
        UMBRELLA_ADMIN.email,
        "--name",
        UMBRELLA_ADMIN.name,
        stdin=UMBRELLA_ADMIN.password + "\n",
    )
    assert made.returncode == 0, made.stderr
    database_url = console.env["KUBE_CONSOLE_DB_URL"]
    org_id = _org_id(console, "Umbrella")
    with FakeKubeServer() as server:  # serving on, for the console's scheduler to sync
        ids = sync_fleet(
            database_url,
            org_id=org_id,
            snapshots=fetch_snapshots([_with_trouble(shop_cluster(CLUSTER, seed=3))], server),
            hours=3,
            credentials={CLUSTER: server.credentials_for(CLUSTER)},
            keyring=Keyring.parse(console.env["KUBE_CONSOLE_ENCRYPTION_KEYS"]),
        )
        yield _figures(database_url, org_id, ids[CLUSTER])


def _figures(database_url: str, org_id: int, cluster_id: int) -> Fleet:
    """What the pages must show, read through the services, and an id of another org."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        globex = Organization(name="Globex")
        session.add(globex)
        session.flush()
        foreign = Cluster(org_id=globex.id, name="globex-prod")
        now = dt.datetime.now(dt.UTC)
        stale = Cluster(
            org_id=org_id,
            name=STALE_CLUSTER,
            status="unreachable",
            last_error="the API server did not answer",
            node_count=4,
            ready_node_count=4,
            pod_count=12,
            running_pod_count=12,
            namespace_count=3,
            last_success_at=now - dt.timedelta(minutes=10),
            last_sync_at=now - dt.timedelta(seconds=1),
            last_sync_duration_ms=5000.0,
            # Not due again for a day: the console's scheduler leaves it as it is.
            next_sync_at=now + dt.timedelta(days=1),
        )
        session.add_all([foreign, stale])
        session.commit()
        (release,) = explore.list_helm_releases(
            session=session, org_id=org_id, request=PageRequest(), search=SHOP.deployment
        ).rows
        overview = explore.cluster_overview(session=session, org_id=org_id, cluster_id=cluster_id)
        (shop,) = explore.list_namespaces(
            session=session,
            org_id=org_id,
            request=PageRequest(),
            cluster_id=cluster_id,
            search=SHOP.namespace,
        ).rows
        first_node = explore.list_nodes(
            session=session, org_id=org_id, request=PageRequest(limit=1), cluster_id=cluster_id
        ).rows[0]
        node_price = node_prices_now(session=session, org_id=org_id, node_ids=[first_node.id])[
            first_node.id
        ]
        pending = explore.list_pods(
            session=session, org_id=org_id, request=PageRequest(limit=500), phase="Pending"
        ).total
        fleet = Fleet(
            cluster_id=cluster_id,
            namespace_id=shop.id,
            foreign_cluster_id=foreign.id,
            cluster_cost=format_money(
                overview.month_to_date_cost + overview.month_to_date_idle_cost
            ),
            namespace_cost=format_money(shop.month_to_date_cost),
            running_pods=overview.running_pod_count,
            total_pods=overview.pod_count,
            pending_pods=pending,
            node=first_node.name,
            node_price=format_unit_price(node_price.price_per_hour, node_price.currency) + "/h",
            node_price_source=node_price.source,
            stale_cluster_id=stale.id,
            release_id=release.id,
        )
    engine.dispose()
    assert shop.month_to_date_cost > 0, "the cost job priced the sampled hours"
    return fleet


@pytest.fixture(scope="module")
def signed_in(browser: Browser, console: Console, fleet: Fleet) -> Iterator[Page]:
    """One signed-in tab for the module's tests (signing in is the slow part of each); every
    test starts by going to a page of its own."""
    context = browser.new_context(base_url=console.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_as(page, UMBRELLA_ADMIN)
    yield page
    context.close()


def test_drilling_down_from_a_cluster_to_a_pod_shows_each_level_with_its_figures(
    signed_in: Page, fleet: Fleet
):
    page = signed_in
    page.goto(f"/clusters/{fleet.cluster_id}")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=CLUSTER)).to_be_visible()
    expect(main).to_contain_text(f"{fleet.running_pods} / {fleet.total_pods} running")
    expect(main).to_contain_text(fleet.cluster_cost)
    expect(main.get_by_text("Healthy", exact=True)).to_be_visible()

    page.get_by_role("link", name="Nodes", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?tab=nodes$"))
    node_row = page.get_by_role("row").filter(has=page.get_by_text(fleet.node, exact=True))
    expect(node_row).to_contain_text(fleet.node_price)  # its hourly price, and where it came from
    expect(node_row).to_contain_text(fleet.node_price_source)

    page.get_by_role("link", name="Namespaces").click()
    expect(page).to_have_url(re.compile(r"\?tab=namespaces$"))
    shop_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=SHOP.namespace, exact=True)
    )
    expect(shop_row).to_contain_text(SHOP.team)
    expect(shop_row).to_contain_text(SHOP.cost_center)
    expect(shop_row).to_contain_text("2 / 3")
    expect(shop_row).to_contain_text("500 m")  # the two running replicas' requests
    expect(shop_row).to_contain_text("512 MiB")
    expect(shop_row).to_contain_text(fleet.namespace_cost)

    shop_row.get_by_role("link", name=SHOP.namespace, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/namespaces/{fleet.namespace_id}/?$"))
    expect(main.get_by_role("heading", name=SHOP.namespace)).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link", name=CLUSTER)).to_be_visible()
    expect(main).to_contain_text(SHOP.team)
    expect(main).to_contain_text(SHOP.cost_center)
    expect(main).to_contain_text(fleet.namespace_cost)
    expect(main.get_by_text("team=payments")).to_be_visible()

    page.get_by_role("link", name="Workloads").click()
    page.get_by_role("link", name=SHOP.deployment, exact=True).click()
    expect(main.get_by_role("heading", name=SHOP.deployment)).to_be_visible()
    expect(main.get_by_text("Degraded")).to_be_visible()
    containers = page.get_by_role("table", name="Containers")
    expect(containers).to_contain_text("250 m")
    expect(containers).to_contain_text("500 m")
    expect(containers).to_contain_text("256 MiB")
    expect(containers).to_contain_text("512 MiB")
    pods = page.get_by_role("table", name="Pods")
    expect(pods.get_by_role("row")).to_have_count(1 + len(SHOP.pod_names))

    running_pod = SHOP.pod_names[0]
    pods.get_by_role("link", name=running_pod).click()
    expect(main.get_by_role("heading", name=running_pod)).to_be_visible()
    expect(main.get_by_text("Running", exact=True).first).to_be_visible()
    expect(
        main.get_by_role("link", name=re.compile(rf"Deployment\s*{SHOP.deployment}"))
    ).to_be_visible()
    pod_containers = page.get_by_role("table", name="Containers")
    expect(pod_containers).to_contain_text("250 m")  # requested
    expect(pod_containers).to_contain_text("100 m")  # used
    expect(pod_containers).to_contain_text("512 MiB")  # limit
    expect(main.get_by_role("status").filter(has_text="updated")).to_be_visible()


def test_the_global_search_jumps_to_a_pod(signed_in: Page, fleet: Fleet):
    page = signed_in
    page.goto("/")
    search = page.get_by_role("combobox", name="Search")
    search.fill(SHOP.pending_pod[:-2])
    option = page.get_by_role("option", name=re.compile(SHOP.pending_pod))
    expect(option).to_be_visible()
    search.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/pods/\d+/?$"))
    expect(page.get_by_role("main").get_by_role("heading", name=SHOP.pending_pod)).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Not scheduled yet")).to_be_visible()


def test_the_pod_list_filters_by_phase_and_keeps_the_filter_in_the_url(
    signed_in: Page, fleet: Fleet
):
    page = signed_in
    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Pods").click()
    table = page.get_by_role("table", name="Pods")
    expect(table).to_be_visible()
    page.get_by_role("combobox", name="Phase").click()
    page.get_by_role("option", name="Pending", exact=True).click()
    expect(page).to_have_url(re.compile(r"/pods/?\?phase=Pending$"))
    expect(table.get_by_role("row")).to_have_count(1 + fleet.pending_pods)
    expect(table.get_by_role("row").filter(has_text="Running")).to_have_count(0)
    expect(table.get_by_role("link", name=SHOP.pending_pod)).to_be_visible()

    page.reload()
    expect(page.get_by_role("table", name="Pods").get_by_role("row")).to_have_count(
        1 + fleet.pending_pods
    )


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/pods/not-a-pod", "Pod not found"),
        ("/clusters/{foreign_cluster_id}", "Cluster not found"),
        ("/namespaces/987654321", "Namespace not found"),
    ],
)
def test_an_id_that_is_not_the_orgs_gives_a_clean_not_found(
    signed_in: Page, fleet: Fleet, path: str, title: str
):
    page = signed_in
    page.goto(path.format(foreign_cluster_id=fleet.foreign_cluster_id))
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("globex")


def test_a_pending_pod_says_why_and_the_pods_page_filters_by_reason(signed_in: Page, fleet: Fleet):
    page = signed_in
    page.goto("/pods")
    table = page.get_by_role("table", name="Pods")
    expect(table).to_be_visible(timeout=15_000)
    page.get_by_role("combobox", name="Reason").click()
    page.get_by_role("option", name="Unschedulable", exact=True).click()
    expect(page).to_have_url(re.compile(r"/pods/?\?reason=Unschedulable$"))
    expect(table.get_by_role("link", name=SHOP.pending_pod)).to_be_visible()
    expect(table.get_by_role("link", name=CRASHING_POD)).to_have_count(0)
    expect(table).to_contain_text("Unschedulable")

    table.get_by_role("link", name=SHOP.pending_pod).click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=SHOP.pending_pod)).to_be_visible()
    expect(main.get_by_role("status").filter(has_text="Unschedulable")).to_contain_text(
        "Unschedulable: 0/3 nodes are available: 3 Insufficient cpu."
    )
    expect(page.get_by_role("table", name="Containers")).to_contain_text("waiting: Unscheduled")
    expect(main).not_to_contain_text("waiting: Unknown")

    page.goto("/pods?reason=CrashLoopBackOff")
    table = page.get_by_role("table", name="Pods")
    expect(table.get_by_role("row")).to_have_count(2)
    table.get_by_role("link", name=CRASHING_POD).click()
    containers = page.get_by_role("table", name="Containers")
    expect(containers).to_contain_text("waiting: CrashLoopBackOff")
    expect(containers).to_contain_text("last run: terminated: OOMKilled")
    expect(containers.get_by_role("row").nth(1)).to_contain_text("6")


def test_a_helm_release_page_lists_its_revisions_and_never_its_values(
    signed_in: Page, fleet: Fleet
):
    page = signed_in
    page.goto("/helm")
    releases = page.get_by_role("table", name=re.compile("Helm releases"))
    expect(releases).to_be_visible(timeout=15_000)
    link = releases.get_by_role("link", name=SHOP.deployment, exact=True).and_(
        page.locator(f'a[href="/helm/{fleet.release_id}"]')
    )
    link.click()
    expect(page).to_have_url(re.compile(rf"/helm/{fleet.release_id}/?$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=SHOP.deployment)).to_be_visible()
    history = page.get_by_role("table", name=re.compile("Revision history"))
    rows = history.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("2")
    expect(rows.nth(1)).to_contain_text("failed")
    expect(rows.nth(1)).to_contain_text("checkout 1.5.0")
    expect(rows.nth(1)).to_contain_text(FAILED_UPGRADE)
    expect(rows.nth(2)).to_contain_text("checkout 1.4.2")
    expect(rows.nth(2)).to_contain_text("Install complete")
    expect(main).not_to_contain_text(VALUES_SECRET)
    assert VALUES_SECRET not in page.content()

    page.goto(f"/helm/{fleet.release_id + 100000}")
    expect(page.get_by_role("heading", name="Helm release not found")).to_be_visible()


def _tried_a_second_ago_read_ten_minutes_ago(console: Console, cluster_id: int) -> None:
    engine = make_engine(console.env["KUBE_CONSOLE_DB_URL"])
    with Session(engine) as session:
        cluster = session.get(Cluster, cluster_id)
        now = dt.datetime.now(dt.UTC)
        cluster.last_success_at = now - dt.timedelta(minutes=10)
        cluster.last_sync_at = now - dt.timedelta(seconds=1)
        session.add(cluster)
        session.commit()
    engine.dispose()


def test_an_unreachable_clusters_figures_are_marked_stale_with_exact_ages(
    signed_in: Page, fleet: Fleet, console: Console
):
    page = signed_in
    _tried_a_second_ago_read_ten_minutes_ago(console, fleet.stale_cluster_id)
    page.goto("/clusters")
    card = page.get_by_role("article", name=STALE_CLUSTER)
    expect(card).to_be_visible(timeout=15_000)
    expect(card.locator(".stale-marker")).to_have_count(3)  # nodes, pods, namespaces
    expect(card.locator(".last-success-age")).to_contain_text(re.compile(r"^10 min \d\d s\s*ago$"))
    expect(card.locator(".last-attempt-age")).to_contain_text(
        re.compile(r"^Last attempt\s*\d+ s\s*ago, failed")
    )
    expect(card.locator(".last-attempt-age")).not_to_contain_text("min")
    fresh = page.get_by_role("article", name=CLUSTER)
    expect(fresh.locator(".last-success-age")).to_contain_text(
        re.compile(r"^(\d+ s|\d min \d\d s)\s*ago$")
    )
    expect(fresh.locator(".stale-marker")).to_have_count(0)

    page.goto(f"/clusters/{fleet.stale_cluster_id}")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=STALE_CLUSTER)).to_be_visible()
    expect(main.locator(".sync-ages")).to_contain_text("ago, failed")
    expect(main.locator(".stale-marker")).to_have_count(4)  # the header and three figures

    page.goto("/")
    main = page.get_by_role("main")
    expect(main.locator(".stale-marker").first).to_be_visible()
    expect(main.locator(".stale-marker")).to_have_count(3)  # nodes, running pods, its health row
