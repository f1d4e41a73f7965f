"""The cost package's records: what a cost view asks for and what the cost queries, the
engine and the price lookup return; both faces read them (the REST models are built from them).

Times are ISO 8601 UTC strings ("" when unknown).
"""

from __future__ import annotations

from kube_console.records import described, record

GPU_HOURS = "GPU-hours allocated (requested); an idle group's: GPU-hours no namespace requested"
USAGE_DATA_SHARE = (
    "of the requested core-hours (GiB-hours), the share in hours with usage data "
    "(metrics.k8s.io), which efficiency rests on; 0: no usage data, efficiency unknown; "
    "null: nothing requested"
)


@record
class EffectivePrices:
    """The prices that apply to one cluster at one moment, and where they come from."""

    source: str  # "cluster" | "org" | "built-in"
    sheet_id: int  # 0 for the built-in defaults
    effective_from: str
    currency: str
    cpu_core_hour: float
    memory_gib_hour: float
    gpu_hour: float  # per GPU hour
    storage_gib_hour: float
    network_gb: float


@record
class RecomputeScheduled:
    clusters: int  # clusters whose watermark moved back
    requested_from: str
    recomputable_from: str  # hours before this have no raw samples left and keep their rows


@record
class CostRunOutcome:
    """What one cost run did for one cluster."""

    cluster_id: int
    cluster_name: str
    hours_computed: int
    rows_written: int
    duration_ms: float
    computed_until: str
    error: str

    @property
    def ok(self) -> bool:
        return not self.error


@record
class CostQuery:
    """What a cost view asks for; costs/queries.py checks it field by field."""

    window: str = "30d"  # 24h | 7d | 30d | mtd | last_month | custom
    start: str = ""  # custom windows: [start, end), ISO 8601 (UTC when no zone is given)
    end: str = ""
    step: str = "day"  # hour | day | month
    group_by: tuple[str, ...] = (
        "namespace",
    )  # one or two of cluster | namespace | team | cost_center
    clusters: tuple[int, ...] = ()
    cost_centers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    idle: str = "separate"  # hide | separate | share
    series_limit: int = 10  # groups charted on their own; the rest add up to one "Other" series


@record
class CostMathLine:
    """ "Show the math" for one resource: hours × average = allocated; allocated × price = cost."""

    resource: str  # cpu | memory | gpu | storage | network (costs/figures.RESOURCES)
    unit: str  # core-hours | GiB-hours | GPU-hours | GB
    hours: float
    average_request: float | None  # cores or GiB over those hours; None where no request exists
    average_usage: float | None
    average_allocated: float | None
    allocated: float
    price: float  # per unit: cost / allocated (a mean where a price sheet changed in the window)
    cost: float
    idle_share: float = 0.0  # idle of this resource shared onto the group (idle = share)


@record
class CostGroup:
    # e.g. "team=payments|cluster=3", "namespace=shop|cluster=3" or "team=__idle__|idle"
    key: str = described(
        "stable id, such as team=payments|cluster=3, namespace=shop|cluster=3, or ...|idle"
    )
    label: str
    # a cluster's name, "Idle" for idle rows
    values: dict[str, str] = described(
        "dimension -> the value shown, for each of the report's dimensions"
    )
    idle: bool
    total_cost: float
    cpu_cost: float
    memory_cost: float
    gpu_cost: float = described("GPU cost; an idle group's: GPUs left idle")
    storage_cost: float
    network_cost: float
    idle_share_cost: float = described("idle spread onto this group (idle=share)")
    gpu_hours: float = described(GPU_HOURS)
    share: float | None = described("of the report's total")
    previous_cost: float
    change: float | None = described("(total - previous) / |previous|")
    cpu_efficiency: float | None = described(
        "usage / request over the hours with usage data; null when unknown"
    )
    memory_efficiency: float | None
    cpu_usage_data_share: float | None = described(USAGE_DATA_SHARE)
    memory_usage_data_share: float | None = described(USAGE_DATA_SHARE)
    coverage: float | None
    forecast_cost: float = described("at this month's end")
    negative_idle_hours: int
    math: list[CostMathLine]


@record
class CostSeries:
    key: str
    label: str
    idle: bool
    values: list[float] = described("cost per bucket, aligned with the report's buckets")


