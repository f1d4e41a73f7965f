"""What a cost row sums, the tables it rolls up to, and the resources the views show.

One table for the engine's rollups, the cost views (costs/queries.py) and the inventory's
cost figures (costs/inventory_costs.py): a figure or a resource added here is summed, shared,
shown, exported and served everywhere at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from kube_console.models import CostDaily, CostHourly, CostMonthly

# The figures of a cost row that its day and month add up (cost-model.md; models/costs.py).
SUMMED_FIGURES = (
    "hours",
    "covered_hours",
    "cpu_request_core_hours",
    "cpu_usage_core_hours",
    "cpu_core_hours",
    "memory_request_gib_hours",
    "memory_usage_gib_hours",
    "memory_gib_hours",
    "gpu_hours",
    "storage_gib_hours",
    "network_gb",
    "cpu_cost",
    "memory_cost",
    "gpu_cost",
    "storage_cost",
    "network_cost",
    "total_cost",
    "negative_idle_hours",
    "cpu_metered_request_core_hours",
    "memory_metered_request_gib_hours",
    "idle_cpu_share",
    "idle_memory_share",
    "idle_gpu_share",
    "idle_cpu_share_core_hours",
    "idle_memory_share_gib_hours",
    "idle_gpu_share_hours",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Resource:
    """A priced resource: the row's columns that hold it, and how people read its amount."""

    name: str  # cpu | memory | gpu | storage | network
    title: str
    unit: str  # of the amount: core-hours | GiB-hours | GPU-hours | GB
    price_unit: str  # what one price buys: core-hour | GiB-hour | GPU-hour | GB
    amount: str  # allocated amount column
    cost: str
    request: str | None = None  # columns of requests and usage, where the resource has them
    usage: str | None = None
    idle_share: str | None = None  # idle shared onto a namespace (cost-model.md "Idle")
    idle_share_amount: str | None = None
    per_hour: bool = True  # network is a transfer, not an average over hours


RESOURCES = (
    Resource(
        "cpu",
        "CPU",
        "core-hours",
        "core-hour",
        amount="cpu_core_hours",
        cost="cpu_cost",
        request="cpu_request_core_hours",
        usage="cpu_usage_core_hours",
        idle_share="idle_cpu_share",
        idle_share_amount="idle_cpu_share_core_hours",
    ),
    Resource(
        "memory",
        "Memory",
        "GiB-hours",
        "GiB-hour",
        amount="memory_gib_hours",
        cost="memory_cost",
        request="memory_request_gib_hours",
        usage="memory_usage_gib_hours",
        idle_share="idle_memory_share",
        idle_share_amount="idle_memory_share_gib_hours",
    ),
    # GPUs are allocated by their requests alone: metrics.k8s.io has no GPU usage.
    Resource(
        "gpu",
        "GPU",
        "GPU-hours",
        "GPU-hour",
        amount="gpu_hours",
        cost="gpu_cost",
        idle_share="idle_gpu_share",
        idle_share_amount="idle_gpu_share_hours",
    ),
    Resource("storage", "Storage", "GiB-hours", "GiB-hour", "storage_gib_hours", "storage_cost"),
    Resource("network", "Network", "GB", "GB", "network_gb", "network_cost", per_hour=False),
)
RESOURCE_NAMES = tuple(resource.name for resource in RESOURCES)
COST_FIGURES = tuple(resource.cost for resource in RESOURCES)
IDLE_SHARES = tuple(resource.idle_share for resource in RESOURCES if resource.idle_share)
# With idle shared, an idle row keeps what stayed idle: its figure plus its (negative) share.
SHARED_BY = {
    column: share
    for resource in RESOURCES
    if resource.idle_share and resource.idle_share_amount
    for column, share in (
        (resource.cost, resource.idle_share),
        (resource.amount, resource.idle_share_amount),
    )
}


@dataclasses.dataclass(frozen=True)
class Grain:
    """A cost table, its period column, and how many buckets a breakdown at this step shows."""

    step: str  # hour | day | month
    model: Any
    period_name: str
    breakdown_buckets: int

    @property
    def period(self) -> Any:
        return getattr(self.model, self.period_name)

    def bound(self, moment: dt.datetime) -> dt.datetime | dt.date:
        """How the period column compares with a UTC instant (rollups store dates)."""
        return moment if self.step == "hour" else moment.date()


GRAINS = {
    "hour": Grain("hour", CostHourly, "hour_start", 48),
    "day": Grain("day", CostDaily, "day", 30),
    "month": Grain("month", CostMonthly, "month", 12),
}
STEPS = tuple(GRAINS)
