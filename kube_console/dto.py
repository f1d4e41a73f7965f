"""Small records sent to the browser and the REST API; never table rows, never secrets.

Times are ISO 8601 UTC strings so both faces render them the same way.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApiTokenRow:
    id: int
    name: str
    prefix: str
    role: str
    created_at: str
    last_used_at: str
    revoked: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class Profile:
    email: str
    display_name: str
    role: str
    org_name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConnectionReport:
    """The result of testing a kubeconfig, shown before it is saved (never the secret)."""

    server_host: str
    user_name: str
    credential_kind: str
    certificate_expires_at: str
    version: str
    provider: str
    provider_name: str
    node_count: int
    namespace_count: int
    pod_count: int
    metrics_available: bool
    insecure_tls: bool
    warnings: list[str]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterCard:
    id: int
    name: str
    environment: str
    provider: str
    provider_name: str
    version: str
    status: str
    node_count: int
    ready_node_count: int
    namespace_count: int
    pod_count: int
    running_pod_count: int
    last_sync_at: str
    last_success_at: str
    last_sync_duration_ms: float
    last_error: str
    api_latency_ms: float
    metrics_available: bool
    insecure_tls: bool
    server_host: str
    credential_user: str
    credential_kind: str
    certificate_expires_at: str
    permission_warnings: list[str]
    backoff_until: str
    data_stale: bool  # the last sync failed: the data shown is from last_success_at
    duplicate_of: str  # the other registrations of this same cluster in the org, "" if none


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeletionPreview:
    cluster_id: int
    name: str
    namespaces: int
    nodes: int
    workloads: int
    pods: int
    pvcs: int
    helm_releases: int
    usage_samples: int
    cost_rows: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkerRunRow:
    id: int
    job: str
    trigger: str
    status: str
    cluster_id: int
    requested_at: str
    started_at: str
    finished_at: str
    duration_ms: float
    items_total: int
    items_done: int
    items_failed: int
    error: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterSyncStats:
    cluster_id: int
    name: str
    status: str
    syncs_total: int
    syncs_failed: int
    last_sync_at: str
    last_success_at: str
    last_sync_duration_ms: float
    last_error: str
    backoff_until: str
    next_sync_at: str  # "" until the first scheduled sync
    synced_by: str  # the worker process that claimed it last
    syncing: bool  # that process holds it now


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkerProcessRow:
    """A process running workers, and what it does for the viewer's organization only."""

    name: str
    host: str
    pid: int
    started_at: str
    heartbeat_at: str
    alive: bool
    leader: bool  # runs the hourly jobs (costs, pruning)
    sync_threads: int
    clusters: list[str]  # names of the organization's clusters it synced last (the first few)
    clusters_count: int  # how many of the organization's clusters it synced last
    syncing_now: int  # how many of them it is syncing now


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkerStatus:
    """The Workers page of one organization: worker processes (only this organization's
    clusters under them), its clusters' schedule, its runs. Fleet-wide figures are the
    operator's (`python -m kube_console workers status`)."""

    processes: list[WorkerProcessRow]
    sync_interval_seconds: int
    cost_interval_seconds: int
    clusters: list[ClusterSyncStats]
    recent_runs: list[WorkerRunRow]


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceSheetRow:
    id: int
    scope: str  # "cluster" | "org"
    cluster_id: int  # 0 for the org default
    effective_from: str
    currency: str
    cpu_core_hour: float
    memory_gib_hour: float
    gpu_hour: float  # per GPU hour
    storage_gib_hour: float
    network_gb: float
    created_at: str
    in_force: bool  # the sheet of its scope in force now


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecomputeScheduled:
    clusters: int  # clusters whose watermark moved back
    requested_from: str
    recomputable_from: str  # hours before this have no raw samples left and keep their rows


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostGroup:
    # stable id, e.g. "team=payments|cluster=3", "namespace=shop|cluster=3" or "team=__idle__|idle"
    key: str
    label: str
    values: dict[str, str]  # key dimension -> value shown (a cluster's name, "Idle" for idle rows)
    idle: bool
    total_cost: float
    cpu_cost: float
    memory_cost: float
    gpu_cost: float
    storage_cost: float
    network_cost: float
    idle_share_cost: float  # idle spread onto this group (idle = share)
    gpu_hours: float  # GPU-hours allocated (requested); an idle group's: GPU-hours left idle
    share: float | None  # of the report's total
    previous_cost: float
    change: float | None  # (total − previous) / |previous|
    cpu_efficiency: float | None  # usage / request, over the hours with usage data
    memory_efficiency: float | None
    # Of the requested core-hours (GiB-hours), the share in hours with usage data
    # (metrics.k8s.io): 0 means none, so the efficiency is unknown; None: nothing requested.
    cpu_usage_data_share: float | None
    memory_usage_data_share: float | None
    coverage: float | None
    forecast_cost: float  # this month's end
    negative_idle_hours: int
    math: list[CostMathLine]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostSeries:
    key: str
    label: str
    idle: bool
    values: list[float]  # one per bucket of the report


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostReport:
    window: str
    step: str
    group_by: list[str]
    # What each group is keyed by and shows: group_by, with a namespace's cluster after it.
    dimensions: list[str]
    idle: str
    start: str
    end: str
    previous_start: str
    previous_end: str
    hours: float  # closed hours of the window
    currency: str
    buckets: list[str]  # ISO hour starts, days or first days of months
    series: list[CostSeries]
    groups: list[CostGroup]  # most expensive first
    total_cost: float
    # The totals by resource, over the groups shown.
    cpu_cost: float
    memory_cost: float
    gpu_cost: float
    storage_cost: float
    network_cost: float
    idle_share_cost: float
    gpu_hours: float
    previous_cost: float
    change: float | None
    cpu_efficiency: float | None
    memory_efficiency: float | None
    cpu_usage_data_share: float | None
    memory_usage_data_share: float | None
    coverage: float | None
    forecast_cost: float
    forecast_days: int  # complete days the forecast's daily mean rests on
    negative_idle_hours: int
    provisional: ProvisionalCost | None = None  # the open hour so far, when the window reaches it


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostTable:
    """The cost table exactly as the page shows it and the CSV export writes it."""

    columns: list[str]
    rows: list[list[str]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterOption:
    id: int
    name: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostFilterOptions:
    clusters: list[ClusterOption]
    teams: list[str]
    cost_centers: list[str]
    namespaces: list[str]  # names, to filter by
    namespace_groups: list[tuple[int, str]]  # (cluster id, namespace): every namespace group


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostSlice:
    key: str
    label: str
    cost: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostTrendPoint:
    day: str
    cost: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProvisionalCost:
    """The open hour priced from its samples so far: never part
    of the closed figures, replaced by the hour's own once it closes."""

    hour_start: str  # ISO, UTC
    hour_end: str  # when it closes
    through: str  # the samples are priced up to here (the earliest of the clusters')
    currency: str
    total_cost: float
    by_resource: dict[str, float]  # cost per resource, and the idle shared onto the namespaces


@dataclasses.dataclass(frozen=True, kw_only=True)
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


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkloadCostShare:
    """A workload's month-to-date share of its namespace's CPU and memory cost, with its figures."""

    month: str
    currency: str
    namespace_cost: float  # every resource
    namespace_cpu_cost: float
    namespace_memory_cost: float
    pods_counted: int
    cpu_alloc_cores: float
    namespace_cpu_alloc_cores: float
    memory_alloc_bytes: int
    namespace_memory_alloc_bytes: int
    cpu_share: float | None  # cpu_alloc / namespace_cpu_alloc
    memory_share: float | None
    cost: float  # cpu_share × namespace_cpu_cost + memory_share × namespace_memory_cost
    share_of_namespace_cost: float | None


@dataclasses.dataclass(frozen=True, kw_only=True)
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


# The Clusters and Workers pages: what they show beyond the services' records.


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterTile:
    """One card of the Clusters page: the cluster, and what the page works out for people."""

    card: ClusterCard
    month_to_date_cost: str  # in the org's currency; "" before any cost has been computed
    certificate_note: str  # "expires in 9 days" or "expired 2 days ago"; "" when not soon
    certificate_expired: bool
    stale: bool  # its figures are older than two sync intervals (services/freshness.py)
    stale_hint: str
    last_attempt_failed: bool


# ---------------------------------------------------------------- cost pages (what the browser shows)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostColumn:
    """A column of the costs table: its title (exactly the CSV header) and the key it sorts by."""

    key: str
    title: str
    numeric: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostCell:
    text: str
    tone: str = ""  # "" | muted | up | down | warn | bad


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostTableRow:
    """One row of the costs table as shown: one cell per column, figures already formatted."""

    key: str
    label: str  # every dimension's value: "web · prod"
    color: str  # the group's chart colour
    idle: bool
    cells: list[CostCell]
    share_width: str  # the share bar's CSS width, e.g. "42.0%"
    low_coverage: bool
    negative_idle_hours: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostMathRow:
    """One resource of "show the math", over the view's closed hours, with its units."""

    resource: str
    average_request: str
    average_usage: str
    average_allocated: str
    allocated: str
    price: str
    cost: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PickerOption:
    value: str
    selected: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class FilterChip:
    """An active filter value, removable from the filter bar."""

    dimension: str  # cluster | cost_center | team | namespace
    title: str
    value: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostBar:
    """A ranked cost (a team, a cost-center, a namespace) with a link to its costs."""

    key: str
    label: str
    detail: str  # e.g. the cluster of a namespace
    cost: str
    width: str  # CSS width of its bar, relative to the largest
    color: str
    href: str
    negative: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterHealthRow:
    name: str
    status: str
    healthy: bool
    environment: str
    nodes: str  # "3 of 4 ready"
    running_pods: int
    last_success_at: str
    month_to_date_cost: str
    stale: bool  # its figures are older than two sync intervals (services/freshness.py)
    stale_hint: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceScope:
    """The organization default or one cluster, as the price sheet editor lists them."""

    cluster_id: int  # 0 for the organization default
    name: str
    has_sheets: bool
    network_measured: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceSheetView:
    effective_from: str
    currency: str
    cpu: str
    memory: str
    gpu: str
    storage: str
    network: str
    created_at: str
    status: str  # in force | scheduled | superseded
