"""The cost engine: prices every closed hour of each cluster from its usage samples, rolls hours up
into UTC days and months, and keeps each cluster's watermark (cost-model.md, "The hourly job").

Each hour is written in its own transaction together with its day's and month's rollups and
the watermark: a run stopped anywhere leaves consistent rows, and SQLite's single writer lock
is held for one hour's work at a time while syncs keep writing samples. Computing an hour
again replaces its rows, so reruns and recomputes give identical figures.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    column,
    delete,
    func,
    insert,
    literal,
    select,
    union_all,
    values,
)
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import ColumnElement, KeyedColumnElement
from sqlalchemy.sql.selectable import CTE, Select, Subquery
from sqlmodel import Session, col

from kube_console.costs.allocation_hours import NAMESPACE_FIGURES
from kube_console.costs.bulk import insert_rows
from kube_console.costs.figures import SUMMED_FIGURES
from kube_console.costs.math import (
    DAY,
    GIB,
    HOUR,
    SECONDS_PER_HOUR,
    CostLine,
    NamespaceHourSums,
    NodeHour,
    NodeUnitPrices,
    UnitPrices,
    add_months,
    capacity_cost,
    ceil_hour,
    covered_seconds,
    floor_hour,
    floor_month,
    idle_line,
    namespace_line,
    parse_utc_time,
    repriced,
    share_idle,
)
from kube_console.costs.node_prices import node_price_book
from kube_console.costs.node_pricing import (
    NodePrice,
    NodePriceBook,
)
from kube_console.costs.records import CostRunOutcome, RecomputeScheduled
from kube_console.db import table_of, utcnow
from kube_console.errors import ValidationFailed
from kube_console.gc_pause import cyclic_gc_paused
from kube_console.models import (
    Cluster,
    CostDaily,
    CostHourly,
    CostMonthly,
    CostProvisional,
    CostRun,
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    NodeHourPrice,
    NodeLabelSet,
    NodeUsageSample,
    UsageSnapshot,
)
from kube_console.security.authz import NotFound
from kube_console.services.prices import PriceBook, price_book
from kube_console.services.sync import OpenSession
from kube_console.settings import Settings

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (hours done, hours planned) over the whole run

LINE_FIELDS = tuple(field.name for field in dataclasses.fields(CostLine))
# What a cost row is per period: a namespace (by id; the name is kept for display) of a cluster,
# under one team and cost-center.
ROW_KEYS = ("org_id", "cluster_id", "namespace_id", "namespace", "team", "cost_center")


@dataclasses.dataclass(frozen=True)
class _Target:
    cluster_id: int
    org_id: int
    name: str
    network_source: str
    provider: str = ""  # the detected provider ("eks", "gke", "aks", ...): picks catalogue rows


@dataclasses.dataclass(frozen=True)
class _Plan:
    hours: list[dt.datetime]
    frontier: (
        dt.datetime | None
    )  # hours before it are computed (or have no samples left to compute from)


def _retained_from(now: dt.datetime, settings: Settings) -> dt.datetime:
    """The first hour whose samples are surely all kept.

    Samples older than the retention may be pruned at any time, and with them the sample
    before an hour that reaches into it (up to three intervals back).
    """
    reach = dt.timedelta(seconds=3 * settings.sync_interval_seconds)
    return ceil_hour(now - dt.timedelta(days=settings.sample_retention_days) + reach)


def _targets(
    session: Session, *, org_id: int | None, cluster_ids: Sequence[int] | None
) -> list[_Target]:
    query = select(
        col(Cluster.id),
        col(Cluster.org_id),
        col(Cluster.name),
        col(Cluster.network_source),
        col(Cluster.provider),
    ).order_by(col(Cluster.id))
    if org_id is not None:
        query = query.where(col(Cluster.org_id) == org_id)
    if cluster_ids is not None:
        query = query.where(col(Cluster.id).in_(list(cluster_ids)))
    return [_Target(*row) for row in session.execute(query).all()]


def _plan(
    session: Session,
    target: _Target,
    *,
    now: dt.datetime,
    settings: Settings,
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> _Plan:
    oldest = session.execute(
        select(func.min(col(UsageSnapshot.sampled_at))).where(
            col(UsageSnapshot.cluster_id) == target.cluster_id
        )
    ).scalar()
    if oldest is None:
        return _Plan(hours=[], frontier=None)
    earliest = max(
        floor_hour(oldest), _retained_from(now, settings)
    )  # never before the oldest raw sample
    run = session.get(CostRun, target.cluster_id)
    frontier = max(run.computed_until, earliest) if run and run.computed_until else earliest
    first = max(floor_hour(start), earliest) if start else frontier
    stop = floor_hour(now)  # the hour starting there is still open
    if end:
        stop = min(stop, ceil_hour(end))
    hours = []
    while first < stop:
        hours.append(first)
        first += HOUR
    return _Plan(hours=hours, frontier=frontier)


Weight = tuple[int, float, int, int]  # snapshot id, covered seconds, inside the hour, metered


def _weights(
    session: Session,
    cluster_id: int,
    hour_start: dt.datetime,
    interval_seconds: int,
    until: dt.datetime | None = None,
) -> tuple[list[Weight], float, set[int]]:
    """(snapshot id, covered seconds, taken inside the hour, has usage figures) per snapshot
    that counts, the coverage, and the ids of those whose namespace figures are settled into
    namespace_hours (costs/allocation_hours.py).

    SQL weighs figures by whole covered seconds and the sums are divided by 3600 afterwards:
    steady figures then add up exactly instead of collecting rounding from 1/3600 per sample.
    """
    reach = dt.timedelta(seconds=3 * interval_seconds)
    snapshots = session.execute(
        select(
            col(UsageSnapshot.id),
            col(UsageSnapshot.sampled_at),
            col(UsageSnapshot.metrics_available),
            col(UsageSnapshot.namespaces_settled),
        )
        .where(
            col(UsageSnapshot.cluster_id) == cluster_id,
            col(UsageSnapshot.sampled_at) >= hour_start - reach,
            col(UsageSnapshot.sampled_at) < min(hour_start + HOUR, until or hour_start + HOUR),
        )
        .order_by(col(UsageSnapshot.sampled_at))
    ).all()
    earlier = [
        index for index, (_, sampled_at, *_) in enumerate(snapshots) if sampled_at < hour_start
    ]
    if earlier:  # only the last sample before the hour can reach into it
        snapshots = snapshots[earlier[-1] :]
    seconds = covered_seconds(
        [sampled_at for _, sampled_at, *_ in snapshots], hour_start, interval_seconds, until
    )
    counted = [
        (snapshot, covered)
        for snapshot, covered in zip(snapshots, seconds)
        if covered > 0 or snapshot.sampled_at >= hour_start
    ]
    weights = [
        (snapshot_id, covered, int(sampled_at >= hour_start), int(bool(metered)))
        for (snapshot_id, sampled_at, metered, _), covered in counted
    ]
    settled = {snapshot_id for (snapshot_id, *_, settled), _ in counted if settled}
    return weights, sum(seconds) / SECONDS_PER_HOUR, settled


_Columns = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]


@dataclasses.dataclass(frozen=True)
class _Weights:
    """An hour's snapshot weights as a VALUES table, and the range of their ids: joins name the
    range too, so each sample table is read through its snapshot index over that range alone,
    never scanned whole (it holds every hour kept)."""

    cte: CTE[_Columns]
    first_id: int
    last_id: int

    @property
    def c(self) -> _Columns:
        return self.cte.c

    def on(self, snapshot_id: Mapped[int]) -> ColumnElement[bool]:
        return (self.cte.c.snapshot_id == snapshot_id) & snapshot_id.between(
            self.first_id, self.last_id
        )


def _weights_table(weights: Sequence[Weight]) -> _Weights:
    return _Weights(
        cte=values(
            column("snapshot_id", Integer),
            column("weight", Float),
            column("inside", Integer),
            column("metered", Integer),
            name="weights",
        )
        .data(list(weights))
        .cte(),
        first_id=min(snapshot_id for snapshot_id, *_ in weights),
        last_id=max(snapshot_id for snapshot_id, *_ in weights),
    )


def _unsettled(session: Session, weights: Sequence[Weight], settled: set[int]) -> _Weights | None:
    """The weights of the hour's snapshots whose per-node rows are not settled into hours yet
    (costs/allocation_hours.py): usually the cluster's latest alone, or none."""
    candidates = [snapshot_id for snapshot_id, *_ in weights if snapshot_id not in settled]
    if not candidates:
        return None
    placed = NamespaceNodeSample
    kept = set(
        session.execute(
            select(col(UsageSnapshot.id)).where(
                col(UsageSnapshot.id).in_(candidates),
                select(col(placed.snapshot_id))
                .where(col(placed.snapshot_id) == UsageSnapshot.id)
                .exists(),
            )
        ).scalars()
    )
    unsettled = [weight for weight in weights if weight[0] in kept]
    return _weights_table(unsettled) if unsettled else None


