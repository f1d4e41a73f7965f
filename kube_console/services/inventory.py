"""Storing one sync's snapshot: upsert every object by (cluster_id, uid), soft-delete what a complete
list no longer holds, and write the usage samples the cost job prices.

A kind whose list did not complete (None in the snapshot) keeps its previous rows untouched:
nothing is marked deleted on partial information. The caller runs this in one transaction.

Every 30 s most objects are unchanged but for their usage. So each listed object gets a
digest of everything stored from it; only new or changed objects have their row built and
written, the others get their usage and last_seen through a narrow update. A fleet of a
thousand clusters is synced every 30 s on a few cores, so an unchanged cluster costs a fixed
number of statements, each built once per process (tests/integration/test_sync_statements.py).

What the cluster sends is not trusted to fit: a string longer than its column is clipped (and
one holding NUL characters, which PostgreSQL refuses in text, loses them), an object without a
usable uid (none, one that doesn't fit its column, or one listed twice) is skipped, and a team or cost-center label that is no valid Kubernetes label value is ignored.
Each is counted in the sync's report (`StoredDataReport`), so one odd object never fails the
whole cluster's sync.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Collection, Sequence
from typing import Any

import msgspec
from sqlalchemy import BigInteger, Column, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Dialect, Row
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.schema import Table
from sqlmodel import Session, SQLModel, col

from kube_console.costs.allocation_hours import settle_previous_sample
from kube_console.costs.samples import (
    NodeAllocation,
    namespace_figures,
    owner_label,
    usage_by_container,
)
from kube_console.db import table_of, upsert
from kube_console.gc_pause import cyclic_gc_paused
from kube_console.kube.objects import (
    ClusterSnapshot,
    HelmReleaseRecord,
    NamespaceRecord,
    NodeRecord,
    NodeUsage,
    PodRecord,
    PvcRecord,
    WorkloadRecord,
)
from kube_console.models import (
    Cluster,
    HelmRelease,
    Namespace,
    NamespaceNodeSample,
    NamespaceUsageSample,
    Node,
    NodeLabelSet,
    NodeUsageSample,
    PersistentVolumeClaim,
    Pod,
    UsageSnapshot,
    Workload,
)

_KEY = ("cluster_id", "uid")
# Part of every digest: bump it when the rows built from a record change shape or meaning,
# so the next sync rewrites every row instead of trusting digests of the old format.
ROW_FORMAT = b"3:"
# The report names at most this many namespaces whose team or cost-center label was ignored.
NAMED_NAMESPACES = 5


@dataclasses.dataclass(frozen=True)
class LabelKeys:
    team: Sequence[str]
    cost_center: Sequence[str]


@dataclasses.dataclass
class StoredDataReport:
    """What storing one snapshot had to change in it, for the cluster page and the logs."""

    # "table.column" -> values clipped to the column's length or cleared of NUL characters
    clipped: dict[str, int] = dataclasses.field(default_factory=dict)
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)  # table -> objects
    rejected_labels: int = 0
    # "namespace (label keys)" of the first NAMED_NAMESPACES namespaces with a rejected label
    rejected_in: list[str] = dataclasses.field(default_factory=list)

    def count_unfit_values(self, table: Table, record: Any) -> None:
        """Count the record's strings that `clip` changes to fit their column.

        Counted for every object listed, written this time or not, so that each sync reports
        the same clipped values for as long as the cluster sends them."""
        for column, length in _string_lengths(table):
            value = getattr(record, column, None)
            if type(value) is str and not _fits(value, length):
                where = f"{table.name}.{column}"
                self.clipped[where] = self.clipped.get(where, 0) + 1

    def reject_labels(self, namespace: str, keys: list[str]) -> None:
        self.rejected_labels += len(keys)
        if len(self.rejected_in) < NAMED_NAMESPACES:
            self.rejected_in.append(f"{namespace} ({', '.join(keys)})")

    def notes(self) -> list[str]:
        """The report in plain words, one sentence per kind of change."""
        notes = []
        if self.clipped:
            total = sum(self.clipped.values())
            where = ", ".join(f"{column} ({n})" for column, n in sorted(self.clipped.items()))
            notes.append(
                f"{total} value{'s' if total != 1 else ''} clipped to fit the column that stores "
                f"it (its length; no NUL characters): {where}"
            )
        if self.skipped:
            total = sum(self.skipped.values())
            which = ", ".join(f"{table} ({count})" for table, count in sorted(self.skipped.items()))
            notes.append(
                f"{total} object{'s' if total != 1 else ''} skipped for want of a usable uid "
                f"(none, one that doesn't fit its column, or one listed twice): {which}"
            )
        if self.rejected_labels:
            more = ", …" if self.rejected_labels > len(self.rejected_in) else ""
            plural = "s" if self.rejected_labels != 1 else ""
            notes.append(
                f"{self.rejected_labels} team or cost-center label value{plural} ignored, not being "
                f"valid Kubernetes label values: {', '.join(self.rejected_in)}{more}"
            )
        return notes

    def as_health(self) -> dict[str, Any]:
        """What cluster.health keeps of it."""
        return {
            "clipped": sum(self.clipped.values()),
            "skipped": sum(self.skipped.values()),
            "rejected_labels": self.rejected_labels,
            "notes": self.notes(),
        }


def clip(table: Table, row: dict[str, Any]) -> None:
    """Fit the row's strings to their columns: NUL characters removed, then clipped to length."""
    for column, length in _string_lengths(table):
        value = row.get(column)
        if type(value) is str and not _fits(value, length):
            row[column] = value.replace("\x00", "")[:length]


