"""Generate realistic virtual clusters of any size and provider flavour, deterministic per seed.

`generate_cluster("prod", seed=1, namespaces=100, nodes=200, deployments=300, pods=5000)`
builds exactly that many namespaces, nodes, Deployments and pods (DaemonSet, StatefulSet,
CronJob and bare pods included in the pod count), with the ReplicaSets and Jobs between
pods and their controllers, PVCs, Helm release Secrets whose values hold secrets (marked
with HELM_SECRET_MARKER so tests can prove they never leak) and metrics for every running
pod and every node. Node names, labels and providerIDs follow providers.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string
import uuid
from collections.abc import Callable

from kube_console.fakekube import builders
from kube_console.fakekube.cluster import FakeCluster

# Every secret-looking value in generated Helm release payloads starts with this.
HELM_SECRET_MARKER = "fakekube-helm-secret-"

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_TEAMS = (
    "payments",
    "checkout",
    "search",
    "identity",
    "data",
    "platform",
    "ml",
    "growth",
    "mobile",
)
_APPS = (
    "api",
    "web",
    "worker",
    "gateway",
    "cache",
    "indexer",
    "scheduler",
    "auth",
    "ledger",
    "feed",
)
_ENVIRONMENTS = ("prod", "staging", "dev")
_IMAGES = (
    "ghcr.io/acme/{app}:1.{minor}.{patch}",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/{app}:v2.{minor}.{patch}",
    "docker.io/library/nginx:1.27.{patch}",
    "quay.io/prometheus/node-exporter:v1.8.{patch}",
    "docker.io/bitnami/redis:7.4.{patch}",
)
_SIDECAR_IMAGES = (
    "docker.io/envoyproxy/envoy:v1.31.2",
    "fluent/fluent-bit:3.1.9",
    "otel/opentelemetry-collector:0.111.0",
)
# (requests, limits); None means the container sets none.
_RESOURCE_PROFILES: tuple[tuple[dict | None, dict | None], ...] = (
    ({"cpu": "100m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"}),
    ({"cpu": "250m", "memory": "256Mi"}, {"memory": "512Mi"}),
    ({"cpu": "500m", "memory": "1Gi"}, {"cpu": "500m", "memory": "1Gi"}),
    ({"cpu": "1", "memory": "2Gi"}, {"cpu": "2", "memory": "4Gi"}),
    ({"cpu": "50m", "memory": "64Mi"}, None),
    ({"cpu": "0.2", "memory": "500M"}, {"memory": "1G"}),
    ({"cpu": "10m"}, None),
    (None, None),
)
_CHARTS = (
    ("ingress-nginx", "4.11.3", "1.11.3"),
    ("cert-manager", "v1.16.1", "v1.16.1"),
    ("redis", "20.2.1", "7.4.1"),
    ("postgresql", "16.0.6", "17.0.0"),
    ("kube-prometheus-stack", "65.1.1", "v0.77.1"),
    ("external-dns", "1.15.0", "0.15.0"),
)
_EPOCH = dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class _NodeFlavour:
    name: str
    labels: dict[str, str]
    provider_id: str | None
    cpu: str
    memory: str
    control_plane: bool = False


@dataclasses.dataclass(frozen=True)
class Provider:
    git_version: str
    os_image: str
    container_runtime: str
    make_node: Callable[[random.Random, str, int], _NodeFlavour]
    daemonsets: tuple[str, ...]
    extra_api_groups: tuple[str, ...] = ()
    extra_namespaces: tuple[str, ...] = ()


def _hex(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def _suffix(rng: random.Random, length: int = 5) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))


def _eks_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    zone = "us-east-1" + "abc"[index % 3]
    name = f"ip-10-0-{index // 250}-{index % 250 + 2}.ec2.internal"
    instance, cpu, memory = rng.choice(
        [
            ("m5.xlarge", "4", "15896188Ki"),
            ("m5.2xlarge", "8", "32086128Ki"),
            ("c5.xlarge", "4", "7792920Ki"),
        ]
    )
    spot = rng.random() < 0.2
    return _NodeFlavour(
        name,
        {
            "eks.amazonaws.com/nodegroup": f"{cluster}-{'spot' if spot else 'main'}",
            "eks.amazonaws.com/capacityType": "SPOT" if spot else "ON_DEMAND",
            "eks.amazonaws.com/nodegroup-image": "ami-07b94a98e7802df03",
            "node.kubernetes.io/instance-type": instance,
            "beta.kubernetes.io/instance-type": instance,
            "topology.kubernetes.io/region": "us-east-1",
            "topology.kubernetes.io/zone": zone,
        },
        f"aws:///{zone}/i-0{_hex(rng, 16)}",
        cpu,
        memory,
    )


def _aws_self_managed_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    flavour = _eks_node(rng, cluster, index)
    labels = {k: v for k, v in flavour.labels.items() if not k.startswith("eks.amazonaws.com/")}
    if index == 0:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return dataclasses.replace(flavour, labels=labels, control_plane=index == 0)


def _gke_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    zone = "us-central1-" + "abc"[index % 3]
    spot = rng.random() < 0.2
    pool = "spot-pool" if spot else "default-pool"
    name = f"gke-{cluster}-{pool}-{_hex(rng, 8)}-{_suffix(rng, 4)}"
    instance, cpu, memory = rng.choice(
        [("e2-standard-4", "4", "16393384Ki"), ("n2-standard-8", "8", "32882580Ki")]
    )
    labels = {
        "cloud.google.com/gke-nodepool": pool,
        "cloud.google.com/gke-os-distribution": "cos",
        "cloud.google.com/machine-family": instance.split("-")[0],
        "node.kubernetes.io/instance-type": instance,
        "topology.kubernetes.io/region": "us-central1",
        "topology.kubernetes.io/zone": zone,
    }
    if spot:
        labels["cloud.google.com/gke-spot"] = "true"
    return _NodeFlavour(name, labels, f"gce://acme-prod/{zone}/{name}", cpu, memory)


def _aks_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    spot = rng.random() < 0.2
    pool = "spotpool" if spot else "nodepool1"
    name = f"aks-{pool}-{12345678 + index % 7}-vmss{index:06x}"
    labels = {
        "kubernetes.azure.com/cluster": f"MC_rg-{cluster}_{cluster}_eastus",
        "kubernetes.azure.com/agentpool": pool,
        "kubernetes.azure.com/role": "agent",
        "node.kubernetes.io/instance-type": "Standard_D4s_v3",
        "topology.kubernetes.io/region": "eastus",
        "topology.kubernetes.io/zone": f"eastus-{index % 3 + 1}",
    }
    if spot:
        labels["kubernetes.azure.com/scalesetpriority"] = "spot"
    provider_id = (
        f"azure:///subscriptions/{uuid.UUID(int=rng.getrandbits(128))}/resourceGroups/"
        f"mc_rg-{cluster}_{cluster}_eastus/providers/Microsoft.Compute/virtualMachineScaleSets/"
        f"aks-{pool}-12345678-vmss/virtualMachines/{index}"
    )
    return _NodeFlavour(name, labels, provider_id, "4", "16365884Ki")


def _distribution_node(
    scheme: str, instance_type: str
) -> Callable[[random.Random, str, int], _NodeFlavour]:
    def make(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
        name = f"{cluster}-server-0" if index == 0 else f"{cluster}-agent-{index}"
        labels = {"node.kubernetes.io/instance-type": instance_type}
        if index == 0:
            labels.update(
                {
                    "node-role.kubernetes.io/control-plane": "true",
                    "node-role.kubernetes.io/master": "true",
                }
            )
        return _NodeFlavour(
            name, labels, f"{scheme}://{name}", "4", "8029528Ki", control_plane=index == 0
        )

    return make


def _kind_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    name = (
        f"{cluster}-control-plane"
        if index == 0
        else f"{cluster}-worker{index if index > 1 else ''}"
    )
    labels = {"node-role.kubernetes.io/control-plane": ""} if index == 0 else {}
    return _NodeFlavour(
        name, labels, f"kind://docker/{cluster}/{name}", "8", "16365884Ki", index == 0
    )


def _minikube_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    name = "minikube" if index == 0 else f"minikube-m{index + 1:02d}"
    labels = {"minikube.k8s.io/name": "minikube", "minikube.k8s.io/version": "v1.34.0"}
    if index == 0:
        labels["node-role.kubernetes.io/control-plane"] = ""
    return _NodeFlavour(name, labels, None, "2", "3912720Ki", index == 0)


def _doks_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    droplet = 400000000 + rng.randrange(10**7)
    name = f"pool-{_suffix(rng, 8)}-{_suffix(rng, 5)}"
    labels = {
        "doks.digitalocean.com/node-pool": "pool-main",
        "doks.digitalocean.com/node-id": str(uuid.UUID(int=rng.getrandbits(128))),
        "node.kubernetes.io/instance-type": "s-4vcpu-8gb",
        "topology.kubernetes.io/region": "nyc1",
    }
    return _NodeFlavour(name, labels, f"digitalocean://{droplet}", "4", "8148584Ki")


def _plain_node(rng: random.Random, cluster: str, index: int) -> _NodeFlavour:
    name = f"{cluster}-node-{index}"
    labels = {"node-role.kubernetes.io/control-plane": ""} if index == 0 else {}
    return _NodeFlavour(name, labels, None, "4", "16365884Ki", index == 0)


PROVIDERS: dict[str, Provider] = {
    "eks": Provider(
        "v1.31.13-eks-ecaa3a6",
        "Amazon Linux 2023.9.20251208",
        "containerd://2.1.5",
        _eks_node,
        ("aws-node", "kube-proxy", "ebs-csi-node"),
    ),
    "gke": Provider(
        "v1.30.5-gke.1014001",
        "Container-Optimized OS from Google",
        "containerd://1.7.23",
        _gke_node,
        ("kube-proxy", "fluentbit-gke", "pdcsi-node"),
    ),
    "aks": Provider(
        "v1.29.2",
        "Ubuntu 22.04.5 LTS",
        "containerd://1.7.25-1",
        _aks_node,
        ("azure-cns", "kube-proxy", "csi-azuredisk-node"),
    ),
    "k3s": Provider(
        "v1.29.6+k3s1",
        "Ubuntu 24.04.1 LTS",
        "containerd://1.7.17-k3s1",
        _distribution_node("k3s", "k3s"),
        ("svclb-traefik", "node-exporter"),
    ),
    "rke2": Provider(
        "v1.30.4+rke2r1",
        "Ubuntu 22.04.5 LTS",
        "containerd://1.7.20-k3s1",
        _distribution_node("rke2", "rke2"),
        ("rke2-canal", "node-exporter"),
    ),
    "openshift": Provider(
        "v1.25.12+ba5cc25",
        "Red Hat Enterprise Linux CoreOS 413.92",
        "cri-o://1.26.4",
        _aws_self_managed_node,
        ("sdn", "node-exporter"),
        extra_api_groups=("config.openshift.io", "route.openshift.io", "security.openshift.io"),
        extra_namespaces=("openshift-monitoring", "openshift-ingress", "openshift-dns"),
    ),
    "kind": Provider(
        "v1.31.0",
        "Debian GNU/Linux 12 (bookworm)",
        "containerd://1.7.18",
        _kind_node,
        ("kindnet", "kube-proxy"),
    ),
    "minikube": Provider(
        "v1.31.0", "Buildroot 2023.02.9", "docker://27.2.0", _minikube_node, ("kube-proxy",)
    ),
    "doks": Provider(
        "v1.30.2",
        "Debian GNU/Linux 12 (bookworm)",
        "containerd://1.6.31",
        _doks_node,
        ("cilium", "do-node-agent", "csi-do-node"),
    ),
    "k0s": Provider(
        "v1.30.3+k0s",
        "Ubuntu 22.04.5 LTS",
        "containerd://1.7.20",
        _plain_node,
        ("kube-router", "konnectivity-agent"),
    ),
    "aws-self-managed": Provider(
        "v1.31.2",
        "Ubuntu 22.04.5 LTS",
        "containerd://1.7.22",
        _aws_self_managed_node,
        ("calico-node", "kube-proxy"),
    ),
    "vanilla": Provider(
        "v1.31.2",
        "Ubuntu 22.04.5 LTS",
        "containerd://1.7.22",
        _plain_node,
        ("calico-node", "kube-proxy"),
    ),
}


class _Generator:
    def __init__(self, name: str, seed: int | str, provider: Provider) -> None:
        self.cluster_name = name
        self.rng = random.Random(f"{seed}:{name}")
        self.provider = provider

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def created(self, max_age_days: int = 90) -> str:
        return builders.rfc3339(
            _EPOCH - dt.timedelta(seconds=self.rng.randrange(max_age_days * 86400))
        )

    def containers(self, app: str) -> list[dict]:
        count = self.rng.choices((1, 2, 3), weights=(7, 2, 1))[0]
        result = []
        for position in range(count):
            requests, limits = self.rng.choice(_RESOURCE_PROFILES)
            if position == 0:
                image = self.rng.choice(_IMAGES).format(
                    app=app, minor=self.rng.randrange(30), patch=self.rng.randrange(10)
                )
                container_name = app
            else:
                image = _SIDECAR_IMAGES[position - 1]
                container_name = image.split("/")[-1].split(":")[0]
            result.append(
                builders.container(
                    container_name,
                    image,
                    requests=requests,
                    limits=limits,
                    port=8080 + position,
                    sidecar=position > 0,
                )
            )
        return result

    def usage(self, containers: list[dict]) -> list[tuple[str, str]]:
        return [
            (
                f"{self.rng.randrange(100_000, 900_000_000)}n",
                f"{self.rng.randrange(8_000, 900_000)}Ki",
            )
            for _ in containers
        ]


def _namespace_names(count: int, provider: Provider, rng: random.Random) -> list[str]:
    fixed = list(SYSTEM_NAMESPACES) + list(provider.extra_namespaces)
    names = fixed[:count]
    candidates = [
        f"{team}-{app}-{env}" for team in _TEAMS for app in _APPS for env in _ENVIRONMENTS
    ]
    rng.shuffle(candidates)
    index = 0
    while len(names) < count:
        names.append(candidates[index] if index < len(candidates) else f"tenant-{index}")
        index += 1
    return names


def _namespace_labels(name: str, rng: random.Random) -> dict[str, str]:
    """team / cost-center labels, each missing on some namespaces as in real fleets."""
    if name in SYSTEM_NAMESPACES or name.startswith("openshift-"):
        return {}
    team = name.split("-")[0]
    labels = {"environment": name.split("-")[-1]}
    if rng.random() < 0.9:
        labels["team"] = team
    if rng.random() < 0.85:
        key = "cost-center" if rng.random() < 0.8 else "cost_center"
        labels[key] = f"cc-{1000 + _TEAMS.index(team)}" if team in _TEAMS else "cc-9999"
    return labels


def _daemonset_names(provider: Provider, count: int) -> list[str]:
    names = list(dict.fromkeys((*provider.daemonsets, "node-exporter", "fluent-bit", "csi-node")))
    return (names + [f"agent-{index}" for index in range(len(names), count)])[:count]


def generate_cluster(
    name: str,
    *,
    seed: int | str,
    namespaces: int,
    nodes: int,
    deployments: int,
    pods: int,
    provider: str = "eks",
    statefulsets: int | None = None,
    daemonsets: int | None = None,
    cronjobs: int | None = None,
    pvcs: int | None = None,
    helm_releases: int | None = None,
    with_metrics: bool = True,
) -> FakeCluster:
    """A FakeCluster with exactly `namespaces` namespaces, `nodes` nodes, `deployments`
    Deployments and `pods` pods; left out, the other counts scale with those."""
    flavour = PROVIDERS[provider]
    gen = _Generator(name, seed, flavour)
    rng = gen.rng
    statefulsets = deployments // 10 if statefulsets is None else statefulsets
    daemonsets = 3 if daemonsets is None else daemonsets
    cronjobs = deployments // 50 if cronjobs is None else cronjobs
    helm_releases = max(1, namespaces // 4) if helm_releases is None else helm_releases

    cluster = FakeCluster(
        name,
        git_version=flavour.git_version,
        extra_api_groups=flavour.extra_api_groups,
        metrics_api=with_metrics,
    )
    namespace_names = _namespace_names(namespaces, flavour, rng)
    for namespace_name in namespace_names:
        cluster.add(
            builders.namespace(
                namespace_name,
                labels=_namespace_labels(namespace_name, rng),
                uid=gen.uid(),
                created=gen.created(),
            )
        )
    app_namespaces = [n for n in namespace_names if n not in SYSTEM_NAMESPACES] or ["default"]

    node_names = _add_nodes(cluster, gen, nodes, with_metrics)
    budget = _PodBudget(pods)
    placement = _Placement(cluster, gen, node_names, with_metrics)

    for ds_name in _daemonset_names(flavour, daemonsets):
        namespace = "kube-system" if "kube-system" in namespace_names else app_namespaces[0]
        ds_pods = budget.take(len(node_names))
        containers = gen.containers(ds_name)
        ds = cluster.add(
            builders.daemonset(
                namespace,
                ds_name,
                containers=containers,
                desired=len(node_names),
                uid=gen.uid(),
                created=gen.created(),
            )
        )
        for pod_index in range(ds_pods):
            placement.add_pod(
                ds, namespace, f"{ds_name}-{_suffix(rng)}", containers, node_names[pod_index]
            )

    sts_claims = []
    for index in range(statefulsets):
        namespace = rng.choice(app_namespaces)
        sts_name = f"{rng.choice(_APPS)}-db-{index}"
        replicas = rng.randint(1, 3)
        ready = budget.take(replicas)
        containers = gen.containers("postgres")
        sts = cluster.add(
            builders.statefulset(
                namespace,
                sts_name,
                containers=containers,
                replicas=replicas,
                ready=ready,
                uid=gen.uid(),
                created=gen.created(),
            )
        )
        for ordinal in range(ready):
            claim = f"data-{sts_name}-{ordinal}"
            sts_claims.append((namespace, claim))
            placement.add_pod(
                sts, namespace, f"{sts_name}-{ordinal}", containers, pvc_claims=[claim]
            )

    for index in range(cronjobs):
        namespace = rng.choice(app_namespaces)
        cron_name = f"report-{index}"
        containers = gen.containers("reporter")
        cron = cluster.add(
            builders.cronjob(
                namespace, cron_name, containers=containers, uid=gen.uid(), created=gen.created()
            )
        )
        job_name = f"{cron_name}-{29000000 + index}"
        job = cluster.add(
            builders.job(
                namespace,
                job_name,
                containers=containers,
                owner=cron,
                uid=gen.uid(),
                created=gen.created(1),
            )
        )
        if budget.take(1):
            placement.add_pod(job, namespace, f"{job_name}-{_suffix(rng)}", containers)

    bare_pods = budget.take(pods // 100)
    for index in range(bare_pods):
        namespace = rng.choice(app_namespaces)
        placement.add_pod(
            None, namespace, f"debug-{index}-{_suffix(rng)}", gen.containers("toolbox")
        )

    replicas_by_deployment = budget.spread(deployments, rng)
    for index, replicas in enumerate(replicas_by_deployment):
        namespace = rng.choice(app_namespaces)
        app = f"{rng.choice(_APPS)}-{index}"
        containers = gen.containers(app.split("-")[0])
        deploy = cluster.add(
            builders.deployment(
                namespace,
                app,
                containers=containers,
                replicas=replicas,
                uid=gen.uid(),
                created=gen.created(),
            )
        )
        rs = cluster.add(
            builders.replicaset(
                deploy, uid=gen.uid(), created=deploy["metadata"]["creationTimestamp"]
            )
        )
        for _ in range(replicas):
            placement.add_pod(rs, namespace, f"{rs['metadata']['name']}-{_suffix(rng)}", containers)
    for index in range(budget.left):
        namespace = rng.choice(app_namespaces)
        placement.add_pod(
            None, namespace, f"standalone-{index}-{_suffix(rng)}", gen.containers("toolbox")
        )

    _add_pvcs(cluster, gen, sts_claims, pvcs, app_namespaces)
    _add_helm_releases(cluster, gen, helm_releases, app_namespaces)
    return cluster


class _PodBudget:
    """Hands out the requested pod total, so the cluster has exactly that many pods."""

    def __init__(self, total: int) -> None:
        self.left = total

    def take(self, wanted: int) -> int:
        granted = min(wanted, self.left)
        self.left -= granted
        return granted

    def spread(self, deployments: int, rng: random.Random) -> list[int]:
        if deployments == 0:
            return []
        base, extra = divmod(self.left, deployments)
        replicas = [base + 1] * extra + [base] * (deployments - extra)
        rng.shuffle(replicas)
        self.left = 0
        return replicas


class _Placement:
    """Adds pods (and their metrics): phase, node, restarts and IPs drawn from the seed."""

    def __init__(
        self, cluster: FakeCluster, gen: _Generator, node_names: list[str], with_metrics: bool
    ) -> None:
        self.cluster = cluster
        self.gen = gen
        self.node_names = node_names
        self.with_metrics = with_metrics
        self.count = 0
        self._taken: set[tuple[str, str]] = set()

    def add_pod(
        self,
        owner: dict | None,
        namespace: str,
        name: str,
        containers: list[dict],
        node_name: str | None = None,
        pvc_claims: list[str] | None = None,
    ) -> None:
        rng = self.gen.rng
        # Random name suffixes can collide; a pod must never replace another.
        while (namespace, name) in self._taken:
            name += _suffix(rng, 1)
        self._taken.add((namespace, name))
        self.count += 1
        phase, waiting = "Running", None
        roll = rng.random()
        if owner is not None and owner["kind"] == "Job":
            phase = "Succeeded"
        elif roll < 0.01 or not self.node_names:
            phase = "Pending"
        elif roll < 0.03:
            waiting = "CrashLoopBackOff"
        if node_name is None and phase != "Pending":
            node_name = rng.choice(self.node_names)
        restarts = [rng.choice((0, 0, 0, 0, 1, 3)) for _ in containers]
        if waiting:
            restarts = [r + 5 for r in restarts]
        labels = (
            dict(owner["spec"]["selector"]["matchLabels"])
            if owner and "selector" in owner["spec"]
            else {}
        )
        if owner is not None and owner["kind"] == "Job":
            labels = {"job-name": owner["metadata"]["name"]}
        pod_obj = self.cluster.add(
            builders.pod(
                namespace,
                name,
                containers=containers,
                owner=owner,
                node_name=node_name if phase != "Pending" else None,
                phase=phase,
                labels=labels,
                restarts=restarts,
                waiting_reason=waiting,
                pvc_claims=pvc_claims,
                host_ip=f"10.0.{self.count // 250 % 250}.{self.count % 250 + 2}",
                pod_ip=f"10.1.{self.count // 250 % 250}.{self.count % 250 + 2}",
                uid=self.gen.uid(),
                created=self.gen.created(30),
            )
        )
        if self.with_metrics and phase == "Running":
            self.cluster.add(
                builders.pod_metrics(
                    pod_obj, self.gen.usage(containers), timestamp=builders.rfc3339(_EPOCH)
                )
            )


def _add_nodes(cluster: FakeCluster, gen: _Generator, count: int, with_metrics: bool) -> list[str]:
    flavour = gen.provider
    names = []
    for index in range(count):
        node_flavour = flavour.make_node(gen.rng, cluster.name, index)
        taints = (
            [builders.taint("node-role.kubernetes.io/control-plane")]
            if node_flavour.control_plane
            else []
        )
        if node_flavour.labels.get("eks.amazonaws.com/capacityType") == "SPOT":
            taints.append(builders.taint("spot", "PreferNoSchedule", "true"))
        ready = gen.rng.random() > 0.02
        cluster.add(
            builders.node(
                node_flavour.name,
                labels=node_flavour.labels,
                provider_id=node_flavour.provider_id,
                cpu=node_flavour.cpu,
                memory=node_flavour.memory,
                allocatable_cpu=f"{int(node_flavour.cpu) * 1000 - 70}m",
                taints=taints,
                ready=ready,
                unschedulable=not ready,
                kubelet_version=flavour.git_version,
                os_image=flavour.os_image,
                container_runtime=flavour.container_runtime,
                internal_ip=f"10.0.{index // 250}.{index % 250 + 2}",
                uid=gen.uid(),
                created=gen.created(),
            )
        )
        if with_metrics:
            cluster.add(
                builders.node_metrics(
                    node_flavour.name,
                    f"{gen.rng.randrange(10**8, 4 * 10**9)}n",
                    f"{gen.rng.randrange(10**6, 12 * 10**6)}Ki",
                    timestamp=builders.rfc3339(_EPOCH),
                )
            )
        names.append(node_flavour.name)
    return names


def _add_pvcs(
    cluster: FakeCluster,
    gen: _Generator,
    claims: list[tuple[str, str]],
    wanted: int | None,
    app_namespaces: list[str],
) -> None:
    wanted = len(claims) if wanted is None else wanted
    for index in range(wanted):
        if index < len(claims):
            namespace, claim = claims[index]
            phase = "Bound"
        else:
            namespace, claim = gen.rng.choice(app_namespaces), f"scratch-{index}"
            phase = gen.rng.choice(("Bound", "Pending"))
        size = gen.rng.choice(("1Gi", "10Gi", "20Gi", "100Gi", "500G"))
        cluster.add(
            builders.pvc(
                namespace,
                claim,
                request=size,
                storage_class=gen.rng.choice(("gp3", "standard", None)),
                phase=phase,
                uid=gen.uid(),
                created=gen.created(),
            )
        )


def _add_helm_releases(
    cluster: FakeCluster, gen: _Generator, count: int, app_namespaces: list[str]
) -> None:
    rng = gen.rng
    for index in range(count):
        namespace = rng.choice(app_namespaces)
        chart, chart_version, app_version = rng.choice(_CHARTS)
        release = f"{chart}-{index}"
        revisions = rng.randint(1, 4)
        latest_failed = revisions > 1 and rng.random() < 0.15
        for revision in range(1, revisions + 1):
            if revision == revisions:
                status = "failed" if latest_failed else "deployed"
            elif revision == revisions - 1 and latest_failed:
                status = "deployed"
            else:
                status = "superseded"
            cluster.add(
                builders.helm_release_secret(
                    namespace,
                    release,
                    revision,
                    chart=chart,
                    chart_version=chart_version,
                    app_version=app_version,
                    status=status,
                    values={
                        "auth": {"password": f"{HELM_SECRET_MARKER}{gen.uid()}"},
                        "database": {
                            "url": f"postgres://app:{HELM_SECRET_MARKER}{index}@db:5432/app"
                        },
                        "replicaCount": revision,
                    },
                    last_deployed=builders.rfc3339(
                        _EPOCH
                        - dt.timedelta(days=revisions - revision, seconds=rng.randrange(3600))
                    ),
                    uid=gen.uid(),
                )
            )
    if app_namespaces:
        cluster.add(
            builders.opaque_secret(
                app_namespaces[0],
                "app-credentials",
                {"password": f"{HELM_SECRET_MARKER}opaque".encode()},
                uid=gen.uid(),
            )
        )
