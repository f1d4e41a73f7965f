"""Settling a sample into hours: its namespace figures (cost-model.md "Hourly cost per
namespace") and its allocation per node ("Node prices", Allocation).

A sample's coverage is known once the next sample of its cluster exists: it covers
`[t, min(t_next, t + 3 × interval))`. The sync that writes the next sample then adds the
previous sample's figures × the seconds it covers to its cluster-hours, so the cost job reads
one row per namespace (and per namespace and node) and hour instead of one per sample: its
per-(namespace, node) rows go, its namespace rows stay for the usage charts and its snapshot
is marked `namespaces_settled`.

All of it happens in the sync's transaction, after marking the snapshot: the mark locks its
row and is made only if it was not there, so a sample is settled once, whatever fails or runs
twice. A sample nobody settled is read by the cost job with the sample's weight as before.
(A node row needs its namespace's row in the sample, for the owner labels: a sync writes both
from the same figures, or neither.)

Only a sample followed within three intervals is settled: its coverage is then the time to
its successor, which no interval setting of the cost job changes. One followed by a gap (an
outage) is left as it is, and the job weighs it with the interval it runs with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Integer, delete, func, literal, select, true, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from kube_console.costs.math import HOUR, covered_seconds, floor_hour
from kube_console.db import UTCDateTime, table_of
from kube_console.models import (
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    UsageSnapshot,
)

HOUR_KEY = ("cluster_id", "hour_start", "namespace_id", "team", "cost_center", "node_id")
SECONDS = ("cpu_core_seconds", "memory_byte_seconds", "gpu_seconds")
NAMESPACE_HOUR_KEY = ("cluster_id", "hour_start", "namespace_id", "team", "cost_center")
NAMESPACE_FIGURES = (
    "cpu_request_core_seconds",
    "cpu_usage_core_seconds",
    "cpu_alloc_core_seconds",
    "memory_request_byte_seconds",
    "memory_usage_byte_seconds",
    "memory_alloc_byte_seconds",
    "storage_byte_seconds",
    "cpu_metered_request_core_seconds",
    "memory_metered_request_byte_seconds",
    "network_bytes",
    "gpu_seconds",
)


def covered_hours(
    sampled_at: dt.datetime, next_sampled_at: dt.datetime, interval_seconds: float
) -> list[tuple[dt.datetime, float]]:
    """(hour start, seconds) of each hour the sample at `sampled_at` covers, followed by the
    sample at `next_sampled_at`: the seconds the cost job would weigh it by in that hour."""
    hours = []
    hour_start = floor_hour(sampled_at)
    while hour_start < next_sampled_at:
        [seconds] = covered_seconds([sampled_at, next_sampled_at], hour_start, interval_seconds)[:1]
        if seconds <= 0:
            break  # the coverage ended (a gap of more than three intervals)
        hours.append((hour_start, seconds))
        hour_start += HOUR
    return hours


def settle_previous_sample(
    session: Session, *, cluster_id: int, sampled_at: dt.datetime, interval_seconds: float
) -> int:
    """Settle the cluster's last sample before `sampled_at` (the one a sync at `sampled_at`
    follows) into its hours; the number of its (namespace, node) rows moved.

    Four statements whatever the size: mark the sample settled (which locks its snapshot row: a
    second settler waits for the first to commit, then finds it marked and does nothing), add
    its namespace figures and its per-node rows × the seconds it covers to the hours' rows in
    the database, delete the per-node rows."""
    previous = (
        select(col(UsageSnapshot.id))
        .where(
            col(UsageSnapshot.cluster_id) == cluster_id, col(UsageSnapshot.sampled_at) < sampled_at
        )
        .order_by(col(UsageSnapshot.sampled_at).desc())
        .limit(1)
        .scalar_subquery()
    )
    reach = dt.timedelta(seconds=3 * interval_seconds)
    found = session.execute(
        update(UsageSnapshot)
        .where(
            col(UsageSnapshot.id) == previous,
            col(UsageSnapshot.namespaces_settled).is_(False),
            # Followed by a gap, its reach, not its successor, ends it (see the module).
            col(UsageSnapshot.sampled_at) >= sampled_at - reach,
        )
        .values(namespaces_settled=True)
        .returning(
            col(UsageSnapshot.id),
            col(UsageSnapshot.sampled_at),
            col(UsageSnapshot.metrics_available),
        )
        .execution_options(synchronize_session=False)
    ).first()
    if found is None:
        return 0
    snapshot_id, previous_at, metered = found
    segments = _segments(previous_at, covered_hours(previous_at, sampled_at, interval_seconds))
    session.execute(_add_namespace_hours(session, cluster_id, snapshot_id, segments, metered))
    session.execute(_add_node_hours(session, cluster_id, snapshot_id, segments))
    placed = NamespaceNodeSample
    moved = session.connection().execute(
        delete(placed).where(col(placed.snapshot_id) == snapshot_id)
    )
    return moved.rowcount or 0


def _segments(sampled_at: dt.datetime, hours: list[tuple[dt.datetime, float]]) -> Any:
    """The hours a sample covers as a table: (hour_start, seconds, inside), `inside` 1 for the
    hour it was taken in (its network bytes count there) and 0 for the ones it reaches into."""
    return union_all(
        *(
            select(
                literal(hour_start, UTCDateTime).label("hour_start"),
                literal(seconds, Float).label("seconds"),
                literal(int(hour_start == floor_hour(sampled_at)), Integer).label("inside"),
            )
            for hour_start, seconds in hours
        )
    ).subquery("segments")


def _upsert(
    session: Session, table: Any, key: Sequence[str], added: Sequence[str], rows: Any
) -> Any:
    """INSERT INTO `table` SELECT `rows` ON CONFLICT (`key`) add the `added` figures to the
    row's."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).from_select([column.key for column in rows.selected_columns], rows)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in added},
    )


