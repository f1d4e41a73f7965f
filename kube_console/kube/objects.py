"""The small records a cluster sync produces, and their decoding from Kubernetes list JSON.

Each list page is decoded by msgspec straight into private `_Raw*` structs that mirror only
the JSON fields the console keeps (everything else, managedFields included, is skipped by
the decoder without ever becoming Python objects), then converted into the public records.
Quantities are normalized once: CPU as float cores, memory and storage as int bytes. A
quantity that does not parse is counted and logged with its object's name and treated as
absent; it never fails the list.

The public records are the contract the persistence layer codes against.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

import msgspec

from kube_console.costs.gpus import container_gpu_request, gpu_quantity, node_gpu_model
from kube_console.kube.quantity import InvalidQuantity, parse_bytes, parse_cpu_cores

__all__ = [
    "ClusterSnapshot",
    "ContainerResources",
    "ContainerUsage",
    "HealthCheck",
    "HealthReport",
    "HelmReleaseRecord",
    "HelmRevision",
    "NamespaceRecord",
    "NodeCondition",
    "NodeRecord",
    "NodeTaint",
    "NodeUsage",
    "ObjectDecoder",
    "Page",
    "PermissionReport",
    "PodContainer",
    "PodRecord",
    "PodUsage",
    "PvcRecord",
    "WorkloadKind",
    "WorkloadRecord",
]

log = logging.getLogger(__name__)

WorkloadKind = Literal["Deployment", "StatefulSet", "DaemonSet"]


class _Record(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Base of the public records: immutable, keyword-built, untracked by the cyclic GC
    (they never form reference cycles, and tracking 100k of them makes every GC pass slow)."""


# Every struct below repeats frozen=True: msgspec inherits it, but a type checker reads only a
# class's own keywords (PEP 681) and would take a subclass without it for a mutable one.


# ---------------------------------------------------------------- public records


class NamespaceRecord(_Record, frozen=True):
    uid: str
    name: str
    labels: dict[str, str] = {}
    phase: str = ""
    created_at: dt.datetime | None = None


class NodeCondition(_Record, frozen=True):
    type: str
    status: str
    reason: str | None = None
    message: str | None = None


class NodeTaint(_Record, frozen=True):
    key: str
    value: str | None = None
    effect: str = ""


class NodeRecord(_Record, frozen=True):
    uid: str
    name: str
    labels: dict[str, str] = {}
    provider_id: str | None = None
    capacity_cpu_cores: float = 0.0
    capacity_memory_bytes: int = 0
    capacity_pods: int = 0
    capacity_ephemeral_bytes: int = 0
    allocatable_cpu_cores: float = 0.0
    allocatable_memory_bytes: int = 0
    allocatable_pods: int = 0
    allocatable_ephemeral_bytes: int = 0
    # GPUs its device plugins report (nvidia.com/gpu, amd.com/gpu, gpu.intel.com/*), and the
    # model its labels name (GPU feature discovery, GKE's accelerator label), if any.
    capacity_gpus: float = 0.0
    gpu_model: str | None = None
    conditions: list[NodeCondition] = []
    ready: bool = False
    unschedulable: bool = False
    roles: list[str] = []
    taints: list[NodeTaint] = []
    instance_type: str | None = None
    region: str | None = None
    zone: str | None = None
    spot: bool = False
    kubelet_version: str = ""
    os_image: str = ""
    operating_system: str = ""
    architecture: str = ""
    container_runtime: str = ""
    created_at: dt.datetime | None = None


class ContainerResources(_Record, frozen=True):
    name: str
    image: str = ""
    cpu_request_cores: float | None = None
    memory_request_bytes: int | None = None
    cpu_limit_cores: float | None = None
    memory_limit_bytes: int | None = None
    gpu_request: float = 0.0  # GPUs requested (extended resources: the limit when no request)


class WorkloadRecord(_Record, frozen=True):
    uid: str
    kind: WorkloadKind
    namespace: str
    name: str
    replicas_desired: int = 0
    replicas_ready: int = 0
    replicas_available: int = 0
    replicas_updated: int = 0
    containers: list[ContainerResources] = []
    labels: dict[str, str] = {}
    selector: dict[str, str] = {}
    created_at: dt.datetime | None = None


