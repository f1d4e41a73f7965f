"""Exactly one process runs the hourly jobs; when the leader dies, another takes over.

Runs on each backend: PostgreSQL elects with an advisory lock, SQLite with a file lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from kube_console.models import WorkerProcess
from kube_console.security.keyring import generate_key
from kube_console.workers.leader import leader_lock_for

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _start_worker(database_url: str) -> subprocess.Popen:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("KUBE_CONSOLE_")
    } | {
        "KUBE_CONSOLE_DB_URL": database_url,
        "KUBE_CONSOLE_ENCRYPTION_KEYS": f"k1:{generate_key()}",
        "KUBE_CONSOLE_SYNC_INTERVAL_SECONDS": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kube_console", "worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _leader_pid(session) -> int | None:
    """The process that last said, in its heartbeat, that it leads (a killed leader's row
    still says so, but its heartbeat stops)."""
    session.expire_all()
    leader = (
        session.execute(
            select(WorkerProcess)
            .where(WorkerProcess.leader)
            .order_by(WorkerProcess.heartbeat_at.desc())
        )
        .scalars()
        .first()
    )
    return leader.pid if leader else None


def _wait_for_leader(session, among: set[int], timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (pid := _leader_pid(session)) in among:
            return pid
        time.sleep(0.25)
    raise AssertionError(
        f"no leader among {among} after {timeout} s (last seen: {_leader_pid(session)})"
    )


def test_two_locks_on_one_database_elect_one_holder(database_url):
    first, second = leader_lock_for(database_url), leader_lock_for(database_url)
    try:
        assert first.holds() is True
        assert second.holds() is False
        assert first.holds() is True  # re-checked every tick, still the same holder
        first.release()
        assert second.holds() is True
    finally:
        first.release()
        second.release()


def test_one_of_two_worker_processes_runs_the_jobs_and_the_other_takes_over(database_url, session):
    workers = {
        process.pid: process
        for process in (_start_worker(database_url), _start_worker(database_url))
    }
    try:
        leader = _wait_for_leader(session, set(workers))
        time.sleep(6)  # a full sync interval: the other process must not have taken the lead
        assert _leader_pid(session) == leader

        workers[leader].send_signal(signal.SIGKILL)
        workers[leader].wait(timeout=10)
        (survivor,) = set(workers) - {leader}
        assert _wait_for_leader(session, {survivor}) == survivor
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
