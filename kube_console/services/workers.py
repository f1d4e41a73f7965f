"""Job bookkeeping: runs, the worker processes' heartbeats, and the Workers view.

An organization's admin sees the worker processes, but only their own clusters under them
(`worker_status`); the figures of the whole fleet (`fleet_status`) are the operator's, shown
by `python -m kube_console workers status`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlmodel import Session, col

from kube_console.costs.records import CostRunOutcome
from kube_console.db import utcnow
from kube_console.models import Cluster, WorkerProcess, WorkerRun
from kube_console.records import IsoTime, described, record
from kube_console.security.authz import NotFound
from kube_console.services.sessions import rows_changed


@record
class WorkerRunRow:
    id: int
    job: str
    trigger: str
    status: str = described("queued | running | succeeded | failed")
    cluster_id: int  # 0 for a run not tied to one cluster
    requested_at: IsoTime
    started_at: IsoTime
    finished_at: IsoTime
    duration_ms: float
    items_total: int
    items_done: int
    items_failed: int
    error: str


@record
class ClusterSyncStats:
    cluster_id: int
    name: str
    status: str
    syncs_total: int
    syncs_failed: int
    last_sync_at: IsoTime
    last_success_at: IsoTime
    last_sync_duration_ms: float
    last_error: str
    backoff_until: IsoTime
    # "" until the first scheduled sync
    next_sync_at: IsoTime = described("when the cluster is due again")
    synced_by: str = described("the worker process that claimed it last")
    syncing: bool = described("that process is syncing it now")


@record
class WorkerProcessRow:
    """A process running workers, and what it does for the viewer's organization only."""

    name: str = described("host:pid")
    host: str
    pid: int
    started_at: IsoTime
    heartbeat_at: IsoTime
    alive: bool
    leader: bool = described("runs the hourly jobs (costs, pruning)")
    sync_threads: int
    # names of the organization's clusters it synced last (the first few)
    clusters: list[str] = described("the first of your clusters it synced last")
    clusters_count: int = described("how many of your clusters it synced last")
    syncing_now: int = described("how many of your clusters it is syncing now")


@record
class WorkerStatus:
    """The Workers page of one organization: worker processes (only this organization's
    clusters under them), its clusters' schedule, its runs. Fleet-wide figures are the
    operator's (`python -m kube_console workers status`)."""

    processes: list[WorkerProcessRow]
    sync_interval_seconds: int
    cost_interval_seconds: int
    clusters: list[ClusterSyncStats]
    recent_runs: list[WorkerRunRow]


# A process beats every few seconds; one silent for this long is shown as gone.
PROCESS_STALE_AFTER = dt.timedelta(seconds=30)
# Processes gone for longer than this are no longer listed (the prune job deletes them later).
PROCESS_LISTED_FOR = dt.timedelta(hours=1)
# The names of an organization's clusters shown under each process; the count says the rest.
CLUSTERS_NAMED_PER_PROCESS = 12


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
    assert run.id is not None
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
    run.duration_ms = round(
        (run.finished_at - (run.started_at or run.requested_at)).total_seconds() * 1000, 1
    )
    run.items_done, run.items_failed = items_done, items_failed
    run.status = "failed" if error or (items_failed and not items_done) else "succeeded"
    run.error = error
    run.details = details or {}
    session.add(run)