class PodContainer(ContainerResources, frozen=True):
    restarts: int = 0
    ready: bool = False
    # "running", "waiting:<reason>" or "terminated:<reason>"; "waiting:Unknown" until the
    # kubelet reports the container ("waiting:Unscheduled" while the pod has no node).
    state: str = "waiting:Unknown"
    # How the previous run ended ("terminated:OOMKilled"), "" when it never restarted.
    last_state: str = ""


class PodRecord(_Record, frozen=True):
    uid: str
    namespace: str
    name: str
    phase: str = ""
    node_name: str | None = None
    owner_kind: str | None = None
    owner_name: str | None = None
    owner_uid: str | None = None
    # Regular containers only: init containers never count towards requests or costs.
    containers: list[PodContainer] = []
    restarts: int = 0
    start_time: dt.datetime | None = None
    qos_class: str | None = None
    pvc_claims: list[str] = []
    created_at: dt.datetime | None = None
    labels: dict[str, str] = {}
    # Why the pod is not (yet) running well, as one reason and its message: a failed condition
    # ("Unschedulable", "0/4 nodes are available: …"), the pod's own (Evicted), or else the
    # first container's waiting (CrashLoopBackOff) or last termination (OOMKilled) reason.
    status_reason: str = ""
    status_message: str = ""


class PvcRecord(_Record, frozen=True):
    uid: str
    namespace: str
    name: str
    storage_class: str | None = None
    phase: str = ""
    requested_bytes: int | None = None
    capacity_bytes: int | None = None
    volume_name: str | None = None
    access_modes: list[str] = []
    created_at: dt.datetime | None = None


class HelmRevision(_Record, frozen=True):
    """One revision of a release, as its history lists it."""

    revision: int
    status: str = ""
    chart: str = ""
    chart_version: str = ""
    app_version: str = ""
    updated_at: dt.datetime | None = None
    description: str = ""


class HelmReleaseRecord(HelmRevision, kw_only=True, frozen=True):
    """Release metadata only: the chart's values, manifest and hooks are never kept. Its own
    fields are those of its latest revision."""

    secret_uid: str
    namespace: str
    name: str
    # The revisions Helm keeps of this release (this one included), newest first.
    history: list[HelmRevision] = []


class ContainerUsage(_Record, frozen=True):
    name: str
    cpu_cores: float | None = None
    memory_bytes: int | None = None


class PodUsage(_Record, frozen=True):
    namespace: str
    name: str
    containers: list[ContainerUsage] = []
    timestamp: dt.datetime | None = None


class NodeUsage(_Record, frozen=True):
    name: str
    cpu_cores: float | None = None
    memory_bytes: int | None = None
    timestamp: dt.datetime | None = None


class HealthCheck(_Record, frozen=True):
    name: str
    ok: bool


class HealthReport(_Record, frozen=True):
    ok: bool
    endpoint: Literal["readyz", "healthz"]
    checks: list[HealthCheck] = []
    api_latency_ms: float = 0.0


class PermissionReport(_Record, frozen=True):
    can_write: bool
    can_read_secrets: bool
    warnings: list[str] = []
    # Resources the console reads but this credential may not list (e.g. "nodes").
    cannot_list: list[str] = []


class ClusterSnapshot(_Record, frozen=True):
    """One sync's view of a cluster. A list field is None when that kind's list did not
    complete: the caller keeps its previous rows for that kind and marks nothing deleted."""

    fetched_at: dt.datetime
    version: dict[str, Any]  # GET /version's JSON as the server sent it
    health: HealthReport
    api_groups: list[str] = []
    namespaces: list[NamespaceRecord] | None = None
    nodes: list[NodeRecord] | None = None
    deployments: list[WorkloadRecord] | None = None
    statefulsets: list[WorkloadRecord] | None = None
    daemonsets: list[WorkloadRecord] | None = None
    pods: list[PodRecord] | None = None
    pvcs: list[PvcRecord] | None = None
    helm_releases: list[HelmReleaseRecord] | None = None
    pod_usage: list[PodUsage] | None = None
    node_usage: list[NodeUsage] | None = None
    metrics_available: bool = False
    # Field name (or "health", "api_groups", and "replicasets" / "jobs" when owners could not
    # be resolved past them) -> what went wrong, in plain words for the admin.
    errors: dict[str, str] = {}
    # The kinds of `errors` the credential may not list (403), in list order -> the resource
    # the admin would grant, e.g. "helm_releases" -> "secrets (Helm releases)".
    forbidden: dict[str, str] = {}
    skipped_quantities: int = 0
    fetch_seconds: float = 0.0


