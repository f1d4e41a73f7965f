"""Sync scheduling benchmarks (issue #11): `python -m benchmarks.fleet_bench`.

Real worker processes (workers/scheduler.py, as `python -m kube_console worker` runs it) sync
fake clusters served by the fake API server; each process records every sync it makes
(cluster, start, end, pid) so the gaps between a cluster's syncs can be measured.

- slow: 20 small clusters on SQLite and one process; 4 are unreachable (2 refuse the
  connection, 2 never answer) and 2 answer each request 8 s late (their lists would take
  40 s). Every healthy cluster's gap between syncs: p95 ≤ 35 s.
- fleet: 1,000 clusters × 50 pods on PostgreSQL (127.0.0.1:5432, a database of its own)
  synced by 4 worker processes: the gap (p95 ≤ 35 s), how many clusters were synced in
  every 30 s window, and syncs overlapping (a cluster synced twice at once: must be 0).
  Then the same fleet with 1 process, for the scaling factor.
- kill: during the 4-process run one worker is killed with SIGKILL: how long its clusters
  wait for another process (≤ 35 s).
- cpu: the CPU one sync of a fleet-shaped cluster costs a worker process (claim, fetch, store,
  release, as a worker runs it, on PostgreSQL, steady state), in one process that syncs a few
  clusters round after round: with each cluster's client kept across its syncs (the
  workers' way), with a client built for every sync, and the floor: the same requests as
  raw HTTPS GETs on kept-alive connections + orjson.loads, nothing stored. Ratios to the floor.

The machine's cores are shared by the fake API server, PostgreSQL and the workers: the
figures are what this machine does, printed beside the ratio to the 30 s interval.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import multiprocessing
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import orjson
import urllib3
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.fakekube.pki import CertificateAuthority
from tests.fakekube.server import FakeKubeProcess

from benchmarks.sync_bench import _add_clusters, _database
from kube_console.db import make_engine, make_unpooled_engine, session_scope
from kube_console.migrations import upgrade_to_head
from kube_console.models import Cluster
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.clusters import label_keys
from kube_console.services.credentials import store_credential
from kube_console.services.sync import sync_cluster
from kube_console.services.sync_scheduling import (
    SyncOne,
    claim_cluster,
    cluster_syncer,
    run_claimed,
)
from kube_console.settings import load_settings
from kube_console.workers.scheduler import ConsoleScheduler

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
INTERVAL = 30
TARGET_GAP = 35.0


# ---------------------------------------------------------------- the worker process


def worker_main(database_url: str, record: str, threads: int) -> None:
    """A worker process as `python -m kube_console worker` runs it, recording each sync."""
    keys = os.environ["KUBE_CONSOLE_ENCRYPTION_KEYS"]
    settings = load_settings(
        db_url=database_url,
        allow_loopback_clusters=True,
        sync_threads=threads,
        sync_interval_seconds=INTERVAL,
    )
    keyring = Keyring.parse(keys)
    open_session = functools.partial(session_scope, make_engine(database_url))
    sync_one = cluster_syncer(keyring=keyring, settings=settings, open_session=open_session)
    out = open(record, "a", buffering=1)  # noqa: SIM115 (open for the life of the process)
    lock = threading.Lock()

    def recorded(cluster_id: int):
        started = time.time()
        outcome = sync_one(cluster_id)
        with lock:
            out.write(
                f"{cluster_id} {started:.3f} {time.time():.3f} {int(outcome.ok)} {os.getpid()}\n"
            )
        return outcome

    scheduler = ConsoleScheduler(
        settings=settings, keyring=keyring, open_session=open_session, sync_one=recorded
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    scheduler.start()
    stop.wait()
    scheduler.shutdown()


def _start_worker(database_url: str, keys: str, record: Path, threads: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.fleet_bench",
            "--worker",
            database_url,
            str(record),
            str(threads),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "KUBE_CONSOLE_ENCRYPTION_KEYS": keys},
    )


# ---------------------------------------------------------------- what the records say


@dataclasses.dataclass(frozen=True)
class Sync:
    cluster_id: int
    start: float
    end: float
    ok: bool
    pid: int


def _read_records(paths: list[Path]) -> list[Sync]:
    syncs = []
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                cluster_id, start, end, ok, pid = line.split()
                syncs.append(Sync(int(cluster_id), float(start), float(end), ok == "1", int(pid)))
    return sorted(syncs, key=lambda sync: sync.start)


def _by_cluster(syncs: list[Sync]) -> dict[int, list[Sync]]:
    grouped: dict[int, list[Sync]] = defaultdict(list)
    for sync in syncs:
        grouped[sync.cluster_id].append(sync)
    return grouped


def _gaps(syncs: list[Sync], clusters: set[int], since: float) -> list[float]:
    """Seconds between consecutive sync starts of each cluster, from `since` on."""
    gaps = []
    for cluster_id, mine in _by_cluster(syncs).items():
        if cluster_id in clusters:
            starts = [sync.start for sync in mine]
            gaps += [
                later - earlier for earlier, later in itertools.pairwise(starts) if earlier >= since
            ]
    return gaps


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20)[-1]
        if len(values) >= 2
        else (values[0] if values else float("nan"))
    )


def _overlaps(syncs: list[Sync]) -> int:
    """Syncs of a cluster that began before the previous one of it had ended."""
    count = 0
    for mine in _by_cluster(syncs).values():
        count += sum(later.start < earlier.end for earlier, later in itertools.pairwise(mine))
    return count


def _windows_covered(
    syncs: list[Sync], clusters: set[int], since: float, until: float
) -> list[float]:
    """For each whole 30 s window from `since`, the share of `clusters` synced in it."""
    shares = []
    start = since
    while start + INTERVAL <= until:
        synced = {sync.cluster_id for sync in syncs if start <= sync.start < start + INTERVAL}
        shares.append(len(synced & clusters) / len(clusters))
        start += INTERVAL
    return shares


def _cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the running processes `pids` have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _postgres_pids() -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _is_postgres(entry)
    ]


def _is_postgres(entry: Path) -> bool:
    try:
        return (entry / "comm").read_text().strip() == "postgres"
    except OSError:
        return False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclasses.dataclass(frozen=True)
class CpuUse:
    """CPU seconds each side used during a run: where a 2-core machine's time went."""

    workers: float
    servers: float
    postgres: float

    def per_sync(self, syncs: int) -> str:
        return (
            f"CPU per sync: workers {self.workers / syncs * 1000:.0f} ms, fake API server "
            f"{self.servers / syncs * 1000:.0f} ms, PostgreSQL {self.postgres / syncs * 1000:.0f} ms"
        )


