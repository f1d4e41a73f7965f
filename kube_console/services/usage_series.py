"""Usage over time from the sync samples: a cluster's CPU and memory capacity, requests and usage,
and a namespace's usage against its requests, bucketed in SQL for charts; and a namespace's
efficiency over a week, with a right-sizing hint and the figures it rests on.

A chart shows 24 hours in 5-minute buckets or 7 days in hourly ones (288 or 168 points, whatever
the sync interval). A bucket holds the mean over the cluster's samples in it: figures are summed
per bucket in SQL and divided by the number of samples the cluster took there, so a namespace
without running pods at some sample counts zero for it, as it should. Usage is averaged over the
samples that had metrics only; a bucket without samples is None, a gap in the chart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import BigInteger, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from kube_console.db import utcnow
from kube_console.errors import ValidationFailed
from kube_console.formatting import format_bytes, format_cores, format_percent
from kube_console.models import Namespace, NamespaceUsageSample, NodeUsageSample, UsageSnapshot
from kube_console.records import IsoTime
from kube_console.services.org_scope import owned_cluster, owned_row

UsageWindow = Literal["24h", "7d"]
# (bucket seconds, buckets)
WINDOWS: dict[UsageWindow, tuple[int, int]] = {"24h": (300, 288), "7d": (3600, 168)}

EFFICIENCY_DAYS = 7
LOW_EFFICIENCY = 0.5  # usage below half the request over the window calls for a hint
HEADROOM = 1.2  # the suggested request: p95 usage plus 20%
MIN_DAYS_OF_DATA = 1.0  # no hint from less than a day of samples
CPU_STEP_CORES = 0.01  # suggestions are rounded up to 10 millicores
MEMORY_STEP_BYTES = 2**20  # and to whole MiB


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterUsageSeries:
    """Per bucket, the mean over the cluster's samples in it; None where a bucket has none."""

    cluster_id: int
    window: str  # 24h | 7d
    bucket_seconds: int
    times: list[str]  # bucket starts
    cpu_capacity_cores: list[float | None]
    cpu_allocatable_cores: list[float | None]
    cpu_requested_cores: list[float | None]
    cpu_used_cores: list[float | None]
    memory_capacity_bytes: list[float | None]
    memory_allocatable_bytes: list[float | None]
    memory_requested_bytes: list[float | None]
    memory_used_bytes: list[float | None]
    network_bytes: list[float | None]  # transferred within the bucket
    network_known: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceUsageSeries:
    namespace_id: int
    window: str
    bucket_seconds: int
    times: list[str]
    cpu_request_cores: list[float | None]
    cpu_usage_cores: list[float | None]
    memory_request_bytes: list[float | None]
    memory_usage_bytes: list[float | None]
    network_bytes: list[float | None]
    network_known: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ResourceEfficiency:
    """One resource of a namespace over the efficiency window, and the request it could do with."""

    resource: str  # cpu | memory
    unit: str  # cores | bytes
    average_request: float
    average_usage: float
    p95_usage: float
    efficiency: float | None  # average usage / average request
    suggested_request: float | None  # set only when a smaller request is advised
    hint: str  # "" when there is nothing to advise


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceEfficiency:
    namespace_id: int
    window_days: int
    since: IsoTime
    samples: int  # sync samples with usage metrics in the window
    samples_without_usage: int  # and without (no metrics.k8s.io): their usage is unknown
    days_of_data: float
    cpu: ResourceEfficiency
    memory: ResourceEfficiency


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970 of a stored UTC time, on both databases."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # Times are stored naive in UTC on SQLite (db.UTCDateTime), which strftime reads as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@dataclasses.dataclass(frozen=True)
class _Buckets:
    start: dt.datetime
    end: dt.datetime
    seconds: int
    count: int

    def index(self, column: Any) -> Any:
        """The SQL bucket number of a time column (0 for the first bucket)."""
        return (epoch_seconds(column) - int(self.start.timestamp())) // self.seconds

    def times(self) -> list[str]:
        return [
            (self.start + dt.timedelta(seconds=self.seconds * n)).isoformat()
            for n in range(self.count)
        ]