# ---------------------------------------------------------------- raw API shapes


class _Raw(msgspec.Struct, frozen=True, gc=False):
    """Base of the decode-only structs. Field names are the JSON's own, so each struct reads
    like the object it mirrors; fields absent from the JSON take their defaults."""


# The API server always sends quantities as strings; numbers are tolerated, not expected.
_Quantity = str | int | float | None


class _RawOwnerReference(_Raw, frozen=True):
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool = False


class _RawMeta(_Raw, frozen=True):
    name: str = ""
    namespace: str = ""
    uid: str = ""
    creationTimestamp: dt.datetime | None = None
    labels: dict[str, str] = {}
    ownerReferences: list[_RawOwnerReference] = []


class _RawListMeta(_Raw, frozen=True):
    continue_: str | None = msgspec.field(default=None, name="continue")


_Item = TypeVar("_Item")


class _RawList(_Raw, Generic[_Item], frozen=True):
    # Required, and a list: an answer without it (or with null) is not an empty list, and
    # taking it for one would mark every object of the kind deleted.
    items: list[_Item]
    metadata: _RawListMeta = _RawListMeta()


class _RawNamespaceStatus(_Raw, frozen=True):
    phase: str = ""


class _RawNamespace(_Raw, frozen=True):
    metadata: _RawMeta = _RawMeta()
    status: _RawNamespaceStatus = _RawNamespaceStatus()


class _RawTaint(_Raw, frozen=True):
    key: str = ""
    value: str | None = None
    effect: str = ""


class _RawNodeSpec(_Raw, frozen=True):
    providerID: str | None = None
    unschedulable: bool = False
    taints: list[_RawTaint] = []


# Resource lists (node capacity and allocatable, container requests and limits) are kept
# whole: extended resources such as nvidia.com/gpu have names no struct field can list ahead.
_ResourceList = dict[str, _Quantity]


class _RawNodeCondition(_Raw, frozen=True):
    type: str = ""
    status: str = ""
    reason: str | None = None
    message: str | None = None


class _RawNodeInfo(_Raw, frozen=True):
    kubeletVersion: str = ""
    osImage: str = ""
    operatingSystem: str = ""
    architecture: str = ""
    containerRuntimeVersion: str = ""


class _RawNodeStatus(_Raw, frozen=True):
    capacity: _ResourceList = {}
    allocatable: _ResourceList = {}
    conditions: list[_RawNodeCondition] = []
    nodeInfo: _RawNodeInfo = _RawNodeInfo()


class _RawNode(_Raw, frozen=True):
    metadata: _RawMeta = _RawMeta()
    spec: _RawNodeSpec = _RawNodeSpec()
    status: _RawNodeStatus = _RawNodeStatus()


class _RawResources(_Raw, frozen=True):
    requests: _ResourceList = {}
    limits: _ResourceList = {}


class _RawContainer(_Raw, frozen=True):
    name: str = ""
    image: str = ""
    resources: _RawResources = _RawResources()


class _RawPersistentVolumeClaimSource(_Raw, frozen=True):
    claimName: str = ""


class _RawVolume(_Raw, frozen=True):
    persistentVolumeClaim: _RawPersistentVolumeClaimSource | None = None


class _RawPodSpec(_Raw, frozen=True):
    nodeName: str | None = None
    containers: list[_RawContainer] = []
    volumes: list[_RawVolume] = []


class _RawStateReason(_Raw, frozen=True):
    reason: str | None = None
    message: str | None = None


class _RawContainerState(_Raw, frozen=True):
    running: _Raw | None = None
    waiting: _RawStateReason | None = None
    terminated: _RawStateReason | None = None


