"""Cost benchmark (performance.md, "Cost"): `python -m benchmarks.cost_bench`.

1. The hourly job: one EKS cluster with 1,000 namespaces holding 20,000 pods (their figures
   summed per namespace, and per namespace and node, as a sync stores them) on 50 nodes priced
   from the catalogue (m5.8xlarge, every fifth one spot, a few g5.8xlarge with a GPU pod each),
   sampled 120 times an hour; each sample settles the one before it into hours (namespace
   figures × seconds and allocation-seconds per node), as the sync writing it does (the time
   that takes per sync is printed). Printed with the
   sample storage per cluster-hour, table by table, as written and once settled. Measured on
   SQLite and on PostgreSQL, in the same run, against
   - floor: one bare GROUP BY over an hour of those samples (no weighting, nothing written);
   - naive: the hour's sample rows fetched into Python and summed there.
2. The dashboard on PostgreSQL: 13 months of hourly rows for 500 namespaces (with their daily
   and monthly rollups, written with INSERT ... SELECT generate_series), then
   - the 30-day daily cost by cost-center (the whole report the page asks for) and
   - the 13-month monthly cost by team,
   each beside the same question asked naively of the hourly table; and the 30-day daily cost
   by namespace with idle shared (the shares stored per cluster-hour, summed by the rollups).

PostgreSQL work happens in a database of its own, created and dropped on the server that
KUBE_CONSOLE_BENCH_DB_URL names (default postgresql+psycopg://postgres@127.0.0.1:5432/test,
used as the admin connection). Loading the dashboard's history takes minutes: with
`--history-database NAME` it is loaded into that database once and kept, and
`--dashboard-only --history-database NAME` measures the dashboard alone on it. The last line
printed is the summary.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.schema import AddConstraint, DropConstraint
from sqlmodel import Session

from kube_console.costs.allocation_hours import settle_previous_sample
from kube_console.costs.engine import run_cost_pass
from kube_console.costs.figures import SUMMED_FIGURES
from kube_console.costs.math import (
    DAY,
    GIB,
    HOUR,
    add_months,
    floor_day,
    floor_hour,
    floor_month,
)
from kube_console.costs.queries import cost_report
from kube_console.costs.records import CostQuery
from kube_console.db import make_engine, make_unpooled_engine, session_scope
from kube_console.migrations import upgrade_to_head
from kube_console.models import (
    Cluster,
    CostHourly,
    Namespace,
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    Node,
    NodeLabelSet,
    NodeUsageSample,
    Organization,
    UsageSnapshot,
)
from kube_console.services.inventory import label_set_ids
from kube_console.settings import Settings

ADMIN_URL = os.environ.get(
    "KUBE_CONSOLE_BENCH_DB_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
JOB_TARGET_S, DAILY_TARGET_MS, MONTHLY_TARGET_MS = 1.0, 100.0, 200.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class PostgresDatabase:
    """A database of the benchmark's own on the admin URL's server, dropped on exit; or, with
    `kept`, the database of that name, created if missing and kept for the next run."""

    def __init__(self, admin_url: str, kept: str = ""):
        self.admin = make_unpooled_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
        self.name, self.kept = kept or f"kc_cost_bench_{os.getpid()}", bool(kept)
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        with self.admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": self.name}
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        upgrade_to_head(self.url)
        return self.url

    def __exit__(self, *_exc) -> None:
        if not self.kept:
            with self.admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


# ---- 1. the hourly job ---------------------------------------------------------------------


def _insert_rows(engine: Engine, model, rows: list[dict]) -> None:
    """COPY on PostgreSQL (several times faster than INSERT for 100,000s of rows), executemany on SQLite."""
    if not rows:
        return
    columns = list(rows[0])
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            connection.execute(insert(model), rows)
        return
    raw = engine.raw_connection()
    try:
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([row[column] for column in columns])
        raw.commit()
    finally:
        raw.close()


def _sample_fleet(
    engine: Engine, *, namespaces: int, pods: int, nodes: int, per_hour: int, hours: int
) -> tuple[int, dt.datetime]:
    """One cluster sampled `per_hour` times an hour for `hours` closed hours; (cluster id, first hour)."""
    first_hour = floor_hour(dt.datetime.now(dt.UTC)) - hours * HOUR
    rng = random.Random(7)
    with Session(engine) as session:
        org = Organization(name=f"job-bench-{time.time_ns()}")
        session.add(org)
        session.flush()
        cluster = Cluster(org_id=org.id, name="job-bench", provider="eks")
        session.add(cluster)
        session.flush()
        namespace_rows = [
            Namespace(cluster_id=cluster.id, uid=f"ns-{n}", name=f"ns-{n}")
            for n in range(namespaces)
        ]
        node_rows = [
            Node(cluster_id=cluster.id, uid=f"node-{n}", name=f"node-{n}") for n in range(nodes)
        ]
        session.add_all(namespace_rows + node_rows)
        session.flush()
        node_labels = [_node_labels(index) for index in range(nodes)]
        label_sets = label_set_ids(session, node_labels)
        session.commit()
        cluster_id = cluster.id
        namespace_ids = [row.id for row in namespace_rows]
        node_ids = [row.id for row in node_rows]
    pods_per_namespace = pods // namespaces
    # Each pod stays on one node; a namespace's allocation splits over its pods' nodes.
    placement = [
        collections.Counter(rng.randrange(nodes) for _ in range(pods_per_namespace))
        for _ in range(namespaces)
    ]
    base = [
        (
            rng.uniform(0.05, 0.5) * pods_per_namespace,
            rng.uniform(64, 512) * 2**20 * pods_per_namespace,
        )
        for _ in range(namespaces)
    ]
    interval = dt.timedelta(seconds=3600 / per_hour)
    times = [first_hour + index * interval for index in range(per_hour * hours)]
    snapshots = [
        {"cluster_id": cluster_id, "sampled_at": moment, "metrics_available": True}
        for moment in times
    ]
    _insert_rows(engine, UsageSnapshot, snapshots)
    with engine.connect() as connection:
        snapshot_ids = dict(
            connection.execute(
                select(UsageSnapshot.sampled_at, UsageSnapshot.id).where(
                    UsageSnapshot.cluster_id == cluster_id
                )
            ).all()
        )
    for hour in range(hours):  # an hour of rows at a time keeps the benchmark's own memory small
        namespace_samples, node_samples, placements = [], [], []
        for moment in times[hour * per_hour : (hour + 1) * per_hour]:
            snapshot_id = snapshot_ids[moment]
            for index, (cpu, memory) in enumerate(base):
                cpu_used, memory_used = (
                    cpu * rng.uniform(0.3, 1.4),
                    int(memory * rng.uniform(0.3, 1.4)),
                )
                gpu = 1.0 if index < GPU_NODES else 0.0  # one GPU pod each on the GPU nodes
                namespace_samples.append(
                    {
                        "gpu_alloc": gpu,
                        "snapshot_id": snapshot_id,
                        "cluster_id": cluster_id,
                        "namespace_id": namespace_ids[index],
                        "namespace": f"ns-{index}",
                        "sampled_at": moment,
                        "team": f"team-{index % 40}",
                        "cost_center": f"cc-{index % 12}",
                        "pods_running": pods_per_namespace,
                        "cpu_request_cores": cpu,
                        "cpu_usage_cores": cpu_used,
                        "cpu_alloc_cores": max(cpu, cpu_used),
                        "memory_request_bytes": int(memory),
                        "memory_usage_bytes": memory_used,
                        "memory_alloc_bytes": max(int(memory), memory_used),
                        "storage_bytes": 10 * GIB,
                        "network_bytes": None,
                    }
                )
                cpu_alloc, memory_alloc = max(cpu, cpu_used), max(int(memory), memory_used)
                placed = placement[index] if index >= GPU_NODES else {index: pods_per_namespace}
                placements += [
                    {
                        "snapshot_id": snapshot_id,
                        "namespace_id": namespace_ids[index],
                        "node_id": node_ids[node],
                        "cpu_alloc_cores": cpu_alloc * count / pods_per_namespace,
                        "memory_alloc_bytes": memory_alloc * count // pods_per_namespace,
                        "gpu_alloc": gpu,
                    }
                    for node, count in sorted(placed.items())
                ]
            node_samples += [
                {
                    "snapshot_id": snapshot_id,
                    "cluster_id": cluster_id,
                    "node_id": node_ids[index],
                    "node": f"node-{index}",
                    "sampled_at": moment,
                    "capacity_cpu_cores": 32.0,
                    "capacity_memory_bytes": 128 * GIB,
                    "capacity_gpus": 1.0 if index < GPU_NODES else 0.0,
                    "label_set_id": label_sets[index],
                    "allocatable_cpu_cores": 31.0,
                    "allocatable_memory_bytes": 120 * GIB,
                    "cpu_usage_cores": None,
                    "memory_usage_bytes": None,
                }
                for index in range(nodes)
            ]
        _insert_rows(engine, NamespaceUsageSample, namespace_samples)
        _insert_rows(engine, NodeUsageSample, node_samples)
        _insert_rows(engine, NamespaceNodeSample, placements)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return cluster_id, first_hour


def _settle_as_syncs_do(engine: Engine, cluster_id: int, interval_seconds: int) -> float:
    """Each sample settles the one before it, as the sync writing it does (costs/
    allocation_hours.py), one transaction each; the median seconds one sync spends on it."""
    with engine.connect() as connection:
        times = connection.execute(
            select(UsageSnapshot.sampled_at)
            .where(UsageSnapshot.cluster_id == cluster_id)
            .order_by(UsageSnapshot.sampled_at)
        ).scalars()
        times = list(times)
    spent = []
    for sampled_at in times[1:]:
        started = time.perf_counter()
        with session_scope(engine) as session:
            settle_previous_sample(
                session,
                cluster_id=cluster_id,
                sampled_at=sampled_at,
                interval_seconds=interval_seconds,
            )
        spent.append(time.perf_counter() - started)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # What the settled tables hold once their deleted rows' space is given back.
        connection.execute(text("VACUUM FULL" if engine.dialect.name == "postgresql" else "VACUUM"))
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    return statistics.median(spent)


GPU_NODES = 4  # node-0..3 are g5.8xlarge, each running namespace ns-<i>'s GPU pod


def _node_labels(index: int) -> dict[str, str]:
    """What an EKS node carries (about 20 labels); the ones pricing reads among them."""
    name = f"ip-10-0-{index // 250}-{index % 250}.ec2.internal"
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        "eks.amazonaws.com/nodegroup": "general",
        "eks.amazonaws.com/nodegroup-image": "ami-0123456789abcdef0",
        "eks.amazonaws.com/sourceLaunchTemplateId": "lt-0123456789abcdef0",
        "eks.amazonaws.com/sourceLaunchTemplateVersion": "3",
        "k8s.io/cloud-provider-aws": "0123456789abcdef0123456789abcdef",
        "topology.k8s.aws/zone-id": f"use1-az{index % 3 + 1}",
        "topology.kubernetes.io/region": "us-east-1",
        "topology.kubernetes.io/zone": f"us-east-1{'abc'[index % 3]}",
        "failure-domain.beta.kubernetes.io/region": "us-east-1",
        "failure-domain.beta.kubernetes.io/zone": f"us-east-1{'abc'[index % 3]}",
        "node.kubernetes.io/instance-type": "g5.8xlarge" if index < GPU_NODES else "m5.8xlarge",
        "beta.kubernetes.io/instance-type": "g5.8xlarge" if index < GPU_NODES else "m5.8xlarge",
        "eks.amazonaws.com/capacityType": "SPOT" if index % 5 == 4 else "ON_DEMAND",
    }
    if index < GPU_NODES:
        labels["nvidia.com/gpu.product"] = "NVIDIA-A10G"
    return labels


SAMPLE_TABLES = (
    NamespaceUsageSample,
    NodeUsageSample,
    NodeLabelSet,
    NamespaceNodeSample,
    NamespaceNodeHour,
    NamespaceHour,
)


def sample_storage(engine: Engine, hours: int) -> dict[str, tuple[float, float]]:
    """Rows and bytes (PostgreSQL: tables with their indexes) per cluster-hour, per sample table."""
    sizes = {}
    with engine.connect() as connection:
        for model in SAMPLE_TABLES:
            table = model.__tablename__
            rows = connection.execute(select(func.count()).select_from(model)).scalar_one()
            size = 0.0
            if engine.dialect.name == "postgresql":
                size = connection.execute(
                    text("SELECT pg_total_relation_size(CAST(:table AS regclass))"),
                    {"table": table},
                ).scalar_one()
            sizes[table] = (rows / hours, size / hours)
    return sizes


def _print_storage(
    stored: dict[str, tuple[float, float]], settled: dict[str, tuple[float, float]]
) -> tuple[float, float, float, float]:
    """Prints the tables as the samples are written (every sample's per-(namespace, node) rows)
    and once the syncs have settled them into hours; (rows, bytes) of each."""
    totals = []
    for when, sizes in (("per sample", stored), ("settled", settled)):
        for table, (rows, size) in sizes.items():
            print(f"    {when}: {table}: {rows:,.0f} rows, {size / 2**20:.1f} MiB per cluster-hour")
        totals += [sum(r for r, _ in sizes.values()), sum(b for _, b in sizes.values())]
    print(
        f"    samples per cluster-hour: per-sample node rows kept {totals[0]:,.0f} rows, "
        f"{totals[1] / 2**20:.1f} MiB; settled into hours {totals[2]:,.0f} rows, "
        f"{totals[3] / 2**20:.1f} MiB"
    )
    return totals[0], totals[1], totals[2], totals[3]


def _hour_rows(engine: Engine, cluster_id: int, hour_start: dt.datetime) -> dict[tuple, tuple]:
    """The cluster's cost rows of one hour: (namespace id, team, cost-center) -> its figures."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                CostHourly.namespace_id,
                CostHourly.team,
                CostHourly.cost_center,
                *(getattr(CostHourly, name) for name in SUMMED_FIGURES),
            ).where(CostHourly.cluster_id == cluster_id, CostHourly.hour_start == hour_start)
        ).all()
    return {tuple(row[:3]): tuple(row[3:]) for row in rows}


