"""GPUs as cost-model.md counts them: requests of a container and capacity and model of a node.

GPUs are extended resources: a container asks for them in `limits` (Kubernetes then sets the
request to the limit) or in both, always in whole units. metrics.k8s.io reports no GPU usage,
so a GPU is allocated by its request alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from kube_console.kube.quantity import InvalidQuantity, parse_cpu_cores

GPU_RESOURCES = ("nvidia.com/gpu", "amd.com/gpu")
INTEL_GPU_PREFIX = "gpu.intel.com/"
# The Intel device plugins also publish shares, memory and tiles of a GPU under the same
# prefix; counting `gpu.intel.com/memory.max: 16Gi` as GPUs would price 17 billion of them.
INTEL_GPU_NOT_DEVICES = frozenset({"millicores", "memory.max", "tiles"})

GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"  # NVIDIA GPU feature discovery
GKE_ACCELERATOR_LABEL = "cloud.google.com/gke-accelerator"

# As decoded from the API's JSON, where a quantity may be null (that one does not parse).
Quantities = Mapping[str, str | int | float | None]


def is_gpu_resource(name: str) -> bool:
    if name in GPU_RESOURCES:
        return True
    if not name.startswith(INTEL_GPU_PREFIX):
        return False
    device = name.removeprefix(INTEL_GPU_PREFIX)
    return (
        bool(device) and device not in INTEL_GPU_NOT_DEVICES and not device.endswith("_monitoring")
    )


def _count(value: str | float | None) -> float:
    if value is None or isinstance(value, bool):
        raise InvalidQuantity(f"{value!r} is not a quantity")
    if isinstance(value, int | float):
        if value < 0 or math.isnan(value):
            raise InvalidQuantity(f"{value!r} is not a non-negative quantity")
        return float(value)
    return parse_cpu_cores(value)  # the same decimal grammar; "2" -> 2.0


def gpu_quantity(resources: Quantities) -> float:
    """The GPUs among a resource list (requests, limits or a node's capacity)."""
    return sum(_count(value) for name, value in resources.items() if is_gpu_resource(name))


def container_gpu_request(requests: Quantities, limits: Quantities) -> float:
    """GPUs one container requests: per resource its request, else its limit (which
    Kubernetes copies into the request for extended resources)."""
    names = {name for name in (*requests, *limits) if is_gpu_resource(name)}
    return sum(_count(requests[name] if name in requests else limits[name]) for name in names)


def node_gpu_capacity(capacity: Quantities, *, catalogue_gpus: int = 0) -> float:
    """GPUs of a node: what its device plugins report, else what its instance type has
    (a GPU node whose plugin is not running still costs its GPUs; they show as idle)."""
    reported = gpu_quantity(capacity)
    return reported if reported else float(catalogue_gpus)


def node_gpu_model(labels: Mapping[str, str], *, catalogue_model: str = "") -> str:
    """The GPU model: GPU feature discovery's label, else GKE's accelerator label, else what
    the catalogue lists for the node's instance type ("" when none says)."""
    return labels.get(GPU_PRODUCT_LABEL) or labels.get(GKE_ACCELERATOR_LABEL) or catalogue_model
