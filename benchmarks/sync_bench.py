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
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self
from urllib.parse import urlencode

import kubernetes.client
import orjson
import urllib3
from sqlmodel import Session
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.fakekube.server import FakeKubeProcess

from kube_console.db import make_engine, session_scope
from kube_console.kube.client import build_api_client
from kube_console.kube.fetch import FETCH_CONCURRENCY
from kube_console.migrations import upgrade_to_head
from kube_console.models import Cluster, Organization
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.clusters import label_keys
from kube_console.services.credentials import store_credential
from kube_console.services.sync import sync_cluster
from kube_console.services.sync_scheduling import cluster_syncer
from kube_console.settings import load_settings
from kube_console.workers.sync_job import sync_all_once


class _PeakRss:
    """Peak resident memory above the level when entered, sampled every 5 ms (ru_maxrss
    can't tell: its peak may date from the imports)."""

    def __enter__(self) -> Self:
        self._page_mb = os.sysconf("SC_PAGE_SIZE") / 2**20
        self.baseline = self.peak = self._now()
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _now(self) -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page_mb

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._now())

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._sampler.join()

    @property
    def growth_mb(self) -> float:
        return self.peak - self.baseline


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
            store_credential(
                cluster=cluster, credentials=server.credentials_for(name), keyring=keyring
            )
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


def _project_syncs(url: str, keys: str, cluster_id: int, repeat: int) -> tuple[float, float, float]:
    """In a fresh process: the first sync, the median steady-state sync, and peak RSS growth."""
    keyring = Keyring.parse(keys)
    settings = load_settings(db_url=url, allow_loopback_clusters=True)
    engine = make_engine(url)
    open_session = functools.partial(session_scope, engine)

    def sync() -> None:
        outcome = sync_cluster(
            cluster_id=cluster_id,
            keyring=keyring,
            label_keys=label_keys(settings),
            open_session=open_session,
            sync_interval_seconds=settings.sync_interval_seconds,
        )
        assert outcome.ok and outcome.pods == 5000, outcome

    with _PeakRss() as memory:
        first = _timed(sync, 1)  # inserts every row
        steady = _timed(sync, repeat)  # the 30-second loop: most rows unchanged but for usage
    return first, steady, memory.growth_mb


def single_cluster(repeat: int) -> str:
    fake = generate_cluster("bench", seed=1, namespaces=100, nodes=200, deployments=300, pods=5000)
    keys = f"k1:{generate_key()}"
    with tempfile.TemporaryDirectory() as directory, FakeKubeProcess([fake]) as server:
        url, engine, _ = _database(Path(directory))
        (cluster_id,) = _add_clusters(engine, server, Keyring.parse(keys), ["bench"])
        engine.dispose()
        server.clear_requests()
        with multiprocessing.get_context("spawn").Pool(1) as child:
            first, project_seconds, rss_growth = child.apply(
                _project_syncs, (url, keys, cluster_id, repeat)
            )
        # The very requests one sync made (the syncs ran one after another, each alike),
        # every list walked page by page as it was.
        logged = server.requests("bench")
        requests = [r for r in logged[: len(logged) // (repeat + 1)] if r.method == "GET"]

        credentials = server.credentials_for("bench")
        http = urllib3.PoolManager(
            cert_reqs="CERT_REQUIRED",
            ca_cert_data=server.ca.cert_pem.decode(),
            maxsize=FETCH_CONCURRENCY,
        )
        headers = {"Authorization": f"Bearer {credentials.token}", "Accept": "application/json"}

        def get_and_parse(request) -> None:
            query = f"?{urlencode(request.query)}" if request.query else ""
            response = http.request(
                "GET", f"{credentials.server}{request.path}{query}", headers=headers
            )
            if response.headers.get("content-type", "").startswith("application/json"):
                orjson.loads(response.data)  # /readyz answers plain text

        with ThreadPoolExecutor(FETCH_CONCURRENCY) as pool:  # as many in flight as a sync has
            floor_seconds = _timed(lambda: list(pool.map(get_and_parse, requests)), repeat)

            api_client = build_api_client(credentials)
            core, apps = (
                kubernetes.client.CoreV1Api(api_client),
                kubernetes.client.AppsV1Api(api_client),
            )

            def typed_list(list_call) -> None:
                token = None
                while True:
                    page = list_call(limit=500, _continue=token) if token else list_call(limit=500)
                    if not (token := page.metadata._continue):
                        return

            lists = (
                core.list_namespace,
                core.list_node,
                core.list_pod_for_all_namespaces,
                core.list_persistent_volume_claim_for_all_namespaces,
                apps.list_deployment_for_all_namespaces,
                apps.list_stateful_set_for_all_namespaces,
                apps.list_daemon_set_for_all_namespaces,
                apps.list_replica_set_for_all_namespaces,
            )
            naive_seconds = _timed(lambda: list(pool.map(typed_list, lists)), 1)
            api_client.close()
    return (
        f"sync 5000 pods: {project_seconds:.2f} s; floor {floor_seconds:.2f} s; "
        f"ratio {project_seconds / floor_seconds:.2f}; naive {naive_seconds:.1f} s "
        f"({naive_seconds / project_seconds:.0f}x); rss +{rss_growth:.0f} MB; first sync {first:.2f} s"
    )


def fleet(clusters: int, pods: int, broken: int) -> str:
    """One pass over a fleet where every tenth cluster refuses the token, fails, drops the
    connection or answers each request 1.5 s late; the first pass, then a steady-state one."""
    fakes = [
        generate_cluster(
            f"fleet-{n:03d}", seed=n, namespaces=10, nodes=5, deployments=30, pods=pods
        )
        for n in range(clusters)
    ]
    keyring = Keyring.parse(f"k1:{generate_key()}")
    with tempfile.TemporaryDirectory() as directory, FakeKubeProcess(fakes) as server:
        url, engine, open_session = _database(Path(directory))
        settings = load_settings(db_url=url, allow_loopback_clusters=True)
        _add_clusters(engine, server, keyring, [fake.name for fake in fakes])
        faults = [
            Fault(status=401),
            Fault(status=500),
            Fault(drop_connection=True),
            Fault(delay=1.5),
        ]
        for n in range(broken):
            server.set_faults(
                fakes[n * (clusters // max(1, broken))].name, [faults[n % len(faults)]]
            )
        passes = []
        for _ in range(2):  # the first pass, then one as the scheduler runs them every 30 s
            started = time.perf_counter()
            outcomes = sync_all_once(
                owner="bench:1",
                threads=settings.sync_threads,
                interval=dt.timedelta(seconds=settings.sync_interval_seconds),
                open_session=open_session,
                sync_one=cluster_syncer(
                    keyring=keyring, settings=settings, open_session=open_session
                ),
            )
            passes.append((time.perf_counter() - started, outcomes))
        engine.dispose()

    def described(seconds: float, outcomes: list) -> str:
        ok = sum(outcome.ok for outcome in outcomes)
        return f"{seconds:.1f} s ({ok} ok, {len(outcomes) - ok} failed)"

    return (
        f"fleet {clusters} clusters x {pods} pods ({broken} failing or slow, {settings.sync_threads} at a time): "
        f"first pass {described(*passes[0])}; next pass {described(*passes[1])}; target < 30 s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fleet-clusters", type=int, default=100)
    parser.add_argument("--fleet-pods", type=int, default=500)
    arguments = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    fleet_line = fleet(
        arguments.fleet_clusters, arguments.fleet_pods, broken=arguments.fleet_clusters // 10
    )
    print(fleet_line)
    print(single_cluster(arguments.repeat))


if __name__ == "__main__":
    main()