def _largest_difference(settled: dict[tuple, tuple], weighed: dict[tuple, tuple]) -> float:
    """The largest difference between two sets of cost rows of the same keys, relative to the
    figure (absolute for figures below 1: a share of idle near zero has no useful ratio)."""
    assert settled.keys() == weighed.keys(), "settling changed which cost rows an hour has"
    return max(
        (
            abs(mine - theirs) / max(abs(theirs), 1.0)
            for key, figures in weighed.items()
            for mine, theirs in zip(settled[key], figures, strict=True)
            if mine != theirs
        ),
        default=0.0,
    )


def hourly_job(
    engine: Engine,
    label: str,
    *,
    namespaces: int,
    pods: int,
    nodes: int,
    per_hour: int,
    hours: int,
    repeat: int,
) -> dict:
    cluster_id, first_hour = _sample_fleet(
        engine, namespaces=namespaces, pods=pods, nodes=nodes, per_hour=per_hour, hours=hours
    )
    settings = Settings(sync_interval_seconds=round(3600 / per_hour), sample_retention_days=14)
    open_session = functools.partial(session_scope, engine)
    now = first_hour + hours * HOUR + dt.timedelta(minutes=5)
    middle = first_hour + HOUR

    def one_hour() -> None:
        run_cost_pass(
            open_session=open_session,
            settings=settings,
            now=now,
            cluster_ids=[cluster_id],
            start=middle,
            end=middle + HOUR,
        )

    # The baseline: the same hour computed from every sample's rows, before any is settled.
    stored = sample_storage(engine, hours)
    unsettled_s = _median_seconds(one_hour, repeat)
    weighed = _hour_rows(engine, cluster_id, middle)
    settle_s = _settle_as_syncs_do(engine, cluster_id, settings.sync_interval_seconds)
    settled = sample_storage(engine, hours)
    started = time.perf_counter()
    [outcome] = run_cost_pass(
        open_session=open_session, settings=settings, now=now, cluster_ids=[cluster_id]
    )
    per_hour_s = (time.perf_counter() - started) / outcome.hours_computed
    assert outcome.ok and outcome.hours_computed == hours, outcome
    difference = _largest_difference(_hour_rows(engine, cluster_id, middle), weighed)
    sample = NamespaceUsageSample
    labels = (sample.namespace, sample.team, sample.cost_center)
    figures = (
        sample.cpu_request_cores,
        sample.cpu_usage_cores,
        sample.cpu_alloc_cores,
        sample.memory_request_bytes,
        sample.memory_usage_bytes,
        sample.memory_alloc_bytes,
        sample.storage_bytes,
    )
    in_hour = (
        sample.cluster_id == cluster_id,
        sample.sampled_at >= middle,
        sample.sampled_at < middle + HOUR,
    )
    weight = 1 / per_hour  # each sample's share of the hour

    def floor() -> None:
        with engine.connect() as connection:
            connection.execute(
                select(*labels, *(func.sum(figure) for figure in figures))
                .where(*in_hour)
                .group_by(*labels)
            ).all()

    def naive() -> None:
        totals: dict[tuple, list[float]] = {}
        with engine.connect() as connection:
            for namespace, team, cost_center, *values in connection.execute(
                select(*labels, *figures).where(*in_hour)
            ):
                sums_of = totals.setdefault((namespace, team, cost_center), [0.0] * len(figures))
                for index, value in enumerate(values):
                    sums_of[index] += value * weight

    steady_s = _median_seconds(one_hour, repeat)
    floor_s, naive_s = _median_seconds(floor, repeat), _median_seconds(naive, repeat)
    print(
        f"  {label}: {outcome.hours_computed} hours in a row {per_hour_s:.3f} s/hour; one hour again {steady_s:.3f} s "
        f"({outcome.rows_written // hours} rows/hour); floor (bare GROUP BY) {floor_s:.3f} s, "
        f"ratio {steady_s / floor_s:.1f}; naive (rows into Python) {naive_s:.3f} s ({naive_s / steady_s:.1f}x)"
    )
    print(
        f"    the same hour from every sample's rows (nothing settled) {unsettled_s:.3f} s: "
        f"settled {unsettled_s / steady_s:.1f}x faster; largest difference of a figure "
        f"{difference:.1e} (relative; absolute below 1)"
    )
    print(f"    settling the previous sample, per sync: {settle_s * 1000:.1f} ms (median)")
    storage = _print_storage(stored, settled)
    return {
        "per_hour": per_hour_s,
        "steady": steady_s,
        "floor": floor_s,
        "naive": naive_s,
        "storage": storage,
        "settle": settle_s,
        "unsettled": unsettled_s,
        "difference": difference,
    }


