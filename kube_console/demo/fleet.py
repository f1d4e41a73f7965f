"""The demo's three clusters, as the fake API server serves them, and how busy they are hour by hour.

- demo-eks-prod (EKS, us-east-1): on-demand m6i/m5 nodes, a spot node
  (eks.amazonaws.com/capacityType=SPOT) and a g5.xlarge GPU node whose trainer pod requests
  nvidia.com/gpu 1, in namespace ml-training.
- demo-gke-analytics (GKE, us-central1): no metrics.k8s.io, so usage is unknown there.
- demo-k3s-edge (k3s): a small edge cluster.

Everything is deterministic (seeded), so a rebuilt demo shows the same names. `set_hour`
moves the clusters' metrics to a given hour: busier in working hours and on weekdays.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets

from kube_console.fakekube import builders
from kube_console.fakekube.cluster import FakeCluster
from kube_console.fakekube.generator import generate_cluster
from kube_console.kube.quantity import parse_bytes, parse_cpu_cores

EKS, GKE, K3S = "demo-eks-prod", "demo-gke-analytics", "demo-k3s-edge"
GPU_NAMESPACE = "ml-training"
GPU_NODE = "ip-10-0-7-31.ec2.internal"
SPOT_NODE = "ip-10-0-0-5.ec2.internal"  # the fourth generated node, made a spot one
ENVIRONMENTS = {EKS: "production", GKE: "staging", K3S: "other"}

# (instance type, cores, memory, capacity type) of the EKS cluster's generated nodes, in order.
_EKS_NODES = (  # sized for the pods the generator places on each
    ("m6i.2xlarge", "8", "32086128Ki", "ON_DEMAND"),
    ("m5.2xlarge", "8", "32086128Ki", "ON_DEMAND"),
    ("m6i.4xlarge", "16", "65023012Ki", "ON_DEMAND"),
    ("m5.2xlarge", "8", "32086128Ki", "SPOT"),
)


def demo_clusters() -> list[FakeCluster]:
    clusters = [
        _eks(),
        generate_cluster(
            GKE,
            seed="demo",
            provider="gke",
            namespaces=8,
            nodes=3,
            deployments=7,
            pods=34,
            with_metrics=False,
        ),
        generate_cluster(
            K3S,
            seed="demo",
            provider="k3s",
            namespaces=6,
            nodes=3,
            deployments=4,
            pods=16,
            helm_releases=2,
        ),
    ]
    for cluster in clusters:  # not the generator's guessable token: only the demo knows it
        cluster.tokens = {secrets.token_urlsafe(24): "demo-reader"}
    return clusters


def _eks() -> FakeCluster:
    cluster = generate_cluster(
        EKS,
        seed="demo",
        provider="eks",
        namespaces=10,
        nodes=len(_EKS_NODES),
        deployments=10,
        pods=48,
    )
    for node, (instance, cpu, memory, capacity) in zip(cluster.objects("Node"), _EKS_NODES):
        cluster.update(
            "Node", "", node["metadata"]["name"], _as_instance(instance, cpu, memory, capacity)
        )
    zone = "us-east-1b"
    cluster.add(
        builders.node(
            GPU_NODE,
            labels={
                "eks.amazonaws.com/nodegroup": f"{EKS}-gpu",
                "eks.amazonaws.com/capacityType": "ON_DEMAND",
                "node.kubernetes.io/instance-type": "g5.xlarge",
                "topology.kubernetes.io/region": "us-east-1",
                "topology.kubernetes.io/zone": zone,
            },
            provider_id=f"aws:///{zone}/i-07e3c1a90d2b4f615",
            cpu="4",
            memory="16044784Ki",
            extended_resources={"nvidia.com/gpu": "1"},
            taints=[builders.taint("nvidia.com/gpu")],
            kubelet_version="v1.31.13-eks-ecaa3a6",
            os_image="Amazon Linux 2023.9.20251208",
            internal_ip="10.0.7.31",
        )
    )
    cluster.add(builders.node_metrics(GPU_NODE, "1200m", "9Gi"))
    _add_gpu_workload(cluster)
    return cluster


def _as_instance(instance: str, cpu: str, memory: str, capacity: str):
    def change(node: dict) -> None:
        labels = node["metadata"]["labels"]
        labels["node.kubernetes.io/instance-type"] = labels["beta.kubernetes.io/instance-type"] = (
            instance
        )
        labels["eks.amazonaws.com/capacityType"] = capacity
        labels["eks.amazonaws.com/nodegroup"] = f"{EKS}-{'spot' if capacity == 'SPOT' else 'main'}"
        status = node["status"]
        status["capacity"].update(cpu=cpu, memory=memory)
        status["allocatable"].update(cpu=f"{int(cpu) * 1000 - 70}m", memory=memory)

    return change


def _add_gpu_workload(cluster: FakeCluster) -> None:
    cluster.add(builders.namespace(GPU_NAMESPACE, labels={"team": "ml", "cost-center": "cc-1006"}))
    gpu = {"nvidia.com/gpu": "1"}
    container = builders.container(
        "trainer",
        "nvcr.io/nvidia/pytorch:24.10-py3",
        requests={"cpu": "2", "memory": "8Gi", **gpu},
        limits={"memory": "12Gi", **gpu},
    )
    deployment = cluster.add(
        builders.deployment(GPU_NAMESPACE, "trainer", containers=[container], replicas=1)
    )
    replicaset = cluster.add(builders.replicaset(deployment))
    pod = cluster.add(
        builders.pod(
            GPU_NAMESPACE,
            "trainer-6c9d7f5b8-x2kqp",
            containers=[container],
            owner=replicaset,
            node_name=GPU_NODE,
            labels={"app": "trainer"},
            host_ip="10.0.7.31",
            pod_ip="10.1.7.40",
        )
    )
    cluster.add(builders.pod_metrics(pod, [("1700m", "7Gi")]))
    cluster.add(
        builders.helm_release_secret(
            GPU_NAMESPACE, "trainer", 3, chart="trainer", chart_version="0.9.2", app_version="2.5.1"
        )
    )


class Workload:
    """Each running pod's metrics, scaled to any hour by `set_hour`.

    The generator's usage figures are random; here each cluster's are brought to a believable
    level first (about half of what its pods request, well inside its nodes' capacity)."""

    def __init__(self, clusters: list[FakeCluster]) -> None:
        self._clusters = clusters
        self._base: dict[str, list[tuple[str, str, list[tuple[float, float]]]]] = {}
        for cluster in clusters:
            metrics = cluster.objects("PodMetrics")
            cpu_scale, memory_scale = _believable_scale(cluster, metrics)
            self._base[cluster.name] = [
                (
                    m["metadata"]["namespace"],
                    m["metadata"]["name"],
                    [
                        (
                            parse_cpu_cores(c["usage"]["cpu"]) * cpu_scale,
                            parse_bytes(c["usage"]["memory"]) * memory_scale,
                        )
                        for c in m["containers"]
                    ],
                )
                for m in metrics
            ]

    def set_hour(self, moment: dt.datetime) -> None:
        """Scale every pod's usage to `moment`: a daily curve peaking mid-afternoon UTC,
        a quieter weekend, and a little noise of its own per pod and hour."""
        day = 0.6 + 0.4 * math.sin((moment.hour - 8) / 24 * 2 * math.pi)
        week = 0.75 if moment.weekday() >= 5 else 1.0
        for cluster in self._clusters:
            for namespace, name, base in self._base[cluster.name]:
                noise = random.Random(f"{name}:{moment.isoformat()}").uniform(0.85, 1.15)
                factor = day * week * noise
                cluster.update("PodMetrics", namespace, name, _usage(base, factor))


def _believable_scale(cluster: FakeCluster, metrics: list[dict]) -> tuple[float, float]:
    used_cpu = used_memory = 0.0
    for m in metrics:
        for c in m["containers"]:
            used_cpu += parse_cpu_cores(c["usage"]["cpu"])
            used_memory += parse_bytes(c["usage"]["memory"])
    requested_cpu = requested_memory = 0.0
    for pod in cluster.objects("Pod"):
        if pod["status"].get("phase") != "Running":
            continue
        for container in pod["spec"]["containers"]:
            requests = container.get("resources", {}).get("requests", {})
            requested_cpu += parse_cpu_cores(requests.get("cpu", "0"))
            requested_memory += parse_bytes(requests.get("memory", "0"))
    capacity_cpu = sum(
        parse_cpu_cores(n["status"]["capacity"]["cpu"]) for n in cluster.objects("Node")
    )
    capacity_memory = sum(
        parse_bytes(n["status"]["capacity"]["memory"]) for n in cluster.objects("Node")
    )
    cpu_target = min(0.55 * requested_cpu or capacity_cpu, 0.35 * capacity_cpu)
    memory_target = min(0.7 * requested_memory or capacity_memory, 0.45 * capacity_memory)
    return cpu_target / max(used_cpu, 1e-9), memory_target / max(used_memory, 1.0)


def _usage(base: list[tuple[float, float]], factor: float):
    def change(metrics: dict) -> None:
        for container, (cpu, memory) in zip(metrics["containers"], base, strict=True):
            container["usage"] = {
                "cpu": f"{int(cpu * factor * 1e9)}n",
                "memory": f"{int(memory * (0.85 + 0.15 * factor) / 1024)}Ki",
            }

    return change