def _namespace_sums(
    session: Session,
    cluster_id: int,
    hour_start: dt.datetime,
    weights: Sequence[Weight],
    settled: set[int],
) -> list[NamespaceHourSums]:
    """Per namespace (by id: one re-created under its name is another) and label pair: the
    settled figures of namespace_hours plus the samples not settled yet, weighed."""
    hour = NamespaceHour
    labels = ("namespace_id", "namespace", "team", "cost_center")
    parts = [
        select(*(getattr(hour, name) for name in (*labels, *NAMESPACE_FIGURES))).where(
            col(hour.cluster_id) == cluster_id, col(hour.hour_start) == hour_start
        )
    ]
    # A sync may settle one of the others meanwhile: the statement reads its figures from the
    # samples only while it is not marked, in the same snapshot of the database as the hours.
    pending = [weight for weight in weights if weight[0] not in settled]
    if pending:
        weights_cte = _weights_table(pending)
        sample, weight = NamespaceUsageSample, weights_cte.c.weight
        metered_weight = weight * weights_cte.c.metered
        parts.append(
            select(
                *(getattr(sample, name) for name in labels),
                sample.cpu_request_cores * weight,
                sample.cpu_usage_cores * weight,
                sample.cpu_alloc_cores * weight,
                sample.memory_request_bytes * weight,
                sample.memory_usage_bytes * weight,
                sample.memory_alloc_bytes * weight,
                sample.storage_bytes * weight,
                sample.cpu_request_cores * metered_weight,
                sample.memory_request_bytes * metered_weight,
                sample.network_bytes * weights_cte.c.inside,
                sample.gpu_alloc * weight,
            )
            .join(weights_cte.cte, weights_cte.on(col(sample.snapshot_id)))
            .join(UsageSnapshot, col(UsageSnapshot.id) == weights_cte.c.snapshot_id)
            .where(col(UsageSnapshot.namespaces_settled).is_(False))
        )
    figures_of = union_all(*parts).subquery("figures") if len(parts) > 1 else parts[0].subquery()
    keys = [figures_of.c[name] for name in labels]
    rows = session.execute(
        select(*keys, *(func.sum(figures_of.c[name]) for name in NAMESPACE_FIGURES))
        .group_by(*keys)
        .order_by(
            figures_of.c.namespace,
            figures_of.c.namespace_id,
            figures_of.c.team,
            figures_of.c.cost_center,
        )
    ).all()
    return [
        NamespaceHourSums(
            namespace_id=namespace_id,
            namespace=namespace,
            team=team,
            cost_center=cost_center,
            cpu_request_core_hours=_hours(cpu_request),
            cpu_usage_core_hours=_hours(cpu_usage),
            cpu_core_hours=_hours(cpu_alloc),
            memory_request_byte_hours=_hours(memory_request),
            memory_usage_byte_hours=_hours(memory_usage),
            memory_byte_hours=_hours(memory_alloc),
            storage_byte_hours=_hours(storage),
            cpu_metered_request_core_hours=_hours(cpu_metered_request),
            memory_metered_request_byte_hours=_hours(memory_metered_request),
            network_bytes=float(network or 0),
            gpu_hours=_hours(gpu),
        )
        for (
            namespace_id,
            namespace,
            team,
            cost_center,
            cpu_request,  # in NAMESPACE_FIGURES' order from here on
            cpu_usage,
            cpu_alloc,
            memory_request,
            memory_usage,
            memory_alloc,
            storage,
            cpu_metered_request,
            memory_metered_request,
            network,
            gpu,
        ) in rows
    ]