class _RawContainerStatus(_Raw, frozen=True):
    name: str = ""
    ready: bool = False
    restartCount: int = 0
    state: _RawContainerState = _RawContainerState()
    lastState: _RawContainerState = _RawContainerState()


class _RawPodCondition(_Raw, frozen=True):
    type: str = ""
    status: str = ""
    reason: str | None = None
    message: str | None = None


class _RawPodStatus(_Raw, frozen=True):
    phase: str = ""
    reason: str | None = None
    message: str | None = None
    conditions: list[_RawPodCondition] = []
    startTime: dt.datetime | None = None
    qosClass: str | None = None
    containerStatuses: list[_RawContainerStatus] = []


class _RawPod(_Raw, frozen=True):
    metadata: _RawMeta = _RawMeta()
    spec: _RawPodSpec = _RawPodSpec()
    status: _RawPodStatus = _RawPodStatus()


class _RawLabelSelector(_Raw, frozen=True):
    matchLabels: dict[str, str] = {}


class _RawPodTemplateSpec(_Raw, frozen=True):
    containers: list[_RawContainer] = []


class _RawPodTemplate(_Raw, frozen=True):
    spec: _RawPodTemplateSpec = _RawPodTemplateSpec()


class _RawWorkloadSpec(_Raw, frozen=True):
    replicas: int | None = None
    selector: _RawLabelSelector = _RawLabelSelector()
    template: _RawPodTemplate = _RawPodTemplate()


class _RawWorkloadStatus(_Raw, frozen=True):
    replicas: int = 0
    readyReplicas: int = 0
    availableReplicas: int = 0
    updatedReplicas: int = 0
    desiredNumberScheduled: int = 0
    numberReady: int = 0
    numberAvailable: int = 0
    updatedNumberScheduled: int = 0


class _RawWorkload(_Raw, frozen=True):
    metadata: _RawMeta = _RawMeta()
    spec: _RawWorkloadSpec = _RawWorkloadSpec()
    status: _RawWorkloadStatus = _RawWorkloadStatus()


class _RawOwnedObjectMeta(_Raw, frozen=True):
    uid: str = ""
    ownerReferences: list[_RawOwnerReference] = []


class _RawOwnedObject(_Raw, frozen=True):
    """A ReplicaSet or Job: only who owns it matters."""

    metadata: _RawOwnedObjectMeta = _RawOwnedObjectMeta()


class _RawStorageRequest(_Raw, frozen=True):
    storage: _Quantity = None


class _RawPvcResources(_Raw, frozen=True):
    requests: _RawStorageRequest = _RawStorageRequest()


class _RawPvcSpec(_Raw, frozen=True):
    storageClassName: str | None = None
    volumeName: str | None = None
    accessModes: list[str] = []
    resources: _RawPvcResources = _RawPvcResources()


class _RawPvcStatus(_Raw, frozen=True):
    phase: str = ""
    capacity: _RawStorageRequest = _RawStorageRequest()


class _RawPvc(_Raw, frozen=True):
    metadata: _RawMeta = _RawMeta()
    spec: _RawPvcSpec = _RawPvcSpec()
    status: _RawPvcStatus = _RawPvcStatus()


class _RawUsage(_Raw, frozen=True):
    cpu: _Quantity = None
    memory: _Quantity = None


class _RawContainerMetrics(_Raw, frozen=True):
    name: str = ""
    usage: _RawUsage = _RawUsage()


class _RawMetricsMeta(_Raw, frozen=True):
    name: str = ""
    namespace: str = ""


class _RawPodMetrics(_Raw, frozen=True):
    metadata: _RawMetricsMeta = _RawMetricsMeta()
    timestamp: dt.datetime | None = None
    containers: list[_RawContainerMetrics] = []


class _RawNodeMetrics(_Raw, frozen=True):
    metadata: _RawMetricsMeta = _RawMetricsMeta()
    timestamp: dt.datetime | None = None
    usage: _RawUsage = _RawUsage()


