"""Detects a cluster's version, provider and cloud.

Follows providers.md: product signals are checked in the order gitVersion, node labels and
names, node providerID, API groups and namespaces. A providerID names the cloud, not the
managed product (self-managed Kubernetes on EC2 also says `aws://`), so without a product
signal the answer is "self-managed on <cloud>", and without a cloud "vanilla".
All functions are pure. The per-node cost facts (instance type, region, zone, spot) are read
by the node decoder in objects.py.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class KubernetesVersion:
    git_version: str
    major: int
    minor: int
    platform: str


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    display_name: str
    cloud: str | None
    tags: tuple[str, ...] = ()


class NodeFacts(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def labels(self) -> Mapping[str, str]: ...

    @property
    def provider_id(self) -> str | None: ...


_LEADING_NUMBER = re.compile(r"\s*(\d+)")
_GIT_VERSION_NUMBERS = re.compile(r"v?(\d+)\.(\d+)")


def parse_version(payload: Mapping[str, Any]) -> KubernetesVersion:
    """Read the JSON of GET /version.

    Managed clusters report minor like "29+", so only leading digits count, and gitVersion
    fills in a major or minor that has none.
    """
    git_version = str(payload.get("gitVersion") or "")
    from_git = _GIT_VERSION_NUMBERS.match(git_version)
    numbers = []
    for field, git_group in (("major", 1), ("minor", 2)):
        leading = _LEADING_NUMBER.match(str(payload.get(field) or ""))
        if leading:
            numbers.append(int(leading.group(1)))
        elif from_git:
            numbers.append(int(from_git.group(git_group)))
        else:
            raise ValueError(
                f"the /version response has no usable {field} version: {dict(payload)!r}"
            )
    major, minor = numbers
    return KubernetesVersion(
        git_version=git_version,
        major=major,
        minor=minor,
        platform=str(payload.get("platform") or ""),
    )


# key: (display name, the cloud the product always runs on)
_PRODUCTS: dict[str, tuple[str, str | None]] = {
    "eks": ("Amazon EKS", "aws"),
    "gke": ("Google GKE", "gcp"),
    "aks": ("Azure AKS", "azure"),
    "doks": ("DigitalOcean Kubernetes", "digitalocean"),
    "openshift": ("OpenShift", None),
    "k3s": ("K3s", None),
    "rke2": ("RKE2", None),
    "k0s": ("k0s", None),
    "kind": ("kind", None),
    "minikube": ("minikube", None),
    "docker-desktop": ("Docker Desktop", None),
}
_CLOUD_NAMES = {
    "aws": "AWS",
    "gcp": "Google Cloud",
    "azure": "Azure",
    "digitalocean": "DigitalOcean",
    "hetzner": "Hetzner",
    "linode": "Linode",
    "openstack": "OpenStack",
    "vsphere": "vSphere",
}
_CLOUD_BY_PROVIDER_ID_SCHEME = {
    "aws": "aws",
    "gce": "gcp",
    "azure": "azure",
    "digitalocean": "digitalocean",
    "hcloud": "hetzner",
    "linode": "linode",
    "openstack": "openstack",
    "vsphere": "vsphere",
}
# providerID schemes that name a distribution rather than a cloud.
_PRODUCT_BY_PROVIDER_ID_SCHEME = {"kind": "kind", "k3s": "k3s", "rke2": "rke2"}

_GIT_VERSION_PRODUCTS = (
    (re.compile(r"-eks-"), "eks"),
    (re.compile(r"-gke\."), "gke"),
    (re.compile(r"\+k3s"), "k3s"),
    (re.compile(r"\+rke2"), "rke2"),
    (re.compile(r"\+k0s"), "k0s"),
    (re.compile(r"\+[0-9a-f]{7,}$"), "openshift"),
)
_LABEL_PRODUCTS = (
    (
        (
            "eks.amazonaws.com/nodegroup",
            "eks.amazonaws.com/capacityType",
            "eks.amazonaws.com/compute-type",
        ),
        "eks",
    ),
    (("cloud.google.com/gke-nodepool", "cloud.google.com/gke-os-distribution"), "gke"),
    (("kubernetes.azure.com/cluster", "kubernetes.azure.com/agentpool"), "aks"),
    (("minikube.k8s.io/name", "minikube.k8s.io/version"), "minikube"),
    (("doks.digitalocean.com/node-pool", "doks.digitalocean.com/node-id"), "doks"),
)
_INSTANCE_TYPE_PRODUCTS = {"k3s": "k3s", "rke2": "rke2"}
_GKE_NODE_NAME = re.compile(r"gke-|gk3-")
_AKS_NODE_NAME = re.compile(r"aks-.+-vmss")
_KIND_NODE_NAME = re.compile(r"(?P<cluster>.+)-(?:control-plane\d*|worker\d*)")
_OPENSHIFT_API_GROUPS = frozenset({"config.openshift.io", "route.openshift.io"})


def detect_provider(
    *,
    git_version: str,
    nodes: Sequence[NodeFacts],
    api_groups: Collection[str] = (),
    namespaces: Collection[str] = (),
) -> ProviderInfo:
    """The managed product or distribution if any signal names one, else the cloud, else vanilla."""
    cloud = _cloud_from_provider_ids(nodes)
    product = (
        _product_from_git_version(git_version)
        or _product_from_nodes(nodes, has_cloud_provider_id=cloud is not None)
        or _product_from_provider_ids(nodes)
        or _product_from_api(api_groups, namespaces)
    )
    tags = _tags(nodes, namespaces, product)
    if product:
        display_name, product_cloud = _PRODUCTS[product]
        return ProviderInfo(product, display_name, product_cloud or cloud, tags)
    if cloud:
        return ProviderInfo(
            f"self-managed-{cloud}", f"Self-managed on {_CLOUD_NAMES[cloud]}", cloud, tags
        )
    return ProviderInfo("vanilla", "Kubernetes", None, tags)


def _product_from_git_version(git_version: str) -> str | None:
    return next(
        (product for pattern, product in _GIT_VERSION_PRODUCTS if pattern.search(git_version)), None
    )


def _product_from_nodes(nodes: Sequence[NodeFacts], *, has_cloud_provider_id: bool) -> str | None:
    for label_keys, product in _LABEL_PRODUCTS:
        if any(key in node.labels for node in nodes for key in label_keys):
            return product
    for node in nodes:
        instance_product = _INSTANCE_TYPE_PRODUCTS.get(
            node.labels.get("node.kubernetes.io/instance-type", "")
        )
        if instance_product:
            return instance_product
    names = [node.name for node in nodes]
    if any(_GKE_NODE_NAME.match(name) for name in names):
        return "gke"
    if any(_AKS_NODE_NAME.match(name) for name in names):
        return "aks"
    if "docker-desktop" in names:
        return "docker-desktop"
    # Hosts of a self-managed cluster may be named "<x>-control-plane" too; only trust the
    # kind naming scheme when no node says it runs on a cloud.
    if not has_cloud_provider_id and _looks_like_kind_node_names(names):
        return "kind"
    return None


def _looks_like_kind_node_names(names: list[str]) -> bool:
    matches = [_KIND_NODE_NAME.fullmatch(name) for name in names]
    if not names or not all(matches):
        return False
    clusters = {match.group("cluster") for match in matches if match}
    return len(clusters) == 1 and any("-control-plane" in name for name in names)


def _product_from_provider_ids(nodes: Sequence[NodeFacts]) -> str | None:
    for node in nodes:
        product = _PRODUCT_BY_PROVIDER_ID_SCHEME.get(_provider_id_scheme(node.provider_id))
        if product:
            return product
    return None


def _product_from_api(api_groups: Collection[str], namespaces: Collection[str]) -> str | None:
    if _OPENSHIFT_API_GROUPS.intersection(api_groups) or any(
        ns.startswith("openshift-") for ns in namespaces
    ):
        return "openshift"
    return None


def _cloud_from_provider_ids(nodes: Sequence[NodeFacts]) -> str | None:
    for node in nodes:
        cloud = _CLOUD_BY_PROVIDER_ID_SCHEME.get(_provider_id_scheme(node.provider_id))
        if cloud:
            return cloud
    return None


def _provider_id_scheme(provider_id: str | None) -> str:
    scheme, separator, _ = (provider_id or "").partition("://")
    return scheme.lower() if separator else ""


def _tags(
    nodes: Sequence[NodeFacts], namespaces: Collection[str], product: str | None
) -> tuple[str, ...]:
    tags = []
    if product == "gke" and any(node.name.startswith("gk3-") for node in nodes):
        tags.append("autopilot")
    if "cattle-system" in namespaces:
        tags.append("rancher")
    return tuple(tags)