def _hours(seconds: float | None) -> float:
    """A figure summed over covered seconds, as the same figure over covered hours."""
    return float(seconds or 0.0) / SECONDS_PER_HOUR


def _capacity(session: Session, weights_cte: _Weights) -> tuple[float, float, float]:
    """Σ_nodes capacity × covered hours: (core-hours, byte-hours, GPU-hours)."""
    node, weight = NodeUsageSample, weights_cte.c.weight
    cores, memory, gpus = session.execute(
        select(
            func.sum(node.capacity_cpu_cores * weight),
            func.sum(node.capacity_memory_bytes * weight),
            func.sum(node.capacity_gpus * weight),
        ).join(weights_cte.cte, weights_cte.on(col(node.snapshot_id)))
    ).one()
    return (
        float(cores or 0.0) / SECONDS_PER_HOUR,
        float(memory or 0.0) / SECONDS_PER_HOUR,
        float(gpus or 0.0) / SECONDS_PER_HOUR,
    )


def _node_hours(session: Session, weights_cte: _Weights) -> list[NodeHour]:
    """Each node the hour's samples list: its state in the first sample that covers the hour,
    the seconds it covers and its capacity × covered seconds (cost-model.md "Node prices")."""
    node, weight = NodeUsageSample, weights_cte.c.weight
    per_node = col(node.node_id)
    ranked = (
        select(
            col(node.node_id),
            col(node.node),
            col(node.label_set_id),
            col(node.capacity_cpu_cores),
            col(node.capacity_memory_bytes),
            col(node.capacity_gpus),
            func.sum(weight).over(partition_by=per_node).label("covered"),
            func.sum(node.capacity_cpu_cores * weight).over(partition_by=per_node).label("cores"),
            func.sum(node.capacity_memory_bytes * weight)
            .over(partition_by=per_node)
            .label("memory"),
            func.sum(node.capacity_gpus * weight).over(partition_by=per_node).label("gpus"),
            func.row_number()
            .over(order_by=col(node.sampled_at), partition_by=per_node)
            .label("rank"),
        )
        .join(weights_cte.cte, weights_cte.on(col(node.snapshot_id)))
        .where(weight > 0)
        .subquery()
    )
    rows = session.execute(
        select(*(c for c in ranked.c if c.name != "rank"))
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.node_id)
    ).all()
    return [
        NodeHour(
            node_id=node_id,
            node=name,
            label_set_id=label_set_id,
            cores=float(cores or 0.0),
            memory_bytes=float(memory or 0),
            gpus=float(gpus or 0.0),
            covered_seconds=float(covered or 0.0),
            core_seconds=float(core_seconds or 0.0),
            memory_byte_seconds=float(memory_seconds or 0.0),
            gpu_seconds=float(gpu_seconds or 0.0),
        )
        for (
            node_id,
            name,
            label_set_id,
            cores,
            memory,
            gpus,
            covered,
            core_seconds,
            memory_seconds,
            gpu_seconds,
        ) in rows
    ]


