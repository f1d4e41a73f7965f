"""What the drill-down services return (services/explore.py, services/explore_pages.py): lists
and details of what each cluster runs, uses and costs.

Raw figures carry their unit in their name (cores, bytes, cost in the currency);
kube_console/formatting.py renders them for people, and api/schemas.py builds the REST models
from these records.
"""

from __future__ import annotations

from kube_console.costs.records import WorkloadCostShare
from kube_console.records import IsoTime, described, record

_REQUESTED_RATIO = "of allocatable; null when nothing is allocatable"
_USED_RATIO = "of allocatable; null when usage is unknown or nothing is allocatable"


@record
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
    last_success_at: IsoTime
    month_to_date_cost: float = described("this month so far, namespaces and idle")
    currency: str


@record
class HealthComponent:
    name: str
    ok: bool


@record
class ClusterHealth:
    cluster_id: int
    status: str
    ok: bool = described("the API server's readyz (or healthz) answered ok at the last sync")
    endpoint: str
    components: list[HealthComponent]
    problems: dict[str, str] = described("kind -> what failed at the last sync")
    notes: list[str]  # what storing the last snapshot had to clip, skip or ignore
    api_latency_ms: float | None
    metrics_available: bool
    last_sync_at: IsoTime
    last_success_at: IsoTime
    last_error: str


@record
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


@record
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
    cpu_request_cores: float = described("running pods and pending pods already on a node")
    cpu_usage_cores: float | None = described("null when no pod reports usage")
    memory_request_bytes: int
    memory_usage_bytes: int | None
    month_to_date_cost: float
    currency: str
    created_at: IsoTime


@record
class NamespaceDetail:
    namespace: NamespaceRow
    labels: dict[str, str]
    workload_count: int
    pvc_count: int
    storage_bytes: int  # bound PVCs' capacity
    currency: str
    deleted_at: IsoTime  # "" while the namespace exists


@record
class NodeRow:
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    status: str = described('Ready | NotReady, with ", SchedulingDisabled" when cordoned')
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
    cpu_requested_ratio: float | None = described(_REQUESTED_RATIO)
    memory_requested_ratio: float | None = described(_REQUESTED_RATIO)
    cpu_used_ratio: float | None = described(_USED_RATIO)
    memory_used_ratio: float | None = described(_USED_RATIO)
    pods: int = described("running, or pending on this node")
    kubelet_version: str
    created_at: IsoTime


@record
class WorkloadRow:
    id: int
    kind: str = described("Deployment | StatefulSet | DaemonSet")
    name: str
    namespace: str
    namespace_id: int | None
    cluster_id: int
    cluster_name: str
    replicas_desired: int
    replicas_ready: int
    replicas_available: int
    replicas_updated: int
    health: str = described("healthy | progressing | degraded | down | scaled_down")
    cpu_request_cores: float = described("per replica")
    memory_request_bytes: int = described("per replica")
    created_at: IsoTime


@record
class ContainerSpec:
    name: str
    image: str
    cpu_request_cores: float | None
    memory_request_bytes: int | None
    cpu_limit_cores: float | None
    memory_limit_bytes: int | None


@record
class WorkloadDetail:
    workload: WorkloadRow
    labels: dict[str, str]
    selector: dict[str, str]
    containers: list[ContainerSpec] = described("from the pod template")
    pods_total: int
    pods_running: int
    cost_share: WorkloadCostShare
    deleted_at: IsoTime


@record
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
    workload_id: int | None = described(
        "set when the owner is a synced Deployment, StatefulSet or DaemonSet"
    )
    containers_ready: int
    containers_total: int
    restarts: int
    cpu_request_cores: float
    memory_request_bytes: int
    cpu_usage_cores: float | None
    memory_usage_bytes: int | None
    created_at: IsoTime
    status_reason: str  # "Unschedulable", "CrashLoopBackOff", "OOMKilled"; "" when nothing is wrong
    status_message: str


@record
class ContainerStatusRow:
    name: str
    image: str
    state: str = described("running | waiting:<reason> | terminated:<reason>")
    last_state: str  # how the previous run ended ("terminated:OOMKilled"), "" if none
    ready: bool
    restarts: int
    cpu_request_cores: float | None
    memory_request_bytes: int | None
    cpu_limit_cores: float | None
    memory_limit_bytes: int | None
    cpu_usage_cores: float | None
    memory_usage_bytes: int | None


@record
class PodDetail:
    pod: PodRow
    workload_kind: str = described("empty when the owner is no synced workload")
    workload_name: str
    qos_class: str
    start_time: IsoTime
    cpu_limit_cores: float | None = described("null when a container has no limit")
    memory_limit_bytes: int | None
    labels: dict[str, str]
    pvc_claims: list[str]
    containers: list[ContainerStatusRow]
    deleted_at: IsoTime


@record
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
    created_at: IsoTime


@record
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
    updated_at: IsoTime
    description: str


@record
class HelmRevisionRow:
    revision: int
    status: str
    chart: str
    chart_version: str
    app_version: str
    updated_at: IsoTime
    description: str


@record
class HelmReleaseDetail:
    release: HelmReleaseRow
    history: list[HelmRevisionRow]  # newest first
    deleted_at: IsoTime