@record
class CostReport:
    window: str
    step: str
    group_by: list[str]
    dimensions: list[str] = described(
        "what each group is keyed by and shows in values: group_by, with a "
        "namespace's cluster after the namespace (a namespace is one of a cluster)"
    )
    idle: str
    start: str
    end: str
    previous_start: str
    previous_end: str
    hours: float = described("closed hours of the window")
    currency: str
    # ISO hour starts, days or first days of months
    buckets: list[str] = described(
        "each bucket's start: an hour, a day or a month's first day, by step"
    )
    series: list[CostSeries] = described("the most expensive groups, then 'other'")
    groups: list[CostGroup] = described("most expensive first")
    total_cost: float
    cpu_cost: float = described("the groups' total, likewise for each resource")
    memory_cost: float
    gpu_cost: float
    storage_cost: float
    network_cost: float
    idle_share_cost: float
    gpu_hours: float = described(GPU_HOURS)
    previous_cost: float
    change: float | None
    cpu_efficiency: float | None
    memory_efficiency: float | None
    cpu_usage_data_share: float | None = described(USAGE_DATA_SHARE)
    memory_usage_data_share: float | None = described(USAGE_DATA_SHARE)
    coverage: float | None
    forecast_cost: float
    forecast_days: int = described("complete days the forecast's daily mean rests on")
    negative_idle_hours: int
    provisional: ProvisionalCost | None = None  # the open hour so far, when the window reaches it


@record
class CostTable:
    """The cost table exactly as the page shows it and the CSV export writes it."""

    columns: list[str]
    rows: list[list[str]]


@record
class ClusterOption:
    id: int
    name: str


@record
class CostFilterOptions:
    clusters: list[ClusterOption]
    teams: list[str]
    cost_centers: list[str]
    namespaces: list[str]  # names, to filter by
    namespace_groups: list[tuple[int, str]]  # (cluster id, namespace): every namespace group


@record
class CostSlice:
    key: str
    label: str
    cost: float


@record
class CostTrendPoint:
    day: str
    cost: float


@record
class ProvisionalCost:
    """The open hour priced from its samples so far: never part
    of the closed figures, replaced by the hour's own once it closes."""

    hour_start: str  # ISO, UTC
    hour_end: str  # when it closes
    through: str  # the samples are priced up to here (the earliest of the clusters')
    currency: str
    total_cost: float
    by_resource: dict[str, float]  # cost per resource, and the idle shared onto the namespaces


@record
class CostOverview:
    """The overview's cost cards: this month so far, its forecast, and where the money goes."""

    currency: str
    month_to_date_cost: float
    forecast_cost: float
    forecast_days: int
    last_month_same_period_cost: float
    change_vs_last_month: float | None
    by_team: list[CostSlice]
    by_cost_center: list[CostSlice]
    top_namespaces: list[CostSlice]
    daily_trend: list[CostTrendPoint]  # the last 30 days, today included
    provisional: ProvisionalCost | None = None  # so far this hour, apart from the figures above


@record
class WorkloadCostShare:
    """A workload's month-to-date share of its namespace's CPU and memory cost, with its figures."""

    month: str
    currency: str
    namespace_cost: float = described("every resource's cost of the namespace")
    namespace_cpu_cost: float
    namespace_memory_cost: float
    pods_counted: int
    cpu_alloc_cores: float
    namespace_cpu_alloc_cores: float
    memory_alloc_bytes: int
    namespace_memory_alloc_bytes: int
    cpu_share: float | None = described("cpu_alloc_cores / namespace_cpu_alloc_cores")
    memory_share: float | None
    cost: float = described("cpu_share × namespace_cpu_cost + memory_share × namespace_memory_cost")
    share_of_namespace_cost: float | None


@record
class NamespaceCostBreakdown:
    """A namespace's cost by resource, one value per bucket of `step` (idle is not in it)."""

    namespace_id: int
    step: str  # hour | day | month
    start: str
    end: str
    currency: str
    buckets: list[str]
    cpu_cost: list[float]
    memory_cost: list[float]
    gpu_cost: list[float]
    storage_cost: list[float]
    network_cost: list[float]
    total_cost: list[float]
    window_cost: float
