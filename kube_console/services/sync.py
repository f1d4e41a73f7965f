"""Syncing one cluster end to end: decrypt its credential, fetch a snapshot, store it — or record why not.

No database transaction is open while the cluster is being fetched (that can take up to
the 20 s budget; past it the fetch is abandoned and the sync recorded as timed out), so a
slow cluster never holds a lock other clusters need. A failure leaves the previous inventory
in place and says what happened in plain words; an auth failure (401 on any call, 403 on
/version or on every list) backs off, doubling up to ten minutes, so a revoked credential is
not hammered.

A failure is recorded in a transaction of its own: when storing the snapshot fails (a value
the database refuses, the connection killed mid-write), that write is rolled back whole and
the failure — status, error, failed-sync counter — is written after it, on a fresh connection.

A worker keeps each cluster's client across its syncs (`clients`, kube/client.py's
ApiClientCache): the credential is decrypted when the stored one changes, not at every sync,
and stays in that process's memory only, as the client's own configuration does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session, col

from kube_console.costs.math import floor_hour
from kube_console.db import table_of, utcnow
from kube_console.kube.client import ApiClientCache, InvalidClientCredentials, build_api_client
from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.fetch import (
    ClusterAuthFailed,
    ClusterFetchError,
    ClusterUnreachable,
    fetch_snapshot,
)
from kube_console.kube.objects import ClusterSnapshot
from kube_console.kube.provider import detect_provider, parse_version
from kube_console.models import (
    Cluster,
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    NodeLabelSet,
    NodeUsageSample,
    UsageSnapshot,
    WorkerRun,
)
from kube_console.security.keyring import CredentialUnreadable, Keyring
from kube_console.services.cluster_identity import endpoint_fingerprint, kube_system_uid
from kube_console.services.credentials import load_credential
from kube_console.services.inventory import LabelKeys, StoredDataReport, apply_snapshot, clip
from kube_console.services.sessions import rows_changed

log = logging.getLogger(__name__)

# Well below the 30 s interval, so that a slow cluster's sync ends before its next one is due.
SYNC_BUDGET_SECONDS = 20.0
AUTH_BACKOFF_START = dt.timedelta(seconds=30)
AUTH_BACKOFF_MAX = dt.timedelta(minutes=10)

OpenSession = Callable[[], AbstractContextManager[Session]]


@dataclasses.dataclass(frozen=True)
class SyncOutcome:
    cluster_id: int
    cluster_name: str
    status: str
    duration_ms: float
    error: str | None = None
    pods: int = 0
    sampled: bool = False
    notes: tuple[str, ...] = ()  # what storing the snapshot had to clip, skip or ignore

    @property
    def ok(self) -> bool:
        return self.status in ("healthy", "degraded")


def auth_backoff(consecutive_failures: int) -> dt.timedelta:
    return min(AUTH_BACKOFF_MAX, AUTH_BACKOFF_START * (1 << max(0, consecutive_failures - 1)))


def sync_cluster(
    *,
    cluster_id: int,
    keyring: Keyring,
    label_keys: LabelKeys,
    open_session: OpenSession,
    snapshot: ClusterSnapshot | None = None,
    budget_seconds: float = SYNC_BUDGET_SECONDS,
    now: dt.datetime | None = None,
    sync_interval_seconds: int | None = None,
    clients: ApiClientCache | None = None,
) -> SyncOutcome:
    """Sync one cluster (or store `snapshot` already fetched for it, as registration does).

    `now` is when the sync counts as taken (its samples' time): the demo replays past hours.
    `sync_interval_seconds`: see inventory.apply_snapshot (the previous sample is settled).
    With `clients` (a worker's), the cluster's client is kept there for its next syncs; else
    one is built for this sync and closed after it."""
    started = time.perf_counter()
    with open_session() as session:
        cluster = session.get(Cluster, cluster_id)
        if cluster is None:
            if clients is not None:
                clients.discard(cluster_id)
            raise LookupError(f"cluster {cluster_id} no longer exists")
        name = cluster.name

    credentials, failure = None, None
    if snapshot is None:
        snapshot, credentials, failure = _fetch(cluster, keyring, clients, budget_seconds)
    if failure is None:
        assert snapshot is not None  # fetched, or the failure says why not
        try:
            outcome = _store(
                open_session,
                cluster_id,
                name,
                snapshot,
                credentials,
                label_keys,
                started,
                now,
                sync_interval_seconds,
            )
        except Exception as error:  # its transaction is rolled back; the failure is recorded apart
            log.exception("storing the sync of cluster %s (%d) failed", name, cluster_id)
            failure = (_storing_failure_text(error), "error")
        else:
            if outcome.status == "deleted" and clients is not None:
                clients.discard(cluster_id)
            return outcome
    return _record_failure_apart(open_session, cluster_id, name, failure, started)


def _store(
    open_session: OpenSession,
    cluster_id: int,
    name: str,
    snapshot: ClusterSnapshot,
    credentials: ClusterCredentials | None,
    label_keys: LabelKeys,
    started: float,
    now: dt.datetime | None,
    sync_interval_seconds: int | None,
) -> SyncOutcome:
    with open_session() as session:
        cluster = session.get(Cluster, cluster_id)
        if cluster is None:  # deleted while it was being fetched
            return SyncOutcome(cluster_id, name, "deleted", _ms_since(started))
        now = now or utcnow()
        applied = apply_snapshot(
            session=session,
            cluster=cluster,
            snapshot=snapshot,
            label_keys=label_keys,
            now=now,
            sync_interval_seconds=sync_interval_seconds,
        )
        _record_success(cluster, snapshot, applied.report, now)
        cluster.kube_system_uid = kube_system_uid(snapshot) or cluster.kube_system_uid
        if credentials is not None:
            cluster.endpoint_fingerprint = endpoint_fingerprint(credentials)
        _count_sync(cluster, now, started)
        session.add(cluster)
        notes = applied.report.notes()
        if notes:
            log.warning(
                "sync of cluster %s (%d) stored with changes: %s",
                name,
                cluster_id,
                "; ".join(notes),
            )
        assert cluster.last_sync_duration_ms is not None  # counted just above
        return SyncOutcome(
            cluster_id,
            name,
            cluster.status,
            cluster.last_sync_duration_ms,
            error=cluster.last_error,
            pods=len(snapshot.pods or ()),
            sampled=applied.sampled,
            notes=tuple(notes),
        )


def _record_failure_apart(
    open_session: OpenSession, cluster_id: int, name: str, failure: tuple[str, str], started: float
) -> SyncOutcome:
    """Record a failed sync in a transaction of its own."""
    message, status = failure
    log.warning("sync of cluster %s (%d) failed: %s", name, cluster_id, message)
    try:
        with open_session() as session:
            cluster = session.get(Cluster, cluster_id)
            if cluster is None:  # deleted meanwhile
                return SyncOutcome(cluster_id, name, "deleted", _ms_since(started))
            now = utcnow()
            _record_failure(cluster, message, status, now)
            _count_sync(cluster, now, started)
            session.add(cluster)
    except SQLAlchemyError:  # the database itself is down: the log is all there is
        log.exception("the failed sync of cluster %s (%d) could not be recorded", name, cluster_id)
    return SyncOutcome(cluster_id, name, status, _ms_since(started), error=message)


def _count_sync(cluster: Cluster, now: dt.datetime, started: float) -> None:
    cluster.syncs_total += 1
    cluster.last_sync_at = _latest(cluster.last_sync_at, now)
    cluster.last_sync_duration_ms = _ms_since(started)
    cluster.updated_at = _latest(cluster.updated_at, now)


def _latest(recorded: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """A sync taken as of an earlier time (the demo replaying its history) never moves the
    cluster's times back."""
    if recorded is None:
        return now
    aware = recorded if recorded.tzinfo else recorded.replace(tzinfo=dt.UTC)
    return now if now >= aware else recorded


def _storing_failure_text(error: Exception) -> str:
    """The database's own first line (no statement, no parameters: they hold cluster data)."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        reason = (str(error.orig).strip().splitlines() or [""])[0][:300]
        reason = reason or type(error.orig).__name__
        return f"this sync could not be stored; the database said: {reason}"
    return f"this sync could not be stored: unexpected error ({type(error).__name__})"


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _fetch(
    cluster: Cluster, keyring: Keyring, clients: ApiClientCache | None, budget_seconds: float
) -> tuple[ClusterSnapshot | None, ClusterCredentials | None, tuple[str, str] | None]:
    """(snapshot, the credential it was fetched with, None), or (None, None, the failure)."""
    assert cluster.id is not None
    cluster_id = cluster.id
    try:
        if clients is None:
            credentials = load_credential(cluster=cluster, keyring=keyring)
            api_client = build_api_client(credentials)
        else:
            api_client, credentials = clients.client_for(
                cluster_id,
                _credential_version(cluster),
                lambda: load_credential(cluster=cluster, keyring=keyring),
            )
    except (CredentialUnreadable, InvalidClientCredentials) as unusable:
        return None, None, (f"the stored credential can't be used: {unusable}", "error")
    failure: tuple[str, str] | None = None
    try:
        return fetch_snapshot(api_client, budget_seconds=budget_seconds), credentials, None
    except ClusterAuthFailed as refused:
        failure = (str(refused), "auth_failed")
    except ClusterUnreachable as unreachable:
        failure = (str(unreachable), "unreachable")
    except ClusterFetchError as error:
        failure = (str(error), "error")
    except Exception as unexpected:  # a bug must not stop the other clusters; say what it was
        log.exception("unexpected error while fetching a cluster")
        failure = (f"unexpected error: {type(unexpected).__name__}", "error")
    finally:
        if clients is None:
            api_client.close()
        elif failure is not None:  # its connections may be what failed: the next sync starts anew
            clients.discard(cluster_id)
    return None, None, failure


def _credential_version(cluster: Cluster) -> str:
    """Which stored credential this is, read from its ciphertext: a new credential, or the
    same one encrypted again under another key, is another version (and another client)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update((cluster.credential_key_id or "").encode())
    digest.update(b"\0")
    digest.update(cluster.credential_ciphertext or b"")
    return digest.hexdigest()


def _record_failure(cluster: Cluster, message: str, status: str, now: dt.datetime) -> None:
    cluster.status = status
    cluster.last_error = message
    cluster.syncs_failed += 1
    if status == "auth_failed":
        cluster.consecutive_auth_failures += 1
        cluster.backoff_until = now + auth_backoff(cluster.consecutive_auth_failures)
    else:
        cluster.consecutive_auth_failures = 0
        cluster.backoff_until = None


def _record_success(
    cluster: Cluster, snapshot: ClusterSnapshot, report: StoredDataReport, now: dt.datetime
) -> None:
    version = parse_version(snapshot.version)
    facts = {"version": version.git_version}
    clip(table_of(Cluster), facts)
    if facts["version"] != version.git_version:
        report.clipped["clusters.version"] = 1
    cluster.version = facts["version"]
    if snapshot.nodes is not None:
        provider = detect_provider(
            git_version=version.git_version,
            nodes=snapshot.nodes,
            api_groups=snapshot.api_groups,
            namespaces=[ns.name for ns in snapshot.namespaces or ()],
        )
        cluster.provider, cluster.provider_name = provider.key, provider.display_name
    cluster.metrics_available = snapshot.metrics_available
    cluster.api_latency_ms = round(snapshot.health.api_latency_ms, 1)
    cluster.health = {
        "ok": snapshot.health.ok,
        "endpoint": snapshot.health.endpoint,
        "checks": [{"name": check.name, "ok": check.ok} for check in snapshot.health.checks],
        "problems": dict(snapshot.errors),
        "skipped_quantities": snapshot.skipped_quantities,
        "fetch_seconds": round(snapshot.fetch_seconds, 3),
        "report": report.as_health(),
    }
    summary = []
    if snapshot.forbidden:
        may_not_read = ", ".join(snapshot.forbidden.values())
        summary.append(f"the credential may not read {may_not_read} (403 Forbidden)")
    summary += [
        f"{kind}: {text}"
        for kind, text in sorted(snapshot.errors.items())
        if kind not in snapshot.forbidden
    ]
    unready = cluster.ready_node_count < cluster.node_count
    degraded = not snapshot.health.ok or bool(summary) or unready
    cluster.status = "degraded" if degraded else "healthy"
    cluster.last_error = "; ".join(summary) or None
    cluster.last_success_at = _latest(cluster.last_success_at, now)
    cluster.consecutive_auth_failures = 0
    cluster.backoff_until = None


def prune_samples(*, session: Session, older_than: dt.datetime) -> int:
    """Delete usage samples past retention, cluster by cluster (each delete uses its index)."""
    removed = 0
    for cluster_id in session.execute(select(col(Cluster.id))).scalars():
        old = select(col(UsageSnapshot.id)).where(
            col(UsageSnapshot.cluster_id) == cluster_id, col(UsageSnapshot.sampled_at) < older_than
        )
        session.execute(
            delete(NamespaceNodeSample).where(col(NamespaceNodeSample.snapshot_id).in_(old))
        )
        # An hour before the first kept hour has no sample left: its settled figures go too.
        for settled in (NamespaceHour, NamespaceNodeHour):
            session.execute(
                delete(settled).where(
                    col(settled.cluster_id) == cluster_id,
                    col(settled.hour_start) < floor_hour(older_than),
                )
            )
        for model in (NamespaceUsageSample, NodeUsageSample):
            session.execute(
                delete(model).where(
                    col(model.cluster_id) == cluster_id, col(model.sampled_at) < older_than
                )
            )
        removed += rows_changed(
            session.execute(
                delete(UsageSnapshot).where(
                    col(UsageSnapshot.cluster_id) == cluster_id,
                    col(UsageSnapshot.sampled_at) < older_than,
                )
            )
        )
    # Label sets no sample refers to any more (a sync storing one again re-creates it).
    referenced = select(col(NodeUsageSample.id)).where(
        col(NodeUsageSample.label_set_id) == NodeLabelSet.id
    )
    session.execute(delete(NodeLabelSet).where(~referenced.exists()))
    return removed


def prune_worker_runs(*, session: Session, older_than: dt.datetime) -> int:
    return rows_changed(
        session.execute(delete(WorkerRun).where(col(WorkerRun.requested_at) < older_than))
    )
