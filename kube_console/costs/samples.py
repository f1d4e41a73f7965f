"""The usage figures one sync contributes to costs (cost-model.md, "Samples"). Pure: no DB, no cluster.

At sync time t, per namespace, over the pods Running (or Pending with a node) at t and per
container c: requests, usage (metrics.k8s.io) and allocation max(request, usage) — a
container with no usage figure counts its request, one with no request counts its usage —
for CPU and memory; plus the capacity of the namespace's Bound PVCs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence

from kube_console.costs.names import UNALLOCATED
from kube_console.kube.objects import PodRecord, PodUsage, PvcRecord


@dataclasses.dataclass(slots=True)
class NamespaceFigures:
    pods_running: int = 0
    cpu_request_cores: float = 0.0
    cpu_usage_cores: float = 0.0
    cpu_alloc_cores: float = 0.0
    memory_request_bytes: int = 0
    memory_usage_bytes: int = 0
    memory_alloc_bytes: int = 0
    gpu_alloc: float = 0.0  # Σ GPU requests (GPUs have no usage figure)
    storage_bytes: int = 0


@dataclasses.dataclass(slots=True)
class NodeAllocation:
    """A namespace's allocation on one node (cost-model.md "Node prices", Allocation)."""

    cpu_alloc_cores: float = 0.0
    memory_alloc_bytes: int = 0
    gpu_alloc: float = 0.0


ContainerUse = tuple[float | None, int | None]  # (cpu cores, memory bytes)


def usage_by_container(
    pod_usage: Iterable[PodUsage] | None,
) -> dict[tuple[str, str], dict[str, ContainerUse]]:
    """(namespace, pod) -> container name -> its measured usage."""
    index: dict[tuple[str, str], dict[str, ContainerUse]] = {}
    for pod in pod_usage or ():
        index[(pod.namespace, pod.name)] = {
            c.name: (c.cpu_cores, c.memory_bytes) for c in pod.containers
        }
    return index


def counts_towards_usage(pod: PodRecord) -> bool:
    return pod.phase == "Running" or (pod.phase == "Pending" and bool(pod.node_name))


def _allocated(request: float | None, usage: float | None) -> float | int:
    return max(request or 0, usage or 0)


def namespace_figures(
    pods: Sequence[PodRecord],
    pvcs: Sequence[PvcRecord],
    usage: Mapping[tuple[str, str], Mapping[str, ContainerUse]],
    placed: dict[tuple[str, str], NodeAllocation] | None = None,
) -> dict[str, NamespaceFigures]:
    """Per namespace; with `placed`, also fills in each (namespace, node)'s allocation."""
    figures: dict[str, NamespaceFigures] = {}
    for pod in pods:
        if not counts_towards_usage(pod):
            continue
        sums = figures.setdefault(pod.namespace, NamespaceFigures())
        sums.pods_running += 1
        measured = usage.get((pod.namespace, pod.name), {})
        on_node = None
        if placed is not None and pod.node_name:
            on_node = placed.get((pod.namespace, pod.node_name))
            if on_node is None:
                on_node = placed[(pod.namespace, pod.node_name)] = NodeAllocation()
        for container in pod.containers:
            cpu_used, memory_used = measured.get(container.name, (None, None))
            cpu_alloc = _allocated(container.cpu_request_cores, cpu_used)
            memory_alloc = int(_allocated(container.memory_request_bytes, memory_used))
            sums.cpu_request_cores += container.cpu_request_cores or 0.0
            sums.cpu_usage_cores += cpu_used or 0.0
            sums.cpu_alloc_cores += cpu_alloc
            sums.memory_request_bytes += container.memory_request_bytes or 0
            sums.memory_usage_bytes += memory_used or 0
            sums.memory_alloc_bytes += memory_alloc
            sums.gpu_alloc += container.gpu_request
            if on_node is not None:
                on_node.cpu_alloc_cores += cpu_alloc
                on_node.memory_alloc_bytes += memory_alloc
                on_node.gpu_alloc += container.gpu_request
    for pvc in pvcs:
        if pvc.phase == "Bound":
            figures.setdefault(pvc.namespace, NamespaceFigures()).storage_bytes += (
                pvc.capacity_bytes if pvc.capacity_bytes is not None else pvc.requested_bytes or 0
            )
    return figures


# What Kubernetes accepts as a label value: 63 characters at most, alphanumerics with '-',
# '_' and '.' inside. An API server that hands out anything else (markup, 300 characters)
# is not to be believed about who owns a namespace.
_LABEL_VALUE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")


def owner_label(labels: Mapping[str, str], keys: Sequence[str]) -> tuple[str, list[str]]:
    """(value, keys whose value was rejected): the first configured label key present with a
    valid Kubernetes label value wins; none means "unallocated"."""
    rejected: list[str] = []
    for key in keys:
        if value := labels.get(key, "").strip():
            if _LABEL_VALUE.fullmatch(value):
                return value, rejected
            rejected.append(key)
    return UNALLOCATED, rejected


def label_value(labels: Mapping[str, str], keys: Sequence[str]) -> str:
    return owner_label(labels, keys)[0]