# ---------------------------------------------------------------- scenarios


def _run_workers(
    database_url: str,
    keys: str,
    directory: Path,
    processes: int,
    threads: int,
    seconds: float,
    kill_at: float | None = None,
    server_pids: list[int] = (),
) -> tuple[list[Path], float, tuple[int, float] | None, CpuUse]:
    records = [directory / f"records-{processes}-{n}.txt" for n in range(processes)]
    before = (_children_cpu(), _cpu_seconds(list(server_pids)), _cpu_seconds(_postgres_pids()))
    began = time.time()
    workers = [_start_worker(database_url, keys, record, threads) for record in records]
    killed = None
    try:
        if kill_at is not None:
            time.sleep(kill_at)
            victim = workers[0]
            victim.send_signal(signal.SIGKILL)
            killed_at = time.time()
            victim.wait()
            killed = (
                victim.pid,
                killed_at,
                _leased_by(database_url, f"{os.uname().nodename}:{victim.pid}"),
            )
        time.sleep(seconds - (time.time() - began))
        # Before the workers stop: their database connections' processes end with them.
        servers = _cpu_seconds(list(server_pids)) - before[1]
        postgres = _cpu_seconds(_postgres_pids()) - before[2]  # other databases' work included
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(60)
    cpu = CpuUse(workers=_children_cpu() - before[0], servers=servers, postgres=postgres)
    return records, began, killed, cpu


