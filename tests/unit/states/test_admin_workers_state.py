"""Admin → Workers: the worker processes, each of this organization's clusters' schedule and
the recent runs, as the page shows them; nothing of another organization; members are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.db import utcnow
from kube_console.services import sync_scheduling
from kube_console.services import workers as worker_service
from kube_console.states.admin_workers import WorkersState
from tests.support.reflex_events import EventDriver
from tests.support.two_tenant_workers import FLEET_FIGURE, LEADER, OTHER, seed_shared_workers
from tests.unit.states.conftest import signed_in

pytestmark = pytest.mark.anyio


@pytest.fixture
def tokens(console_db, session: Session, make):
    """(acme admin, acme member, rival admin) with two worker processes syncing both orgs."""
    acme, rival = make.org("acme"), make.org("rival")
    prod = make.cluster(
        acme,
        name="prod-eu",
        status="unreachable",
        syncs_total=5,
        syncs_failed=2,
        last_sync_at=utcnow() - dt.timedelta(seconds=20),
        last_error="connection refused",
    )
    theirs = [make.cluster(rival, name="rival-prod"), make.cluster(rival, name="rival-stage")]
    seed_shared_workers(session, mine=prod, theirs=theirs)
    run_id = sync_scheduling.request_sync(
        session=session, org_id=acme.id, cluster_id=prod.id, trigger="manual"
    )
    worker_service.finish_run(
        session=session, run_id=run_id, items_done=0, items_failed=1, error="connection refused"
    )
    session.commit()
    return (
        signed_in(session, make.user(acme, role="admin")),
        signed_in(session, make.user(acme)),
        signed_in(session, make.user(rival, role="admin")),
    )


async def test_an_admin_sees_the_processes_and_each_clusters_schedule(tokens):
    admin_token, _, _ = tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_token)
        await tab.open(routes.ADMIN_WORKERS)
        page = await tab.state(WorkersState)

        leader, other = page.status.processes
        assert (leader.name, leader.leader, leader.alive, leader.sync_threads) == (
            LEADER,
            True,
            True,
            5,
        )
        assert (leader.clusters, leader.clusters_count, leader.syncing_now) == (["prod-eu"], 1, 1)
        assert (other.name, other.leader, other.clusters, other.clusters_count) == (
            OTHER,
            False,
            [],
            0,
        )
        assert page.alive_processes == 2
        assert page.schedule == "Each cluster is synced every 30 s; costs are worked out every 1 h."
        [cluster] = page.status.clusters
        assert (cluster.name, cluster.status, cluster.last_error, cluster.syncs_failed) == (
            "prod-eu",
            "unreachable",
            "connection refused",
            2,
        )
        assert (cluster.synced_by, cluster.syncing, cluster.last_sync_duration_ms) == (
            LEADER,
            True,
            812.5,
        )
        assert cluster.next_sync_at
        [run] = page.status.recent_runs
        assert (run.trigger, run.status, page.cluster_names[str(run.cluster_id)]) == (
            "manual",
            "failed",
            "prod-eu",
        )


async def test_an_admin_of_one_org_sees_nothing_of_another(tokens):
    admin_token, _, rival_token = tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_token)
        await tab.open(routes.ADMIN_WORKERS)
        sent = tab.received_text()
        assert "rival-prod" not in sent and "rival-stage" not in sent
        assert str(FLEET_FIGURE) not in sent and "no price sheet" not in sent
        page = await tab.state(WorkersState)
        assert sum(process.clusters_count for process in page.status.processes) == 1

        rival_tab = driver.tab(session_token=rival_token)
        await rival_tab.open(routes.ADMIN_WORKERS)
        assert "prod-eu" not in rival_tab.received_text()
        theirs = (await rival_tab.state(WorkersState)).status
        assert [process.clusters for process in theirs.processes] == [
            ["rival-prod"],
            ["rival-stage"],
        ]
        assert [cluster.name for cluster in theirs.clusters] == ["rival-prod", "rival-stage"]
        assert all(run.job == "sync_cluster" for run in theirs.recent_runs)


async def test_the_workers_timer_reloads_only_a_visible_tab(tokens, session):
    admin_token, _, _ = tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_token)
        await tab.open(routes.ADMIN_WORKERS)
        worker_service.forget_process(session=session, name=OTHER)
        session.commit()

        await tab.fire(WorkersState.refresh, visible=False)
        assert len((await tab.state(WorkersState)).status.processes) == 2
        await tab.fire(WorkersState.refresh, visible=True)
        assert [process.name for process in (await tab.state(WorkersState)).status.processes] == [
            LEADER
        ]


async def test_a_member_gets_the_refusal_and_no_worker_data(tokens):
    _, member_token, _ = tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open(routes.ADMIN_WORKERS)
        page = await tab.state(WorkersState)
        assert page.refusal.endswith("needs the admin role")
        assert page.status is None
        assert LEADER not in tab.received_text()
