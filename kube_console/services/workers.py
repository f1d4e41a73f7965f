"""Job bookkeeping: runs, the leader's heartbeat, syncs someone asked for, and the Workers view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from kube_console.db import utcnow
from kube_console.dto import ClusterSyncStats, WorkerRunRow, WorkerStatus
from kube_console.models import Cluster, SchedulerLeader, WorkerRun
from kube_console.security.authz import NotFound

LEADER_STALE_AFTER = dt.timedelta(minutes=2)


def start_run(
    *,
    session: Session,
    job: str,
    trigger: str,
    process: str,
    org_id: int | None = None,
    cluster_id: int | None = None,
    items_total: int = 0,
) -> int:
    now = utcnow()
    run = WorkerRun(
        job=job,
        trigger=trigger,
        org_id=org_id,
        cluster_id=cluster_id,
        status="running",
        requested_at=now,
        started_at=now,
        items_total=items_total,
        process=process,
    )
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    *,
    session: Session,
    run_id: int,
    items_done: int,
    items_failed: int,
    error: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    run = session.get(WorkerRun, run_id)
    if run is None:
        return
    run.finished_at = utcnow()
    run.duration_ms = round((run.finished_at - (run.started_at or run.requested_at)).total_seconds() * 1000, 1)
    run.items_done, run.items_failed = items_done, items_failed
    run.status = "failed" if error or (items_failed and not items_done) else "succeeded"
    run.error = error
    run.details = details or {}
    session.add(run)


def request_sync(*, session: Session, org_id: int, cluster_id: int, trigger: str) -> int:
    """Queue a sync of one cluster of `org_id`; returns the run id to follow it by."""
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.org_id != org_id:
        raise NotFound("no such cluster")
    run = WorkerRun(job="sync_cluster", trigger=trigger, org_id=org_id, cluster_id=cluster_id, items_total=1)
    session.add(run)
    session.flush()
    return run.id


def mark_running(*, session: Session, run_id: int, process: str) -> None:
    run = session.get(WorkerRun, run_id)
    if run is not None:
        run.status, run.started_at, run.process = "running", utcnow(), process
        session.add(run)


def get_run(*, session: Session, org_id: int, run_id: int) -> WorkerRunRow:
    run = session.get(WorkerRun, run_id)
    if run is None or run.org_id != org_id:
        raise NotFound("no such run")
    return _run_row(run)


def heartbeat(
    *,
    session: Session,
    process: str,
    sync_interval_seconds: int,
    cost_interval_seconds: int,
    running_job: str | None,
    stats: dict[str, Any],
) -> None:
    now = utcnow()
    leader = session.get(SchedulerLeader, 1)
    if leader is None:
        leader = SchedulerLeader(id=1, process=process, acquired_at=now)
    elif leader.process != process:
        leader.process, leader.acquired_at = process, now
    leader.heartbeat_at = now
    leader.sync_interval_seconds = sync_interval_seconds
    leader.cost_interval_seconds = cost_interval_seconds
    leader.running_job = running_job
    leader.stats = stats
    session.add(leader)


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _run_row(run: WorkerRun) -> WorkerRunRow:
    return WorkerRunRow(
        id=run.id,
        job=run.job,
        trigger=run.trigger,
        status=run.status,
        cluster_id=run.cluster_id or 0,
        requested_at=_iso(run.requested_at),
        started_at=_iso(run.started_at),
        finished_at=_iso(run.finished_at),
        duration_ms=run.duration_ms or 0.0,
        items_total=run.items_total,
        items_done=run.items_done,
        items_failed=run.items_failed,
        error=run.error or "",
    )


def worker_status(*, session: Session, org_id: int, recent: int = 20) -> WorkerStatus:
    """The scheduler as an admin of `org_id` sees it: the leader, its stats, this org's clusters."""
    leader = session.get(SchedulerLeader, 1)
    now = utcnow()
    clusters = session.execute(select(Cluster).where(Cluster.org_id == org_id).order_by(Cluster.name)).scalars().all()
    runs = session.execute(
        select(WorkerRun)
        .where((WorkerRun.org_id == org_id) | (WorkerRun.org_id.is_(None)))
        .order_by(WorkerRun.requested_at.desc())
        .limit(recent)
    ).scalars()
    return WorkerStatus(
        leader_process=leader.process if leader else "",
        leader_since=_iso(leader.acquired_at) if leader else "",
        heartbeat_at=_iso(leader.heartbeat_at) if leader else "",
        alive=bool(leader and now - leader.heartbeat_at < LEADER_STALE_AFTER),
        running_job=(leader.running_job or "") if leader else "",
        sync_interval_seconds=leader.sync_interval_seconds if leader else 0,
        cost_interval_seconds=leader.cost_interval_seconds if leader else 0,
        stats={key: str(value) for key, value in (leader.stats if leader else {}).items()},
        clusters=[
            ClusterSyncStats(
                cluster_id=cluster.id,
                name=cluster.name,
                status=cluster.status,
                syncs_total=cluster.syncs_total,
                syncs_failed=cluster.syncs_failed,
                last_sync_at=_iso(cluster.last_sync_at),
                last_success_at=_iso(cluster.last_success_at),
                last_sync_duration_ms=cluster.last_sync_duration_ms or 0.0,
                last_error=cluster.last_error or "",
                backoff_until=_iso(cluster.backoff_until),
            )
            for cluster in clusters
        ],
        recent_runs=[_run_row(run) for run in runs],
    )