def slow_cluster(seconds: float, summary: dict[str, str]) -> str:
    fakes = [
        generate_cluster(f"slow-{n:02d}", seed=n, namespaces=5, nodes=3, deployments=10, pods=50)
        for n in range(20)
    ]
    refused, silent, slow = fakes[:2], fakes[2:4], fakes[4:6]
    keys = f"k1:{generate_key()}"
    keyring = Keyring.parse(keys)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    with tempfile.TemporaryDirectory() as directory, FakeKubeProcess(fakes) as server:
        url, engine, _ = _database(Path(directory))
        ids = dict(
            zip(
                [fake.name for fake in fakes],
                _add_clusters(engine, server, keyring, [f.name for f in fakes]),
            )
        )
        with session_scope(engine) as session:  # point two clusters at the closed port
            for fake in refused:
                cluster = session.get(Cluster, ids[fake.name])
                refused_at = dataclasses.replace(
                    server.credentials_for(fake.name),
                    server=f"https://127.0.0.1:{closed.getsockname()[1]}",
                )
                store_credential(cluster=cluster, credentials=refused_at, keyring=keyring)
                session.add(cluster)
        for fake in silent:
            server.set_faults(fake.name, [Fault(delay=120.0)])
        for fake in slow:
            server.set_faults(fake.name, [Fault(delay=8.0)])
        engine.dispose()
        records, began, _, _ = _run_workers(
            url, keys, Path(directory), processes=1, threads=5, seconds=seconds
        )
        syncs = _read_records(records)
    closed.close()
    healthy = {ids[fake.name] for fake in fakes[6:]}
    gaps = _gaps(syncs, healthy, since=began)
    slow_durations = [
        sync.end - sync.start for sync in syncs if sync.cluster_id in {ids[f.name] for f in slow}
    ]
    failing = {ids[f.name] for f in refused + silent}
    failing_gaps = _gaps(syncs, failing, since=began)
    summary["slow"] = f"healthy gap p95 {_p95(gaps):.1f} s beside 2 slow and 4 unreachable"
    return (
        f"slow: 20 clusters (4 unreachable, 2 answering 8 s late per request), 1 process x 5 threads, "
        f"{seconds:.0f} s: healthy gap p95 {_p95(gaps):.1f} s, max {max(gaps):.1f} s over {len(gaps)} gaps "
        f"(target <= {TARGET_GAP:.0f} s; p95/interval {_p95(gaps) / INTERVAL:.2f}); "
        f"slow syncs took {min(slow_durations):.1f}-{max(slow_durations):.1f} s; "
        f"unreachable ones retried every {min(failing_gaps or [0]):.0f}-{max(failing_gaps or [0]):.0f} s"
    )


def _generate(n: int):
    return generate_cluster(
        f"fleet-{n:04d}", seed=n, namespaces=5, nodes=3, deployments=10, pods=50
    )


def _postgres_database() -> tuple[str, str]:
    name = f"fleetbench_{os.getpid()}"
    admin = make_unpooled_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(url)
    return name, url


def _drop_postgres_database(name: str) -> None:
    admin = make_unpooled_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclasses.dataclass(frozen=True)
class FleetFigures:
    line: str
    rate: float
    gap_p95: float
    overlaps: int


def _fleet_figures(
    label: str, syncs: list[Sync], clusters: set[int], since: float, until: float
) -> FleetFigures:
    measured = [sync for sync in syncs if since <= sync.start < until]
    gaps = _gaps(syncs, clusters, since)
    shares = _windows_covered(syncs, clusters, since, until)
    rate = len(measured) / (until - since)
    never = len(clusters - {sync.cluster_id for sync in measured})
    overlaps = _overlaps(syncs)
    return FleetFigures(
        f"{label}: {rate:.1f} syncs/s (the fleet needs {len(clusters) / INTERVAL:.1f}); gap p95 {_p95(gaps):.1f} s, "
        f"max {max(gaps, default=float('nan')):.1f} s (p95/interval {_p95(gaps) / INTERVAL:.2f}); synced in every "
        f"30 s window: {min(shares, default=0) * 100:.1f}% of clusters at worst ({len(shares)} windows), "
        f"{never} never synced in {until - since:.0f} s; overlapping syncs {overlaps}",
        rate,
        _p95(gaps),
        overlaps,
    )