def _fits(value: str, length: int) -> bool:
    return len(value) <= length and "\x00" not in value


@functools.cache
def _string_lengths(table: Table) -> tuple[tuple[str, int], ...]:
    """(column, length) of the table's bounded string columns."""
    return tuple(
        (column.name, length)
        for column in table.columns
        if (length := _bounded_length(column)) and column.name != "uid"
    )


def _bounded_length(column: Column[Any]) -> int | None:
    """The length a string column holds, if bounded (sqlmodel's AutoString passes it on)."""
    length: int | None = getattr(column.type, "length", None)
    return length


# A revision's description in a release's history is clipped to the length of the release's own.
HISTORY_DESCRIPTION_LENGTH = dict(_string_lengths(table_of(HelmRelease)))["description"]


@dataclasses.dataclass
class AppliedSnapshot:
    """What one apply did, for logs, the CLI summary and tests."""

    upserted: dict[str, int] = dataclasses.field(default_factory=dict)
    deleted: dict[str, int] = dataclasses.field(default_factory=dict)
    sampled: bool = False
    report: StoredDataReport = dataclasses.field(default_factory=StoredDataReport)


@dataclasses.dataclass(slots=True)
class _Entry:
    """One listed object: its uid, a digest of what is stored from it, and its row, built on demand."""

    uid: str
    digest: str
    record: Any  # what the row is built from; its fields are named as the row's columns
    build: Callable[[], dict[str, Any]]
    usage: dict[str, Any] | None = None  # written on every sync, changed or not


def _entry(
    uid: str,
    record: Any,
    derived: tuple[object, ...],
    build: Callable[[], dict[str, Any]],
    usage: dict[str, Any] | None = None,
) -> _Entry:
    """`derived` holds what the row takes from outside the record (ids it links to, label settings)."""
    digest = hashlib.blake2b(
        ROW_FORMAT + msgspec.json.encode((record, derived)), digest_size=8
    ).hexdigest()
    return _Entry(uid, digest, record, build, usage)


@dataclasses.dataclass(frozen=True)
class _Statements:
    """One table's statements of the hot path, built once: a statement built anew for every
    sync costs more Python than its execution (SQLAlchemy builds and keys it every time)."""

    live: Any  # the live rows: uid, id, content_hash, then the `extra` columns
    usage: Any  # one unchanged row: its usage and last_seen, by id (executemany)
    seen: Any  # last_seen of every live row in scope
    deleted: Any  # soft-delete by ids


