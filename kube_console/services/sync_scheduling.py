"""The sync schedule: each cluster is due on its own clock, and worker processes lease what is due.

A cluster is due at its `next_sync_at` (one never scheduled: an interval after its last sync,
or after it was registered). A worker process claims due clusters by writing its name and a
lease expiry on them in one statement:
`UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING`.
On PostgreSQL any number of processes share the fleet that way and never start a cluster
another one holds; SQLite, with one process, runs the same statement without the row locks.
The holder renews its lease while the sync runs; a killed process stops renewing, so its
clusters are claimable again by the others once LEASE has passed.

A cluster stays with the process that synced it last while that process keeps up: another
process claims it only once it is AFFINITY_GRACE overdue. Its last syncer keeps its client,
its connections and their TLS sessions open (kube/client.py), so its next sync opens none.

After a sync the lease is let go and the cluster's next time is set from when the sync
*started*: a healthy cluster keeps its cycle whatever the others do. A failure pushes it
back: to the auth back-off services/sync.py records, or by a back-off that grows with how
long the cluster has been failing, each with jitter so clusters that failed together do not
all come back in the same second.

A sync someone asks for (Sync now, the API, the CLI) is queued: a `WorkerRun` and
`next_sync_at = now`. The worker that claims the cluster carries the run to its end (and
another one does if that worker dies first).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import time
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Exists,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col

from kube_console.db import UTCDateTime, utcnow
from kube_console.kube.client import ApiClientCache
from kube_console.models import Cluster, WorkerRun
from kube_console.security.authz import NotFound
from kube_console.security.keyring import Keyring
from kube_console.services.clusters import label_keys
from kube_console.services.sessions import rows_changed
from kube_console.services.sync import OpenSession, SyncOutcome, sync_cluster
from kube_console.settings import Settings

log = logging.getLogger(__name__)

# How long a claim holds without renewal: a killed worker's clusters wait at most this long.
# Holders renew every LEASE / 3, so a renewal may be late twice before the lease is lost.
LEASE = dt.timedelta(seconds=15)
# Repeated errors (unreachable, error) wait half as long as the cluster has been failing,
# from one interval up to this.
ERROR_BACKOFF_MAX = dt.timedelta(minutes=5)
# A backed-off cluster comes back up to this fraction of its wait later, at random.
JITTER = 0.2
# How overdue a cluster must be before a process other than the one that synced it last may
# claim it: above the tick, so that its own process, when it keeps up, claims it first.
AFFINITY_GRACE = dt.timedelta(seconds=2)

SyncOne = Callable[[int], SyncOutcome]


def _lease_free(now: dt.datetime | BindParameter[dt.datetime]) -> ColumnElement[bool]:
    return or_(col(Cluster.lease_expires_at).is_(None), col(Cluster.lease_expires_at) <= now)


def _runs_asked_for(cluster_id: int | SQLCoreOperations[int | None], *statuses: str) -> Exists:
    return exists().where(
        col(WorkerRun.cluster_id) == cluster_id, col(WorkerRun.status).in_(statuses)
    )


def _due(now: Any, registered_before: Any, overdue_before: Any, owner: Any) -> ColumnElement[bool]:
    """Due for `owner` at `now` (values, or bound parameters of a statement built once)."""
    mine_or_overdue = or_(
        col(Cluster.lease_owner).is_(None),
        col(Cluster.lease_owner) == owner,
        col(Cluster.next_sync_at) <= overdue_before,
    )
    # Registration syncs a cluster as it stores it: its first scheduled sync comes an interval
    # after that one (never while it runs), as it would after any other sync.
    never_scheduled = and_(
        col(Cluster.next_sync_at).is_(None),
        or_(col(Cluster.backoff_until).is_(None), col(Cluster.backoff_until) <= now),
        func.coalesce(col(Cluster.last_sync_at), col(Cluster.created_at)) <= registered_before,
    )
    return or_(and_(col(Cluster.next_sync_at) <= now, mine_or_overdue), never_scheduled)


def _time(name: str) -> BindParameter[dt.datetime]:
    return bindparam(name, type_=UTCDateTime())


def _at(value: dt.datetime) -> BindParameter[dt.datetime]:
    return literal(value, UTCDateTime())


def claim_due(
    *,
    session: Session,
    owner: str,
    now: dt.datetime,
    limit: int,
    interval: dt.timedelta,
    lease: dt.timedelta = LEASE,
    every_one_but: Collection[int] | None = None,
) -> list[int]:
    """Lease up to `limit` due clusters to `owner`, the most overdue first; their ids. A
    cluster another process synced last is due for `owner` AFFINITY_GRACE late. With
    `every_one_but`, any cluster not in it, due or not (a one-off sync of everything).

    A cluster with no stored credential is claimed only when someone asked for its sync, so
    that the run they follow ends (failed, saying why)."""
    if limit <= 0:
        return []
    claim = (
        _claim_due_statement()
        if every_one_but is None
        else _claim_statement(col(Cluster.id).not_in(every_one_but))
    )
    claimed = session.connection().execute(
        claim,
        {
            "now": now,
            "registered_before": now - interval,
            "overdue_before": now - AFFINITY_GRACE,
            "owner": owner,
            "expires": now + lease,
            "limit": limit,
        },
    )
    cluster_ids = sorted(claimed.scalars())
    _take_runs(session, cluster_ids, owner, now)
    return cluster_ids


@functools.cache
def _claim_due_statement() -> Update:
    """The claim of the due clusters, built once: a worker runs it after every sync."""
    return _claim_statement(
        _due(_time("now"), _time("registered_before"), _time("overdue_before"), bindparam("owner"))
    )


def _claim_statement(wanted: ColumnElement[bool]) -> Update:
    """UPDATE ... SET the lease WHERE id IN (SELECT up to :limit `wanted` clusters FOR UPDATE
    SKIP LOCKED) RETURNING id."""
    due = (
        select(col(Cluster.id))
        .where(
            wanted,
            _lease_free(_time("now")),
            or_(
                col(Cluster.credential_ciphertext).is_not(None),
                _runs_asked_for(col(Cluster.id), "queued", "running"),
            ),
        )
        .order_by(
            func.coalesce(
                col(Cluster.next_sync_at), col(Cluster.last_sync_at), col(Cluster.created_at)
            ),
            col(Cluster.id),
        )
        .limit(bindparam("limit"))
        .with_for_update(of=Cluster, skip_locked=True)
    )
    return (
        update(Cluster)
        .where(col(Cluster.id).in_(due.scalar_subquery()))
        .values(lease_owner=bindparam("owner"), lease_expires_at=_time("expires"))
        .returning(col(Cluster.id))
    )


def claim_cluster(
    *, session: Session, owner: str, cluster_id: int, now: dt.datetime, lease: dt.timedelta = LEASE
) -> bool:
    """Lease one cluster to `owner`, due or not, unless another process holds it."""
    claimed = (
        session.connection()
        .execute(
            _claim_one_statement(),
            {"cluster_id": cluster_id, "now": now, "owner": owner, "expires": now + lease},
        )
        .first()
    )
    if claimed is not None:
        _take_runs(session, [cluster_id], owner, now)
    return claimed is not None


@functools.cache
def _claim_one_statement() -> Update:
    return (
        update(Cluster)
        .where(col(Cluster.id) == bindparam("cluster_id"), _lease_free(_time("now")))
        .values(lease_owner=bindparam("owner"), lease_expires_at=_time("expires"))
        .returning(col(Cluster.id))
    )


def _take_runs(session: Session, cluster_ids: list[int], owner: str, now: dt.datetime) -> None:
    """The sync about to start on claimed clusters carries the runs asked for them: those
    queued, and those a holder whose lease ran out (a killed worker) never finished."""
    if cluster_ids:
        session.connection().execute(
            _take_runs_statement(), {"cluster_ids": cluster_ids, "now": now, "owner": owner}
        )


@functools.cache
def _take_runs_statement() -> Update:
    return (
        update(WorkerRun)
        .where(
            col(WorkerRun.cluster_id).in_(bindparam("cluster_ids", expanding=True)),
            col(WorkerRun.status).in_(("queued", "running")),
        )
        .values(status="running", started_at=_time("now"), process=bindparam("owner"))
    )


def renew_leases(
    *,
    session: Session,
    owner: str,
    cluster_ids: list[int],
    now: dt.datetime,
    lease: dt.timedelta = LEASE,
) -> list[int]:
    """Extend `owner`'s leases on the clusters it is syncing; the ids it still owns (those
    released a moment ago included: their syncs are ending)."""
    if not cluster_ids:
        return []
    renewed = session.execute(
        update(Cluster)
        .where(col(Cluster.id).in_(cluster_ids), col(Cluster.lease_owner) == owner)
        .values(
            lease_expires_at=case(
                (col(Cluster.lease_expires_at).is_(None), None), else_=_at(now + lease)
            )
        )
        .returning(col(Cluster.id))
        .execution_options(synchronize_session=False)
    )
    return sorted(renewed.scalars())


def release_idle_leases(*, session: Session, owner: str) -> int:
    """Let go every lease `owner` holds (a process stopping, or starting again under the same
    name after it was killed): those clusters are claimable at once."""
    released = session.execute(
        update(Cluster)
        .where(col(Cluster.lease_owner) == owner, col(Cluster.lease_expires_at).is_not(None))
        .values(lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(released)


def next_sync_at(
    *,
    started: dt.datetime,
    finished: dt.datetime,
    interval: dt.timedelta,
    status: str,
    backoff_until: dt.datetime | None = None,
    failing_since: dt.datetime | None = None,
    draw: Callable[[], float] = random.random,
) -> dt.datetime:
    """When a cluster is due again after a sync that ran from `started` to `finished`.

    On time (`started + interval`) after a sync that worked. After a refused credential, at
    the `backoff_until` sync.py set; after another failure, half as long after `started` as
    the cluster has been failing (since `failing_since`), between one interval and
    ERROR_BACKOFF_MAX. A backed-off time gets up to JITTER of its wait added (`draw` in [0, 1))."""
    on_time = started + interval
    if status == "auth_failed" and backoff_until is not None:
        resume, wait = backoff_until, backoff_until - finished
    elif status in ("unreachable", "auth_failed", "error"):
        outage = started - (failing_since or started)
        wait = min(ERROR_BACKOFF_MAX, max(interval, outage / 2))
        resume = started + wait
    else:
        return on_time
    return max(on_time, resume) + max(wait, dt.timedelta(0)) * (JITTER * draw())


def release(
    *,
    session: Session,
    cluster_id: int,
    owner: str,
    outcome: SyncOutcome,
    started: dt.datetime,
    finished: dt.datetime,
    interval: dt.timedelta,
    draw: Callable[[], float] = random.random,
) -> dt.datetime | None:
    """Let go of the lease after a sync and schedule the next one; the time set, or None when
    the cluster is gone or another process holds it now (its lease ran out meanwhile).

    A sync asked for while this one ran makes the cluster due at once."""
    connection = session.connection()
    cluster = connection.execute(_schedule_facts_statement(), {"cluster_id": cluster_id}).first()
    if cluster is None:
        return None
    next_at = next_sync_at(
        started=started,
        finished=finished,
        interval=interval,
        status=outcome.status,
        backoff_until=cluster.backoff_until,
        failing_since=cluster.last_success_at or cluster.created_at,
        draw=draw,
    )
    released = connection.execute(
        _release_statement(),
        {"cluster_id": cluster_id, "owner": owner, "finished": finished, "next_at": next_at},
    ).first()
    return released[0] if released else None


@functools.cache
def _schedule_facts_statement() -> Any:
    return select(
        col(Cluster.backoff_until), col(Cluster.last_success_at), col(Cluster.created_at)
    ).where(col(Cluster.id) == bindparam("cluster_id"))


@functools.cache
def _release_statement() -> Update:
    cluster_id: BindParameter[int] = bindparam("cluster_id")
    return (
        update(Cluster)
        .where(col(Cluster.id) == cluster_id, col(Cluster.lease_owner) == bindparam("owner"))
        .values(
            next_sync_at=case(
                (_runs_asked_for(cluster_id, "queued"), _time("finished")),
                else_=_time("next_at"),
            ),
            lease_expires_at=None,
        )
        .returning(col(Cluster.next_sync_at))
    )


def request_sync(
    *, session: Session, org_id: int, cluster_id: int, trigger: str, now: dt.datetime | None = None
) -> int:
    """Queue a sync of one cluster of `org_id`: it is due at once, and the worker that claims
    it records the run. Returns the run id to follow; asking again while one is queued
    returns that one."""
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.org_id != org_id:
        raise NotFound("no such cluster")
    now = now or utcnow()
    queued = session.execute(
        select(col(WorkerRun.id))
        .where(col(WorkerRun.cluster_id) == cluster_id, col(WorkerRun.status) == "queued")
        .limit(1)
    ).scalar()
    if queued is None:
        run = WorkerRun(
            job="sync_cluster",
            trigger=trigger,
            org_id=org_id,
            cluster_id=cluster_id,
            status="queued",
            requested_at=now,
            items_total=1,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        queued = run.id
    session.execute(
        update(Cluster)
        .where(col(Cluster.id) == cluster_id)
        .values(next_sync_at=now)
        .execution_options(synchronize_session=False)
    )
    return queued


def requested_outcome(*, session: Session, org_id: int, run_id: int) -> SyncOutcome | None:
    """How a sync asked for went, once a worker has carried it out (None while it is queued
    or running)."""
    run = session.get(WorkerRun, run_id)
    if run is None or run.org_id != org_id or run.job != "sync_cluster":
        raise NotFound("no such run")
    if run.status in ("queued", "running"):
        return None
    cluster = session.get(Cluster, run.cluster_id) if run.cluster_id else None
    return SyncOutcome(
        run.cluster_id or 0,
        cluster.name if cluster else f"#{run.cluster_id}",
        str(run.details.get("status") or ("healthy" if run.status == "succeeded" else "error")),
        run.duration_ms or 0.0,
        error=run.error,
        pods=int(run.details.get("pods") or 0),
    )


class ClusterSyncer:
    """Syncs one cluster by id; anything unexpected becomes that cluster's failed outcome.

    Each cluster's client is kept from one of its syncs to the next (kube/client.py) until
    `close()`, which the process's workers call when they stop."""

    def __init__(self, *, keyring: Keyring, settings: Settings, open_session: OpenSession):
        self._keyring = keyring
        self._label_keys = label_keys(settings)
        self._sync_interval_seconds = settings.sync_interval_seconds
        self._open_session = open_session
        self.clients = ApiClientCache()

    def __call__(self, cluster_id: int) -> SyncOutcome:
        started = time.perf_counter()
        try:
            return sync_cluster(
                cluster_id=cluster_id,
                keyring=self._keyring,
                label_keys=self._label_keys,
                open_session=self._open_session,
                sync_interval_seconds=self._sync_interval_seconds,
                clients=self.clients,
            )
        except LookupError:  # deleted between the claim and the sync
            return SyncOutcome(cluster_id, f"#{cluster_id}", "deleted", _ms_since(started))
        except Exception as unexpected:
            log.exception("sync of cluster %d failed unexpectedly", cluster_id)
            return SyncOutcome(
                cluster_id,
                f"#{cluster_id}",
                "error",
                _ms_since(started),
                error=f"unexpected error: {type(unexpected).__name__}",
            )

    def close(self) -> None:
        self.clients.close()


