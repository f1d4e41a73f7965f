"""Drill-down benchmark (performance.md, "Pages"): `python -m benchmarks.explore_bench`.

One org with 50 clusters, 5,000 namespaces, 1,000 nodes, 15,000 workloads, 100,000 pods
(one or two containers each), 5,000 PVCs and Helm releases and this month's cost rows, beside
a second org with a tenth of that, on SQLite and on PostgreSQL. Each figure is the median of
several calls of the service as a page or the API makes it, printed beside the floor: 50 pods
read by primary key in the same run.

PostgreSQL work happens in a database of its own, created and dropped on the server that
KUBE_CONSOLE_BENCH_DB_URL names (default postgresql+psycopg://postgres@127.0.0.1:5432/test).
The last line printed is the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from kube_console.db import make_engine, make_unpooled_engine
from kube_console.migrations import upgrade_to_head
from kube_console.models import (
    Cluster,
    CostMonthly,
    HelmRelease,
    Namespace,
    Node,
    Organization,
    PersistentVolumeClaim,
    Pod,
    Workload,
)
from kube_console.services.explore import list_namespaces, list_pods
from kube_console.services.paging import PageRequest
from kube_console.services.search import search

ADMIN_URL = os.environ.get(
    "KUBE_CONSOLE_BENCH_DB_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
GIB = 2**30
NOW = dt.datetime.now(dt.UTC)
MONTH = NOW.date().replace(day=1)


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _insert(engine: Engine, model, rows: list[dict]) -> None:
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(model), rows[start : start + 5000])


def _container(rng: random.Random, name: str) -> tuple[dict, list]:
    """A container as a sync stores it, and its measured [cores, bytes]."""
    cpu, memory = (
        rng.choice([0.05, 0.1, 0.25, 0.5, 1.0]),
        rng.choice([64, 128, 256, 512, 1024]) * 2**20,
    )
    spec = {
        "name": name,
        "image": f"registry.example.com/team/{name}:1.{rng.randrange(40)}",
        "cpu_request_cores": cpu,
        "memory_request_bytes": memory,
        "cpu_limit_cores": cpu * 2,
        "memory_limit_bytes": memory * 2,
        "restarts": rng.choice([0, 0, 0, 1, 3]),
        "ready": True,
        "state": "running",
    }
    return spec, [round(cpu * rng.random(), 4), int(memory * rng.random())]


def _load_org(engine: Engine, *, name: str, clusters: int, rng: random.Random) -> int:
    """An org of `clusters` clusters × 100 namespaces × (3 workloads, 20 pods, a PVC, a release)."""
    with Session(engine) as session:
        org = Organization(name=name)
        session.add(org)
        session.flush()
        cluster_rows = [
            Cluster(org_id=org.id, name=f"{name}-c{index:02d}", status="healthy")
            for index in range(clusters)
        ]
        session.add_all(cluster_rows)
        session.flush()
        cluster_ids, org_id = [cluster.id for cluster in cluster_rows], org.id
        session.commit()
    namespaces = [
        {
            "cluster_id": cluster_id,
            "uid": f"{cluster_id}-ns-{index}",
            "name": f"team{index % 40}-app{index}",
            "team": f"team{index % 40}",
            "cost_center": f"cc-{index % 12}",
            "labels": {"team": f"team{index % 40}", "cost-center": f"cc-{index % 12}"},
            "created_at": NOW - dt.timedelta(days=index),
        }
        for cluster_id in cluster_ids
        for index in range(100)
    ]
    _insert(engine, Namespace, namespaces)
    nodes = [
        {
            "cluster_id": cluster_id,
            "uid": f"{cluster_id}-node-{index}",
            "name": f"ip-10-0-{index}-{cluster_id}.ec2.internal",
            "ready": True,
            "allocatable_cpu_cores": 7.8,
            "allocatable_memory_bytes": 30 * GIB,
            "capacity_cpu_cores": 8.0,
            "capacity_memory_bytes": 32 * GIB,
            "cpu_usage_cores": rng.random() * 6,
            "memory_usage_bytes": int(rng.random() * 24 * GIB),
            "instance_type": "m5.2xlarge",
            "zone": f"eu-west-1{'abc'[index % 3]}",
        }
        for cluster_id in cluster_ids
        for index in range(20)
    ]
    _insert(engine, Node, nodes)
    with Session(engine) as session:
        namespace_ids = session.execute(
            select(Namespace.id, Namespace.cluster_id, Namespace.name).where(
                Namespace.cluster_id.in_(cluster_ids)
            )
        ).all()
    workloads, pods, pvcs, releases, costs = [], [], [], [], []
    for namespace_id, cluster_id, namespace in namespace_ids:
        for app in ("api", "worker", "web"):
            workloads.append(
                {
                    "cluster_id": cluster_id,
                    "uid": f"{namespace_id}-{app}",
                    "name": f"{namespace}-{app}",
                    "namespace_id": namespace_id,
                    "namespace": namespace,
                    "kind": "Deployment",
                    "replicas_desired": 6,
                    "replicas_ready": 6,
                    "replicas_available": 6,
                    "replicas_updated": 6,
                }
            )
        for index in range(20):
            app = ("api", "worker", "web")[index % 3]
            parts = [_container(rng, app)] + ([_container(rng, "envoy")] if index % 2 else [])
            containers = [spec for spec, _ in parts]
            usage = {spec["name"]: used for spec, used in parts}
            pods.append(
                {
                    "cluster_id": cluster_id,
                    "uid": f"{namespace_id}-pod-{index}",
                    "name": f"{namespace}-{app}-{rng.getrandbits(32):08x}-{index:05x}",
                    "namespace_id": namespace_id,
                    "namespace": namespace,
                    "phase": "Running" if index % 25 else "Pending",
                    "node_name": f"ip-10-0-{index}-{cluster_id}.ec2.internal",
                    "owner_kind": "Deployment",
                    "owner_name": f"{namespace}-{app}",
                    "containers": containers,
                    "cpu_request_cores": sum(c["cpu_request_cores"] for c in containers),
                    "memory_request_bytes": sum(c["memory_request_bytes"] for c in containers),
                    "cpu_usage_cores": sum(cpu for cpu, _ in usage.values()),
                    "memory_usage_bytes": sum(memory for _, memory in usage.values()),
                    "container_usage": usage,
                    "restarts": sum(c["restarts"] for c in containers),
                    "labels": {"app": app, "pod-template-hash": "7d9f8b"},
                    "created_at": NOW - dt.timedelta(minutes=rng.randrange(100_000)),
                }
            )
        pvcs.append(
            {
                "cluster_id": cluster_id,
                "uid": f"{namespace_id}-pvc",
                "name": f"data-{namespace}-0",
                "namespace_id": namespace_id,
                "namespace": namespace,
                "phase": "Bound",
                "capacity_bytes": 20 * GIB,
            }
        )
        releases.append(
            {
                "cluster_id": cluster_id,
                "uid": f"{namespace}/{namespace}",
                "name": namespace,
                "namespace_id": namespace_id,
                "namespace": namespace,
                "chart": "app",
                "chart_version": "1.4.2",
                "status": "deployed",
            }
        )
        costs.append(
            {
                "org_id": org_id,
                "cluster_id": cluster_id,
                "namespace_id": namespace_id,
                "namespace": namespace,
                "month": MONTH,
                "cpu_cost": rng.random() * 100,
                "total_cost": rng.random() * 150,
            }
        )
    for model, rows in (
        (Workload, workloads),
        (Pod, pods),
        (PersistentVolumeClaim, pvcs),
        (HelmRelease, releases),
        (CostMonthly, costs),
    ):
        _insert(engine, model, rows)
    return org_id


def _measure(engine: Engine, *, repeat: int) -> dict[str, float]:
    rng = random.Random(11)
    org_id = _load_org(engine, name="acme", clusters=50, rng=rng)
    _load_org(engine, name="rival", clusters=5, rng=rng)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    with Session(engine) as session:
        cluster_id = session.execute(
            select(Cluster.id).where(Cluster.org_id == org_id).limit(1)
        ).scalar_one()
        namespace_id = session.execute(
            select(Namespace.id).where(Namespace.cluster_id == cluster_id).limit(1)
        ).scalar_one()
        some_ids = session.execute(select(Pod.id).order_by(Pod.id).limit(50)).scalars().all()
        second_page = list_pods(
            session=session, org_id=org_id, request=PageRequest(limit=50)
        ).next_cursor

        def timed(work: Callable[[], object]) -> float:
            return _median_ms(work, repeat)

        def pods(**arguments) -> Callable[[], object]:
            request = PageRequest(**arguments.pop("request", {}))
            return lambda: list_pods(session=session, org_id=org_id, request=request, **arguments)

        def namespaces(**arguments) -> Callable[[], object]:
            request = PageRequest(**arguments.pop("request", {}))
            return lambda: list_namespaces(
                session=session, org_id=org_id, request=request, now=NOW, **arguments
            )

        return {
            "floor: 50 pods by primary key": timed(
                lambda: session.execute(select(Pod).where(Pod.id.in_(some_ids))).all()
            ),
            "list_pods org-wide, by name, page 1 (+count)": timed(pods()),
            "list_pods org-wide, by name, page 100 (offset)": timed(pods(request={"page": 100})),
            "list_pods org-wide, by name, cursor page 2": timed(
                pods(request={"cursor": second_page})
            ),
            "list_pods org-wide, by cpu usage desc": timed(
                pods(request={"sort": "cpu_usage", "descending": True})
            ),
            "list_pods org-wide, phase=Pending": timed(pods(phase="Pending")),
            "list_pods org-wide, text 'app17-web'": timed(pods(search="app17-web")),
            "list_pods one namespace": timed(pods(namespace_id=namespace_id)),
            "list_pods one cluster, by age": timed(
                pods(cluster_id=cluster_id, request={"sort": "age"})
            ),
            "list_namespaces org-wide, by name": timed(namespaces()),
            "list_namespaces org-wide, by cost desc": timed(
                namespaces(request={"sort": "cost", "descending": True})
            ),
            "list_namespaces org-wide, by pods running": timed(
                namespaces(request={"sort": "pods_running"})
            ),
            "list_namespaces one cluster, by cpu request": timed(
                namespaces(cluster_id=cluster_id, request={"sort": "cpu_request"})
            ),
            "search 'team1' (many hits)": timed(
                lambda: search(session=session, org_id=org_id, query="team1")
            ),
            "search 'team17-app57-api' (pod prefix)": timed(
                lambda: search(session=session, org_id=org_id, query="team17-app57-api")
            ),
            "search 'zzz' (no hit)": timed(
                lambda: search(session=session, org_id=org_id, query="zzz")
            ),
        }


def _report(backend: str, figures: dict[str, float]) -> None:
    floor = figures["floor: 50 pods by primary key"]
    print(f"\n{backend}")
    for name, ms in figures.items():
        print(f"  {name:<48} {ms:8.1f} ms  ({ms / floor:5.1f}x floor)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    arguments = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade_to_head(url)
        engine = make_engine(url)
        results["sqlite"] = _measure(engine, repeat=arguments.repeat)
        engine.dispose()
    admin = make_unpooled_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"kc_explore_bench_{os.getpid()}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
        upgrade_to_head(url)
        engine = make_engine(url)
        results["postgresql"] = _measure(engine, repeat=arguments.repeat)
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    for backend, figures in results.items():
        _report(backend, figures)
    slowest = {
        backend: max(figures.items(), key=lambda item: item[1])
        for backend, figures in results.items()
    }
    print(
        "explore 100k pods: "
        + "; ".join(
            f"{backend} slowest {name} {ms:.0f} ms" for backend, (name, ms) in slowest.items()
        )
    )


if __name__ == "__main__":
    main()
