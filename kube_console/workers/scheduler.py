"""The scheduler: APScheduler's BackgroundScheduler running the sync, cost and prune jobs.

It starts from the app's lifespan task (never at import: the production server imports the
app before forking workers) or from `python -m kube_console worker`. Every process may run
one, but on each tick only the elected leader (workers/leader.py) does the work. It fails
closed: without a usable encryption keyring no job starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kube_console.db import session_scope, utcnow
from kube_console.security.keyring import Keyring, KeyringUnavailable, get_keyring
from kube_console.services import workers as worker_service
from kube_console.services.sync import OpenSession, prune_samples, prune_worker_runs
from kube_console.settings import Settings, get_settings
from kube_console.workers.cost_job import run_cost_job
from kube_console.workers.leader import LeaderLock, leader_lock_for, process_name
from kube_console.workers.sync_job import run_sync_pass

log = logging.getLogger(__name__)

WORKER_RUN_RETENTION = dt.timedelta(days=14)


@dataclasses.dataclass
class JobStats:
    runs: int = 0
    succeeded: int = 0
    failed: int = 0
    clusters_synced: int = 0
    clusters_failed: int = 0
    last_started_at: str = ""
    last_duration_ms: float = 0.0
    last_error: str = ""
    running: bool = False


class ConsoleScheduler:
    def __init__(
        self,
        *,
        settings: Settings,
        keyring: Keyring,
        open_session: OpenSession = session_scope,
        lock: LeaderLock | None = None,
    ):
        self.settings = settings
        self.keyring = keyring
        self.open_session = open_session
        self.process = process_name()
        self.is_leader = False
        self.stats = {"sync": JobStats(), "cost": JobStats(), "prune": JobStats()}
        self._lock = lock or leader_lock_for(settings.database_url)
        self._leader_check = threading.Lock()  # holds() shares one connection between job threads
        self._heartbeat_write = threading.Lock()  # jobs starting together would both insert the row
        self._scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    def start(self) -> None:
        now = utcnow()
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.settings.sync_interval_seconds),
            args=["sync", self._sync],
            id="sync",
            next_run_time=now,
        )
        self._scheduler.add_job(self._tick, self._cost_trigger(), args=["cost", self._cost], id="cost")
        self._scheduler.add_job(
            self._tick, IntervalTrigger(hours=1), args=["prune", self._prune], id="prune", next_run_time=now
        )
        self._scheduler.start()
        log.info(
            "scheduler started in %s: sync every %d s, %d clusters at a time",
            self.process,
            self.settings.sync_interval_seconds,
            self.settings.sync_batch_size,
        )

    def shutdown(self) -> None:
        self._scheduler.shutdown(wait=True)
        with self._leader_check:
            self._lock.release()
        log.info("scheduler in %s stopped", self.process)

    def check_leadership(self) -> bool:
        with self._leader_check:
            leader = self._lock.holds()
        if leader != self.is_leader:
            log.info("%s %s the scheduler leader", self.process, "is now" if leader else "is no longer")
        self.is_leader = leader
        return leader

    def _tick(self, job: str, work: Callable[[], tuple[int, int]]) -> None:
        """Run `work` if this process leads; keep the stats the Workers page shows."""
        if not self.check_leadership():
            return
        stats = self.stats[job]
        stats.running, stats.last_started_at = True, utcnow().isoformat()
        self._heartbeat(running_job=job)
        started = time.perf_counter()
        try:
            done, failed = work()
            stats.succeeded += 1
            stats.clusters_synced += done if job == "sync" else 0
            stats.clusters_failed += failed if job == "sync" else 0
            stats.last_error = ""
        except Exception as error:
            stats.failed += 1
            stats.last_error = f"{type(error).__name__}: {error}"
            log.exception("%s job failed", job)
        finally:
            stats.runs += 1
            stats.running = False
            stats.last_duration_ms = round((time.perf_counter() - started) * 1000, 1)
            self._heartbeat(running_job=None)

    def _heartbeat(self, *, running_job: str | None) -> None:
        flat = {
            f"{job}_{field}": value
            for job, stats in self.stats.items()
            for field, value in dataclasses.asdict(stats).items()
        }
        try:
            with self._heartbeat_write, self.open_session() as session:
                worker_service.heartbeat(
                    session=session,
                    process=self.process,
                    sync_interval_seconds=self.settings.sync_interval_seconds,
                    cost_interval_seconds=self.settings.cost_interval_seconds,
                    running_job=running_job,
                    stats=flat,
                )
        except Exception:
            log.exception("could not record the scheduler heartbeat")

    def _sync(self) -> tuple[int, int]:
        outcomes = run_sync_pass(keyring=self.keyring, settings=self.settings, open_session=self.open_session)
        if not outcomes:
            return 0, 0
        failed = [outcome for outcome in outcomes if not outcome.ok]
        with self.open_session() as session:
            run_id = worker_service.start_run(
                session=session, job="sync", trigger="schedule", process=self.process, items_total=len(outcomes)
            )
            worker_service.finish_run(
                session=session,
                run_id=run_id,
                items_done=len(outcomes) - len(failed),
                items_failed=len(failed),
                details={"slowest_ms": max(outcome.duration_ms for outcome in outcomes)},
            )
        return len(outcomes) - len(failed), len(failed)

    def _cost_trigger(self) -> CronTrigger | IntervalTrigger:
        """Hourly at minute 5 by default, once the syncs of the hour just closed are in; else every interval."""
        if self.settings.cost_interval_seconds == 3600:
            return CronTrigger(minute=5, timezone=dt.UTC)
        return IntervalTrigger(seconds=self.settings.cost_interval_seconds)

    def _cost(self) -> tuple[int, int]:
        return run_cost_job(settings=self.settings, open_session=self.open_session, process=self.process)

    def _prune(self) -> tuple[int, int]:
        now = utcnow()
        with self.open_session() as session:
            prune_samples(session=session, older_than=now - dt.timedelta(days=self.settings.sample_retention_days))
            prune_worker_runs(session=session, older_than=now - WORKER_RUN_RETENTION)
        return 0, 0


def start_scheduler(settings: Settings | None = None) -> ConsoleScheduler | None:
    """A running scheduler, or None when this process must not run jobs (and why, in the log)."""
    settings = settings or get_settings()
    if not settings.run_workers:
        log.info("KUBE_CONSOLE_RUN_WORKERS=0: this process runs no jobs")
        return None
    try:
        keyring = get_keyring()
    except KeyringUnavailable as problem:
        log.error("no jobs will run until the keyring is fixed: %s", problem)
        return None
    scheduler = ConsoleScheduler(settings=settings, keyring=keyring)
    scheduler.start()
    return scheduler


@contextlib.asynccontextmanager
async def scheduler_lifespan() -> AsyncIterator[None]:
    """The Reflex lifespan task: start the scheduler with the backend, stop it cleanly with it."""
    scheduler = await asyncio.to_thread(start_scheduler)
    try:
        yield
    finally:
        if scheduler is not None:
            await asyncio.to_thread(scheduler.shutdown)
