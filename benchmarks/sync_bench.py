"""Sync benchmark (performance.md, "Sync" and "Fleet"): `python -m benchmarks.sync_bench`.

One cluster — 100 namespaces, 200 nodes, 300 deployments, 5,000 realistic pods with metrics —
served by the fake API server in its own process, measured three ways in the same run:
- floor: the very requests a sync makes, replayed as raw HTTPS GETs + orjson.loads;
- project: a full sync into SQLite (fetch, decode, upsert, samples), steady state;
- naive: the official client's default typed deserialization of the same lists.
Then a fleet: 100 clusters × 500 pods, 10 of them failing or slow, synced in one pass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import resource
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import kubernetes.client
import orjson
import urllib3
from sqlmodel import Session

from kube_console.db import make_engine, session_scope
from kube_console.kube.client import build_api_client
from kube_console.migrations import upgrade_to_head
from kube_console.models import Cluster, Organization
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.clusters import label_keys
from kube_console.services.credentials import store_credential
from kube_console.services.sync import sync_cluster
from kube_console.settings import load_settings
from kube_console.workers.sync_job import run_sync_pass
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.fakekube.server import FakeKubeProcess


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _database(directory: Path):
    url = f"sqlite:///{directory / 'bench.db'}"
    upgrade_to_head(url)
    engine = make_engine(url)
    return url, engine, functools.partial(session_scope, engine)


def _add_clusters(engine, server: FakeKubeProcess, keyring: Keyring, names: list[str]) -> list[int]:
    with Session(engine) as session:
        org = Organization(name=f"bench-{time.time_ns()}")
        session.add(org)
        session.flush()
        ids = []
        for name in names:
            cluster = Cluster(org_id=org.id, name=name)
            session.add(cluster)
            session.flush()
            store_credential(cluster=cluster, credentials=server.credentials_for(name), keyring=keyring)
            ids.append(cluster.id)
        session.commit()
    return ids


def _timed(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def single_cluster(repeat: int) -> str:
    fake = generate_cluster("bench", seed=1, namespaces=100, nodes=200, deployments=300, pods=5000)
    keyring = Keyring.parse(f"k1:{generate_key()}")
    with tempfile.TemporaryDirectory() as directory, FakeKubeProcess([fake]) as server:
        url, engine, open_session = _database(Path(directory))
        settings = load_settings(db_url=url, allow_loopback_clusters=True)
        (cluster_id,) = _add_clusters(engine, server, keyring, ["bench"])

        def project() -> None:
            outcome = sync_cluster(
                cluster_id=cluster_id, keyring=keyring, label_keys=label_keys(settings), open_session=open_session
            )
            assert outcome.ok and outcome.pods == 5000, outcome

        server.clear_requests()
        rss_before = _rss_mb()
        project()  # first sync: inserts every row
        requests = [r for r in server.requests("bench") if r.method == "GET"]
        project_seconds = _timed(project, repeat)  # steady state: the 30-second loop
        rss_growth = _rss_mb() - rss_before

        credentials = server.credentials_for("bench")
        http = urllib3.PoolManager(
            cert_reqs="CERT_REQUIRED", ca_cert_data=server.ca.cert_pem.decode(), maxsize=4
        )
        headers = {"Authorization": f"Bearer {credentials.token}", "Accept": "application/json"}
        base = credentials.server

        def floor() -> None:
            for request in requests:
                query = f"?{urlencode(request.query)}" if request.query else ""
                response = http.request("GET", f"{base}{request.path}{query}", headers=headers)
                if response.headers.get("content-type", "").startswith("application/json"):
                    orjson.loads(response.data)  # /readyz answers plain text

        floor_seconds = _timed(floor, repeat)

        api_client = build_api_client(credentials)
        core, apps = kubernetes.client.CoreV1Api(api_client), kubernetes.client.AppsV1Api(api_client)

        def paged(list_call) -> None:
            token = None
            while True:
                page = list_call(limit=500, _continue=token) if token else list_call(limit=500)
                token = page.metadata._continue
                if not token:
                    return

        def naive() -> None:
            for list_call in (
                core.list_namespace,
                core.list_node,
                core.list_pod_for_all_namespaces,
                core.list_persistent_volume_claim_for_all_namespaces,
                apps.list_deployment_for_all_namespaces,
                apps.list_stateful_set_for_all_namespaces,
                apps.list_daemon_set_for_all_namespaces,
                apps.list_replica_set_for_all_namespaces,
            ):
                paged(list_call)

        naive_seconds = _timed(naive, 1)
        api_client.close()
        engine.dispose()
    gc.collect()
    return (
        f"sync 5000 pods: {project_seconds:.2f} s; floor {floor_seconds:.2f} s; "
        f"ratio {project_seconds / floor_seconds:.2f}; naive {naive_seconds:.1f} s "
        f"({naive_seconds / project_seconds:.0f}x); rss +{rss_growth:.0f} MB"
    )


def fleet(clusters: int, pods: int, broken: int) -> str:
    fakes = [
        generate_cluster(f"fleet-{n:03d}", seed=n, namespaces=10, nodes=5, deployments=30, pods=pods)
        for n in range(clusters)
    ]
    keyring = Keyring.parse(f"k1:{generate_key()}")
    with tempfile.TemporaryDirectory() as directory, FakeKubeProcess(fakes) as server:
        url, engine, open_session = _database(Path(directory))
        settings = load_settings(db_url=url, allow_loopback_clusters=True)
        _add_clusters(engine, server, keyring, [fake.name for fake in fakes])
        faults = [Fault(status=401), Fault(status=500), Fault(drop_connection=True), Fault(delay=4.0)]
        for n in range(broken):
            server.set_faults(fakes[n * (clusters // max(1, broken))].name, [faults[n % len(faults)]])
        started = time.perf_counter()
        outcomes = run_sync_pass(keyring=keyring, settings=settings, open_session=open_session)
        seconds = time.perf_counter() - started
        engine.dispose()
    ok = sum(outcome.ok for outcome in outcomes)
    return (
        f"fleet {clusters} clusters x {pods} pods ({broken} failing or slow, {settings.sync_batch_size} at a time): "
        f"{seconds:.1f} s for one pass (target < 30 s); {ok} ok, {len(outcomes) - ok} failed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fleet-clusters", type=int, default=100)
    parser.add_argument("--fleet-pods", type=int, default=500)
    arguments = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    fleet_line = fleet(arguments.fleet_clusters, arguments.fleet_pods, broken=arguments.fleet_clusters // 10)
    print(fleet_line)
    print(single_cluster(arguments.repeat))


if __name__ == "__main__":
    main()
