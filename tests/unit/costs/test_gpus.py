"""GPU requests of containers and GPU capacity and model of nodes."""

from __future__ import annotations

import pytest

from kube_console.costs.gpus import (
    container_gpu_request,
    gpu_quantity,
    is_gpu_resource,
    node_gpu_capacity,
    node_gpu_model,
)
from kube_console.kube.quantity import InvalidQuantity


@pytest.mark.parametrize(
    ("name", "gpu"),
    [
        ("nvidia.com/gpu", True),
        ("amd.com/gpu", True),
        ("gpu.intel.com/i915", True),
        ("gpu.intel.com/xe", True),
        ("gpu.intel.com/millicores", False),  # a share of a GPU, not a device
        ("gpu.intel.com/memory.max", False),
        ("gpu.intel.com/tiles", False),
        ("gpu.intel.com/i915_monitoring", False),
        ("gpu.intel.com/", False),
        ("nvidia.com/mig-1g.5gb", False),
        ("cpu", False),
    ],
)
def test_gpu_resources_are_the_three_vendors_devices(name, gpu):
    assert is_gpu_resource(name) is gpu


def test_a_containers_gpus_come_from_its_requests_else_its_limits():
    assert container_gpu_request({"cpu": "1", "nvidia.com/gpu": "2"}, {"nvidia.com/gpu": "2"}) == 2
    assert container_gpu_request({"cpu": "500m"}, {"nvidia.com/gpu": "1", "memory": "1Gi"}) == 1
    assert container_gpu_request({"amd.com/gpu": 1}, {"gpu.intel.com/i915": "1"}) == 2
    assert container_gpu_request({"cpu": "1"}, {}) == 0


def test_node_capacity_counts_reported_gpus_else_the_instance_types():
    capacity = {
        "cpu": "4",
        "memory": "16Gi",
        "nvidia.com/gpu": "1",
        "gpu.intel.com/memory.max": "16Gi",
    }
    assert gpu_quantity(capacity) == 1
    assert node_gpu_capacity({"cpu": "4"}, catalogue_gpus=8) == 8  # device plugin not running yet
    assert node_gpu_capacity(capacity, catalogue_gpus=8) == 1


def test_a_malformed_gpu_quantity_is_refused():
    with pytest.raises(InvalidQuantity):
        gpu_quantity({"nvidia.com/gpu": "one"})
    with pytest.raises(InvalidQuantity):
        gpu_quantity({"nvidia.com/gpu": -1})


def test_the_gpu_model_comes_from_feature_discovery_then_gke_then_the_catalogue():
    assert (
        node_gpu_model({"nvidia.com/gpu.product": "NVIDIA-A10G"}, catalogue_model="NVIDIA A10G")
        == "NVIDIA-A10G"
    )
    assert node_gpu_model({"cloud.google.com/gke-accelerator": "nvidia-l4"}) == "nvidia-l4"
    assert node_gpu_model({}, catalogue_model="NVIDIA T4") == "NVIDIA T4"
    assert node_gpu_model({}) == ""
