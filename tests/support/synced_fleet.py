"""Clusters of the fake API server synced into a console's database the way the scheduler does it:
the snapshot fetched over HTTPS, stored by services/sync, with a few past hours of samples that
the real cost job prices. For the drill-down pages' browser tests, screenshots and benchmark.

    snapshots = fetch_snapshots([shop_cluster("prod-eu", seed=3)])
    ids = sync_fleet(database_url, org_id=org_id, snapshots=snapshots, hours=3)

or, for a console whose scheduler should keep syncing them, with a server left running:

    ids = sync_fleet(..., credentials={name: server.credentials_for(name)}, keyring=keyring)

`shop_cluster` adds a namespace whose figures are known beside the generated ones (SHOP).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Mapping

from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import HOUR, floor_hour
from kube_console.db import make_engine, session_scope, utcnow
from kube_console.kube.client import build_api_client
from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.fetch import fetch_snapshot
from kube_console.kube.objects import ClusterSnapshot
from kube_console.models import Cluster
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.clusters import label_keys
from kube_console.services.credentials import store_credential
from kube_console.services.inventory import apply_snapshot
from kube_console.services.sync import sync_cluster
from kube_console.settings import load_settings
from tests.fakekube import builders
from tests.fakekube.cluster import FakeCluster
from tests.fakekube.generator import generate_cluster
from tests.fakekube.server import FakeKubeServer

SAMPLE_INTERVAL_SECONDS = 3600  # one sample an hour covers its hour


@dataclasses.dataclass(frozen=True)
class Shop:
    """The known part of `shop_cluster`: namespace shop runs Deployment checkout, three replicas
    of which two run (each using 100 m and 100 MiB) and one is pending, unscheduled."""

    namespace: str = "shop"
    team: str = "payments"
    cost_center: str = "cc-42"
    deployment: str = "checkout"
    replicas: int = 3
    ready: int = 2
    cpu_request: str = "250m"
    memory_request: str = "256Mi"
    cpu_limit: str = "500m"
    memory_limit: str = "512Mi"
    pod_names: tuple[str, ...] = (
        "checkout-7d9f8b-aaaaa",
        "checkout-7d9f8b-bbbbb",
        "checkout-7d9f8b-ccccc",
    )
    pending_pod: str = "checkout-7d9f8b-ccccc"
    chart: str = "checkout"
    chart_version: str = "1.4.2"


SHOP = Shop()


def shop_cluster(
    name: str,
    *,
    seed: int,
    namespaces: int = 5,
    nodes: int = 8,
    deployments: int = 6,
    pods: int = 40,
) -> FakeCluster:
    """A generated EKS-like cluster plus SHOP."""
    cluster = generate_cluster(
        name, seed=seed, namespaces=namespaces, nodes=nodes, deployments=deployments, pods=pods
    )
    node = cluster.objects("Node")[0]["metadata"]["name"]
    cluster.add(
        builders.namespace(
            SHOP.namespace, labels={"team": SHOP.team, "cost-center": SHOP.cost_center}
        )
    )
    container = builders.container(
        "checkout",
        "ghcr.io/acme/checkout:1.4.2",
        requests={"cpu": SHOP.cpu_request, "memory": SHOP.memory_request},
        limits={"cpu": SHOP.cpu_limit, "memory": SHOP.memory_limit},
    )
    deployment = cluster.add(
        builders.deployment(
            SHOP.namespace,
            SHOP.deployment,
            containers=[container],
            replicas=SHOP.replicas,
            ready=SHOP.ready,
        )
    )
    replicaset = cluster.add(builders.replicaset(deployment))
    for pod_name in SHOP.pod_names:
        pending = pod_name == SHOP.pending_pod
        pod = cluster.add(
            builders.pod(
                SHOP.namespace,
                pod_name,
                containers=[container],
                owner=replicaset,
                node_name=None if pending else node,
                phase="Pending" if pending else "Running",
                labels={"app": SHOP.deployment},
            )
        )
        if not pending:
            cluster.add(builders.pod_metrics(pod, [("100m", "100Mi")]))
    cluster.add(
        builders.helm_release_secret(
            SHOP.namespace,
            SHOP.deployment,
            1,
            chart=SHOP.chart,
            chart_version=SHOP.chart_version,
            app_version="1.4.2",
        )
    )
    return cluster


def fetch_snapshots(
    clusters: Iterable[FakeCluster], server: FakeKubeServer | None = None
) -> dict[str, ClusterSnapshot]:
    """Each cluster as one sync reads it from the fake API server: `server` (which keeps
    serving them) or one started for the occasion."""
    if server is None:
        with FakeKubeServer() as own_server:
            return fetch_snapshots(clusters, own_server)
    snapshots = {}
    for cluster in clusters:
        server.add_cluster(cluster)
        api_client = build_api_client(server.credentials_for(cluster))
        try:
            snapshots[cluster.name] = fetch_snapshot(api_client)
        finally:
            api_client.close()
    return snapshots


def sync_fleet(
    database_url: str,
    *,
    org_id: int,
    snapshots: Mapping[str, ClusterSnapshot],
    hours: int,
    environment: str = "production",
    credentials: Mapping[str, ClusterCredentials] | None = None,
    keyring: Keyring | None = None,
) -> dict[str, int]:
    """Register each snapshot as a cluster of the org, sample it once in each of the last
    `hours` closed hours, sync it now, and cost the closed hours. Returns name -> cluster id.

    With `credentials` (by cluster name) and the console's `keyring`, the clusters keep a
    credential, so the console's own scheduler goes on syncing them from the fake server."""
    keyring = keyring or Keyring.parse(f"k1:{generate_key()}")
    engine = make_engine(database_url)
    open_session = functools.partial(session_scope, engine)
    settings = load_settings(
        db_url=database_url, sync_interval_seconds=SAMPLE_INTERVAL_SECONDS, sample_retention_days=2
    )
    keys = label_keys(settings)
    now = utcnow()
    ids = {}
    try:
        for name, snapshot in snapshots.items():
            with open_session() as session:
                cluster = Cluster(org_id=org_id, name=name, environment=environment)
                session.add(cluster)
                session.flush()
                if credentials is not None:
                    store_credential(
                        cluster=cluster, credentials=credentials[name], keyring=keyring
                    )
                ids[name] = cluster.id
                for hours_ago in range(hours, 0, -1):
                    sampled_at = floor_hour(now) - HOUR * hours_ago + dt.timedelta(minutes=5)
                    apply_snapshot(
                        session=session,
                        cluster=cluster,
                        snapshot=snapshot,
                        label_keys=keys,
                        now=sampled_at,
                        sync_interval_seconds=settings.sync_interval_seconds,
                    )
            sync_cluster(
                cluster_id=ids[name],
                keyring=keyring,
                label_keys=keys,
                open_session=open_session,
                snapshot=snapshot,
                sync_interval_seconds=settings.sync_interval_seconds,
            )
        run_cost_pass(open_session=open_session, settings=settings, now=now, org_id=org_id)
    finally:
        engine.dispose()
    return ids