@dataclasses.dataclass
class _NodePricer:
    """Prices one cluster's node-hours: the org's book, the cluster's provider, and the label
    sets read so far (a node's labels rarely change, so most hours read none)."""

    book: NodePriceBook
    provider: str
    label_sets: dict[int, dict[str, str]] = dataclasses.field(default_factory=dict)

    def labels(self, session: Session, nodes: Sequence[NodeHour]) -> None:
        missing = {
            node.label_set_id for node in nodes if node.label_set_id is not None
        } - self.label_sets.keys()
        if missing:
            self.label_sets.update(
                session.execute(
                    select(col(NodeLabelSet.id), col(NodeLabelSet.labels)).where(
                        col(NodeLabelSet.id).in_(sorted(missing))
                    )
                )
                .tuples()
                .all()
            )

    def price(self, node: NodeHour, hour_start: dt.datetime, prices: UnitPrices) -> NodePrice:
        return self.book.price_node(
            labels=self.label_sets.get(node.label_set_id, {}) if node.label_set_id else {},
            cores=node.cores,
            memory_bytes=node.memory_bytes,
            gpus=node.gpus,
            cluster_provider=self.provider,
            hour=hour_start,
            sheet=prices,
        )


def _unit_prices(price: NodePrice) -> NodeUnitPrices:
    return NodeUnitPrices(
        price_per_hour=price.price_per_hour,
        cpu_per_core=price.cpu_per_core,
        memory_per_gib=price.memory_per_gib,
        gpu_per_gpu=price.gpu_per_gpu,
        charged=price.charged,
    )


def _allocation_seconds(
    cluster_id: int,
    hour_start: dt.datetime,
    unsettled: _Weights | None,
    namespace_ids: Sequence[int] | None,
) -> Subquery[_Columns]:
    """Σ allocation × covered seconds per (key, node id) over the hour, in two parts: the
    settled seconds of `namespace_node_hours` and the rows of the samples not settled yet,
    weighed by the hour's snapshot weights (each summed apart: the pending part may be every
    sample's rows, millions of them, which the repricing should not join one by one). The key is the namespace id, or, for `namespace_ids` (namespaces
    whose labels changed inside the hour), (namespace id, team, cost-center) of the samples."""
    settled = NamespaceNodeHour
    settled_keys: tuple[Mapped[int] | Mapped[str], ...] = (col(settled.namespace_id),)
    in_hour = [col(settled.cluster_id) == cluster_id, col(settled.hour_start) == hour_start]
    if namespace_ids is not None:
        settled_keys = (col(settled.namespace_id), col(settled.team), col(settled.cost_center))
        in_hour.append(col(settled.namespace_id).in_(list(namespace_ids)))
    parts = [
        select(
            *settled_keys,
            col(settled.node_id),
            func.sum(settled.cpu_core_seconds).label("cpu"),
            func.sum(settled.memory_byte_seconds).label("memory"),
            func.sum(settled.gpu_seconds).label("gpu"),
        )
        .where(*in_hour)
        .group_by(*settled_keys, col(settled.node_id))
    ]
    if unsettled is not None:
        parts.append(_unsettled_seconds(unsettled, namespace_ids))
    return union_all(*parts).subquery("allocation") if len(parts) > 1 else parts[0].subquery()


def _unsettled_seconds(
    weights_cte: _Weights, namespace_ids: Sequence[int] | None
) -> Select[*tuple[Any, ...]]:
    """Σ allocation × weight per (key, node id) over the unsettled samples' per-node rows."""
    placed, weight = NamespaceNodeSample, weights_cte.c.weight
    keys: tuple[Mapped[int] | Mapped[str], ...] = (col(placed.namespace_id),)
    query = (
        select(weights_cte.c.snapshot_id)
        .select_from(weights_cte.cte)
        .join(placed, weights_cte.on(col(placed.snapshot_id)))
    )
    if namespace_ids is not None:
        sample = NamespaceUsageSample
        keys = (col(placed.namespace_id), col(sample.team), col(sample.cost_center))
        query = query.join(
            sample,
            (col(sample.snapshot_id) == placed.snapshot_id)
            & (col(sample.namespace_id) == placed.namespace_id),
        ).where(col(placed.namespace_id).in_(list(namespace_ids)))
    return query.with_only_columns(
        *keys,
        col(placed.node_id),
        func.sum(placed.cpu_alloc_cores * weight),
        func.sum(placed.memory_alloc_bytes * weight),
        func.sum(placed.gpu_alloc * weight),
    ).group_by(*keys, col(placed.node_id))