def fleet(
    clusters: int,
    seconds: float,
    warmup: float,
    single_seconds: float,
    threads: int,
    summary: dict[str, str],
) -> list[str]:
    with multiprocessing.Pool(2) as pool:
        fakes = pool.map(_generate, range(clusters), chunksize=50)
    keys = f"k1:{generate_key()}"
    keyring = Keyring.parse(keys)
    ca = CertificateAuthority()
    halves = [
        fakes[: clusters // 2],
        fakes[clusters // 2 :],
    ]  # two server processes: one GIL would be the limit
    name, url = _postgres_database()
    lines = []
    try:
        with (
            tempfile.TemporaryDirectory() as directory,
            FakeKubeProcess(halves[0], ca) as first,
            FakeKubeProcess(halves[1], ca) as second,
        ):
            engine = make_engine(url)
            ids = set()
            for server, half in ((first, halves[0]), (second, halves[1])):
                ids |= set(_add_clusters(engine, server, keyring, [fake.name for fake in half]))
            engine.dispose()

            # 4 processes, one of them killed with SIGKILL halfway through the measured time.
            kill_at = warmup + (seconds - warmup) / 2
            servers = [first._process.pid, second._process.pid]
            records, began, (victim, killed_at, in_flight), cpu = _run_workers(
                url,
                keys,
                Path(directory),
                4,
                threads,
                seconds,
                kill_at=kill_at,
                server_pids=servers,
            )
            syncs = _read_records(records)
            four = _fleet_figures(
                f"fleet {clusters} clusters x 50 pods, 4 processes x {threads} threads, PostgreSQL",
                syncs,
                ids,
                began + warmup,
                began + seconds,
            )
            lines.append(four.line)
            lines.append(f"  {cpu.per_sync(len(syncs))} ({len(syncs)} syncs in {seconds:.0f} s)")
            kill_line, kill_max = _kill_figures(syncs, victim, killed_at, in_flight)
            lines.append(kill_line)

            # The same fleet with 1 process, every cluster due again at once.
            reset = make_engine(url)
            with session_scope(reset) as session:
                session.execute(
                    update(Cluster).values(
                        next_sync_at=None, last_sync_at=None, lease_expires_at=None
                    )
                )
            reset.dispose()
            records, began, _, cpu = _run_workers(
                url, keys, Path(directory), 1, threads, single_seconds, server_pids=servers
            )
            syncs = _read_records(records)
            one = _fleet_figures(
                f"fleet {clusters} clusters x 50 pods, 1 process x {threads} threads, PostgreSQL",
                syncs,
                ids,
                began + warmup,
                began + single_seconds,
            )
            lines.append(one.line)
            lines.append(
                f"  {cpu.per_sync(len(syncs))} ({len(syncs)} syncs in {single_seconds:.0f} s)"
            )
            scaling = four.rate / one.rate
            lines.append(f"scaling: 4 processes sync {scaling:.2f}x as many clusters a second as 1")
            summary["fleet"] = (
                f"{clusters} clusters gap p95 {four.gap_p95:.1f} s with 4 processes, {one.gap_p95:.1f} s with 1 "
                f"({scaling:.2f}x the syncs/s); kill -9 re-synced within {kill_max:.1f} s; "
                f"overlaps {four.overlaps + one.overlaps}"
            )
    finally:
        _drop_postgres_database(name)
    return lines


def _leased_by(database_url: str, owner: str) -> set[int]:
    """The clusters `owner` was syncing (holding a lease on) at this moment."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        held = set(
            session.execute(
                select(Cluster.id).where(
                    Cluster.lease_owner == owner, Cluster.lease_expires_at.is_not(None)
                )
            ).scalars()
        )
    engine.dispose()
    return held


def _kill_figures(
    syncs: list[Sync], victim: int, killed_at: float, in_flight: set[int]
) -> tuple[str, float]:
    """The victim's clusters: those it synced last before it died, and those it was syncing
    (their leases must run out first): how long after the kill another process synced them."""
    last_by: dict[int, Sync] = {}
    for sync in syncs:
        if sync.start < killed_at:
            last_by[sync.cluster_id] = sync
    its = {cluster_id for cluster_id, sync in last_by.items() if sync.pid == victim} | in_flight

    def waits(clusters: set[int]) -> list[float]:
        found = []
        for cluster_id in clusters:
            after = [
                sync.start
                for sync in syncs
                if sync.cluster_id == cluster_id and sync.start >= killed_at
            ]
            if after:
                found.append(after[0] - killed_at)
        return found

    every, leased = waits(its), waits(in_flight)
    latest = max(every, default=float("nan"))
    return (
        f"kill -9 of one of 4 workers: its {len(its)} clusters synced again by the others "
        f"{len(every)}/{len(its)}, {_p95(every):.1f} s after the kill at p95, {latest:.1f} s at most "
        f"(target <= {TARGET_GAP:.0f} s); the {len(in_flight)} it was syncing when killed: after "
        f"{min(leased, default=float('nan')):.1f}-{max(leased, default=float('nan')):.1f} s (lease 15 s)"
    ), latest


# ---------------------------------------------------------------- CPU per sync


def _cpu_ms_per_sync(work: Callable[[int], None], cluster_ids: list[int], rounds: int) -> float:
    """Process CPU (every thread) per call of `work`, `rounds` times over every cluster."""
    started = time.process_time()
    for _ in range(rounds):
        for cluster_id in cluster_ids:
            work(cluster_id)
    return (time.process_time() - started) * 1000 / (rounds * len(cluster_ids))


def cpu_per_sync(clusters: int, rounds: int, summary: dict[str, str]) -> str:
    fakes = [_generate(n) for n in range(clusters)]
    keys = f"k1:{generate_key()}"
    keyring = Keyring.parse(keys)
    name, url = _postgres_database()
    try:
        with FakeKubeProcess(fakes) as server:
            engine = make_engine(url)
            ids = _add_clusters(engine, server, keyring, [fake.name for fake in fakes])
            settings = load_settings(db_url=url, allow_loopback_clusters=True)
            open_session = functools.partial(session_scope, engine)
            interval = dt.timedelta(seconds=INTERVAL)

            def as_a_worker(sync_one: SyncOne) -> Callable[[int], None]:
                def sync(cluster_id: int) -> None:
                    now = dt.datetime.now(dt.UTC)
                    with open_session() as session:
                        assert claim_cluster(
                            session=session, owner="bench:1", cluster_id=cluster_id, now=now
                        )
                    outcome = run_claimed(
                        cluster_id=cluster_id,
                        owner="bench:1",
                        started=now,
                        interval=interval,
                        open_session=open_session,
                        sync_one=sync_one,
                    )
                    assert outcome.ok, outcome

                return sync

            kept = as_a_worker(
                cluster_syncer(keyring=keyring, settings=settings, open_session=open_session)
            )
            keys_of_labels = label_keys(settings)
            built_each_time = as_a_worker(
                lambda cluster_id: sync_cluster(
                    cluster_id=cluster_id,
                    keyring=keyring,
                    label_keys=keys_of_labels,
                    open_session=open_session,
                )
            )
            for cluster_id in ids:  # the first syncs store everything; then the steady state
                kept(cluster_id)
            server.clear_requests()
            kept_ms = _cpu_ms_per_sync(kept, ids, rounds)
            logged = server.requests()
            built_ms = _cpu_ms_per_sync(built_each_time, ids, rounds)
            floor_ms = _floor_ms_per_sync(server, fakes, ids, logged, rounds)
            engine.dispose()
    finally:
        _drop_postgres_database(name)
    summary["cpu"] = (
        f"worker CPU per sync {kept_ms:.1f} ms ({kept_ms / floor_ms:.1f}x the raw-HTTPS floor; "
        f"{kept_ms / built_ms:.2f}x a client built each sync)"
    )
    return (
        f"cpu per sync of a {clusters}-cluster fleet's cluster (50 pods, PostgreSQL, "
        f"{rounds * clusters} syncs each way, this process's CPU): client kept {kept_ms:.1f} ms; "
        f"client built each sync {built_ms:.1f} ms; floor (raw HTTPS GETs kept alive + orjson) "
        f"{floor_ms:.1f} ms; ratios to the floor {kept_ms / floor_ms:.1f} and "
        f"{built_ms / floor_ms:.1f}; kept/built {kept_ms / built_ms:.2f}"
    )


def _floor_ms_per_sync(server, fakes, ids: list[int], logged, rounds: int) -> float:
    """The GETs one steady-state sync of each cluster made, replayed as raw HTTPS requests on
    one kept-alive pool per cluster, each JSON body parsed."""
    per_sync = len(logged) // (rounds * len(fakes))
    by_cluster = {
        fake.name: [r for r in logged if r.cluster == fake.name][:per_sync] for fake in fakes
    }
    pools, heads, names = {}, {}, dict(zip(ids, (fake.name for fake in fakes)))
    with contextlib.ExitStack() as stack:
        for fake in fakes:
            credentials = server.credentials_for(fake.name)
            pools[fake.name] = stack.enter_context(
                urllib3.PoolManager(ca_cert_data=server.ca.cert_pem.decode())
            )
            heads[fake.name] = (
                credentials.server,
                {"Authorization": f"Bearer {credentials.token}", "Accept": "application/json"},
            )

        def replay(cluster_id: int) -> None:
            name = names[cluster_id]
            base, headers = heads[name]
            for request in by_cluster[name]:
                query = f"?{urlencode(request.query)}" if request.query else ""
                response = pools[name].request(
                    "GET", f"{base}{request.path}{query}", headers=headers
                )
                if response.headers.get("content-type", "").startswith("application/json"):
                    orjson.loads(response.data)

        for cluster_id in ids:  # the connections open, as a kept client's are
            replay(cluster_id)
        return _cpu_ms_per_sync(replay, ids, rounds)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        database_url, record, threads = sys.argv[2:5]
        worker_main(database_url, record, int(threads))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["slow", "fleet", "cpu"])
    parser.add_argument("--cpu-clusters", type=int, default=5, help="the cpu run's clusters")
    parser.add_argument("--cpu-rounds", type=int, default=40, help="the cpu run's rounds")
    parser.add_argument("--slow-seconds", type=float, default=180)
    parser.add_argument("--fleet-clusters", type=int, default=1000)
    parser.add_argument("--fleet-seconds", type=float, default=210, help="the 4-process run")
    parser.add_argument("--single-seconds", type=float, default=150, help="the 1-process run")
    parser.add_argument(
        "--warmup", type=float, default=60, help="not measured: the first syncs of everything"
    )
    parser.add_argument("--threads", type=int, default=5, help="sync threads per process")
    arguments = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {load}",
        flush=True,
    )
    summary: dict[str, str] = {}
    if arguments.only in (None, "cpu"):
        print(cpu_per_sync(arguments.cpu_clusters, arguments.cpu_rounds, summary), flush=True)
    if arguments.only in (None, "slow"):
        print(slow_cluster(arguments.slow_seconds, summary), flush=True)
    if arguments.only in (None, "fleet"):
        for line in fleet(
            arguments.fleet_clusters,
            arguments.fleet_seconds,
            arguments.warmup,
            arguments.single_seconds,
            arguments.threads,
            summary,
        ):
            print(line, flush=True)
    gaps = f" (gap target {TARGET_GAP:.0f} s)" if arguments.only != "cpu" else ""
    print("summary: " + "; ".join(summary.values()) + gaps)


if __name__ == "__main__":
    main()