def _buckets(window: str, now: dt.datetime) -> _Buckets:
    """The window's buckets, the last one holding `now`."""
    if window not in WINDOWS:
        raise ValidationFailed.one("window", f"choose one of: {', '.join(WINDOWS)}")
    seconds, count = WINDOWS[window]
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % seconds - seconds * (count - 1), dt.UTC)
    return _Buckets(
        start=start, end=start + dt.timedelta(seconds=seconds * count), seconds=seconds, count=count
    )


BucketSums = dict[int, dict[str, Any]]


def _sums_by_bucket(
    session: Session,
    buckets: _Buckets,
    time_column: Any,
    conditions: Sequence[Any],
    sums: dict[str, Any],
    join: Any = None,
) -> BucketSums:
    """Bucket -> each named SQL sum over the rows in it, grouped in SQL."""
    bucket = buckets.index(time_column).label("bucket")
    statement = select(bucket, *(expression.label(name) for name, expression in sums.items()))
    if join is not None:
        statement = statement.join(*join)
    statement = statement.where(
        time_column >= buckets.start, time_column < buckets.end, *conditions
    ).group_by(bucket)
    return {
        int(row.bucket): {name: row._mapping[name] for name in sums}
        for row in session.execute(statement)
    }


def _snapshot_counts(
    session: Session, buckets: _Buckets, cluster_id: int
) -> dict[int, tuple[int, int]]:
    """Bucket -> (samples the cluster took, of which with usage metrics)."""
    sums = _sums_by_bucket(
        session,
        buckets,
        col(UsageSnapshot.sampled_at),
        [col(UsageSnapshot.cluster_id) == cluster_id],
        {
            "samples": func.count(),
            "metered": func.sum(case((col(UsageSnapshot.metrics_available).is_(True), 1), else_=0)),
        },
    )
    return {index: (int(row["samples"]), int(row["metered"] or 0)) for index, row in sums.items()}


def _means(
    buckets: _Buckets,
    sums: BucketSums,
    counts: dict[int, tuple[int, int]],
    name: str,
    *,
    metered_only: bool,
    absent: float | None,
) -> list[float | None]:
    """One figure's mean per bucket: its sum over the bucket's samples (or over those with usage
    metrics) divided by their number; `absent` stands for the sum of a bucket with no rows."""
    values: list[float | None] = []
    for index in range(buckets.count):
        samples, metered = counts.get(index, (0, 0))
        divisor = metered if metered_only else samples
        row = sums.get(index)
        total = row[name] if row is not None else absent
        values.append(float(total) / divisor if total is not None and divisor else None)
    return values


def _network(buckets: _Buckets, sums: BucketSums) -> list[float | None]:
    """Bytes transferred per bucket (a sample's figure covers the time since the one before)."""
    totals = [sums.get(index, {}).get("network_bytes") for index in range(buckets.count)]
    return [float(total) if total is not None else None for total in totals]


def cluster_usage_series(
    *,
    session: Session,
    org_id: int,
    cluster_id: int,
    window: str = "24h",
    now: dt.datetime | None = None,
) -> ClusterUsageSeries:
    """CPU and memory capacity, allocatable, requested and used per bucket, and network when known.

    Capacity and usage come from the node samples (what the nodes report, system daemons
    included); requests from the namespace samples (running pods, and pending pods on a node).
    """
    owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
    buckets = _buckets(window, now or utcnow())
    counts = _snapshot_counts(session, buckets, cluster_id)
    node = NodeUsageSample
    nodes = _sums_by_bucket(
        session,
        buckets,
        node.sampled_at,
        [node.cluster_id == cluster_id],
        {
            name: func.sum(getattr(node, name))
            for name in (
                "capacity_cpu_cores",
                "allocatable_cpu_cores",
                "cpu_usage_cores",
                "capacity_memory_bytes",
                "allocatable_memory_bytes",
                "memory_usage_bytes",
            )
        },
    )
    sample = NamespaceUsageSample
    requests = _sums_by_bucket(
        session,
        buckets,
        sample.sampled_at,
        [sample.cluster_id == cluster_id],
        {
            "cpu_request_cores": func.sum(sample.cpu_request_cores),
            "memory_request_bytes": func.sum(sample.memory_request_bytes),
            "network_bytes": func.sum(sample.network_bytes),
        },
    )

    def node_figure(name: str, *, usage: bool = False) -> list[float | None]:
        # A bucket whose samples hold no node rows (the node list failed) stays unknown.
        return _means(buckets, nodes, counts, name, metered_only=usage, absent=None)

    def requested(name: str) -> list[float | None]:
        # No namespace rows at a sample: nothing was running, so nothing was requested.
        return _means(buckets, requests, counts, name, metered_only=False, absent=0.0)

    network = _network(buckets, requests)
    return ClusterUsageSeries(
        cluster_id=cluster_id,
        window=window,
        bucket_seconds=buckets.seconds,
        times=buckets.times(),
        cpu_capacity_cores=node_figure("capacity_cpu_cores"),
        cpu_allocatable_cores=node_figure("allocatable_cpu_cores"),
        cpu_requested_cores=requested("cpu_request_cores"),
        cpu_used_cores=node_figure("cpu_usage_cores", usage=True),
        memory_capacity_bytes=node_figure("capacity_memory_bytes"),
        memory_allocatable_bytes=node_figure("allocatable_memory_bytes"),
        memory_requested_bytes=requested("memory_request_bytes"),
        memory_used_bytes=node_figure("memory_usage_bytes", usage=True),
        network_bytes=network,
        network_known=any(value is not None for value in network),
    )