@functools.cache
def _statements(table: Table, extra: tuple[str, ...], scope: str | None) -> _Statements:
    live_rows = (table.c.cluster_id == bindparam("of_cluster"), table.c.deleted_at.is_(None))
    in_scope = (table.c[scope].in_(bindparam("scope", expanding=True)),) if scope else ()
    return _Statements(
        live=select(
            table.c.uid, table.c.id, table.c.content_hash, *(table.c[column] for column in extra)
        ).where(*live_rows),
        usage=table.update().where(table.c.id == bindparam("row_id")),
        seen=table.update().where(*live_rows, *in_scope).values(last_seen=bindparam("now")),
        deleted=table.update()
        .where(table.c.id.in_(bindparam("ids", expanding=True)))
        .values(deleted_at=bindparam("now")),
    )


# A live row as _Statements.live reads it: uid, id, content_hash, then the `extra` columns.
_LiveRow = Row[*tuple[Any, ...]]


@dataclasses.dataclass
class _Synced:
    listed: list[_Entry]  # the entries stored: now the live rows in scope, one each
    written: list[dict[str, Any]]  # the rows upserted whole
    gone: list[_LiveRow]  # the rows soft-deleted, as read before
    live: Sequence[_LiveRow]  # every live row before, in scope or not

    @property
    def unchanged(self) -> bool:
        return not self.written and not self.gone


def _sync_rows(
    session: Session,
    model: type[SQLModel],
    cluster_id: int,
    entries: list[_Entry],
    now: dt.datetime,
    report: StoredDataReport,
    *,
    extra: tuple[str, ...] = (),
    scope: tuple[str, Collection[str]] | None = None,
) -> _Synced:
    """Make this cluster's rows of `model` match a complete list: with `scope` (column,
    values), only its rows whose column holds one of the values (the kinds that were listed).

    New, changed and re-appearing objects are upserted whole; unchanged ones get their usage
    and last_seen by id (executemany), or, having no usage, last_seen in one statement over
    the live rows; rows missing from the list are soft-deleted. The live rows are read once,
    with the `extra` columns the caller maps ids by. An unchanged list costs two statements.
    """
    table = table_of(model)
    statements = _statements(table, extra, scope[0] if scope else None)
    connection = session.connection()
    entries = _usable(entries, table, report)
    live = connection.execute(statements.live, {"of_cluster": cluster_id}).all()
    if scope is None:
        mine = {row[0]: row for row in live}
    else:
        position, listed = 3 + extra.index(scope[0]), scope[1]
        mine = {row[0]: row for row in live if row[position] in listed}
    changed: list[dict[str, Any]] = []
    usage_only: list[dict[str, Any]] = []
    untouched = 0  # unchanged rows without usage: last_seen for all at once
    for entry in entries:
        known = mine.pop(entry.uid, None)
        if known is None or known[2] != entry.digest:  # new, changed, or soft-deleted before
            row = entry.build() | (entry.usage or {})
            clip(table, row)
            row.update(
                cluster_id=cluster_id,
                content_hash=entry.digest,
                first_seen=now,
                last_seen=now,
                deleted_at=None,
            )
            changed.append(row)
        elif entry.usage is not None:
            usage_only.append({"row_id": known[1], "last_seen": now, **entry.usage})
        else:
            untouched += 1
    if changed:
        upsert(
            session,
            model,
            changed,
            key=_KEY,
            update=[c for c in changed[0] if c not in (*_KEY, "first_seen")],
        )
    if usage_only:
        _write_usage(connection, table, statements, usage_only)
    gone = list(mine.values())
    for start in range(0, len(gone), 500):
        connection.execute(
            statements.deleted, {"ids": [row[1] for row in gone[start : start + 500]], "now": now}
        )
    if untouched:
        seen = {"of_cluster": cluster_id, "now": now}
        if scope is not None:
            seen["scope"] = list(scope[1])
        connection.execute(statements.seen, seen)
    return _Synced(entries, changed, gone, live)


def _write_usage(
    connection: Connection, table: Table, statements: _Statements, rows: list[dict[str, Any]]
) -> None:
    """Each row's usage and last_seen, by id. On PostgreSQL in one statement, the values
    passed as arrays (an executemany is a statement per row there); SQLite, in process,
    runs the executemany as fast."""
    if connection.dialect.name != "postgresql":
        connection.execute(statements.usage, rows)
        return
    columns = tuple(column for column in rows[0] if column != "row_id")
    connection.execute(
        _usage_from_arrays(table, columns, connection.dialect),
        {"ids": [row["row_id"] for row in rows]}
        | {column: [row[column] for row in rows] for column in columns},
    )


