"""Tests for kube/provider.py: every row of providers.md, /version, and a real EKS NodeList."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kube_console.kube.provider import (
    KubernetesVersion,
    ProviderInfo,
    detect_provider,
    parse_version,
)

DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class Node:
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    provider_id: str | None = None


def detect(git_version: str = "v1.29.2", nodes=(), api_groups=(), namespaces=()) -> ProviderInfo:
    return detect_provider(
        git_version=git_version, nodes=list(nodes), api_groups=api_groups, namespaces=namespaces
    )


# --- /version ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {
                "major": "1",
                "minor": "29+",
                "gitVersion": "v1.29.4-eks-036c24b",
                "platform": "linux/amd64",
            },
            KubernetesVersion("v1.29.4-eks-036c24b", 1, 29, "linux/amd64"),
        ),
        (
            {
                "major": "1",
                "minor": "30",
                "gitVersion": "v1.30.5-gke.1014001",
                "platform": "linux/arm64",
            },
            KubernetesVersion("v1.30.5-gke.1014001", 1, 30, "linux/arm64"),
        ),
        (
            {"major": "", "minor": "", "gitVersion": "v1.31.2+k3s1"},
            KubernetesVersion("v1.31.2+k3s1", 1, 31, ""),
        ),
        (
            {"minor": "27+", "gitVersion": "v1.27.6+f67aeb3"},
            KubernetesVersion("v1.27.6+f67aeb3", 1, 27, ""),
        ),
        (
            {"major": "1", "minor": "x", "gitVersion": "1.28.0"},
            KubernetesVersion("1.28.0", 1, 28, ""),
        ),
    ],
)
def test_parse_version(payload, expected: KubernetesVersion) -> None:
    assert parse_version(payload) == expected


def test_parse_version_without_any_number_says_so() -> None:
    with pytest.raises(ValueError, match="minor"):
        parse_version({"major": "1", "minor": "+", "gitVersion": "unknown"})


# --- providers.md, row by row ------------------------------------------------------------

EKS_NODE = Node(
    "ip-10-0-1-5.ec2.internal",
    {"eks.amazonaws.com/nodegroup": "default", "eks.amazonaws.com/capacityType": "ON_DEMAND"},
    "aws:///us-east-1a/i-0123456789abcdef0",
)
GKE_NODE = Node(
    "gke-prod-default-pool-1a2b3c4d-x7k2",
    {
        "cloud.google.com/gke-nodepool": "default-pool",
        "cloud.google.com/gke-os-distribution": "cos",
    },
    "gce://my-project/europe-west1-b/gke-prod-default-pool-1a2b3c4d-x7k2",
)
AKS_NODE = Node(
    "aks-nodepool1-12345678-vmss000000",
    {
        "kubernetes.azure.com/cluster": "MC_rg_prod_westeurope",
        "kubernetes.azure.com/agentpool": "nodepool1",
    },
    "azure:///subscriptions/0000/resourceGroups/mc_rg/providers/Microsoft.Compute"
    "/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/0",
)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ({"git_version": "v1.29.4-eks-036c24b"}, ("eks", "Amazon EKS", "aws")),
        ({"nodes": [EKS_NODE]}, ("eks", "Amazon EKS", "aws")),
        (
            {"nodes": [Node("fargate-ip-10-0-1-9", {"eks.amazonaws.com/compute-type": "fargate"})]},
            ("eks", "Amazon EKS", "aws"),
        ),
        ({"git_version": "v1.30.5-gke.1014001"}, ("gke", "Google GKE", "gcp")),
        ({"nodes": [GKE_NODE]}, ("gke", "Google GKE", "gcp")),
        ({"nodes": [Node("gke-prod-pool-1-abcd")]}, ("gke", "Google GKE", "gcp")),
        ({"nodes": [AKS_NODE]}, ("aks", "Azure AKS", "azure")),
        ({"nodes": [Node("aks-system-31415926-vmss000001")]}, ("aks", "Azure AKS", "azure")),
        ({"git_version": "v1.29.6+k3s1"}, ("k3s", "K3s", None)),
        (
            {"nodes": [Node("pi-1", {"node.kubernetes.io/instance-type": "k3s"})]},
            ("k3s", "K3s", None),
        ),
        ({"nodes": [Node("pi-1", provider_id="k3s://pi-1")]}, ("k3s", "K3s", None)),
        ({"git_version": "v1.30.4+rke2r1"}, ("rke2", "RKE2", None)),
        (
            {"nodes": [Node("n1", {"node.kubernetes.io/instance-type": "rke2"})]},
            ("rke2", "RKE2", None),
        ),
        ({"nodes": [Node("n1", provider_id="rke2://n1")]}, ("rke2", "RKE2", None)),
        ({"git_version": "v1.25.12+ba5cc25"}, ("openshift", "OpenShift", None)),
        ({"api_groups": {"apps", "config.openshift.io"}}, ("openshift", "OpenShift", None)),
        ({"api_groups": {"route.openshift.io"}}, ("openshift", "OpenShift", None)),
        ({"namespaces": {"default", "openshift-monitoring"}}, ("openshift", "OpenShift", None)),
        (
            {"nodes": [Node("kind-control-plane"), Node("kind-worker"), Node("kind-worker2")]},
            ("kind", "kind", None),
        ),
        (
            {
                "nodes": [
                    Node("dev-control-plane", provider_id="kind://docker/dev/dev-control-plane")
                ]
            },
            ("kind", "kind", None),
        ),
        (
            {"nodes": [Node("minikube", {"minikube.k8s.io/name": "minikube"})]},
            ("minikube", "minikube", None),
        ),
        (
            {"nodes": [Node("minikube-m02", {"minikube.k8s.io/version": "v1.33.1"})]},
            ("minikube", "minikube", None),
        ),
        (
            {
                "nodes": [
                    Node(
                        "pool-abc-x1",
                        {
                            "doks.digitalocean.com/node-pool": "pool-abc",
                            "doks.digitalocean.com/node-id": "42",
                        },
                        "digitalocean://412345678",
                    )
                ]
            },
            ("doks", "DigitalOcean Kubernetes", "digitalocean"),
        ),
        ({"git_version": "v1.30.2+k0s"}, ("k0s", "k0s", None)),
        ({"nodes": [Node("docker-desktop")]}, ("docker-desktop", "Docker Desktop", None)),
        (
            {"nodes": [Node("ip-10-0-0-1", provider_id="aws:///eu-west-1a/i-0abc")]},
            ("self-managed-aws", "Self-managed on AWS", "aws"),
        ),
        (
            {"nodes": [Node("vm-1", provider_id="gce://p/z/vm-1")]},
            ("self-managed-gcp", "Self-managed on Google Cloud", "gcp"),
        ),
        (
            {"nodes": [Node("vm-1", provider_id="azure:///subscriptions/x")]},
            ("self-managed-azure", "Self-managed on Azure", "azure"),
        ),
        (
            {"nodes": [Node("cx22-1", provider_id="hcloud://1234567")]},
            ("self-managed-hetzner", "Self-managed on Hetzner", "hetzner"),
        ),
        (
            {"nodes": [Node("li-1", provider_id="linode://5566")]},
            ("self-managed-linode", "Self-managed on Linode", "linode"),
        ),
        (
            {"nodes": [Node("os-1", provider_id="openstack:///8f1e-uuid")]},
            ("self-managed-openstack", "Self-managed on OpenStack", "openstack"),
        ),
        (
            {"nodes": [Node("esx-1", provider_id="vsphere://4230-uuid")]},
            ("self-managed-vsphere", "Self-managed on vSphere", "vsphere"),
        ),
        (
            {"nodes": [Node("drop-1", provider_id="digitalocean://99")]},
            ("self-managed-digitalocean", "Self-managed on DigitalOcean", "digitalocean"),
        ),
        ({"nodes": [Node("node-1"), Node("node-2")]}, ("vanilla", "Kubernetes", None)),
        (
            {"nodes": [Node("node-1", provider_id="equinixmetal://abc")]},
            ("vanilla", "Kubernetes", None),
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_detect_provider(case: dict, expected: tuple[str, str, str | None]) -> None:
    info = detect(**case)

    assert (info.key, info.display_name, info.cloud) == expected


def test_gke_autopilot_is_gke_tagged_autopilot() -> None:
    info = detect(nodes=[Node("gk3-prod-pool-2-5d1e7a3c-qk4m")])

    assert (info.key, info.tags) == ("gke", ("autopilot",))


def test_rancher_is_a_tag_on_whatever_the_provider_is() -> None:
    info = detect(git_version="v1.30.4+rke2r1", namespaces={"cattle-system", "kube-system"})

    assert (info.key, info.tags) == ("rke2", ("rancher",))
    assert detect(namespaces={"cattle-system"}).tags == ("rancher",)
    assert detect(namespaces={"kube-system"}).tags == ()


def test_openshift_on_a_cloud_keeps_the_product_and_reports_the_cloud() -> None:
    info = detect(
        git_version="v1.29.2",
        nodes=[Node("worker-0", provider_id="aws:///us-east-2a/i-0abc")],
        api_groups={"config.openshift.io"},
    )

    assert (info.key, info.cloud) == ("openshift", "aws")


def test_git_version_is_checked_before_node_labels() -> None:
    info = detect(
        git_version="v1.29.6+k3s1", nodes=[Node("ip-1", {"eks.amazonaws.com/nodegroup": "x"})]
    )

    assert info.key == "k3s"


def test_node_labels_are_checked_before_provider_id() -> None:
    info = detect(nodes=[Node("pi-1", {"node.kubernetes.io/instance-type": "k3s"}, "hcloud://42")])

    assert (info.key, info.cloud) == ("k3s", "hetzner")


def test_kind_like_names_on_a_cloud_are_self_managed_not_kind() -> None:
    nodes = [
        Node("prod-control-plane", provider_id="aws:///us-east-1a/i-01"),
        Node("prod-worker", provider_id="aws:///us-east-1b/i-02"),
    ]

    assert detect(nodes=nodes).key == "self-managed-aws"


# --- a real EKS cluster's nodes ---------------------------------------------------------


def real_eks_nodes() -> list[dict]:
    return json.loads((DATA / "eks-nodes.json").read_text())["items"]


def test_real_eks_node_list_is_detected_as_eks() -> None:
    items = real_eks_nodes()
    nodes = [
        Node(item["metadata"]["name"], item["metadata"]["labels"], item["spec"]["providerID"])
        for item in items
    ]
    kubelet_version = items[0]["status"]["nodeInfo"]["kubeletVersion"]

    assert detect(git_version=kubelet_version, nodes=nodes) == ProviderInfo(
        "eks", "Amazon EKS", "aws", ()
    )
    assert detect(git_version="v1.31.13", nodes=nodes).key == "eks"