def namespace_usage_series(
    *,
    session: Session,
    org_id: int,
    namespace_id: int,
    window: str = "24h",
    now: dt.datetime | None = None,
) -> NamespaceUsageSeries:
    """The namespace's CPU and memory requests and usage per bucket, and network when known."""
    namespace, _ = owned_row(
        session, Namespace, org_id=org_id, row_id=namespace_id, what="namespace"
    )
    buckets = _buckets(window, now or utcnow())
    counts = _snapshot_counts(session, buckets, namespace.cluster_id)
    sample, with_metrics = NamespaceUsageSample, col(UsageSnapshot.metrics_available).is_(True)
    sums = _sums_by_bucket(
        session,
        buckets,
        sample.sampled_at,
        [sample.namespace_id == namespace_id],
        {
            "cpu_request_cores": func.sum(sample.cpu_request_cores),
            "cpu_usage_cores": func.sum(case((with_metrics, sample.cpu_usage_cores))),
            "memory_request_bytes": func.sum(sample.memory_request_bytes),
            "memory_usage_bytes": func.sum(case((with_metrics, sample.memory_usage_bytes))),
            "network_bytes": func.sum(sample.network_bytes),
        },
        join=(UsageSnapshot, col(UsageSnapshot.id) == sample.snapshot_id),
    )

    def mean(name: str, *, usage: bool) -> list[float | None]:
        # No row at a sample: the namespace ran no pods then, and requested and used nothing.
        return _means(buckets, sums, counts, name, metered_only=usage, absent=0.0)

    network = _network(buckets, sums)
    return NamespaceUsageSeries(
        namespace_id=namespace_id,
        window=window,
        bucket_seconds=buckets.seconds,
        times=buckets.times(),
        cpu_request_cores=mean("cpu_request_cores", usage=False),
        cpu_usage_cores=mean("cpu_usage_cores", usage=True),
        memory_request_bytes=mean("memory_request_bytes", usage=False),
        memory_usage_bytes=mean("memory_usage_bytes", usage=True),
        network_bytes=network,
        network_known=any(value is not None for value in network),
    )


def _p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile: the smallest value at or above 95% of the values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _round_up(value: float, step: float) -> float:
    # The tolerance keeps float noise (0.3 / 0.01 = 29.999...) from adding a step.
    return round(math.ceil(value / step - 1e-9) * step, 6)