# What _node_costs sums by: the namespace id, with the team and cost-center for a namespace
# whose labels changed inside the hour.
_NodeCostKey = tuple[int | None] | tuple[int | None, str, str]


def _node_costs(
    session: Session,
    cluster_id: int,
    hour_start: dt.datetime,
    unsettled: _Weights | None,
    deltas: dict[int, tuple[float, float, float]],
    namespace_ids: Sequence[int] | None,
) -> dict[_NodeCostKey, tuple[float, float, float]]:
    """Σ allocation × (node unit price − sheet unit price) × covered hours over the repriced
    nodes: (cpu, memory, gpu) cost per key of `_allocation_seconds`, summed in SQL against
    the repriced nodes' deltas (a row per key comes back, not one per namespace and node)."""
    allocation = _allocation_seconds(cluster_id, hour_start, unsettled, namespace_ids)
    repriced_nodes = (
        values(
            column("node_id", Integer),
            column("cpu", Float),
            column("memory", Float),
            column("gpu", Float),
            name="deltas",
        )
        .data([(node_id, *delta) for node_id, delta in sorted(deltas.items())])
        .cte()
    )
    split = namespace_ids is not None  # keyed by the samples' labels as well
    keys = [
        allocation.c[name]
        for name in (("namespace_id", "team", "cost_center") if split else ("namespace_id",))
    ]
    rows = session.execute(
        select(
            *keys,
            func.sum(allocation.c.cpu * repriced_nodes.c.cpu),
            func.sum(allocation.c.memory * repriced_nodes.c.memory),
            func.sum(allocation.c.gpu * repriced_nodes.c.gpu),
        )
        .join(repriced_nodes, repriced_nodes.c.node_id == allocation.c.node_id)
        .group_by(*keys)
    ).all()
    return {
        tuple(key): (
            float(cpu or 0.0) / SECONDS_PER_HOUR,
            float(memory or 0.0) / SECONDS_PER_HOUR / GIB,
            float(gpu or 0.0) / SECONDS_PER_HOUR,
        )
        for *key, cpu, memory, gpu in rows
    }


def _with_node_costs(
    session: Session,
    cluster_id: int,
    hour_start: dt.datetime,
    weights: Sequence[Weight],
    settled: set[int],
    sums: list[NamespaceHourSums],
    deltas: dict[int, tuple[float, float, float]],
) -> list[NamespaceHourSums]:
    """The namespaces' sums with what their allocation on repriced nodes adds."""
    if not deltas:
        return sums
    lines_per_namespace = collections.Counter(line.namespace_id for line in sums)
    split = sorted(
        namespace_id
        for namespace_id, n in lines_per_namespace.items()
        if n > 1 and namespace_id is not None  # a namespace's lines have its id
    )
    unsettled = _unsettled(session, weights, settled)
    costs = _node_costs(session, cluster_id, hour_start, unsettled, deltas, None)
    if split:
        costs |= _node_costs(session, cluster_id, hour_start, unsettled, deltas, split)
    added = []
    for line in sums:
        key: _NodeCostKey = (
            (line.namespace_id, line.team, line.cost_center)
            if line.namespace_id in split
            else (line.namespace_id,)
        )
        cpu, memory, gpu = costs.get(key, (0.0, 0.0, 0.0))
        added.append(
            dataclasses.replace(line, node_cpu_cost=cpu, node_memory_cost=memory, node_gpu_cost=gpu)
        )
    return added


@dataclasses.dataclass
class _HourFigures:
    lines: list[dict[str, Any]]
    node_prices: list[dict[str, Any]]


def _hour_lines(
    session: Session,
    cluster_id: int,
    hour_start: dt.datetime,
    prices: UnitPrices,
    *,
    network_priced: bool,
    interval_seconds: int,
    pricer: _NodePricer | None = None,
    until: dt.datetime | None = None,
) -> _HourFigures:
    """One cluster-hour's figures: a line per (namespace, team, cost-center), and the idle line,
    with the idle shared among them; and what each node cost in the hour. With `until`, the
    open hour's figures so far: only what the samples cover before it counts."""
    weights, coverage, settled = _weights(session, cluster_id, hour_start, interval_seconds, until)
    namespaces, capacity = [], (0.0, 0.0, 0.0)
    nodes: list[tuple[NodeHour, NodePrice]] = []
    if weights:
        weights_cte = _weights_table(weights)
        sums = _namespace_sums(session, cluster_id, hour_start, weights, settled)
        if pricer is not None:
            node_hours = _node_hours(session, weights_cte)
            pricer.labels(session, node_hours)
            nodes = [(node, pricer.price(node, hour_start, prices)) for node in node_hours]
        unit_prices = [(node, _unit_prices(price)) for node, price in nodes]
        deltas = {
            node.node_id: (
                price.cpu_per_core - prices.cpu_core_hour,
                price.memory_per_gib - prices.memory_gib_hour,
                price.gpu_per_gpu - prices.gpu_hour,
            )
            for node, price in unit_prices
            if repriced(price, prices)
        }
        namespaces = [
            namespace_line(sums, prices, coverage=coverage, network_priced=network_priced)
            for sums in _with_node_costs(
                session, cluster_id, hour_start, weights, settled, sums, deltas
            )
        ]
        capacity = _capacity(session, weights_cte)
    idle = idle_line(
        capacity_core_hours=capacity[0],
        capacity_memory_byte_hours=capacity[1],
        capacity_gpu_hours=capacity[2],
        namespaces=namespaces,
        prices=prices,
        coverage=coverage,
        node_prices=capacity_cost([(node, _unit_prices(price)) for node, price in nodes], prices),
    )
    return _HourFigures(
        lines=[
            {name: getattr(line, name) for name in LINE_FIELDS}
            for line in share_idle(namespaces, idle)
        ],
        node_prices=[
            {
                "node_id": node.node_id,
                "node": node.node,
                "price_per_hour": price.price_per_hour,
                "source_kind": price.source_kind,
                "source": price.source[:300],
                "rule_id": price.rule_id,
                "covered_hours": node.covered_seconds / SECONDS_PER_HOUR,
                "cpu_per_core": price.cpu_per_core,
                "memory_per_gib": price.memory_per_gib,
                "gpu_per_gpu": price.gpu_per_gpu,
            }
            for node, price in nodes
        ],
    )


