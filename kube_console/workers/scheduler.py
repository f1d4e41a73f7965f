"""The workers of one process: its sync loop, and the hourly jobs when it is the leader.

Every process with workers on (`python -m kube_console worker`, or a web process unless
KUBE_CONSOLE_RUN_WORKERS=0) runs a sync loop (workers/sync_job.py) on a timer thread: the
clusters are shared through leases in the database, with no leader needed. The cost and
prune jobs run under APScheduler in the one process elected leader (workers/leader.py).
Each process writes a heartbeat row every few seconds for the Workers page.

It starts from the app's lifespan task (never at import: the production server imports the
app before forking workers) or from the CLI. It fails closed: without a usable encryption
keyring nothing starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kube_console.costs.engine import price_open_hour_of_a_new_cluster
from kube_console.db import session_scope, utcnow
from kube_console.security.keyring import Keyring, KeyringUnavailable, get_keyring
from kube_console.services import workers as worker_service
from kube_console.services.sync import OpenSession, SyncOutcome, prune_samples, prune_worker_runs
from kube_console.services.sync_scheduling import (
    ClusterSyncer,
    SyncOne,
    cluster_syncer,
    release_idle_leases,
)
from kube_console.settings import Settings, get_settings
from kube_console.workers.cost_job import run_cost_job, run_provisional_job
from kube_console.workers.leader import LeaderLock, leader_lock_for, process_name
from kube_console.workers.sync_job import SyncLoop

log = logging.getLogger(__name__)

WORKER_RUN_RETENTION = dt.timedelta(days=14)
WORKER_PROCESS_RETENTION = dt.timedelta(days=1)
# How often the sync loop looks for due clusters: a cluster waits at most this long past its time.
SYNC_TICK_SECONDS = 1.0
HEARTBEAT_SECONDS = 5.0


@dataclasses.dataclass
class JobStats:
    runs: int = 0
    succeeded: int = 0
    failed: int = 0
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
        process: str | None = None,
        sync_one: SyncOne | None = None,
        tick_seconds: float = SYNC_TICK_SECONDS,
    ):
        self.settings = settings
        self.keyring = keyring
        self.open_session = open_session
        self.process = process or process_name()
        self.is_leader = False
        self.stats = {"cost": JobStats(), "provisional": JobStats(), "prune": JobStats()}
        self._syncer: ClusterSyncer | None = None  # ours to close, with the clients it keeps
        if sync_one is None:
            self._syncer = cluster_syncer(
                keyring=keyring, settings=settings, open_session=open_session
            )
            sync_one = self._syncer
        self.sync_loop = SyncLoop(
            owner=self.process,
            threads=settings.sync_threads,
            interval=dt.timedelta(seconds=settings.sync_interval_seconds),
            open_session=open_session,
            sync_one=sync_one,
            after_sync=self._after_sync,
        )
        self._tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._lock = lock or leader_lock_for(settings.database_url)
        self._leader_check = threading.Lock()  # holds() shares one connection between job threads
        self._scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    def start(self) -> None:
        try:
            with self.open_session() as session:
                release_idle_leases(session=session, owner=self.process)  # a killed predecessor's
                self._register(session)
        except Exception:  # the database may be back by the first heartbeat, which registers again
            log.exception("could not record this worker process")
        self._ticker = threading.Thread(target=self._run_ticks, name="sync-ticks", daemon=True)
        self._ticker.start()
        self._scheduler.add_job(
            self._tick, self._cost_trigger(), args=["cost", self._cost], id="cost"
        )
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(hours=1),
            args=["prune", self._prune],
            id="prune",
            next_run_time=utcnow(),
        )
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self.settings.provisional_interval_seconds),
            args=["provisional", self._provisional],
            id="provisional",
            next_run_time=utcnow(),
        )
        self._scheduler.start()
        log.info(
            "workers started in %s: each cluster synced every %d s, %d at a time in this process",
            self.process,
            self.settings.sync_interval_seconds,
            self.settings.sync_threads,
        )

    def _register(self, session) -> None:
        worker_service.register_process(
            session=session,
            name=self.process,
            host=os.uname().nodename,
            pid=os.getpid(),
            sync_threads=self.settings.sync_threads,
            sync_interval_seconds=self.settings.sync_interval_seconds,
            cost_interval_seconds=self.settings.cost_interval_seconds,
        )

    def shutdown(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        self.sync_loop.stop()
        if self._syncer is not None:
            self._syncer.close()
        self._scheduler.shutdown(wait=True)
        with self._leader_check:
            self._lock.release()
        try:
            with self.open_session() as session:
                release_idle_leases(session=session, owner=self.process)
                worker_service.forget_process(session=session, name=self.process)
        except Exception:
            log.exception("could not remove this process's worker record")
        log.info("workers in %s stopped", self.process)

    def _run_ticks(self) -> None:
        """The sync loop's timer, and the heartbeat every HEARTBEAT_SECONDS."""
        beaten_at = 0.0
        while True:
            try:
                self.sync_loop.tick()
            except Exception:
                log.exception("sync tick failed")
            if time.monotonic() - beaten_at >= HEARTBEAT_SECONDS:
                self._heartbeat()
                beaten_at = time.monotonic()
            if self._stop.wait(self._tick_seconds):
                return

    def check_leadership(self) -> bool:
        with self._leader_check:
            leader = self._lock.holds()
        if leader != self.is_leader:
            log.info(
                "%s %s the leader of the hourly jobs",
                self.process,
                "is now" if leader else "is no longer",
            )
        self.is_leader = leader
        return leader

    def _tick(self, job: str, work: Callable[[], None]) -> None:
        """Run an hourly job if this process leads; keep the stats the CLI shows."""
        if not self.check_leadership():
            return
        stats = self.stats[job]
        stats.running, stats.last_started_at = True, utcnow().isoformat()
        started = time.perf_counter()
        try:
            work()
            stats.succeeded += 1
            stats.last_error = ""
        except Exception as error:
            stats.failed += 1
            stats.last_error = f"{type(error).__name__}: {error}"
            log.exception("%s job failed", job)
        finally:
            stats.runs += 1
            stats.running = False
            stats.last_duration_ms = round((time.perf_counter() - started) * 1000, 1)

    def _heartbeat(self) -> None:
        leader = self.check_leadership()
        loop = self.sync_loop
        try:
            with self.open_session() as session:
                alive = worker_service.process_heartbeat(
                    session=session,
                    name=self.process,
                    leader=leader,
                    syncs_running=len(loop.running),
                    clusters_claimed=loop.claimed,
                    syncs_failed=loop.failed,
                    stats={job: dataclasses.asdict(stats) for job, stats in self.stats.items()},
                )
                if not alive:  # pruned after a long stall: come back
                    self._register(session)
        except Exception:
            log.exception("could not record the worker heartbeat")

    def _cost_trigger(self) -> CronTrigger | IntervalTrigger:
        """Hourly at minute 5 by default, once the syncs of the hour just closed are in; else every interval."""
        if self.settings.cost_interval_seconds == 3600:
            return CronTrigger(minute=5, timezone=dt.UTC)
        return IntervalTrigger(seconds=self.settings.cost_interval_seconds)

    def _cost(self) -> None:
        run_cost_job(settings=self.settings, open_session=self.open_session, process=self.process)

    def _after_sync(self, outcome: SyncOutcome) -> None:
        """A cluster's first figures of the open hour show right after its sync, not at the job."""
        if outcome.ok and outcome.sampled:
            price_open_hour_of_a_new_cluster(
                open_session=self.open_session,
                settings=self.settings,
                cluster_id=outcome.cluster_id,
            )

    def _provisional(self) -> None:
        run_provisional_job(settings=self.settings, open_session=self.open_session)

    def _prune(self) -> None:
        now = utcnow()
        with self.open_session() as session:
            prune_samples(
                session=session,
                older_than=now - dt.timedelta(days=self.settings.sample_retention_days),
            )
            prune_worker_runs(session=session, older_than=now - WORKER_RUN_RETENTION)
            worker_service.prune_processes(
                session=session, older_than=now - WORKER_PROCESS_RETENTION
            )


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