_NAMESPACE_LIST = msgspec.json.Decoder(_RawList[_RawNamespace])
_NODE_LIST = msgspec.json.Decoder(_RawList[_RawNode])
_WORKLOAD_LIST = msgspec.json.Decoder(_RawList[_RawWorkload])
_OWNED_OBJECT_LIST = msgspec.json.Decoder(_RawList[_RawOwnedObject])
_POD_LIST = msgspec.json.Decoder(_RawList[_RawPod])
_PVC_LIST = msgspec.json.Decoder(_RawList[_RawPvc])
_POD_METRICS_LIST = msgspec.json.Decoder(_RawList[_RawPodMetrics])
_NODE_METRICS_LIST = msgspec.json.Decoder(_RawList[_RawNodeMetrics])

# ---------------------------------------------------------------- node facts

_ROLE_LABEL_PREFIX = "node-role.kubernetes.io/"
_INSTANCE_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
_REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")
_ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
# Spot or preemptible capacity (cost-model.md "Node prices"). Values match exactly as listed;
# the two GKE labels count whenever present, whatever their value.
SPOT_LABEL_VALUES = (
    ("eks.amazonaws.com/capacityType", "SPOT"),
    ("karpenter.sh/capacity-type", "spot"),
    ("kubernetes.azure.com/scalesetpriority", "spot"),
)
SPOT_LABELS_ANY_VALUE = ("cloud.google.com/gke-spot", "cloud.google.com/gke-preemptible")