def _cost_rows(
    target: _Target, hour_start: dt.datetime, figures: _HourFigures, prices: UnitPrices
) -> list[dict[str, Any]]:
    return [
        line
        | {
            "org_id": target.org_id,
            "cluster_id": target.cluster_id,
            "hour_start": hour_start,
            "currency": prices.currency,
            "network_source": target.network_source,
            "price_sheet_id": prices.sheet_id,
        }
        for line in figures.lines
    ]


def _replace_hour(
    session: Session,
    target: _Target,
    hour_start: dt.datetime,
    figures: _HourFigures,
    prices: UnitPrices,
) -> int:
    for model in (CostHourly, NodeHourPrice):
        session.execute(
            delete(model).where(
                col(model.cluster_id) == target.cluster_id, col(model.hour_start) == hour_start
            )
        )
    # The hour's own figures replace what was shown of it while it was open.
    session.execute(
        delete(CostProvisional).where(
            col(CostProvisional.cluster_id) == target.cluster_id,
            col(CostProvisional.hour_start) <= hour_start,
        )
    )
    insert_rows(
        session,
        table_of(NodeHourPrice),
        [
            price | {"cluster_id": target.cluster_id, "hour_start": hour_start}
            for price in figures.node_prices
        ],
    )
    rows = _cost_rows(target, hour_start, figures, prices)
    insert_rows(session, table_of(CostHourly), rows)
    return len(rows)


def _replace_rollup(
    session: Session,
    *,
    cluster_id: int,
    source: type[CostHourly | CostDaily],
    source_period: Mapped[dt.datetime] | Mapped[dt.date],
    period_start: dt.datetime | dt.date,
    period_end: dt.datetime | dt.date,
    target: type[CostDaily | CostMonthly],
    target_period: str,
    period_value: dt.date,
) -> None:
    """Rebuild one cluster's rollup rows of one period from the finer rows (replace, never add),
    a row per namespace (by id), team and cost-center, as the hours are."""
    session.execute(
        delete(target).where(
            col(target.cluster_id) == cluster_id, getattr(target, target_period) == period_value
        )
    )
    keys = [getattr(source, name) for name in ROW_KEYS]
    summed = (
        select(
            *keys,
            *(func.sum(getattr(source, name)) for name in SUMMED_FIGURES),
            func.max(source.currency),
            func.max(source.network_source),
            literal(period_value, Date),
        )
        .where(
            col(source.cluster_id) == cluster_id,
            source_period >= period_start,
            source_period < period_end,
        )
        .group_by(*keys)
    )
    names = [*ROW_KEYS, *SUMMED_FIGURES, "currency", "network_source", target_period]
    session.execute(insert(target).from_select(names, summed))


def _roll_up(session: Session, cluster_id: int, day: dt.date) -> None:
    """Rebuild the cluster's rows of `day` from its hours, then its month's rows from its days."""
    day_start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    _replace_rollup(
        session,
        cluster_id=cluster_id,
        source=CostHourly,
        source_period=col(CostHourly.hour_start),
        period_start=day_start,
        period_end=day_start + DAY,
        target=CostDaily,
        target_period="day",
        period_value=day,
    )
    month_start = floor_month(day_start)
    _replace_rollup(
        session,
        cluster_id=cluster_id,
        source=CostDaily,
        source_period=col(CostDaily.day),
        period_start=month_start.date(),
        period_end=add_months(month_start, 1).date(),
        target=CostMonthly,
        target_period="month",
        period_value=month_start.date(),
    )


def _price_books(session: Session, target: _Target) -> tuple[PriceBook, _NodePricer]:
    """The cluster's unit prices over time, and its node pricer."""
    prices = price_book(session=session, org_id=target.org_id, cluster_id=target.cluster_id)
    pricer = _NodePricer(
        book=node_price_book(session=session, org_id=target.org_id), provider=target.provider
    )
    return prices, pricer