@functools.cache
def _usage_from_arrays(table: Table, columns: tuple[str, ...], dialect: Dialect) -> TextClause:
    """UPDATE <table> SET <columns> FROM unnest(<one array per column>) WHERE id matches."""
    arrays = ", ".join(
        f"CAST(:{column} AS {ARRAY(table.c[column].type).compile(dialect=dialect)})"
        for column in columns
    )
    assignments = ", ".join(f"{column} = u.{column}" for column in columns)
    return text(
        f"UPDATE {table.name} SET {assignments} "
        f"FROM unnest(CAST(:ids AS BIGINT[]), {arrays}) AS u(id, {', '.join(columns)}) "
        f"WHERE {table.name}.id = u.id"
    ).bindparams(
        bindparam("ids", type_=ARRAY(BigInteger)),
        *(bindparam(column, type_=ARRAY(table.c[column].type)) for column in columns),
    )


def _usable(entries: list[_Entry], table: Table, report: StoredDataReport) -> list[_Entry]:
    """The entries with a uid that can key their row: present, fitting its column, listed once
    (the values that don't fit their columns counted on the way)."""
    longest = _bounded_length(table.c.uid)
    assert longest is not None  # every synced table's uid is bounded
    seen: set[str] = set()
    usable = []
    for entry in entries:
        uid = entry.uid
        if not uid or not _fits(uid, longest) or uid in seen:
            report.skipped[table.name] = report.skipped.get(table.name, 0) + 1
            continue
        seen.add(uid)
        report.count_unfit_values(table, entry.record)
        usable.append(entry)
    return usable


def _live_rows(
    session: Session, model: type[SQLModel], cluster_id: int, extra: tuple[str, ...]
) -> Sequence[_LiveRow]:
    """The live rows as `_sync_rows` reads them: uid, id, content_hash, then the `extra` columns."""
    return (
        session.connection()
        .execute(_statements(table_of(model), extra, None).live, {"of_cluster": cluster_id})
        .all()
    )


def _live(
    session: Session, columns: Sequence[Any], model: Any, cluster_id: int
) -> Sequence[Row[*tuple[Any, ...]]]:
    return session.execute(
        select(*columns).where(model.cluster_id == cluster_id, model.deleted_at.is_(None))
    ).all()


def apply_snapshot(
    *,
    session: Session,
    cluster: Cluster,
    snapshot: ClusterSnapshot,
    label_keys: LabelKeys,
    now: dt.datetime,
    sync_interval_seconds: int | None = None,
) -> AppliedSnapshot:
    """Store a sync's snapshot. With `sync_interval_seconds` (the interval the cost model's
    coverage rule reads), the previous sample is settled into hours (costs/allocation_hours.py);
    without it, it stays for the cost job to weigh."""
    with cyclic_gc_paused():
        return _apply(session, cluster, snapshot, label_keys, now, sync_interval_seconds)


