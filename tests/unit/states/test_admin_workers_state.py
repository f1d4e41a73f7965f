"""Admin → Workers: the leader's heartbeat and job statistics as the page shows them, each
cluster's last sync, the recent runs; members are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.db import utcnow
from kube_console.dto import SchedulerJobSummary
from kube_console.services import workers as worker_service
from kube_console.states.admin_workers import WorkersState
from tests.support.reflex_events import EventDriver
from tests.unit.states.conftest import signed_in

pytestmark = pytest.mark.anyio

HEARTBEAT_STATS = {
    "sync_runs": 12,
    "sync_succeeded": 11,
    "sync_failed": 1,
    "sync_last_started_at": "2026-03-10T14:05:09+00:00",
    "sync_last_duration_ms": 812.5,
    "sync_last_error": "OperationalError: database is locked",
    "sync_running": True,
    "cost_runs": 2,
    "cost_succeeded": 2,
    "cost_failed": 0,
    "cost_last_started_at": "2026-03-10T14:05:00+00:00",
    "cost_last_duration_ms": 40.0,
    "cost_last_error": "",
    "cost_running": False,
}


@pytest.fixture
def admin_and_member_tokens(console_db, session: Session, make):
    org = make.org("acme")
    prod = make.cluster(
        org,
        name="prod-eu",
        status="unreachable",
        syncs_total=5,
        syncs_failed=2,
        last_sync_at=utcnow() - dt.timedelta(seconds=20),
        last_sync_duration_ms=3012.0,
        last_error="connection refused",
    )
    worker_service.heartbeat(
        session=session,
        process="console-7f9:4242",
        sync_interval_seconds=30,
        cost_interval_seconds=3600,
        running_job="sync",
        stats=HEARTBEAT_STATS,
    )
    run_id = worker_service.request_sync(
        session=session, org_id=org.id, cluster_id=prod.id, trigger="manual"
    )
    worker_service.finish_run(
        session=session, run_id=run_id, items_done=0, items_failed=1, error="connection refused"
    )
    session.commit()
    return signed_in(session, make.user(org, role="admin")), signed_in(session, make.user(org))


async def test_an_admin_sees_the_leader_its_jobs_and_each_clusters_last_sync(
    admin_and_member_tokens,
):
    admin_token, _ = admin_and_member_tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_token)
        await tab.open(routes.ADMIN_WORKERS)
        page = await tab.state(WorkersState)

        assert (page.status.leader_process, page.status.alive, page.status.running_job) == (
            "console-7f9:4242",
            True,
            "sync",
        )
        assert page.schedule == "Syncs every 30 s, costs every 1 h"
        assert page.jobs[0] == SchedulerJobSummary(
            job="sync",
            runs=12,
            succeeded=11,
            failed=1,
            running=True,
            last_started_at="2026-03-10T14:05:09+00:00",
            last_duration_ms=812.5,
            last_error="OperationalError: database is locked",
        )
        assert [(job.job, job.runs, job.running) for job in page.jobs] == [
            ("sync", 12, True),
            ("cost", 2, False),
            ("prune", 0, False),
        ]
        [cluster] = page.status.clusters
        assert (cluster.name, cluster.status, cluster.last_error, cluster.syncs_failed) == (
            "prod-eu",
            "unreachable",
            "connection refused",
            2,
        )
        [run] = page.status.recent_runs
        assert (run.trigger, run.status, page.cluster_names[str(run.cluster_id)]) == (
            "manual",
            "failed",
            "prod-eu",
        )


async def test_the_workers_timer_reloads_only_a_visible_tab(admin_and_member_tokens, session):
    admin_token, _ = admin_and_member_tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_token)
        await tab.open(routes.ADMIN_WORKERS)
        worker_service.heartbeat(
            session=session,
            process="console-new:1",
            sync_interval_seconds=60,
            cost_interval_seconds=600,
            running_job=None,
            stats={},
        )
        session.commit()

        await tab.fire(WorkersState.refresh, visible=False)
        assert (await tab.state(WorkersState)).status.leader_process == "console-7f9:4242"
        await tab.fire(WorkersState.refresh, visible=True)
        page = await tab.state(WorkersState)
        assert page.status.leader_process == "console-new:1"
        assert page.schedule == "Syncs every 1 min, costs every 10 min"


async def test_a_member_gets_the_refusal_and_no_worker_data(admin_and_member_tokens):
    _, member_token = admin_and_member_tokens
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open(routes.ADMIN_WORKERS)
        page = await tab.state(WorkersState)
        assert page.refusal.endswith("needs the admin role")
        assert page.status is None and page.jobs == []
        assert "console-7f9" not in tab.received_text()
