"""The drill-down pages' rows and panels as the console shows them (states/explore_views.py
builds them from the services' records).

Figures are already written with their units (kube_console/formatting.py); times stay ISO
strings, which the browser shows relative to now with the exact time on hover; links carry ids
the org-scoped services returned.
"""

from __future__ import annotations

import dataclasses

from kube_console.services.explore_records import HealthComponent


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