def record_cost_runs(
    *,
    session: Session,
    outcomes: Sequence[CostRunOutcome],
    trigger: str,
    process: str,
    started_at: dt.datetime,
) -> int:
    """Record a finished cost pass as one run per organization, so each organization's Workers
    page lists it with only its own clusters. Clusters with nothing to compute are left out,
    and a pass that did nothing leaves no record. Returns the runs recorded."""
    worked = [outcome for outcome in outcomes if outcome.hours_computed or not outcome.ok]
    if not worked:
        return 0
    org_of = dict(
        session.execute(
            select(col(Cluster.id), col(Cluster.org_id)).where(
                col(Cluster.id).in_([outcome.cluster_id for outcome in worked])
            )
        ).all()
    )
    by_org: dict[int, list[CostRunOutcome]] = {}
    for outcome in worked:
        if outcome.cluster_id in org_of:  # a cluster deleted meanwhile has no one to show it to
            by_org.setdefault(org_of[outcome.cluster_id], []).append(outcome)
    for org_id, mine in by_org.items():
        failed = [outcome for outcome in mine if not outcome.ok]
        run_id = start_run(
            session=session,
            job="cost",
            trigger=trigger,
            process=process,
            org_id=org_id,
            items_total=len(mine),
        )
        run = session.get_one(WorkerRun, run_id)
        run.requested_at = run.started_at = started_at
        finish_run(
            session=session,
            run_id=run_id,
            items_done=len(mine) - len(failed),
            items_failed=len(failed),
            details={
                "hours": sum(outcome.hours_computed for outcome in mine),
                "rows": sum(outcome.rows_written for outcome in mine),
                "failed": {outcome.cluster_name: outcome.error for outcome in failed},
            },
        )
    return len(by_org)


def get_run(*, session: Session, org_id: int, run_id: int) -> WorkerRunRow:
    run = session.get(WorkerRun, run_id)
    if run is None or run.org_id != org_id:
        raise NotFound("no such run")
    return _run_row(run)


def register_process(
    *,
    session: Session,
    name: str,
    host: str,
    pid: int,
    sync_threads: int,
    sync_interval_seconds: int,
    cost_interval_seconds: int,
) -> None:
    """A process starting its workers: a fresh row (one of the same name is a dead predecessor)."""
    session.execute(delete(WorkerProcess).where(col(WorkerProcess.name) == name))
    now = utcnow()
    session.add(
        WorkerProcess(
            name=name,
            host=host,
            pid=pid,
            started_at=now,
            heartbeat_at=now,
            sync_threads=sync_threads,
            sync_interval_seconds=sync_interval_seconds,
            cost_interval_seconds=cost_interval_seconds,
        )
    )