def _resource(
    resource: str,
    requests: Sequence[float],
    usages: Sequence[float] | None,
    days_of_data: float,
) -> ResourceEfficiency:
    """Usages None: there is no usage data, so efficiency is unknown (never 0 %)."""
    title, unit, step, shown = (
        ("CPU", "cores", CPU_STEP_CORES, format_cores)
        if resource == "cpu"
        else ("Memory", "bytes", MEMORY_STEP_BYTES, format_bytes)
    )
    average_request = sum(requests) / len(requests) if requests else 0.0
    average_usage = sum(usages) / len(usages) if usages else 0.0
    p95 = _p95(usages or ())
    efficiency = None
    if usages is not None and average_request:
        efficiency = average_usage / average_request
    suggested = _round_up(p95 * HEADROOM, step)
    advise = (
        efficiency is not None
        and efficiency < LOW_EFFICIENCY
        and days_of_data >= MIN_DAYS_OF_DATA
        and suggested < average_request
    )
    hint = ""
    if advise:
        hint = (
            f"{title} requests average {shown(average_request)} "
            f"but usage averages {shown(average_usage)} ({format_percent(efficiency)}) over "
            f"{days_of_data:.1f} days. A request near {shown(suggested)} "
            f"(p95 usage {shown(p95)} + 20%) would fit."
        )
    return ResourceEfficiency(
        resource=resource,
        unit=unit,
        average_request=average_request,
        average_usage=average_usage,
        p95_usage=p95,
        efficiency=efficiency,
        suggested_request=suggested if advise else None,
        hint=hint,
    )


def namespace_efficiency(
    *, session: Session, org_id: int, namespace_id: int, now: dt.datetime | None = None
) -> NamespaceEfficiency:
    """Usage against requests over the last 7 days, and a right-sizing hint where usage sits low.

    Over the cluster's samples with usage metrics in the window (samples without metrics would
    read as zero usage): the average request, the average usage and the p95 usage, a sample where
    the namespace ran no pods counting zero for each. When average usage is below half the
    average request, on at least a day of samples, the hint suggests a request of p95 usage
    plus 20% (rounded up to 10 m or 1 MiB), if that is below the present request.

    When no sample of the window has usage metrics (a cluster without metrics.k8s.io), the
    average request is over the samples there are, and usage and efficiency are unknown.
    """
    namespace, _ = owned_row(
        session, Namespace, org_id=org_id, row_id=namespace_id, what="namespace"
    )
    now = now or utcnow()
    since = now - dt.timedelta(days=EFFICIENCY_DAYS)
    in_window = (
        col(UsageSnapshot.cluster_id) == namespace.cluster_id,
        col(UsageSnapshot.sampled_at) >= since,
        col(UsageSnapshot.sampled_at) < now,
    )
    found = {
        bool(metered): (count, first)
        for metered, count, first in session.execute(
            select(
                col(UsageSnapshot.metrics_available),
                func.count(),
                func.min(col(UsageSnapshot.sampled_at)),
            )
            .where(*in_window)
            .group_by(col(UsageSnapshot.metrics_available))
        ).all()
    }
    samples, first = found.get(True, (0, None))
    without_usage = found.get(False, (0, None))[0]
    usage_known = samples > 0
    basis = (*in_window, col(UsageSnapshot.metrics_available).is_(usage_known))
    rows = session.execute(
        select(
            col(NamespaceUsageSample.cpu_request_cores),
            col(NamespaceUsageSample.cpu_usage_cores),
            col(NamespaceUsageSample.memory_request_bytes),
            col(NamespaceUsageSample.memory_usage_bytes),
        )
        .join(UsageSnapshot, col(UsageSnapshot.id) == col(NamespaceUsageSample.snapshot_id))
        .where(
            col(NamespaceUsageSample.namespace_id) == namespace_id,
            col(NamespaceUsageSample.sampled_at) >= since,
            col(NamespaceUsageSample.sampled_at) < now,
            *basis,
        )
    ).all()
    counted = samples if usage_known else without_usage
    without_pods = [(0.0, 0.0, 0.0, 0.0)] * max(0, counted - len(rows))
    figures = [tuple(float(value or 0) for value in row) for row in rows] + without_pods
    days_of_data = (now - first).total_seconds() / 86400 if first is not None else 0.0

    def usages(column: int) -> list[float] | None:
        return [f[column] for f in figures] if usage_known else None

    return NamespaceEfficiency(
        namespace_id=namespace_id,
        window_days=EFFICIENCY_DAYS,
        since=since.isoformat(),
        samples=samples,
        samples_without_usage=without_usage,
        days_of_data=days_of_data,
        cpu=_resource("cpu", [f[0] for f in figures], usages(1), days_of_data),
        memory=_resource("memory", [f[2] for f in figures], usages(3), days_of_data),
    )
