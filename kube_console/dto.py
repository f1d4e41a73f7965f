"""Small records sent to the browser and the REST API; never table rows, never secrets.

Times are ISO 8601 UTC strings so both faces render them the same way.
"""

from __future__ import annotations

import dataclasses
from typing import Generic, TypeVar


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


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkerStatus:
    leader_process: str
    leader_since: str
    heartbeat_at: str
    alive: bool
    running_job: str
    sync_interval_seconds: int
    cost_interval_seconds: int
    stats: dict[str, str]
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
    """What a cost view asks for; services/cost_queries.py checks it field by field."""

    window: str = "30d"  # 24h | 7d | 30d | mtd | last_month | custom
    start: str = ""  # custom windows: [start, end), ISO 8601 (UTC when no zone is given)
    end: str = ""
    step: str = "day"  # hour | day | month
    group_by: tuple[str, ...] = ("namespace",)  # one or two of cluster | namespace | team | cost_center
    clusters: tuple[int, ...] = ()
    cost_centers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    idle: str = "separate"  # hide | separate | share
    series_limit: int = 10  # groups charted on their own; the rest add up to one "Other" series


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostMathLine:
    """"Show the math" for one resource: hours × average = allocated; allocated × price = cost."""

    resource: str  # cpu | memory | storage | network
    unit: str  # core-hours | GiB-hours | GB
    hours: float
    average_request: float | None  # cores or GiB over those hours; None where no request exists
    average_usage: float | None
    average_allocated: float | None
    allocated: float
    price: float  # per unit: cost / allocated (a mean where a price sheet changed in the window)
    cost: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostGroup:
    key: str  # stable id, e.g. "team=payments|cluster=3" or "team=__idle__|idle"
    label: str
    values: dict[str, str]  # dimension -> value shown (a cluster's name, "Idle" for idle rows)
    idle: bool
    total_cost: float
    cpu_cost: float
    memory_cost: float
    storage_cost: float
    network_cost: float
    idle_share_cost: float  # idle spread onto this group (idle = share)
    share: float | None  # of the report's total
    previous_cost: float
    change: float | None  # (total − previous) / |previous|
    cpu_efficiency: float | None  # usage / request
    memory_efficiency: float | None
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
    previous_cost: float
    change: float | None
    cpu_efficiency: float | None
    memory_efficiency: float | None
    coverage: float | None
    forecast_cost: float
    forecast_days: int  # complete days the forecast's daily mean rests on
    negative_idle_hours: int


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
    namespaces: list[str]


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


# Drill-down: lists and details of what each cluster runs, uses and costs (services/explore.py,
# services/usage_series.py, services/search.py). Raw figures carry their unit in their name
# (cores, bytes, cost in the currency); kube_console/formatting.py renders them for people.