def _apply(
    session: Session,
    cluster: Cluster,
    snapshot: ClusterSnapshot,
    label_keys: LabelKeys,
    now: dt.datetime,
    sync_interval_seconds: int | None,
) -> AppliedSnapshot:
    cluster_id = cluster.id
    assert cluster_id is not None  # stored
    summary = AppliedSnapshot()

    def store(
        kind: str, model: Any, entries: list[_Entry], extra: tuple[str, ...] = (), scope: Any = None
    ) -> _Synced:
        synced = _sync_rows(
            session, model, cluster_id, entries, now, summary.report, extra=extra, scope=scope
        )
        summary.upserted[kind], summary.deleted[kind] = len(synced.written), len(synced.gone)
        return synced

    # The namespaces' and workloads' ids, which the rows after them link to: read with their
    # list's rows when nothing of theirs changed, else read again once written.
    namespace_columns = ("name", "team", "cost_center")
    live_namespaces = stored_namespaces = None
    if snapshot.namespaces is not None:
        entries = [_namespace_entry(ns, label_keys, summary.report) for ns in snapshot.namespaces]
        stored_namespaces = store("namespaces", Namespace, entries, extra=namespace_columns)
        live_namespaces = stored_namespaces.live if stored_namespaces.unchanged else None
    if live_namespaces is None:
        live_namespaces = _live_rows(session, Namespace, cluster_id, namespace_columns)
    namespaces = {
        name: (ns_id, team, cost_center) for _, ns_id, _, name, team, cost_center in live_namespaces
    }

    def namespace_id(name: str) -> int | None:
        found = namespaces.get(name)
        return found[0] if found else None

    nodes = pods = None
    if snapshot.nodes is not None:
        node_usage = {usage.name: usage for usage in snapshot.node_usage or ()}
        nodes = store(
            "nodes", Node, [_node_entry(node, node_usage.get(node.name)) for node in snapshot.nodes]
        )

    # The three workload kinds in one pass; a kind whose list failed keeps its rows.
    workload_columns = ("kind", "namespace", "name")
    listed = {
        kind: workloads
        for kind, workloads in (
            ("Deployment", snapshot.deployments),
            ("StatefulSet", snapshot.statefulsets),
            ("DaemonSet", snapshot.daemonsets),
        )
        if workloads is not None
    }
    live_workloads = None
    if listed:
        entries = [
            _workload_entry(workload, namespace_id(workload.namespace))
            for workloads in listed.values()
            for workload in workloads
        ]
        synced = _sync_rows(
            session,
            Workload,
            cluster_id,
            entries,
            now,
            summary.report,
            extra=workload_columns,
            scope=("kind", listed),
        )
        for kind in listed:
            summary.upserted[kind] = sum(row["kind"] == kind for row in synced.written)
            summary.deleted[kind] = sum(row[3] == kind for row in synced.gone)
        live_workloads = synced.live if synced.unchanged else None
    if live_workloads is None:
        live_workloads = _live_rows(session, Workload, cluster_id, workload_columns)
    workload_ids = {
        (kind, namespace, name): workload_id
        for _, workload_id, _, kind, namespace, name in live_workloads
    }

    usage = usage_by_container(snapshot.pod_usage) if snapshot.pod_usage is not None else {}
    if snapshot.pods is not None:
        metrics_known = snapshot.pod_usage is not None
        entries = [
            _pod_entry(
                pod,
                namespace_id(pod.namespace),
                workload_ids.get((pod.owner_kind or "", pod.namespace, pod.owner_name or "")),
                usage.get((pod.namespace, pod.name), {}) if metrics_known else None,
            )
            for pod in snapshot.pods
        ]
        pods = store("pods", Pod, entries)

    if snapshot.pvcs is not None:
        mounted_by: dict[tuple[str, str], list[str]] = {}
        for pod in snapshot.pods or ():
            for claim in pod.pvc_claims:
                mounted_by.setdefault((pod.namespace, claim), []).append(pod.name)
        entries = [
            _pvc_entry(
                pvc,
                namespace_id(pvc.namespace),
                sorted(mounted_by.get((pvc.namespace, pvc.name), [])),
            )
            for pvc in snapshot.pvcs
        ]
        store("pvcs", PersistentVolumeClaim, entries)

    if snapshot.helm_releases is not None:
        entries = [
            _helm_entry(release, namespace_id(release.namespace))
            for release in snapshot.helm_releases
        ]
        _count_clipped_history(snapshot.helm_releases, summary.report)
        store("helm_releases", HelmRelease, entries)

    if snapshot.pods is not None and snapshot.pvcs is not None:
        _write_samples(session, cluster_id, snapshot, namespaces, usage, now, nodes)
        if sync_interval_seconds is not None:
            settle_previous_sample(
                session,
                cluster_id=cluster_id,
                sampled_at=now,
                interval_seconds=sync_interval_seconds,
            )
        summary.sampled = True

    if nodes is not None and pods is not None and stored_namespaces is not None:
        # Each live row of these is one of the entries just stored: counted without a query.
        cluster.node_count = len(nodes.listed)
        cluster.ready_node_count = sum(entry.record.ready for entry in nodes.listed)
        cluster.namespace_count = len(stored_namespaces.listed)
        cluster.pod_count = len(pods.listed)
        cluster.running_pod_count = sum(entry.record.phase == "Running" for entry in pods.listed)
    else:
        _update_counts(session, cluster)
    return summary


