"""Settling a sample's allocation per node into hours (cost-model.md "Node prices", Allocation).

A sample's coverage is known once the next sample of its cluster exists: it covers
`[t, min(t_next, t + 3 × interval))`. The sync that writes the next sample then moves the
previous sample's per-(namespace, node) rows into allocation-seconds per cluster-hour, so the
cost job reads one row per (namespace, node) and hour instead of one per sample.

The previous sample's seconds are added by key and its rows deleted in the sync's transaction,
under a lock on its snapshot row: a sample is settled once, whatever fails or runs twice. A
sample nobody settled keeps its rows, which the cost job reads with the sample's weight as
before. (A node row needs its namespace's row in the sample, for the owner labels: a sync
writes both from the same figures, or neither.)

Only a sample followed within three intervals is settled: its coverage is then the time to
its successor, which no interval setting of the cost job changes. One followed by a gap (an
outage) keeps its rows, and the job weighs it with the interval it runs with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, Integer, delete, literal, select, true, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from kube_console.costs.math import HOUR, covered_seconds, floor_hour
from kube_console.db import UTCDateTime
from kube_console.models import (
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    UsageSnapshot,
)

HOUR_KEY = ("cluster_id", "hour_start", "namespace_id", "team", "cost_center", "node_id")
SECONDS = ("cpu_core_seconds", "memory_byte_seconds", "gpu_seconds")


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

    Three statements whatever the size: lock the sample's snapshot row (a second settler waits
    for the first to commit, then finds no rows left to add), add its rows × the seconds it
    covers to the hours' rows in the database, delete them."""
    previous = (
        select(col(UsageSnapshot.id))
        .where(
            col(UsageSnapshot.cluster_id) == cluster_id, col(UsageSnapshot.sampled_at) < sampled_at
        )
        .order_by(col(UsageSnapshot.sampled_at).desc())
        .limit(1)
        .scalar_subquery()
    )
    found = session.execute(
        select(col(UsageSnapshot.id), col(UsageSnapshot.sampled_at))
        .where(col(UsageSnapshot.id) == previous)
        .with_for_update()
    ).first()
    if found is None:
        return 0
    snapshot_id, previous_at = found
    if sampled_at - previous_at > dt.timedelta(seconds=3 * interval_seconds):
        return 0  # a gap: the sample's reach, not its successor, ends it (see the module)
    hours = covered_hours(previous_at, sampled_at, interval_seconds)
    session.execute(_add_to_hours(session, cluster_id, snapshot_id, hours))
    placed = NamespaceNodeSample
    moved = session.connection().execute(
        delete(placed).where(col(placed.snapshot_id) == snapshot_id)
    )
    return moved.rowcount or 0


def _add_to_hours(
    session: Session, cluster_id: int, snapshot_id: int, hours: list[tuple[dt.datetime, float]]
) -> Any:
    """INSERT INTO namespace_node_hours SELECT the sample's rows × each hour's seconds, under the
    owner labels of the sample's namespace rows, ON CONFLICT add to what the hour holds."""
    segments = union_all(
        *(
            select(
                literal(hour_start, UTCDateTime).label("hour_start"),
                literal(seconds, Float).label("seconds"),
            )
            for hour_start, seconds in hours
        )
    ).subquery("segments")
    placed, owner = NamespaceNodeSample, NamespaceUsageSample
    # Driven by the sample's namespace rows, each finding its node rows through the key.
    rows = (
        select(
            literal(cluster_id, Integer),
            segments.c.hour_start,
            col(owner.namespace_id),
            col(owner.team),
            col(owner.cost_center),
            col(placed.node_id),
            col(placed.cpu_alloc_cores) * segments.c.seconds,
            col(placed.memory_alloc_bytes) * segments.c.seconds,
            col(placed.gpu_alloc) * segments.c.seconds,
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
    table = NamespaceNodeHour.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).from_select([*HOUR_KEY, *SECONDS], rows)
    return statement.on_conflict_do_update(
        index_elements=list(HOUR_KEY),
        set_={name: table.c[name] + statement.excluded[name] for name in SECONDS},
    )