def _target_hour(
    session: Session,
    target: _Target,
    hour_start: dt.datetime,
    prices: UnitPrices,
    pricer: _NodePricer,
    settings: Settings,
    until: dt.datetime | None = None,
) -> _HourFigures:
    return _hour_lines(
        session,
        target.cluster_id,
        hour_start,
        prices,
        network_priced=target.network_source != "none",
        interval_seconds=settings.sync_interval_seconds,
        pricer=pricer,
        until=until,
    )


def _compute_cluster(
    target: _Target,
    plan: _Plan,
    *,
    open_session: OpenSession,
    settings: Settings,
    on_hour: Callable[[], None],
) -> tuple[int, int, dt.datetime | None]:
    """Compute the planned hours oldest first; (hours, rows written, watermark after)."""
    with open_session() as session:
        prices, pricer = _price_books(session, target)
    frontier, rows_written = plan.frontier, 0
    for hour_start in plan.hours:
        # An hour allocates a few 10,000s of objects, few of them cycles: collecting cycles
        # in the middle of it would walk the whole heap for nothing.
        with cyclic_gc_paused(), open_session() as session:
            hour_prices = prices.at(hour_start)
            figures = _target_hour(session, target, hour_start, hour_prices, pricer, settings)
            rows_written += _replace_hour(session, target, hour_start, figures, hour_prices)
            _roll_up(session, target.cluster_id, hour_start.date())
            if (
                frontier is not None and hour_start <= frontier
            ):  # the watermark only moves over computed hours
                frontier = max(frontier, hour_start + HOUR)
                run = session.get(CostRun, target.cluster_id) or CostRun(
                    cluster_id=target.cluster_id
                )
                run.computed_until = frontier
                session.add(run)
        on_hour()
    return len(plan.hours), rows_written, frontier


def _record_run(
    open_session: OpenSession, cluster_id: int, *, hours: int, duration_ms: float, error: str | None
) -> None:
    with open_session() as session:
        run = session.get(CostRun, cluster_id) or CostRun(cluster_id=cluster_id)
        run.updated_at = utcnow()
        run.hours_last_run = hours
        run.duration_ms_last_run = duration_ms
        run.last_error = error
        session.add(run)


def run_cost_pass(
    *,
    open_session: OpenSession,
    settings: Settings,
    now: dt.datetime | None = None,
    org_id: int | None = None,
    cluster_ids: Sequence[int] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    progress: Progress | None = None,
) -> list[CostRunOutcome]:
    """Compute every closed hour after each cluster's watermark (or the hours in [start, end)).

    One cluster failing is recorded on its cost run and in its outcome; the others go on.
    """
    now = now or utcnow()
    with open_session() as session:
        targets = _targets(session, org_id=org_id, cluster_ids=cluster_ids)
        plans = {
            target.cluster_id: _plan(
                session, target, now=now, settings=settings, start=start, end=end
            )
            for target in targets
        }
    planned = sum(len(plan.hours) for plan in plans.values())
    done = 0

    def hour_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, planned)

    outcomes = []
    for target in targets:
        plan = plans[target.cluster_id]
        started = time.perf_counter()
        hours, rows, frontier, error = 0, 0, plan.frontier, None
        try:
            hours, rows, frontier = _compute_cluster(
                target, plan, open_session=open_session, settings=settings, on_hour=hour_done
            )
        except Exception as failure:
            log.exception("cost run of cluster %s (%d) failed", target.name, target.cluster_id)
            error = f"{type(failure).__name__}: {failure}"
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if plan.hours or error:
            try:
                _record_run(
                    open_session,
                    target.cluster_id,
                    hours=hours,
                    duration_ms=duration_ms,
                    error=error,
                )
            except Exception:
                log.exception("could not record the cost run of cluster %d", target.cluster_id)
        outcomes.append(
            CostRunOutcome(
                cluster_id=target.cluster_id,
                cluster_name=target.name,
                hours_computed=hours,
                rows_written=rows,
                duration_ms=duration_ms,
                computed_until=frontier.isoformat() if frontier and plan.hours else "",
                error=error or "",
            )
        )
    return outcomes


def open_hour(now: dt.datetime | None = None) -> dt.datetime:
    """The start of the hour still open at `now` (default: the clock's)."""
    return floor_hour(now or utcnow())


def open_hour_note(hour_start: dt.datetime) -> str:
    """Why nothing at or after `hour_start` (an open hour) can be computed yet."""
    closes = hour_start + HOUR
    return (
        f"the current hour {hour_start:%H:%M}–{closes:%H:%M} closes at {closes:%H:%M}; "
        "nothing to compute before it"
    )