def _namespace_entry(
    ns: NamespaceRecord, label_keys: LabelKeys, report: StoredDataReport
) -> _Entry:
    team, rejected_team = owner_label(ns.labels, label_keys.team)
    cost_center, rejected_cost_center = owner_label(ns.labels, label_keys.cost_center)
    if rejected_team or rejected_cost_center:
        report.reject_labels(ns.name, [*rejected_team, *rejected_cost_center])
    return _entry(
        ns.uid,
        ns,
        (team, cost_center),
        lambda: {
            "uid": ns.uid,
            "name": ns.name,
            "created_at": ns.created_at,
            "labels": ns.labels,
            "team": team,
            "cost_center": cost_center,
            "phase": ns.phase or "Active",
        },
    )


def _node_entry(node: NodeRecord, measured: NodeUsage | None) -> _Entry:
    def build() -> dict[str, Any]:
        row = msgspec.structs.asdict(node)
        row["conditions"] = msgspec.to_builtins(node.conditions)
        row["taints"] = msgspec.to_builtins(node.taints)
        return row

    usage = {
        "cpu_usage_cores": measured.cpu_cores if measured else None,
        "memory_usage_bytes": measured.memory_bytes if measured else None,
    }
    return _entry(node.uid, node, (), build, usage)


def _workload_entry(workload: WorkloadRecord, ns_id: int | None) -> _Entry:
    return _entry(
        workload.uid,
        workload,
        (ns_id,),
        lambda: {
            "uid": workload.uid,
            "name": workload.name,
            "created_at": workload.created_at,
            "namespace_id": ns_id,
            "namespace": workload.namespace,
            "kind": workload.kind,
            "replicas_desired": workload.replicas_desired,
            "replicas_ready": workload.replicas_ready,
            "replicas_available": workload.replicas_available,
            "replicas_updated": workload.replicas_updated,
            "containers": msgspec.to_builtins(workload.containers),
            "labels": workload.labels,
            "selector": workload.selector,
            "cpu_request_cores": sum(c.cpu_request_cores or 0.0 for c in workload.containers),
            "memory_request_bytes": sum(c.memory_request_bytes or 0 for c in workload.containers),
        },
    )


def _sum_or_none(values: list[float | int | None]) -> float | int | None:
    present = [value for value in values if value is not None]
    return sum(present) if present else None


def _pod_entry(
    pod: PodRecord,
    ns_id: int | None,
    workload_id: int | None,
    measured: dict[str, tuple[float | None, int | None]] | None,
) -> _Entry:
    """`measured` is the pod's usage per container, or None when the cluster has no metrics."""
    usage = {
        "cpu_usage_cores": sum(cpu or 0.0 for cpu, _ in measured.values()) if measured else None,
        "memory_usage_bytes": sum(memory or 0 for _, memory in measured.values())
        if measured
        else None,
        "container_usage": {
            name: [cpu, memory] for name, (cpu, memory) in (measured or {}).items()
        },
    }
    return _entry(
        pod.uid,
        pod,
        (ns_id, workload_id),
        lambda: {
            "uid": pod.uid,
            "name": pod.name,
            "created_at": pod.created_at,
            "namespace_id": ns_id,
            "namespace": pod.namespace,
            "phase": pod.phase or "Unknown",
            "node_name": pod.node_name,
            "owner_kind": pod.owner_kind,
            "owner_name": pod.owner_name,
            "workload_id": workload_id,
            "containers": msgspec.to_builtins(pod.containers),
            "cpu_request_cores": sum(c.cpu_request_cores or 0.0 for c in pod.containers),
            "memory_request_bytes": sum(c.memory_request_bytes or 0 for c in pod.containers),
            "cpu_limit_cores": _sum_or_none([c.cpu_limit_cores for c in pod.containers]),
            "memory_limit_bytes": _sum_or_none([c.memory_limit_bytes for c in pod.containers]),
            "restarts": pod.restarts,
            "start_time": pod.start_time,
            "qos_class": pod.qos_class,
            "pvc_claims": pod.pvc_claims,
            "labels": pod.labels,
            "status_reason": pod.status_reason,
            "status_message": pod.status_message,
        },
        usage,
    )