# ---- 2. the dashboard over 13 months ------------------------------------------------------------

_FIGURES = (
    "hours, covered_hours, cpu_request_core_hours, cpu_usage_core_hours, cpu_core_hours, memory_request_gib_hours, "
    "memory_usage_gib_hours, memory_gib_hours, storage_gib_hours, network_gb, cpu_cost, memory_cost, storage_cost, "
    "network_cost, total_cost, negative_idle_hours, cpu_metered_request_core_hours, memory_metered_request_gib_hours, "
    "idle_cpu_share, idle_memory_share, idle_cpu_share_core_hours, idle_memory_share_gib_hours"
)
_SUMS = ", ".join(f"SUM({name.strip()})" for name in _FIGURES.split(","))
_HOURLY_COLUMNS = f"org_id, cluster_id, namespace_id, namespace, team, cost_center, {_FIGURES}, currency, network_source, hour_start"
# Each cluster's idle an hour: 30 cores and 120 GiB, shared by the hour's namespaces in
# proportion to their CPU and memory cost, as the cost job stores it.
_IDLE_CORES, _IDLE_GIB = 30, 120

_NAMESPACE_HOURS = f"""
INSERT INTO cost_hourly ({_HOURLY_COLUMNS})
SELECT org_id, cluster_id, namespace_id, namespace, team, cost_center, 1, 1,
       request, usage, alloc, request * 4, usage * 4, alloc * 4, 20, 0, cpu_cost, memory_cost, 20 * 0.0001, 0,
       cpu_cost + memory_cost + 20 * 0.0001, 0, request, request * 4,
       cpu_cost * {_IDLE_CORES} * 0.04 / SUM(cpu_cost) OVER cluster_hour,
       memory_cost * {_IDLE_GIB} * 0.005 / SUM(memory_cost) OVER cluster_hour,
       cpu_cost * {_IDLE_CORES} / SUM(cpu_cost) OVER cluster_hour,
       memory_cost * {_IDLE_GIB} / SUM(memory_cost) OVER cluster_hour,
       'USD', 'none', h
FROM (
  SELECT :org AS org_id, ns.cluster_id, ns.id AS namespace_id, ns.name AS namespace, 'team-' || n % 25 AS team,
         'cc-' || n % 10 AS cost_center, h, f.request, f.usage, greatest(f.request, f.usage) AS alloc,
         greatest(f.request, f.usage) * 0.04 AS cpu_cost, greatest(f.request, f.usage) * 4 * 0.005 AS memory_cost
  FROM generate_series(0, :namespaces - 1) AS n
  JOIN namespaces AS ns ON ns.cluster_id = :first_cluster + n % :clusters AND ns.name = 'ns-' || n,
       generate_series(CAST(:start AS timestamptz), CAST(:end AS timestamptz) - interval '1 hour', interval '1 hour') AS h,
       LATERAL (SELECT 0.25 + (n % 8) * 0.25 AS request,
                       (0.25 + (n % 8) * 0.25) * (0.6 + 0.5 * sin(n + extract(epoch FROM h) / 3600.0)) AS usage) AS f
) AS figures
WINDOW cluster_hour AS (PARTITION BY cluster_id, h)
ORDER BY h, namespace_id  -- stored hour by hour, as the cost job writes them
"""