def process_heartbeat(
    *,
    session: Session,
    name: str,
    leader: bool,
    syncs_running: int,
    clusters_claimed: int,
    syncs_failed: int,
    stats: dict[str, Any],
) -> bool:
    """Refresh a process's row; False when the row is gone (pruned while the process slept)."""
    updated = session.execute(
        update(WorkerProcess)
        .where(col(WorkerProcess.name) == name)
        .values(
            heartbeat_at=utcnow(),
            leader=leader,
            syncs_running=syncs_running,
            clusters_claimed=clusters_claimed,
            syncs_failed=syncs_failed,
            stats=stats,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(rows_changed(updated))


def forget_process(*, session: Session, name: str) -> None:
    session.execute(delete(WorkerProcess).where(col(WorkerProcess.name) == name))


def prune_processes(*, session: Session, older_than: dt.datetime) -> int:
    """Delete the rows of processes silent since `older_than` (killed ones leave theirs)."""
    return rows_changed(
        session.execute(delete(WorkerProcess).where(col(WorkerProcess.heartbeat_at) < older_than))
    )


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _run_row(run: WorkerRun) -> WorkerRunRow:
    assert run.id is not None
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


def _listed_processes(session: Session, now: dt.datetime) -> list[WorkerProcess]:
    return list(
        session.execute(
            select(WorkerProcess)
            .where(col(WorkerProcess.heartbeat_at) >= now - PROCESS_LISTED_FOR)
            .order_by(col(WorkerProcess.leader).desc(), col(WorkerProcess.name))
        ).scalars()
    )


def _holds(cluster: Cluster, now: dt.datetime) -> bool:
    return cluster.lease_expires_at is not None and cluster.lease_expires_at > now


def worker_status(*, session: Session, org_id: int, recent: int = 20) -> WorkerStatus:
    """The workers as an admin of `org_id` sees them: every process, with only this
    organization's clusters under it and counted; this organization's clusters and runs."""
    now = utcnow()
    processes = _listed_processes(session, now)
    clusters = (
        session.execute(
            select(Cluster).where(col(Cluster.org_id) == org_id).order_by(col(Cluster.name))
        )
        .scalars()
        .all()
    )
    runs = session.execute(
        select(WorkerRun)
        .where(col(WorkerRun.org_id) == org_id)
        .order_by(col(WorkerRun.requested_at).desc())
        .limit(recent)
    ).scalars()
    by_owner: dict[str, list[Cluster]] = {}
    for cluster in clusters:
        if cluster.lease_owner:
            by_owner.setdefault(cluster.lease_owner, []).append(cluster)
    alive = [process for process in processes if now - process.heartbeat_at < PROCESS_STALE_AFTER]
    settings_from = alive[0] if alive else None
    return WorkerStatus(
        processes=[
            WorkerProcessRow(
                name=process.name,
                host=process.host,
                pid=process.pid,
                started_at=_iso(process.started_at),
                heartbeat_at=_iso(process.heartbeat_at),
                alive=process in alive,
                leader=process.leader and process in alive,
                sync_threads=process.sync_threads,
                clusters=[
                    cluster.name
                    for cluster in by_owner.get(process.name, [])[:CLUSTERS_NAMED_PER_PROCESS]
                ],
                clusters_count=len(by_owner.get(process.name, [])),
                syncing_now=sum(_holds(cluster, now) for cluster in by_owner.get(process.name, [])),
            )
            for process in processes
        ],
        sync_interval_seconds=settings_from.sync_interval_seconds if settings_from else 0,
        cost_interval_seconds=settings_from.cost_interval_seconds if settings_from else 0,
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
                next_sync_at=_iso(cluster.next_sync_at),
                synced_by=cluster.lease_owner or "",
                syncing=_holds(cluster, now),
            )
            for cluster in clusters
        ],
        recent_runs=[_run_row(run) for run in runs],
    )


@dataclasses.dataclass(frozen=True)
class FleetStatus:
    """Every organization's syncs at once: for the operator's CLI only."""

    now: dt.datetime
    processes: list[WorkerProcess]
    alive: list[str]  # names of the processes heard from lately
    clusters: int  # with a credential
    syncing_now: int
    due_now: int  # due and not yet claimed
    late: int  # due for longer than one interval
    held_by: dict[str, int]  # clusters each process synced last (or syncs now)


def fleet_status(*, session: Session, sync_interval_seconds: int) -> FleetStatus:
    now = utcnow()
    interval = dt.timedelta(seconds=sync_interval_seconds)
    processes = _listed_processes(session, now)

    def count(*conditions: ColumnElement[bool]) -> int:
        return int(
            session.execute(
                select(func.count())
                .select_from(Cluster)
                .where(col(Cluster.credential_ciphertext).is_not(None), *conditions)
            ).scalar_one()
        )

    unclaimed = (col(Cluster.lease_expires_at).is_(None)) | (col(Cluster.lease_expires_at) <= now)
    return FleetStatus(
        now=now,
        processes=processes,
        alive=[
            process.name
            for process in processes
            if now - process.heartbeat_at < PROCESS_STALE_AFTER
        ],
        clusters=count(),
        syncing_now=count(col(Cluster.lease_expires_at) > now),
        due_now=count(col(Cluster.next_sync_at) <= now, unclaimed),
        late=count(col(Cluster.next_sync_at) <= now - interval, unclaimed),
        held_by=dict(
            session.execute(
                select(col(Cluster.lease_owner), func.count())
                .where(col(Cluster.lease_owner).is_not(None))
                .group_by(col(Cluster.lease_owner))
            ).all()
        ),
    )