def _pvc_entry(pvc: PvcRecord, ns_id: int | None, mounted_by: list[str]) -> _Entry:
    def build() -> dict[str, Any]:
        row = msgspec.structs.asdict(pvc)
        row.update(namespace_id=ns_id, phase=pvc.phase or "Pending", mounted_by=mounted_by)
        return row

    return _entry(pvc.uid, pvc, (ns_id, mounted_by), build)


def _helm_entry(release: HelmReleaseRecord, ns_id: int | None) -> _Entry:
    uid = f"{release.namespace}/{release.name}"
    return _entry(
        uid,
        release,
        (ns_id,),
        lambda: {
            "uid": uid,
            "name": release.name,
            "namespace": release.namespace,
            "namespace_id": ns_id,
            "secret_uid": release.secret_uid,
            "revision": release.revision,
            "chart": release.chart,
            "chart_version": release.chart_version,
            "app_version": release.app_version,
            "status": release.status or "unknown",
            "updated_at": release.updated_at,
            "description": release.description,
            "history": [
                msgspec.to_builtins(revision)
                | {"description": _history_description(revision.description)}
                for revision in release.history
            ],
            "created_at": None,
        },
    )


def _history_description(text: str) -> str:
    return text.replace("\x00", "")[:HISTORY_DESCRIPTION_LENGTH]


def _count_clipped_history(releases: list[HelmReleaseRecord], report: StoredDataReport) -> None:
    clipped = sum(
        1
        for release in releases
        for revision in release.history
        if _history_description(revision.description) != revision.description
    )
    if clipped:
        where = "helm_releases.history.description"
        report.clipped[where] = report.clipped.get(where, 0) + clipped


def _write_samples(
    session: Session,
    cluster_id: int,
    snapshot: ClusterSnapshot,
    namespaces: dict[str, tuple[int, str, str]],
    usage: dict[tuple[str, str], dict[str, tuple[float | None, int | None]]],
    now: dt.datetime,
    stored_nodes: _Synced | None,
) -> None:
    sample = UsageSnapshot(
        cluster_id=cluster_id, sampled_at=now, metrics_available=snapshot.metrics_available
    )
    session.add(sample)
    session.flush()
    placed: dict[tuple[str, str], NodeAllocation] = {}
    figures = namespace_figures(snapshot.pods or [], snapshot.pvcs or [], usage, placed)
    namespace_rows = []
    for name, sums in figures.items():
        if name not in namespaces:
            continue  # its namespace is not known yet (its list failed); the next sync samples it
        ns_id, team, cost_center = namespaces[name]
        namespace_rows.append(
            {
                "snapshot_id": sample.id,
                "cluster_id": cluster_id,
                "namespace_id": ns_id,
                "namespace": name,
                "sampled_at": now,
                "team": team,
                "cost_center": cost_center,
                "network_bytes": None,
                **dataclasses.asdict(sums),
            }
        )
    if namespace_rows:
        session.execute(table_of(NamespaceUsageSample).insert(), namespace_rows)
    nodes = _sampled_nodes(session, cluster_id, stored_nodes)
    label_sets = label_set_ids(session, [labels or {} for _, _, labels, *_ in nodes])
    node_rows = [
        {
            "snapshot_id": sample.id,
            "cluster_id": cluster_id,
            "node_id": node_id,
            "node": name,
            "sampled_at": now,
            "capacity_cpu_cores": capacity_cpu,
            "capacity_memory_bytes": capacity_memory,
            "capacity_gpus": capacity_gpus,
            "allocatable_cpu_cores": allocatable_cpu,
            "allocatable_memory_bytes": allocatable_memory,
            "cpu_usage_cores": cpu_used,
            "memory_usage_bytes": memory_used,
            "label_set_id": label_set_id,
        }
        for (
            node_id,
            name,
            _,
            capacity_cpu,
            capacity_memory,
            capacity_gpus,
            allocatable_cpu,
            allocatable_memory,
            cpu_used,
            memory_used,
        ), label_set_id in zip(nodes, label_sets)
    ]
    if node_rows:
        session.execute(table_of(NodeUsageSample).insert(), node_rows)
    node_ids = {name: node_id for node_id, name, *_ in nodes}
    # Allocation on a node not listed (or of a namespace not known) gets no row: the engine
    # charges what the namespace total holds beyond its rows at the sheet's unit prices.
    placement_rows = [
        {
            "snapshot_id": sample.id,
            "namespace_id": namespaces[namespace][0],
            "node_id": node_ids[node],
            "cpu_alloc_cores": allocation.cpu_alloc_cores,
            "memory_alloc_bytes": allocation.memory_alloc_bytes,
            "gpu_alloc": allocation.gpu_alloc,
        }
        for (namespace, node), allocation in placed.items()
        if namespace in namespaces and node in node_ids
    ]
    if placement_rows:
        session.execute(table_of(NamespaceNodeSample).insert(), placement_rows)