def _add_namespace_hours(
    session: Session, cluster_id: int, snapshot_id: int, segments: Any, metered: bool
) -> Any:
    """The sample's namespace rows × each hour's seconds, added to namespace_hours."""
    sample, seconds = NamespaceUsageSample, segments.c.seconds
    metered_seconds = seconds * literal(int(bool(metered)), Integer)
    rows = (
        select(
            literal(cluster_id, Integer).label("cluster_id"),
            segments.c.hour_start,
            col(sample.namespace_id).label("namespace_id"),
            col(sample.team).label("team"),
            col(sample.cost_center).label("cost_center"),
            col(sample.namespace).label("namespace"),
            (col(sample.cpu_request_cores) * seconds).label("cpu_request_core_seconds"),
            (col(sample.cpu_usage_cores) * seconds).label("cpu_usage_core_seconds"),
            (col(sample.cpu_alloc_cores) * seconds).label("cpu_alloc_core_seconds"),
            (col(sample.memory_request_bytes) * seconds).label("memory_request_byte_seconds"),
            (col(sample.memory_usage_bytes) * seconds).label("memory_usage_byte_seconds"),
            (col(sample.memory_alloc_bytes) * seconds).label("memory_alloc_byte_seconds"),
            (col(sample.storage_bytes) * seconds).label("storage_byte_seconds"),
            (col(sample.cpu_request_cores) * metered_seconds).label(
                "cpu_metered_request_core_seconds"
            ),
            (col(sample.memory_request_bytes) * metered_seconds).label(
                "memory_metered_request_byte_seconds"
            ),
            (func.coalesce(col(sample.network_bytes), 0) * segments.c.inside).label(
                "network_bytes"
            ),
            (col(sample.gpu_alloc) * seconds).label("gpu_seconds"),
        )
        .select_from(sample)
        .join(segments, true())
        .where(col(sample.snapshot_id) == snapshot_id)
    )
    return _upsert(session, table_of(NamespaceHour), NAMESPACE_HOUR_KEY, NAMESPACE_FIGURES, rows)


def _add_node_hours(session: Session, cluster_id: int, snapshot_id: int, segments: Any) -> Any:
    """The sample's per-node rows × each hour's seconds, under the owner labels of the
    sample's namespace rows, added to namespace_node_hours."""
    placed, owner = NamespaceNodeSample, NamespaceUsageSample
    # Driven by the sample's namespace rows, each finding its node rows through the key.
    rows = (
        select(
            literal(cluster_id, Integer).label("cluster_id"),
            segments.c.hour_start,
            col(owner.namespace_id).label("namespace_id"),
            col(owner.team).label("team"),
            col(owner.cost_center).label("cost_center"),
            col(placed.node_id).label("node_id"),
            (col(placed.cpu_alloc_cores) * segments.c.seconds).label("cpu_core_seconds"),
            (col(placed.memory_alloc_bytes) * segments.c.seconds).label("memory_byte_seconds"),
            (col(placed.gpu_alloc) * segments.c.seconds).label("gpu_seconds"),
        )
        .select_from(owner)
        .join(
            placed,
            (col(placed.snapshot_id) == owner.snapshot_id)
            & (col(placed.namespace_id) == owner.namespace_id),
        )
        .join(segments, true())
        .where(col(owner.snapshot_id) == snapshot_id)
    )
    return _upsert(session, table_of(NamespaceNodeHour), HOUR_KEY, SECONDS, rows)
