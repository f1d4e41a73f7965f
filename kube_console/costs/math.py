"""The arithmetic of cost-model.md, pure: sample coverage, namespace and idle figures, forecasts.

No database and no clock. The engine (costs/engine.py) feeds it the sums SQL computed; the
tests feed it figures worked out by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from kube_console.costs.names import IDLE_NAMESPACE, UNALLOCATED

GIB = 2**30
GB = 10**9
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
SECONDS_PER_HOUR = 3600.0
# Below a nano-dollar a negative idle is floating-point noise of a node filled exactly.
NEGATIVE_IDLE_TOLERANCE = 1e-9


@dataclasses.dataclass(frozen=True, slots=True)
class UnitPrices:
    """The prices one hour is charged at, and their sheet (None: the built-in defaults)."""

    cpu_core_hour: float
    memory_gib_hour: float
    storage_gib_hour: float
    network_gb: float
    currency: str = "USD"
    sheet_id: int | None = None
    gpu_hour: float = 0.95  # per GPU hour


BUILT_IN_PRICES = UnitPrices(
    cpu_core_hour=0.04, memory_gib_hour=0.005, storage_gib_hour=0.0001, network_gb=0.05
)


def floor_hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def ceil_hour(moment: dt.datetime) -> dt.datetime:
    floor = floor_hour(moment)
    return floor if floor == moment else floor + HOUR


def floor_day(moment: dt.datetime) -> dt.datetime:
    return floor_hour(moment).replace(hour=0)


def ceil_day(moment: dt.datetime) -> dt.datetime:
    floor = floor_day(moment)
    return floor if floor == moment else floor + DAY


def floor_month(moment: dt.datetime) -> dt.datetime:
    return floor_day(moment).replace(day=1)


def add_months(month_start: dt.datetime, months: int) -> dt.datetime:
    index = month_start.year * 12 + month_start.month - 1 + months
    return month_start.replace(year=index // 12, month=index % 12 + 1, day=1)


def ceil_month(moment: dt.datetime) -> dt.datetime:
    floor = floor_month(moment)
    return floor if floor == moment else add_months(floor, 1)


def parse_utc_time(text: str) -> dt.datetime:
    """An ISO 8601 date or time as an aware datetime; one given without a zone is UTC.
    ValueError when it is none, or when its offset moves it out of years 1 to 9999."""
    # fromisoformat takes "Z" after a time but not after a bare date ("2026-01-01Z").
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))  # noqa: FURB162
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range in UTC") from None


def covered_seconds(
    sample_times: Sequence[dt.datetime],
    hour_start: dt.datetime,
    interval_seconds: float,
    until: dt.datetime | None = None,
) -> list[float]:
    """Seconds of [hour_start, hour_start + 1h) each sample covers, in the order given (ascending).

    A sample at t covers [t, min(t_next, t + 3 × interval)), so a gap longer than three
    intervals stays uncovered: it lowers coverage instead of being filled in. `until` ends
    the hour early: the open hour is covered only up to now.
    """
    hour_end = hour_start + HOUR if until is None else min(hour_start + HOUR, until)
    reach = dt.timedelta(seconds=3 * interval_seconds)
    covered = []
    for index, sampled_at in enumerate(sample_times):
        end = sampled_at + reach
        if index + 1 < len(sample_times):
            end = min(end, sample_times[index + 1])
        start, end = max(sampled_at, hour_start), min(end, hour_end)
        covered.append(max(0.0, (end - start).total_seconds()))
    return covered


@dataclasses.dataclass(frozen=True, slots=True)
class NamespaceHourSums:
    """One (namespace, team, cost-center) of one cluster-hour: Σ figure × covered_seconds / 3600."""

    namespace_id: int | None
    namespace: str
    team: str
    cost_center: str
    cpu_request_core_hours: float
    cpu_usage_core_hours: float
    cpu_core_hours: float
    memory_request_byte_hours: float
    memory_usage_byte_hours: float
    memory_byte_hours: float
    storage_byte_hours: float
    network_bytes: float  # Σ over the samples taken inside the hour; 0 without a network source
    # Requests over the samples with usage figures (metrics.k8s.io) only: what usage is set
    # against for efficiency.
    cpu_metered_request_core_hours: float = 0.0
    memory_metered_request_byte_hours: float = 0.0
    gpu_hours: float = 0.0  # Σ GPU requests × covered hours
    # What node prices add to the allocation's cost at the sheet's unit prices (cost-model.md
    # "Node prices"): Σ_nodes alloc × (node unit price − sheet unit price) × covered hours.
    # Zero on nodes priced at unit prices, so a cluster whose nodes match nothing costs exactly
    # what the unit-price model says.
    node_cpu_cost: float = 0.0
    node_memory_cost: float = 0.0
    node_gpu_cost: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class NodeHour:
    """One node in one cluster-hour: its state in the first sample covering the hour, the
    seconds it covers, and Σ capacity × covered seconds over its samples."""

    node_id: int
    node: str
    label_set_id: int | None
    cores: float
    memory_bytes: float
    gpus: float
    covered_seconds: float
    core_seconds: float
    memory_byte_seconds: float
    gpu_seconds: float


@dataclasses.dataclass(frozen=True, slots=True)
class NodeUnitPrices:
    """A node's price for the hour, split per unit (costs/node_pricing.py)."""

    price_per_hour: float
    cpu_per_core: float
    memory_per_gib: float
    gpu_per_gpu: float
    charged: bool = True  # False: the sheet's prices are all zero, the whole price is idle


