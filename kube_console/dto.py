"""Small records sent to the browser and the REST API; never table rows, never secrets.

Times are ISO 8601 UTC strings so both faces render them the same way.
"""

from __future__ import annotations

import dataclasses
from typing import Generic, TypeVar

from kube_console.costs.records import WorkloadCostShare

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
    notes: list[str]  # what storing the last snapshot had to clip, skip or ignore
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
    status_reason: str  # "Unschedulable", "CrashLoopBackOff", "OOMKilled"; "" when nothing is wrong
    status_message: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContainerStatusRow:
    name: str
    image: str
    state: str  # running | waiting:<reason> | terminated:<reason>
    last_state: str  # how the previous run ended ("terminated:OOMKilled"), "" if none
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
    description: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmRevisionRow:
    revision: int
    status: str
    chart: str
    chart_version: str
    app_version: str
    updated_at: str
    description: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmReleaseDetail:
    release: HelmReleaseRow
    history: list[HelmRevisionRow]  # newest first
    deleted_at: str


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
    samples_without_usage: int  # and without (no metrics.k8s.io): their usage is unknown
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


# Drill-down pages: rows and panels as the console's pages show them (kube_console/states/
# explore_views.py builds them). Figures are already written with their units
# (kube_console/formatting.py); times stay ISO strings, which the browser shows relative to now
# with the exact time on hover; links carry ids the org-scoped services returned.