def _first_label(labels: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if value := labels.get(key):
            return value
    return None


def _node_roles(labels: dict[str, str]) -> list[str]:
    roles = {key[len(_ROLE_LABEL_PREFIX) :] for key in labels if key.startswith(_ROLE_LABEL_PREFIX)}
    if legacy_role := labels.get("kubernetes.io/role"):
        roles.add(legacy_role)
    roles.discard("")
    return sorted(roles)


def is_spot(labels: Mapping[str, str]) -> bool:
    """Whether a node with these labels runs on spot or preemptible capacity."""
    return any(labels.get(key) == value for key, value in SPOT_LABEL_VALUES) or any(
        key in labels for key in SPOT_LABELS_ANY_VALUE
    )


# ---------------------------------------------------------------- decoding

_Record_T = TypeVar("_Record_T")


@dataclasses.dataclass(slots=True)
class Page(Generic[_Record_T]):
    """The records of one list page and the token for the next page (None on the last)."""

    records: list[_Record_T]
    continue_token: str | None


class ObjectDecoder:
    """Decodes list pages into records for one sync.

    It remembers which Deployment owns each ReplicaSet and which CronJob owns each Job, so
    feed it the ReplicaSet and Job pages before the pod pages. It counts the quantities it
    had to skip in `skipped_quantities`.
    """

    _LOGGED_SKIPS_PER_SYNC = 20

    def __init__(self) -> None:
        self.skipped_quantities = 0
        self._skips_lock = threading.Lock()  # lists of one sync are decoded in several threads
        self._top_owner_by_uid: dict[str, _RawOwnerReference] = {}

    # -- quantities

    def _skip(self, what: str, text: _Quantity, where: str, error: InvalidQuantity) -> None:
        with self._skips_lock:
            self.skipped_quantities += 1
            skipped = self.skipped_quantities
        if skipped <= self._LOGGED_SKIPS_PER_SYNC:
            log.warning("skipped %s %r on %s: %s", what, text, where, error)

    def _cores(self, text: _Quantity, what: str, where: str) -> float | None:
        if text is None:
            return None
        try:
            return parse_cpu_cores(text if type(text) is str else str(text))
        except InvalidQuantity as error:
            self._skip(what, text, where, error)
            return None

    def _bytes(self, text: _Quantity, what: str, where: str) -> int | None:
        if text is None:
            return None
        try:
            return parse_bytes(text if type(text) is str else str(text))
        except InvalidQuantity as error:
            self._skip(what, text, where, error)
            return None

    def _count(self, text: _Quantity, what: str, where: str) -> int:
        cores = self._cores(text, what, where)
        return int(cores) if cores is not None else 0

    # -- kinds

    def namespaces(self, data: bytes) -> Page[NamespaceRecord]:
        raw = _NAMESPACE_LIST.decode(data)
        records = [
            NamespaceRecord(
                uid=item.metadata.uid,
                name=item.metadata.name,
                labels=item.metadata.labels,
                phase=item.status.phase,
                created_at=item.metadata.creationTimestamp,
            )
            for item in raw.items
        ]
        return Page(records, raw.metadata.continue_ or None)

    def nodes(self, data: bytes) -> Page[NodeRecord]:
        raw = _NODE_LIST.decode(data)
        return Page([self._node(item) for item in raw.items], raw.metadata.continue_ or None)

    def _node(self, item: _RawNode) -> NodeRecord:
        meta, spec, status = item.metadata, item.spec, item.status
        where = f"node {meta.name}"
        capacity, allocatable, info = status.capacity, status.allocatable, status.nodeInfo
        labels = meta.labels
        return NodeRecord(
            uid=meta.uid,
            name=meta.name,
            labels=labels,
            provider_id=spec.providerID or None,
            capacity_cpu_cores=self._cores(capacity.get("cpu"), "cpu capacity", where) or 0.0,
            capacity_memory_bytes=self._bytes(capacity.get("memory"), "memory capacity", where)
            or 0,
            capacity_pods=self._count(capacity.get("pods"), "pods capacity", where),
            capacity_ephemeral_bytes=self._bytes(
                capacity.get("ephemeral-storage"), "ephemeral-storage capacity", where
            )
            or 0,
            allocatable_cpu_cores=self._cores(allocatable.get("cpu"), "cpu allocatable", where)
            or 0.0,
            allocatable_memory_bytes=self._bytes(
                allocatable.get("memory"), "memory allocatable", where
            )
            or 0,
            allocatable_pods=self._count(allocatable.get("pods"), "pods allocatable", where),
            allocatable_ephemeral_bytes=self._bytes(
                allocatable.get("ephemeral-storage"), "ephemeral-storage allocatable", where
            )
            or 0,
            capacity_gpus=self._gpus(lambda: gpu_quantity(capacity), capacity, where),
            gpu_model=node_gpu_model(labels) or None,
            conditions=[
                NodeCondition(type=c.type, status=c.status, reason=c.reason, message=c.message)
                for c in status.conditions
            ],
            ready=any(c.type == "Ready" and c.status == "True" for c in status.conditions),
            unschedulable=spec.unschedulable,
            roles=_node_roles(labels),
            taints=[NodeTaint(key=t.key, value=t.value, effect=t.effect) for t in spec.taints],
            instance_type=_first_label(labels, _INSTANCE_TYPE_LABELS),
            region=_first_label(labels, _REGION_LABELS),
            zone=_first_label(labels, _ZONE_LABELS),
            spot=is_spot(labels),
            kubelet_version=info.kubeletVersion,
            os_image=info.osImage,
            operating_system=info.operatingSystem,
            architecture=info.architecture,
            container_runtime=info.containerRuntimeVersion,
            created_at=meta.creationTimestamp,
        )

    def _gpus(self, count: Callable[[], float], resources: _ResourceList, where: str) -> float:
        """GPUs among a resource list (costs/gpus.py); a count that does not parse is skipped."""
        try:
            return count()
        except InvalidQuantity as error:
            self._skip("gpu quantity", str(resources), where, error)
            return 0.0

    def _container_resources(
        self, container: _RawContainer, where: str
    ) -> tuple[float | None, int | None, float | None, int | None, float]:
        """CPU and memory requests and limits (None when unset), and the GPUs requested."""
        requests, limits = container.resources.requests, container.resources.limits
        where = f"{where} container {container.name}"
        return (
            self._cores(requests.get("cpu"), "cpu request", where),
            self._bytes(requests.get("memory"), "memory request", where),
            self._cores(limits.get("cpu"), "cpu limit", where),
            self._bytes(limits.get("memory"), "memory limit", where),
            self._gpus(lambda: container_gpu_request(requests, limits), requests, where),
        )

    def workloads(self, kind: WorkloadKind, data: bytes) -> Page[WorkloadRecord]:
        raw = _WORKLOAD_LIST.decode(data)
        return Page(
            [self._workload(kind, item) for item in raw.items], raw.metadata.continue_ or None
        )

    def _workload(self, kind: WorkloadKind, item: _RawWorkload) -> WorkloadRecord:
        meta, spec, status = item.metadata, item.spec, item.status
        where = f"{kind} {meta.namespace}/{meta.name}"
        containers = []
        for container in spec.template.spec.containers:
            cpu_request, memory_request, cpu_limit, memory_limit, gpus = self._container_resources(
                container, where
            )
            containers.append(
                ContainerResources(
                    name=container.name,
                    image=container.image,
                    cpu_request_cores=cpu_request,
                    memory_request_bytes=memory_request,
                    cpu_limit_cores=cpu_limit,
                    memory_limit_bytes=memory_limit,
                    gpu_request=gpus,
                )
            )
        if kind == "DaemonSet":
            desired, ready = status.desiredNumberScheduled, status.numberReady
            available, updated = status.numberAvailable, status.updatedNumberScheduled
        else:
            # The API defaults spec.replicas to 1; only a hand-made object can omit it.
            desired = spec.replicas if spec.replicas is not None else 1
            ready, available = status.readyReplicas, status.availableReplicas
            updated = status.updatedReplicas
        return WorkloadRecord(
            uid=meta.uid,
            kind=kind,
            namespace=meta.namespace,
            name=meta.name,
            replicas_desired=desired,
            replicas_ready=ready,
            replicas_available=available,
            replicas_updated=updated,
            containers=containers,
            labels=meta.labels,
            selector=spec.selector.matchLabels,
            created_at=meta.creationTimestamp,
        )

    def owners(self, data: bytes) -> Page[None]:
        """Learn the controllers of ReplicaSets or Jobs (one page of either list)."""
        raw = _OWNED_OBJECT_LIST.decode(data)
        for item in raw.items:
            controller = _controller_of(item.metadata.ownerReferences)
            if controller is not None:
                self._top_owner_by_uid[item.metadata.uid] = controller
        return Page([], raw.metadata.continue_ or None)

    def pods(self, data: bytes) -> Page[PodRecord]:
        raw = _POD_LIST.decode(data)
        return Page([self._pod(item) for item in raw.items], raw.metadata.continue_ or None)

    def _pod(self, item: _RawPod) -> PodRecord:
        meta, spec, status = item.metadata, item.spec, item.status
        where = f"pod {meta.namespace}/{meta.name}"
        status_by_name = {s.name: s for s in status.containerStatuses}
        containers = []
        total_restarts = 0
        for container in spec.containers:
            cpu_request, memory_request, cpu_limit, memory_limit, gpus = self._container_resources(
                container, where
            )
            container_status = status_by_name.get(container.name)
            last_state = ""
            if container_status is None:
                restarts, ready = 0, False
                state = "waiting:Unknown" if spec.nodeName else "waiting:Unscheduled"
            else:
                restarts, ready = container_status.restartCount, container_status.ready
                state = _state_text(container_status.state)
                if _has_state(container_status.lastState):
                    last_state = _state_text(container_status.lastState)
            total_restarts += restarts
            containers.append(
                PodContainer(
                    name=container.name,
                    image=container.image,
                    cpu_request_cores=cpu_request,
                    memory_request_bytes=memory_request,
                    cpu_limit_cores=cpu_limit,
                    memory_limit_bytes=memory_limit,
                    gpu_request=gpus,
                    restarts=restarts,
                    ready=ready,
                    state=state,
                    last_state=last_state,
                )
            )
        owner = self._top_owner(_controller_of(meta.ownerReferences))
        status_reason, status_message = _pod_reason(status, containers)
        return PodRecord(
            uid=meta.uid,
            namespace=meta.namespace,
            name=meta.name,
            phase=status.phase,
            node_name=spec.nodeName or None,
            owner_kind=owner.kind if owner else None,
            owner_name=owner.name if owner else None,
            owner_uid=owner.uid if owner else None,
            containers=containers,
            restarts=total_restarts,
            start_time=status.startTime,
            qos_class=status.qosClass,
            pvc_claims=[
                volume.persistentVolumeClaim.claimName
                for volume in spec.volumes
                if volume.persistentVolumeClaim is not None
            ],
            created_at=meta.creationTimestamp,
            labels=meta.labels,
            status_reason=status_reason,
            status_message=status_message,
        )

    def _top_owner(self, owner: _RawOwnerReference | None) -> _RawOwnerReference | None:
        # Pod -> ReplicaSet -> Deployment and Pod -> Job -> CronJob; a ReplicaSet or Job
        # with no controller of its own (or not seen in the lists) stays the owner.
        if owner is not None and owner.kind in ("ReplicaSet", "Job"):
            return self._top_owner_by_uid.get(owner.uid, owner)
        return owner

    def pvcs(self, data: bytes) -> Page[PvcRecord]:
        raw = _PVC_LIST.decode(data)
        records = []
        for item in raw.items:
            meta, spec, status = item.metadata, item.spec, item.status
            where = f"persistentvolumeclaim {meta.namespace}/{meta.name}"
            records.append(
                PvcRecord(
                    uid=meta.uid,
                    namespace=meta.namespace,
                    name=meta.name,
                    storage_class=spec.storageClassName,
                    phase=status.phase,
                    requested_bytes=self._bytes(
                        spec.resources.requests.storage, "storage request", where
                    ),
                    capacity_bytes=self._bytes(status.capacity.storage, "storage capacity", where),
                    volume_name=spec.volumeName or None,
                    access_modes=spec.accessModes,
                    created_at=meta.creationTimestamp,
                )
            )
        return Page(records, raw.metadata.continue_ or None)

    def pod_usage(self, data: bytes) -> Page[PodUsage]:
        raw = _POD_METRICS_LIST.decode(data)
        records = []
        for item in raw.items:
            where = f"pod metrics {item.metadata.namespace}/{item.metadata.name}"
            records.append(
                PodUsage(
                    namespace=item.metadata.namespace,
                    name=item.metadata.name,
                    containers=[
                        ContainerUsage(
                            name=c.name,
                            cpu_cores=self._cores(c.usage.cpu, "cpu usage", f"{where} {c.name}"),
                            memory_bytes=self._bytes(
                                c.usage.memory, "memory usage", f"{where} {c.name}"
                            ),
                        )
                        for c in item.containers
                    ],
                    timestamp=item.timestamp,
                )
            )
        return Page(records, raw.metadata.continue_ or None)

    def node_usage(self, data: bytes) -> Page[NodeUsage]:
        raw = _NODE_METRICS_LIST.decode(data)
        records = []
        for item in raw.items:
            where = f"node metrics {item.metadata.name}"
            records.append(
                NodeUsage(
                    name=item.metadata.name,
                    cpu_cores=self._cores(item.usage.cpu, "cpu usage", where),
                    memory_bytes=self._bytes(item.usage.memory, "memory usage", where),
                    timestamp=item.timestamp,
                )
            )
        return Page(records, raw.metadata.continue_ or None)


def _controller_of(references: list[_RawOwnerReference]) -> _RawOwnerReference | None:
    for reference in references:
        if reference.controller:
            return reference
    return references[0] if references else None


# Container states every healthy pod passes through: not worth a pod's headline reason.
_ROUTINE_REASONS = frozenset(
    {"ContainerCreating", "PodInitializing", "Completed", "Unknown", "Unscheduled"}
)


def _pod_reason(status: _RawPodStatus, containers: list[PodContainer]) -> tuple[str, str]:
    """(reason, message) saying why the pod is not running well; ("", "") when nothing is wrong."""
    for condition in status.conditions:
        if condition.status == "False" and condition.reason and condition.type == "PodScheduled":
            return condition.reason, condition.message or ""
    if status.reason:
        return status.reason, status.message or ""
    for states in (
        [c.state for c in containers],
        [c.last_state for c in containers if c.last_state and c.state != "running"],
        [c.last_state for c in containers if c.last_state],
    ):
        for state in states:
            reason = state.partition(":")[2]
            if reason and reason not in _ROUTINE_REASONS:
                return reason, ""
    return "", ""


def _has_state(state: _RawContainerState) -> bool:
    return state.running is not None or state.waiting is not None or state.terminated is not None


def _state_text(state: _RawContainerState) -> str:
    if state.running is not None:
        return "running"
    if state.terminated is not None:
        return f"terminated:{state.terminated.reason or 'Unknown'}"
    if state.waiting is not None:
        return f"waiting:{state.waiting.reason or 'Unknown'}"
    return "waiting:Unknown"