_IDLE_HOURS = f"""
INSERT INTO cost_hourly ({_HOURLY_COLUMNS})
SELECT :org, c, NULL, '__idle__', 'unallocated', 'unallocated', 1, 1, 0, 0, {_IDLE_CORES}, 0, 0, {_IDLE_GIB},
       0, 0, {_IDLE_CORES} * 0.04, {_IDLE_GIB} * 0.005, 0, 0, {_IDLE_CORES} * 0.04 + {_IDLE_GIB} * 0.005, 0, 0, 0,
       -{_IDLE_CORES} * 0.04, -{_IDLE_GIB} * 0.005, -{_IDLE_CORES}, -{_IDLE_GIB}, 'USD', 'none', h
FROM generate_series(:first_cluster, :first_cluster + :clusters - 1) AS c,
     generate_series(CAST(:start AS timestamptz), CAST(:end AS timestamptz) - interval '1 hour', interval '1 hour') AS h
"""

_DAILY = f"""
INSERT INTO cost_daily (org_id, cluster_id, namespace_id, namespace, team, cost_center, {_FIGURES}, currency, network_source, day)
SELECT org_id, cluster_id, namespace_id, namespace, team, cost_center, {_SUMS}, MAX(currency), MAX(network_source),
       CAST(hour_start AT TIME ZONE 'UTC' AS date)
FROM cost_hourly WHERE org_id = :org
GROUP BY org_id, cluster_id, namespace_id, namespace, team, cost_center, CAST(hour_start AT TIME ZONE 'UTC' AS date)
ORDER BY CAST(hour_start AT TIME ZONE 'UTC' AS date)
"""

