"""The sync loop of one worker process: claim due clusters, sync them in a long-lived pool.

Thin on purpose: services/sync_scheduling.py says what is due, leases it and schedules it
again; this loop only keeps its threads busy. Each tick it renews the leases of the syncs
running here and claims as many due clusters as it has idle threads; a thread that finishes
a sync claims the next due cluster at once, so a busy fleet does not wait for ticks. A slow
cluster holds one thread and delays nothing but itself; a cluster running here is never
started twice, and its lease keeps every other process off it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from kube_console.db import utcnow
from kube_console.services.sync import OpenSession, SyncOutcome
from kube_console.services.sync_scheduling import (
    LEASE,
    SyncOne,
    claim_due,
    renew_leases,
    run_claimed,
)

log = logging.getLogger(__name__)


class SyncLoop:
    """`tick()` is called by the owner's timer (workers/scheduler.py), or by a test with a
    clock of its own. A loop made `once` syncs every cluster one time, due or not."""

    def __init__(
        self,
        *,
        owner: str,
        threads: int,
        interval: dt.timedelta,
        open_session: OpenSession,
        sync_one: SyncOne,
        clock: Callable[[], dt.datetime] = utcnow,
        draw: Callable[[], float] = random.random,
        once: bool = False,
        after_sync: Callable[[SyncOutcome], None] | None = None,
    ):
        self.owner = owner
        self.threads = threads
        self.interval = interval
        self._open_session = open_session
        self._sync_one = sync_one
        self._clock = clock
        self._draw = draw
        self._once = once
        self._after_sync = after_sync  # run in the sync thread after each recorded sync
        self._started: set[int] = set()  # by a loop made `once`: not to be claimed again
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sync")
        self._changed = threading.Condition()
        self._running: set[int] = set()
        self._reserved = 0  # threads about to claim: counted busy so no tick over-claims
        self._stopping = False
        self._renewed_at: dt.datetime | None = None
        self.claimed = 0
        self.failed = 0
        self.outcomes: list[SyncOutcome] = []

    @property
    def running(self) -> list[int]:
        with self._changed:
            return sorted(self._running)

    def tick(self) -> list[int]:
        """Renew the leases of the syncs running here, then claim due clusters for the idle
        threads and start them; the ids started."""
        now = self._clock()
        self._renew(now)
        idle = self._reserve(self.threads)
        if not idle:
            return []
        try:
            with self._open_session() as session:
                claimed = self._claim(session, now, idle)
        finally:
            self._unreserve(idle)
        return [cluster_id for cluster_id in claimed if self._start(cluster_id, now)]

    def _claim(self, session, now: dt.datetime, limit: int) -> list[int]:
        with self._changed:
            every_one_but = set(self._started) if self._once else None
        claimed = claim_due(
            session=session,
            owner=self.owner,
            now=now,
            limit=limit,
            interval=self.interval,
            every_one_but=every_one_but,
        )
        with self._changed:
            self._started.update(claimed if self._once else ())
        return claimed

    def _reserve(self, wanted: int) -> int:
        with self._changed:
            if self._stopping:
                return 0
            idle = max(0, min(wanted, self.threads - len(self._running) - self._reserved))
            self._reserved += idle
            return idle

    def _unreserve(self, count: int, *, started: Sequence[int] = ()) -> None:
        """Give back reserved threads, `started` ones now running (at once: never idle between)."""
        with self._changed:
            self._reserved -= count
            self._running.update(started)
            self.claimed += len(started)
            self._changed.notify_all()

    def _start(self, cluster_id: int, started: dt.datetime) -> bool:
        with self._changed:
            if cluster_id in self._running:  # our lease had lapsed and we took it again
                return False
            self._running.add(cluster_id)
            self.claimed += 1
        self._pool.submit(self._work, cluster_id, started)
        return True

    def _work(self, cluster_id: int, started: dt.datetime) -> None:
        """Sync the cluster, then the next due one while there is one."""
        next_claim: tuple[int, dt.datetime] | None = (cluster_id, started)
        while next_claim is not None:
            cluster_id, started = next_claim
            try:
                outcome = run_claimed(
                    cluster_id=cluster_id,
                    owner=self.owner,
                    started=started,
                    interval=self.interval,
                    open_session=self._open_session,
                    sync_one=self._sync_one,
                    clock=self._clock,
                    draw=self._draw,
                )
                with self._changed:
                    self.failed += 0 if outcome.ok or outcome.status == "deleted" else 1
                    self.outcomes.append(outcome)
                if self._after_sync is not None:
                    self._after(outcome)
            except Exception:  # the lease runs out and the cluster returns to the schedule
                log.exception("sync of cluster %d could not be recorded", cluster_id)
                with self._changed:
                    self.failed += 1
            finally:
                with self._changed:
                    self._running.discard(cluster_id)
                    self._changed.notify_all()
            next_claim = self._claim_one()

    def _after(self, outcome: SyncOutcome) -> None:
        try:
            self._after_sync(outcome)  # type: ignore[misc]
        except Exception:  # the sync itself is recorded; what follows it never undoes that
            log.exception("work after the sync of cluster %d failed", outcome.cluster_id)

    def _claim_one(self) -> tuple[int, dt.datetime] | None:
        if not self._reserve(1):
            return None
        claimed: list[int] = []
        now = self._clock()
        try:
            with self._open_session() as session:
                claimed = self._claim(session, now, 1)
            with self._changed:  # our lease had lapsed and we took it again: it runs already
                claimed = [cluster_id for cluster_id in claimed if cluster_id not in self._running]
        except Exception:
            log.exception("could not claim the next due cluster")
        finally:
            self._unreserve(1, started=claimed)
        return (claimed[0], now) if claimed else None

    def _renew(self, now: dt.datetime) -> None:
        if self._renewed_at is not None and now - self._renewed_at < LEASE / 3:
            return
        running = self.running
        if running:
            with self._open_session() as session:
                held = renew_leases(session=session, owner=self.owner, cluster_ids=running, now=now)
            if lost := set(running) - set(held):
                log.warning(
                    "%s lost the lease of clusters %s while syncing them", self.owner, sorted(lost)
                )
        self._renewed_at = now

    def wait_idle(self, timeout: float = 60.0, *, but: frozenset[int] = frozenset()) -> bool:
        """Block until no sync runs here (but those of `but`) and no thread is claiming (tests,
        one-off runs); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._running - but or self._reserved:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def stop(self) -> None:
        """Claim nothing more and wait for the syncs running to finish."""
        with self._changed:
            self._stopping = True
        self._pool.shutdown(wait=True)


def sync_all_once(
    *,
    owner: str,
    threads: int,
    interval: dt.timedelta,
    open_session: OpenSession,
    sync_one: SyncOne,
) -> list[SyncOutcome]:
    """Sync every cluster now, in this process and once (but those another process is syncing
    right now); each is scheduled again as after any sync. The outcomes."""
    loop = SyncLoop(
        owner=owner,
        threads=threads,
        interval=interval,
        open_session=open_session,
        sync_one=sync_one,
        once=True,
    )
    try:
        while loop.tick() or not loop.wait_idle(timeout=1.0):
            pass
    finally:
        loop.stop()
    return loop.outcomes