@dataclasses.dataclass(frozen=True, slots=True)
class CapacityCost:
    """What the nodes' capacity cost in a cluster-hour, per resource, beyond capacity × the
    sheet's unit prices: Σ over nodes priced otherwise of (P's share × covered hours −
    capacity-hours × unit price). `uncharged` is the price of nodes nothing can be charged on
    (a sheet of zero prices): idle as a whole, shown with the CPU."""

    cpu: float = 0.0
    memory: float = 0.0
    gpu: float = 0.0
    uncharged: float = 0.0


def repriced(price: NodeUnitPrices, prices: UnitPrices) -> bool:
    """Whether a node's per-unit prices differ from the sheet's (a rule or catalogue price)."""
    return (price.cpu_per_core, price.memory_per_gib, price.gpu_per_gpu) != (
        prices.cpu_core_hour,
        prices.memory_gib_hour,
        prices.gpu_hour,
    )


def capacity_cost(
    nodes: Sequence[tuple[NodeHour, NodeUnitPrices]], prices: UnitPrices
) -> CapacityCost:
    """Σ over the repriced nodes of (node unit price × capacity in the first sample × covered
    hours − capacity-hours × sheet unit price), per resource; see CapacityCost."""
    cpu, memory, gpu, uncharged = [], [], [], []
    for node, price in nodes:
        covered = node.covered_seconds / SECONDS_PER_HOUR
        if not price.charged:
            uncharged.append(price.price_per_hour * covered)
        if not repriced(price, prices):
            continue
        cpu.append(
            node.cores * covered * price.cpu_per_core
            - node.core_seconds / SECONDS_PER_HOUR * prices.cpu_core_hour
        )
        memory.append(
            node.memory_bytes / GIB * covered * price.memory_per_gib
            - node.memory_byte_seconds / SECONDS_PER_HOUR / GIB * prices.memory_gib_hour
        )
        gpu.append(
            node.gpus * covered * price.gpu_per_gpu
            - node.gpu_seconds / SECONDS_PER_HOUR * prices.gpu_hour
        )
    return CapacityCost(
        cpu=math.fsum(cpu),
        memory=math.fsum(memory),
        gpu=math.fsum(gpu),
        uncharged=math.fsum(uncharged),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class CostLine:
    """The figures of one hourly cost row (cost-model.md "Hourly cost per namespace" and "Idle")."""

    namespace_id: int | None
    namespace: str
    team: str
    cost_center: str
    hours: float
    covered_hours: float
    cpu_request_core_hours: float
    cpu_usage_core_hours: float
    cpu_core_hours: float
    memory_request_gib_hours: float
    memory_usage_gib_hours: float
    memory_gib_hours: float
    storage_gib_hours: float
    network_gb: float
    cpu_cost: float
    memory_cost: float
    storage_cost: float
    network_cost: float
    total_cost: float
    negative_idle_hours: int = 0
    cpu_metered_request_core_hours: float = 0.0
    memory_metered_request_gib_hours: float = 0.0
    # Idle shared per cluster-hour (share_idle): what a namespace receives; on the idle line,
    # minus what it gave away.
    idle_cpu_share: float = 0.0
    idle_memory_share: float = 0.0
    idle_cpu_share_core_hours: float = 0.0
    idle_memory_share_gib_hours: float = 0.0
    gpu_hours: float = 0.0
    gpu_cost: float = 0.0
    idle_gpu_share: float = 0.0
    idle_gpu_share_hours: float = 0.0


def namespace_line(
    sums: NamespaceHourSums, prices: UnitPrices, *, coverage: float, network_priced: bool
) -> CostLine:
    memory_gib_hours = sums.memory_byte_hours / GIB
    storage_gib_hours = sums.storage_byte_hours / GIB
    network_gb = sums.network_bytes / GB if network_priced else 0.0
    cpu_cost = sums.cpu_core_hours * prices.cpu_core_hour + sums.node_cpu_cost
    memory_cost = memory_gib_hours * prices.memory_gib_hour + sums.node_memory_cost
    gpu_cost = sums.gpu_hours * prices.gpu_hour + sums.node_gpu_cost
    storage_cost = storage_gib_hours * prices.storage_gib_hour
    network_cost = network_gb * prices.network_gb
    return CostLine(
        namespace_id=sums.namespace_id,
        namespace=sums.namespace,
        team=sums.team,
        cost_center=sums.cost_center,
        hours=1.0,
        covered_hours=coverage,
        cpu_request_core_hours=sums.cpu_request_core_hours,
        cpu_usage_core_hours=sums.cpu_usage_core_hours,
        cpu_core_hours=sums.cpu_core_hours,
        memory_request_gib_hours=sums.memory_request_byte_hours / GIB,
        memory_usage_gib_hours=sums.memory_usage_byte_hours / GIB,
        memory_gib_hours=memory_gib_hours,
        storage_gib_hours=storage_gib_hours,
        network_gb=network_gb,
        cpu_cost=cpu_cost,
        memory_cost=memory_cost,
        storage_cost=storage_cost,
        network_cost=network_cost,
        total_cost=cpu_cost + memory_cost + storage_cost + network_cost + gpu_cost,
        cpu_metered_request_core_hours=sums.cpu_metered_request_core_hours,
        memory_metered_request_gib_hours=sums.memory_metered_request_byte_hours / GIB,
        gpu_hours=sums.gpu_hours,
        gpu_cost=gpu_cost,
    )


def idle_line(
    *,
    capacity_core_hours: float,
    capacity_memory_byte_hours: float,
    namespaces: Sequence[CostLine],
    prices: UnitPrices,
    coverage: float,
    capacity_gpu_hours: float = 0.0,
    node_prices: CapacityCost = CapacityCost(),
) -> CostLine:
    """Σ_nodes capacity × covered_hours × price − Σ_ns cost, per resource; kept even if negative.

    With node prices, a node's capacity costs its price P × covered hours (split per resource
    as its unit prices are), so this is Σ per node of P × covered hours − the namespaces' cost
    on it, by resource."""
    capacity_memory_gib_hours = capacity_memory_byte_hours / GIB
    cpu_cost = (
        capacity_core_hours * prices.cpu_core_hour
        + node_prices.cpu
        + node_prices.uncharged
        - math.fsum(line.cpu_cost for line in namespaces)
    )
    memory_cost = (
        capacity_memory_gib_hours * prices.memory_gib_hour
        + node_prices.memory
        - math.fsum(line.memory_cost for line in namespaces)
    )
    gpu_cost = (
        capacity_gpu_hours * prices.gpu_hour
        + node_prices.gpu
        - math.fsum(line.gpu_cost for line in namespaces)
    )
    negative = min(cpu_cost, memory_cost, gpu_cost) < -NEGATIVE_IDLE_TOLERANCE
    return CostLine(
        namespace_id=None,
        namespace=IDLE_NAMESPACE,
        team=UNALLOCATED,
        cost_center=UNALLOCATED,
        hours=1.0,
        covered_hours=coverage,
        cpu_request_core_hours=0.0,
        cpu_usage_core_hours=0.0,
        cpu_core_hours=capacity_core_hours - math.fsum(line.cpu_core_hours for line in namespaces),
        memory_request_gib_hours=0.0,
        memory_usage_gib_hours=0.0,
        memory_gib_hours=capacity_memory_gib_hours
        - math.fsum(line.memory_gib_hours for line in namespaces),
        storage_gib_hours=0.0,
        network_gb=0.0,
        cpu_cost=cpu_cost,
        memory_cost=memory_cost,
        storage_cost=0.0,
        network_cost=0.0,
        total_cost=cpu_cost + memory_cost + gpu_cost,
        negative_idle_hours=1 if negative else 0,
        gpu_hours=capacity_gpu_hours - math.fsum(line.gpu_hours for line in namespaces),
        gpu_cost=gpu_cost,
    )


# Per resource, the figures idle is shared by and into: (cost, amount, shared cost, shared amount).
_SHARED_FIGURES = (
    ("cpu_cost", "cpu_core_hours", "idle_cpu_share", "idle_cpu_share_core_hours"),
    ("memory_cost", "memory_gib_hours", "idle_memory_share", "idle_memory_share_gib_hours"),
    ("gpu_cost", "gpu_hours", "idle_gpu_share", "idle_gpu_share_hours"),
)


def share_idle(namespaces: Sequence[CostLine], idle: CostLine) -> list[CostLine]:
    """One cluster-hour's lines with its idle shared (cost-model.md "Idle"): per resource, in
    proportion to each namespace's cost of it (CPU, memory, GPU). Idle the namespaces cannot carry (none has a cost
    of that resource) stays with the idle line; what they carry leaves it, so the shares of a
    cluster-hour add up to zero."""
    # Keyed by field name, for dataclasses.replace (Any: mypy can't match names to fields).
    received: list[dict[str, Any]] = [{} for _ in namespaces]
    given: dict[str, Any] = {}
    for cost, amount, shared_cost, shared_amount in _SHARED_FIGURES:
        used = math.fsum(getattr(line, cost) for line in namespaces)
        if not used:
            continue
        idle_cost, idle_amount = getattr(idle, cost), getattr(idle, amount)
        for figures, line in zip(received, namespaces):
            figures[shared_cost] = getattr(line, cost) * idle_cost / used
            figures[shared_amount] = getattr(line, cost) * idle_amount / used
        given[shared_cost], given[shared_amount] = -idle_cost, -idle_amount
    return [
        *(dataclasses.replace(line, **figures) for line, figures in zip(namespaces, received)),
        dataclasses.replace(idle, **given),
    ]


def month_end_forecast(
    *, month_to_date: float, recent_total: float, recent_days: int, remaining_days: float
) -> float:
    """Month-to-date + mean daily cost of the recent complete days × the days left in the month."""
    mean_daily = recent_total / recent_days if recent_days else 0.0
    return month_to_date + mean_daily * remaining_days


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None