_MONTHLY = f"""
INSERT INTO cost_monthly (org_id, cluster_id, namespace_id, namespace, team, cost_center, {_FIGURES}, currency, network_source, month)
SELECT org_id, cluster_id, namespace_id, namespace, team, cost_center, {_SUMS}, MAX(currency), MAX(network_source),
       CAST(date_trunc('month', day) AS date)
FROM cost_daily WHERE org_id = :org
GROUP BY org_id, cluster_id, namespace_id, namespace, team, cost_center, CAST(date_trunc('month', day) AS date)
ORDER BY CAST(date_trunc('month', day) AS date)
"""


def _load_history(
    engine: Engine, *, namespaces: int, clusters: int, months: int, now: dt.datetime
) -> tuple[int, int]:
    """(org id, hourly rows) for `months` whole months plus this month so far, indexes built after the load."""
    with Session(engine) as session:
        org = Organization(name="history")
        session.add(org)
        session.flush()
        rows = [Cluster(org_id=org.id, name=f"history-{index}") for index in range(clusters)]
        session.add_all(rows)
        session.flush()
        session.add_all(  # namespace n lives in cluster n % clusters
            Namespace(cluster_id=rows[n % clusters].id, uid=f"ns-{n}", name=f"ns-{n}")
            for n in range(namespaces)
        )
        session.commit()
        org_id, first_cluster = org.id, rows[0].id
    start = add_months(floor_month(now), -(months - 1))
    end = floor_hour(now)
    table = CostHourly.__table__
    unique = next(
        constraint for constraint in table.constraints if constraint.name == "uq_cost_hourly_row"
    )
    parameters = {
        "org": org_id,
        "first_cluster": first_cluster,
        "clusters": clusters,
        "namespaces": namespaces,
        "start": start,
        "end": end,
    }
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        for index in table.indexes:
            index.drop(connection)
        connection.execute(DropConstraint(unique))
        connection.execute(text(_NAMESPACE_HOURS), parameters)
        connection.execute(text(_IDLE_HOURS), parameters)
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        connection.execute(AddConstraint(unique))
        for index in table.indexes:
            index.create(connection)
        connection.execute(text(_DAILY), {"org": org_id})
        connection.execute(text(_MONTHLY), {"org": org_id})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        hourly_rows = connection.execute(text("SELECT count(*) FROM cost_hourly")).scalar()
    return org_id, hourly_rows