@dataclasses.dataclass(frozen=True, kw_only=True)
class Choice:
    """One option of a filter: the value the URL carries and the words the menu shows."""

    value: str
    label: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ListPosition:
    """Where a table stands: its sort, its page, and the links that change them."""

    sort: str
    descending: bool
    page: int
    page_count: int
    total: int
    summary: str  # "51–100 of 5,000"; "" when the page shows no row
    sort_hrefs: dict[str, str]  # sort key -> the URL that sorts by it (toggling when current)
    previous_href: str  # "" on the first page
    next_href: str  # "" on the last page
    first_href: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ResourceBar:
    """One bar of a CPU or memory comparison: capacity, allocatable, requested or used."""

    label: str
    amount: str  # "12 cores", "45.2 GiB", or an em dash when unknown
    fraction: float  # of the largest bar, for its width
    known: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterView:
    id: int
    name: str
    environment: str
    provider_name: str
    version: str
    status: str
    nodes: str  # "11 / 12 ready"
    namespace_count: int
    pods: str  # "480 / 500 running"
    api_latency: str  # "42 ms"
    metrics_available: bool
    last_sync_at: str
    last_success_at: str
    last_error: str
    data_stale: bool  # the last sync failed: the data shown is from last_success_at
    stale: bool  # its figures are older than two sync intervals (services/freshness.py)
    stale_hint: str
    last_attempt_failed: bool
    sync_notes: list[str]  # what storing the last snapshot had to clip, skip or ignore
    health_ok: bool
    health_endpoint: str
    components: list[HealthComponent]
    problems: list[str]  # "metrics: the metrics API did not answer"
    cpu_bars: list[ResourceBar]
    memory_bars: list[ResourceBar]
    month: str  # "March 2026"
    cost: str  # namespaces, month to date
    idle_cost: str
    idle_negative: bool  # the namespaces were allocated more than the nodes cost
    total_cost: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceTableRow:
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    team: str
    cost_center: str
    pods: str  # "8 / 10"
    cpu_request: str
    cpu_usage: str
    memory_request: str
    memory_usage: str
    cost: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class NodeTableRow:
    id: int
    name: str
    status: str
    ready: bool
    cordoned: bool
    roles: str
    instance_type: str
    zone: str
    spot: bool
    allocatable_cpu: str  # "8 cores"
    allocatable_memory: str  # "30 GiB"
    cpu_requested: str  # "62%"
    memory_requested: str
    cpu_used: str
    memory_used: str
    cpu_requested_ratio: float  # 0..1 (capped), for the meter
    memory_requested_ratio: float
    cpu_used_ratio: float
    memory_used_ratio: float
    pods: str  # "31 / 110"
    created_at: str
    price: str = ""  # "$0.0336/h": what the node costs for the hour open now
    price_source: str = ""  # "catalogue: aws us-east-1 m6i.large, spot × 0.35", "unit prices"


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkloadTableRow:
    id: int
    kind: str
    name: str
    namespace: str
    namespace_id: int  # 0 when the namespace is not synced
    cluster_id: int
    cluster_name: str
    ready: str  # "2 / 3"
    available: int
    updated: int
    health: str  # healthy | progressing | degraded | down | scaled_down
    cpu_request: str  # per replica
    memory_request: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PodTableRow:
    id: int
    name: str
    namespace: str
    namespace_id: int  # 0 when the namespace is not synced
    cluster_id: int
    cluster_name: str
    phase: str
    node: str
    owner_kind: str
    owner_name: str
    workload_id: int  # 0 when the owner is no synced workload
    ready: str  # "2/2"
    restarts: int
    reason: str  # "Unschedulable", "CrashLoopBackOff"; "" when nothing is wrong
    reason_message: str
    cpu_request: str
    cpu_usage: str
    memory_request: str
    memory_usage: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PvcTableRow:
    id: int
    name: str
    phase: str
    storage_class: str
    capacity: str
    access_modes: str
    mounted_by: str
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmTableRow:
    id: int
    name: str
    namespace: str
    namespace_id: int  # 0 when the namespace is not synced
    cluster_id: int
    cluster_name: str
    chart: str
    chart_version: str
    app_version: str
    status: str
    revision: int
    updated_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmRevisionView:
    revision: int
    status: str
    chart: str  # "redis 20.3.0"
    app_version: str
    updated_at: str
    description: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class HelmReleaseView:
    release: HelmTableRow
    description: str
    history: list[HelmRevisionView]
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class LabelPair:
    key: str
    value: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class NamespaceView:
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    team: str
    cost_center: str
    phase: str
    labels: list[LabelPair]
    pods: str  # "8 / 10 running"
    cpu_request: str
    cpu_usage: str
    memory_request: str
    memory_usage: str
    cost: str  # month to date
    workload_count: int
    pvc_count: int
    storage: str  # bound PVCs' capacity
    created_at: str
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class EfficiencyView:
    """One resource's usage against its requests over the efficiency window, and its hint."""

    resource: str  # "CPU" | "Memory"
    efficiency: str  # "23%"
    ratio: float  # 0..1 (capped), for the meter
    known: bool
    unknown_reason: str  # why the efficiency is unknown ("No usage data"), when it is
    average_request: str
    average_usage: str
    p95_usage: str
    suggested_request: str  # "" when no smaller request is advised
    hint: str
    no_hint_reason: str  # why there is no hint, when there is none


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContainerLimitsRow:
    """A container of a pod template: its requests and limits."""

    name: str
    image: str
    cpu_request: str
    cpu_limit: str
    memory_request: str
    memory_limit: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class WorkloadView:
    id: int
    kind: str
    name: str
    namespace: str
    namespace_id: int  # 0 when the namespace is not synced
    cluster_id: int
    cluster_name: str
    health: str
    desired: int
    ready: int
    available: int
    updated: int
    labels: list[LabelPair]
    selector: list[LabelPair]
    containers: list[ContainerLimitsRow]
    pods: str  # "3 / 3 running"
    cpu_request: str  # per replica
    memory_request: str
    month: str  # "March 2026"
    cost: str  # its share of the namespace's cost, month to date
    share_of_namespace: str  # "38%"
    namespace_cost: str
    cpu_share: str  # "40% of 2.5 cores"
    memory_share: str
    pods_counted: int
    created_at: str
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContainerStatusView:
    name: str
    image: str
    state: str  # "running", "waiting: CrashLoopBackOff"
    last_state: str  # "terminated: OOMKilled", "" when it never restarted
    running: bool
    ready: bool
    restarts: int
    cpu_request: str
    cpu_limit: str
    cpu_usage: str
    memory_request: str
    memory_limit: str
    memory_usage: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PodView:
    id: int
    name: str
    namespace: str
    namespace_id: int  # 0 when the namespace is not synced
    cluster_id: int
    cluster_name: str
    phase: str
    node: str
    owner_kind: str
    owner_name: str
    workload_id: int  # 0 when the owner is no synced workload
    qos_class: str
    ready: str  # "2/2"
    restarts: int
    reason: str  # "Unschedulable"; "" when nothing is wrong
    reason_message: str  # "0/4 nodes are available: insufficient cpu"
    cpu_request: str
    cpu_limit: str
    cpu_usage: str
    memory_request: str
    memory_limit: str
    memory_usage: str
    labels: list[LabelPair]
    pvc_claims: list[str]
    containers: list[ContainerStatusView]
    created_at: str
    start_time: str
    deleted_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SearchOption:
    """One hit of the global search, ready to show and to follow."""

    kind: str  # Cluster | Namespace | Deployment | StatefulSet | DaemonSet | Pod | Helm release
    name: str
    context: str  # "prod-eu / payments"
    detail: str
    href: str