def _sampled_nodes(
    session: Session, cluster_id: int, stored: _Synced | None
) -> Sequence[Sequence[Any]]:
    """The cluster's live nodes as a sample records them. When this sync stored the node list
    unchanged, the listed records are the rows (their usage included): no read."""
    if stored is None or not stored.unchanged:
        return _live(
            session,
            (
                Node.id,
                Node.name,
                Node.labels,
                Node.capacity_cpu_cores,
                Node.capacity_memory_bytes,
                Node.capacity_gpus,
                Node.allocatable_cpu_cores,
                Node.allocatable_memory_bytes,
                Node.cpu_usage_cores,
                Node.memory_usage_bytes,
            ),
            Node,
            cluster_id,
        )
    ids = {row[0]: row[1] for row in stored.live}
    return [
        (
            ids[entry.uid],
            node.name,
            node.labels,
            node.capacity_cpu_cores,
            node.capacity_memory_bytes,
            node.capacity_gpus,
            node.allocatable_cpu_cores,
            node.allocatable_memory_bytes,
            (entry.usage or {}).get("cpu_usage_cores"),
            (entry.usage or {}).get("memory_usage_bytes"),
        )
        for entry in stored.listed
        for node in (entry.record,)
    ]


def _label_digest(labels: dict[str, str]) -> str:
    return hashlib.blake2b(msgspec.json.encode(sorted(labels.items())), digest_size=16).hexdigest()


def label_set_ids(session: Session, label_sets: list[dict[str, str]]) -> list[int]:
    """The id of each node's label set, storing the sets not seen before (once, by digest)."""
    digests = [_label_digest(labels) for labels in label_sets]
    wanted = sorted(set(digests))

    def known() -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            found.update(
                session.execute(
                    select(col(NodeLabelSet.digest), col(NodeLabelSet.id)).where(
                        col(NodeLabelSet.digest).in_(wanted[start : start + 500])
                    )
                )
                .tuples()
                .all()
            )
        return found

    ids = known()
    if len(ids) < len(wanted):
        new = {digest: labels for digest, labels in zip(digests, label_sets) if digest not in ids}
        # Another cluster's sync may store the same set at the same time: the digest is unique.
        upsert(
            session,
            NodeLabelSet,
            [{"digest": digest, "labels": labels} for digest, labels in new.items()],
            key=["digest"],
            update=[],
        )
        ids = known()
    return [ids[digest] for digest in digests]


@functools.cache
def _counts_statement() -> Any:
    def live_count(model: Any, *conditions: Any) -> Any:
        return (
            select(func.count())
            .select_from(model)
            .where(
                model.cluster_id == bindparam("of_cluster"), model.deleted_at.is_(None), *conditions
            )
            .scalar_subquery()
        )

    return select(
        live_count(Node),
        live_count(Node, col(Node.ready).is_(True)),
        live_count(Namespace),
        live_count(Pod),
        live_count(Pod, col(Pod.phase) == "Running"),
    )


def _update_counts(session: Session, cluster: Cluster) -> None:
    """The cluster's live counts, in one statement."""
    (
        cluster.node_count,
        cluster.ready_node_count,
        cluster.namespace_count,
        cluster.pod_count,
        cluster.running_pod_count,
    ) = session.connection().execute(_counts_statement(), {"of_cluster": cluster.id}).one()