RowT = TypeVar("RowT")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PageRequest:
    """Which page of a list to return; services/paging.py checks it and clamps the limit.

    The pages ask by page number and get a total back; the REST API passes the previous page's
    `next_cursor` as `cursor`, and then `page` is ignored and nothing is counted.
    """

    sort: str = ""  # one of the list's sort keys; "" means its default
    descending: bool = False
    limit: int = 50  # clamped to 1..500
    page: int = 1  # 1-based
    cursor: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    total: int | None  # rows matching the filters, all pages; None when paging by cursor
    page: int  # 0 when paging by cursor
    limit: int
    sort: str
    descending: bool
    next_cursor: str  # "" on the last page


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterRow:
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
    last_success_at: str
    month_to_date_cost: float  # namespaces and idle
    currency: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HealthComponent:
    name: str
    ok: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterHealth:
    cluster_id: int
    status: str
    ok: bool  # the API server's readyz (or healthz) answered ok at the last sync
    endpoint: str
    components: list[HealthComponent]
    problems: dict[str, str]  # kind -> what failed at the last sync
    api_latency_ms: float | None
    metrics_available: bool
    last_sync_at: str
    last_success_at: str
    last_error: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterOverview:
    """The cluster detail's Overview tab: health, capacity bars and month-to-date cost."""

    id: int
    name: str
    environment: str
    provider: str
    provider_name: str
    version: str
    health: ClusterHealth
    node_count: int
    ready_node_count: int
    namespace_count: int
    pod_count: int
    running_pod_count: int
    cpu_capacity_cores: float
    cpu_allocatable_cores: float
    cpu_requested_cores: float  # running pods and pending pods already on a node
    cpu_used_cores: float | None  # None when no node reports usage
    memory_capacity_bytes: int
    memory_allocatable_bytes: int
    memory_requested_bytes: int
    memory_used_bytes: int | None
    currency: str
    month: str  # first day of the month the costs cover
    month_to_date_cost: float  # namespaces only
    month_to_date_idle_cost: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceRow:
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    team: str
    cost_center: str
    phase: str
    pods_running: int
    pods_total: int
    cpu_request_cores: float  # running pods and pending pods already on a node
    cpu_usage_cores: float | None  # None when no pod reports usage
    memory_request_bytes: int
    memory_usage_bytes: int | None
    month_to_date_cost: float
    currency: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceDetail:
    namespace: NamespaceRow
    labels: dict[str, str]
    workload_count: int
    pvc_count: int
    storage_bytes: int  # bound PVCs' capacity
    currency: str
    deleted_at: str  # "" while the namespace exists


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodeRow:
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    status: str  # Ready | NotReady, with ", SchedulingDisabled" when cordoned
    ready: bool
    unschedulable: bool
    roles: list[str]
    instance_type: str
    zone: str
    spot: bool
    allocatable_cpu_cores: float
    allocatable_memory_bytes: int
    allocatable_pods: int
    cpu_requested_cores: float
    memory_requested_bytes: int
    cpu_used_cores: float | None
    memory_used_bytes: int | None
    cpu_requested_ratio: float | None  # of allocatable; None when nothing is allocatable
    memory_requested_ratio: float | None
    cpu_used_ratio: float | None
    memory_used_ratio: float | None
    pods: int  # running, or pending on this node
    kubelet_version: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkloadRow:
    id: int
    kind: str  # Deployment | StatefulSet | DaemonSet
    name: str
    namespace: str
    namespace_id: int | None
    cluster_id: int
    cluster_name: str
    replicas_desired: int
    replicas_ready: int
    replicas_available: int
    replicas_updated: int
    health: str  # healthy | progressing | degraded | down | scaled_down
    cpu_request_cores: float  # per replica
    memory_request_bytes: int
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContainerSpec:
    name: str
    image: str
    cpu_request_cores: float | None
    memory_request_bytes: int | None
    cpu_limit_cores: float | None
    memory_limit_bytes: int | None


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
class WorkloadDetail:
    workload: WorkloadRow
    labels: dict[str, str]
    selector: dict[str, str]
    containers: list[ContainerSpec]  # from the pod template
    pods_total: int
    pods_running: int
    cost_share: WorkloadCostShare
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PodRow:
    id: int
    name: str
    namespace: str
    namespace_id: int | None
    cluster_id: int
    cluster_name: str
    phase: str
    node_name: str
    owner_kind: str
    owner_name: str
    workload_id: int | None  # set when the owner is a synced Deployment, StatefulSet or DaemonSet
    containers_ready: int
    containers_total: int
    restarts: int
    cpu_request_cores: float
    memory_request_bytes: int
    cpu_usage_cores: float | None
    memory_usage_bytes: int | None
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContainerStatusRow:
    name: str
    image: str
    state: str  # running | waiting:<reason> | terminated:<reason>
    ready: bool
    restarts: int
    cpu_request_cores: float | None
    memory_request_bytes: int | None
    cpu_limit_cores: float | None
    memory_limit_bytes: int | None
    cpu_usage_cores: float | None
    memory_usage_bytes: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PodDetail:
    pod: PodRow
    workload_kind: str  # "" when the owner is no synced workload
    workload_name: str
    qos_class: str
    start_time: str
    cpu_limit_cores: float | None  # None when a container has no limit
    memory_limit_bytes: int | None
    labels: dict[str, str]
    pvc_claims: list[str]
    containers: list[ContainerStatusRow]
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PvcRow:
    id: int
    name: str
    namespace: str
    namespace_id: int | None
    cluster_id: int
    cluster_name: str
    phase: str
    storage_class: str
    requested_bytes: int | None
    capacity_bytes: int | None
    access_modes: list[str]
    volume_name: str
    mounted_by: list[str]  # pod names
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmReleaseRow:
    id: int
    name: str
    namespace: str
    namespace_id: int | None
    cluster_id: int
    cluster_name: str
    chart: str
    chart_version: str
    app_version: str
    status: str
    revision: int
    updated_at: str


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
    storage_cost: list[float]
    network_cost: list[float]
    total_cost: list[float]
    window_cost: float


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
    since: str
    samples: int  # sync samples with usage metrics in the window
    days_of_data: float
    cpu: ResourceEfficiency
    memory: ResourceEfficiency


@dataclasses.dataclass(frozen=True, kw_only=True)
class SearchHit:
    kind: str  # cluster | namespace | workload | pod | helm_release
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    namespace: str  # "" for clusters and namespaces
    detail: str  # a workload's kind, a pod's phase, a release's chart


@dataclasses.dataclass(frozen=True, kw_only=True)
class SearchResults:
    query: str
    hits: list[SearchHit]  # clusters, namespaces, workloads, pods, then Helm releases