_NAIVE_DAILY_BY_COST_CENTER = text(
    "SELECT cost_center, CAST(hour_start AT TIME ZONE 'UTC' AS date) AS day, SUM(total_cost) FROM cost_hourly "
    "WHERE org_id = :org AND hour_start >= :start AND hour_start < :end GROUP BY 1, 2"
)
_NAIVE_MONTHLY_BY_TEAM = text(
    "SELECT team, date_trunc('month', hour_start AT TIME ZONE 'UTC') AS month, SUM(total_cost) FROM cost_hourly "
    "WHERE org_id = :org AND hour_start >= :start AND hour_start < :end GROUP BY 1, 2"
)


def _loaded_history(engine: Engine) -> tuple[int, int, dt.datetime] | None:
    """(org id, hourly rows, the moment they were loaded for) of a kept database's history."""
    with Session(engine) as session:
        org_id = session.execute(
            select(Organization.id).where(Organization.name == "history")
        ).scalar()
        if org_id is None:
            return None
        last_hour, hourly_rows = session.execute(
            select(func.max(CostHourly.hour_start), func.count()).where(CostHourly.org_id == org_id)
        ).one()
    return org_id, hourly_rows, last_hour + HOUR / 2


def dashboard(engine: Engine, *, namespaces: int, months: int, repeat: int) -> dict:
    loaded = _loaded_history(engine)
    if loaded:
        org_id, hourly_rows, now = loaded
        print(f"  kept history: {hourly_rows:,} hourly rows, as of {now:%Y-%m-%d %H:%M} UTC")
    else:
        now = dt.datetime.now(dt.UTC)
        started = time.perf_counter()
        org_id, hourly_rows = _load_history(
            engine, namespaces=namespaces, clusters=5, months=months, now=now
        )
        print(
            f"  loaded {hourly_rows:,} hourly rows ({months} months, {namespaces} namespaces) and rollups in {time.perf_counter() - started:.0f} s"
        )
    daily_query = CostQuery(window="30d", step="day", group_by=("cost_center",), idle="separate")
    shared_query = CostQuery(window="30d", step="day", group_by=("namespace",), idle="share")
    first_month = add_months(floor_month(now), -(months - 1))
    monthly_query = CostQuery(
        window="custom",
        start=first_month.isoformat(),
        end=now.isoformat(),
        step="month",
        group_by=("team",),
    )

    def report(query: CostQuery) -> Callable[[], object]:
        def run() -> object:
            with Session(engine) as session:
                return cost_report(session=session, org_id=org_id, query=query, now=now)

        return run

    def naive(sql, start: dt.datetime) -> Callable[[], object]:
        def run() -> object:
            with engine.connect() as connection:
                return connection.execute(sql, {"org": org_id, "start": start, "end": now}).all()

        return run

    daily = report(daily_query)()
    assert len(daily.buckets) == 30 and daily.groups, "the 30-day report came back empty"
    figures = {
        "daily": _median_seconds(report(daily_query), repeat) * 1000,
        "daily_naive": _median_seconds(
            naive(_NAIVE_DAILY_BY_COST_CENTER, floor_day(now) - 29 * DAY), repeat
        )
        * 1000,
        "monthly": _median_seconds(report(monthly_query), repeat) * 1000,
        "monthly_naive": _median_seconds(naive(_NAIVE_MONTHLY_BY_TEAM, first_month), repeat) * 1000,
        "shared": _median_seconds(report(shared_query), repeat) * 1000,
    }
    print(
        f"  30-day daily by cost-center: report {figures['daily']:.1f} ms (target {DAILY_TARGET_MS:.0f}); "
        f"naive on hourly rows {figures['daily_naive']:.1f} ms; ratio {figures['daily_naive'] / figures['daily']:.1f}x"
    )
    print(
        f"  {months}-month monthly by team: report {figures['monthly']:.1f} ms (target {MONTHLY_TARGET_MS:.0f}); "
        f"naive on hourly rows {figures['monthly_naive']:.1f} ms; ratio {figures['monthly_naive'] / figures['monthly']:.1f}x"
    )
    print(
        f"  30-day daily by namespace, idle shared per cluster-hour: report {figures['shared']:.1f} ms"
    )
    return figures | {"rows": hourly_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--namespaces", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=20000)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--samples-per-hour", type=int, default=120)
    parser.add_argument("--hours", type=int, default=3)
    parser.add_argument("--history-namespaces", type=int, default=500)
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--dashboard-only", action="store_true", help="skip the hourly job, measure the dashboard"
    )
    parser.add_argument(
        "--history-database",
        default="",
        metavar="NAME",
        help="load the dashboard's history into this database once and keep it for the next "
        "runs (loading takes minutes; the kept history ends at the hour it was loaded)",
    )
    arguments = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, cost benchmark")
    rss_before = _rss_mb()
    job = {
        "namespaces": arguments.namespaces,
        "pods": arguments.pods,
        "nodes": arguments.nodes,
        "per_hour": arguments.samples_per_hour,
    }
    job |= {"hours": arguments.hours, "repeat": arguments.repeat}
    if not arguments.dashboard_only:
        print("hourly job:")
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.db'}"
            upgrade_to_head(url)
            sqlite_engine = make_engine(url)
            on_sqlite = hourly_job(sqlite_engine, "sqlite", **job)
            sqlite_engine.dispose()
    with PostgresDatabase(ADMIN_URL, kept=arguments.history_database) as url:
        engine = make_engine(url)
        try:
            if not arguments.dashboard_only:
                on_postgres = hourly_job(engine, "postgresql", **job)
            print("dashboard (postgresql):")
            board = dashboard(
                engine,
                namespaces=arguments.history_namespaces,
                months=arguments.months,
                repeat=arguments.repeat,
            )
        finally:
            engine.dispose()
    if arguments.dashboard_only:
        print(_dashboard_summary(board, arguments.months))
        return
    print(
        f"cost job {arguments.namespaces} ns/{arguments.pods} pods/{arguments.samples_per_hour} samples: "
        f"{on_sqlite['per_hour']:.2f} s/hour sqlite, {on_postgres['per_hour']:.2f} s/hour postgres "
        f"(one hour again {on_postgres['steady']:.2f} s, from every sample's rows "
        f"{on_postgres['unsettled']:.2f} s, figures equal to {on_postgres['difference']:.0e}; "
        f"settling per sync "
        f"{on_postgres['settle'] * 1000:.0f} ms); samples/cluster-hour "
        f"{on_postgres['storage'][0]:,.0f} rows {on_postgres['storage'][1] / 2**20:.1f} MiB per sample, "
        f"{on_postgres['storage'][2]:,.0f} rows {on_postgres['storage'][3] / 2**20:.1f} MiB settled "
        f"(target {JOB_TARGET_S:.0f} s; floor {on_postgres['floor']:.2f} s; naive {on_postgres['naive']:.2f} s); "
        f"{_dashboard_summary(board, arguments.months)}; rss +{_rss_mb() - rss_before:.0f} MB"
    )


def _dashboard_summary(board: dict, months: int) -> str:
    return (
        f"{board['rows'] / 1e6:.1f} M hourly rows: 30-day daily by cost-center {board['daily']:.0f} ms, "
        f"naive {board['daily_naive']:.0f} ms ({board['daily_naive'] / board['daily']:.0f}x); "
        f"{months}-month monthly by team {board['monthly']:.0f} ms, naive {board['monthly_naive']:.0f} ms "
        f"({board['monthly_naive'] / board['monthly']:.0f}x); 30-day daily by namespace, idle shared "
        f"{board['shared']:.0f} ms"
    )


if __name__ == "__main__":
    main()