def price_open_hours(
    *,
    open_session: OpenSession,
    settings: Settings,
    now: dt.datetime | None = None,
    org_id: int | None = None,
    cluster_ids: Sequence[int] | None = None,
) -> int:
    """Price each cluster's open hour from its samples so far, as a closed hour is priced with
    coverage ending at `now`, into cost_provisional: the
    cluster's rows are replaced, never added to, and rows of hours that have closed go. Nothing
    is written to the hourly rows, the rollups or the watermark. Returns the rows written.

    One cluster failing is logged; the others go on (the figures are a preview).
    """
    now = now or utcnow()
    hour_start = floor_hour(now)
    with open_session() as session:
        targets = _targets(session, org_id=org_id, cluster_ids=cluster_ids)
        session.execute(delete(CostProvisional).where(col(CostProvisional.hour_start) < hour_start))
    written = 0
    for target in targets:
        try:
            with open_session() as session:
                book, pricer = _price_books(session, target)
                prices = book.at(hour_start)
                figures = _target_hour(
                    session, target, hour_start, prices, pricer, settings, until=now
                )
                # The job and a sync's first pricing may replace one cluster's rows at once: the
                # cluster row's lock makes the second wait and delete what the first wrote
                # (PostgreSQL; SQLite writes one at a time anyway).
                session.execute(
                    select(col(Cluster.id))
                    .where(col(Cluster.id) == target.cluster_id)
                    .with_for_update()
                )
                session.execute(
                    delete(CostProvisional).where(
                        col(CostProvisional.cluster_id) == target.cluster_id
                    )
                )
                rows = [
                    row | {"through": now}
                    for row in _cost_rows(target, hour_start, figures, prices)
                    if row["covered_hours"] > 0
                ]
                insert_rows(session, table_of(CostProvisional), rows)
                written += len(rows)
        except Exception:
            log.exception(
                "provisional costs of cluster %s (%d) failed", target.name, target.cluster_id
            )
    return written


def price_open_hour_of_a_new_cluster(
    *,
    open_session: OpenSession,
    settings: Settings,
    cluster_id: int,
    now: dt.datetime | None = None,
) -> bool:
    """After a sync: price the open hour of a cluster that has no figures of any kind yet (no
    provisional rows, never costed), so a cluster registered at 06:33 shows its hour so far
    right after its first sync instead of at the next refresh. Every other cluster is left to
    the job: pricing every cluster's first sync of each hour would gather a fleet's cost work
    at the top of the hour, inside the sync workers. Two indexed look-ups. Whether it priced."""
    with open_session() as session:
        has_figures = session.execute(
            select(col(CostProvisional.id))
            .where(col(CostProvisional.cluster_id) == cluster_id)
            .limit(1)
        ).first() or session.get(CostRun, cluster_id)
    if has_figures is not None:
        return False
    price_open_hours(
        open_session=open_session, settings=settings, now=now, cluster_ids=[cluster_id]
    )
    return True


def _since(value: dt.datetime | str, now: dt.datetime) -> dt.datetime:
    try:
        moment = value if isinstance(value, dt.datetime) else parse_utc_time(str(value))
    except ValueError:
        raise ValidationFailed.one("since", "must be a date or time, such as 2026-11-01") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    if moment > now:
        raise ValidationFailed.one("since", "must not be in the future")
    return floor_hour(moment)


def request_recompute(
    *,
    session: Session,
    org_id: int,
    since: dt.datetime | str,
    settings: Settings,
    cluster_id: int | None = None,
    now: dt.datetime | None = None,
) -> RecomputeScheduled:
    """Move the watermark of the org's clusters (or of one) back to `since`: the next cost run
    recomputes from there, with the prices in force then. Hours whose samples are gone keep
    their rows."""
    now = now or utcnow()
    since_hour = _since(since, now)
    query = select(col(Cluster.id)).where(col(Cluster.org_id) == org_id)
    if cluster_id is not None:
        query = query.where(col(Cluster.id) == cluster_id)
    ids = list(session.execute(query).scalars())
    if cluster_id is not None and not ids:
        raise NotFound("no such cluster")
    moved = 0
    for run in session.execute(select(CostRun).where(col(CostRun.cluster_id).in_(ids))).scalars():
        if run.computed_until is not None and run.computed_until > since_hour:
            run.computed_until = since_hour
            session.add(run)
            moved += 1
    return RecomputeScheduled(
        clusters=moved,
        requested_from=since_hour.isoformat(),
        recomputable_from=max(since_hour, _retained_from(now, settings)).isoformat(),
    )


def recompute_costs(
    *,
    open_session: OpenSession,
    org_id: int,
    since: dt.datetime | str,
    settings: Settings,
    cluster_id: int | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> list[CostRunOutcome]:
    """Recompute now, from `since`, the org's clusters (or one), reporting progress hour by hour."""
    now = now or utcnow()
    with open_session() as session:
        request_recompute(
            session=session,
            org_id=org_id,
            since=since,
            settings=settings,
            cluster_id=cluster_id,
            now=now,
        )
    return run_cost_pass(
        open_session=open_session,
        settings=settings,
        now=now,
        org_id=org_id,
        cluster_ids=[cluster_id] if cluster_id is not None else None,
        progress=progress,
    )