def cluster_syncer(
    *, keyring: Keyring, settings: Settings, open_session: OpenSession
) -> ClusterSyncer:
    return ClusterSyncer(keyring=keyring, settings=settings, open_session=open_session)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def run_claimed(
    *,
    cluster_id: int,
    owner: str,
    started: dt.datetime,
    interval: dt.timedelta,
    open_session: OpenSession,
    sync_one: SyncOne,
    clock: Callable[[], dt.datetime] = utcnow,
    draw: Callable[[], float] = random.random,
) -> SyncOutcome:
    """Sync a cluster `owner` claimed at `started`; then, in one transaction, finish the runs
    it carries and release it."""
    outcome = sync_one(cluster_id)
    finished = clock()
    with open_session() as session:
        session.connection().execute(
            _finish_runs_statement(),
            {
                "of_cluster": cluster_id,
                "owner": owner,
                "run_status": "succeeded" if outcome.ok else "failed",
                "finished": finished,
                "run_duration_ms": round((finished - started).total_seconds() * 1000, 1),
                "run_items_done": 1 if outcome.ok else 0,
                "run_items_failed": 0 if outcome.ok else 1,
                "run_error": None if outcome.ok else outcome.error or outcome.status,
                "run_details": {"status": outcome.status, "pods": outcome.pods},
            },
        )
        release(
            session=session,
            cluster_id=cluster_id,
            owner=owner,
            outcome=outcome,
            started=started,
            finished=finished,
            interval=interval,
            draw=draw,
        )
    return outcome


@functools.cache
def _finish_runs_statement() -> Update:
    """The runs a sync carried, finished with its outcome."""
    return (
        update(WorkerRun)
        .where(
            col(WorkerRun.cluster_id) == bindparam("of_cluster"),
            col(WorkerRun.status) == "running",
            col(WorkerRun.process) == bindparam("owner"),
        )
        .values(  # (bound names other than the columns': SQLAlchemy keeps those for itself)
            status=bindparam("run_status"),
            finished_at=_time("finished"),
            duration_ms=bindparam("run_duration_ms"),
            items_done=bindparam("run_items_done"),
            items_failed=bindparam("run_items_failed"),
            error=bindparam("run_error"),
            details=bindparam("run_details"),
        )
    )
