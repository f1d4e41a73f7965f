"""The per-cluster schedule, driven with a clock of the test's own: claims, leases, the next
sync's time, back-off, and syncs someone asked for.

The syncs themselves are stand-ins (the engine is what is tested here; tests/integration
syncs real fake clusters): a stand-in can be held until the test lets it go.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time

import pytest
from sqlmodel import select

from kube_console.db import session_scope
from kube_console.models import Cluster, WorkerRun
from kube_console.security.authz import NotFound
from kube_console.services import sync_scheduling
from kube_console.services.sync import SyncOutcome
from kube_console.services.sync_scheduling import (
    AFFINITY_GRACE,
    ERROR_BACKOFF_MAX,
    JITTER,
    LEASE,
    claim_due,
    next_sync_at,
    request_sync,
)
from kube_console.workers.sync_job import SyncLoop

T0 = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)
INTERVAL = dt.timedelta(seconds=30)


class Clock:
    def __init__(self, now: dt.datetime = T0):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, seconds: float) -> dt.datetime:
        self.now = T0 + dt.timedelta(seconds=seconds)
        return self.now


class StandInSyncs:
    """Answers each cluster's sync at once as `status`, except clusters held until released."""

    def __init__(self, engine, status: str = "healthy"):
        self.engine = engine
        self.status = status
        self.held: dict[int, threading.Event] = {}
        self.started: list[int] = []
        self.on_sync = None

    def hold(self, cluster_id: int) -> None:
        self.held[cluster_id] = threading.Event()

    def let_go(self, cluster_id: int) -> None:
        self.held[cluster_id].set()

    def __call__(self, cluster_id: int) -> SyncOutcome:
        self.started.append(cluster_id)
        if cluster_id in self.held:
            assert self.held[cluster_id].wait(30), "the test never let the held sync go"
        if self.on_sync is not None:
            self.on_sync(cluster_id)
        return SyncOutcome(cluster_id, f"#{cluster_id}", self.status, 1.0)


def _open(engine):
    return functools.partial(session_scope, engine)


def _loop(engine, syncs, clock, *, owner="w1", threads=4, draw=lambda: 0.5) -> SyncLoop:
    return SyncLoop(
        owner=owner,
        threads=threads,
        interval=INTERVAL,
        open_session=_open(engine),
        sync_one=syncs,
        clock=clock,
        draw=draw,
    )


def _clusters(make, count: int, **fields) -> list[int]:
    """Clusters registered an hour before T0, due at T0 unless `fields` say otherwise."""
    org = make.org()
    fields = {
        "created_at": T0 - dt.timedelta(hours=1),
        "credential_ciphertext": b"sealed",
        **fields,
    }
    return [make.cluster(org, **fields).id for _ in range(count)]


def _row(session, cluster_id: int) -> Cluster:
    session.expire_all()
    return session.get(Cluster, cluster_id)


def _until(condition, what: str) -> None:
    """Wait for the loop's threads to reach a state (never an assertion about time)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.005)


@pytest.fixture
def loops():
    started: list[SyncLoop] = []
    yield started
    for loop in started:
        loop.stop()


def test_a_slow_cluster_delays_neither_the_others_claims_nor_their_next_sync(
    engine, make, session, loops
):
    slow, *healthy = _clusters(make, 3)
    clock, syncs = Clock(), StandInSyncs(engine)
    syncs.hold(slow)
    first, second = _loop(engine, syncs, clock, owner="w1"), _loop(engine, syncs, clock, owner="w2")
    loops += [first, second]

    assert first.tick() == sorted([slow, *healthy])
    assert first.wait_idle(but=frozenset({slow}))  # the healthy syncs ended
    assert [_row(session, cluster_id).next_sync_at for cluster_id in healthy] == [T0 + INTERVAL] * 2

    clock.at(30)  # the slow sync still runs: the others are due on time, and claimed on time
    assert first.tick() == healthy  # (its tick renews the slow cluster's lease, too)
    assert second.tick() == []  # the slow cluster is leased: nobody starts it twice
    assert first.wait_idle(but=frozenset({slow}))
    assert [_row(session, cluster_id).next_sync_at for cluster_id in healthy] == [
        T0 + 2 * INTERVAL
    ] * 2
    assert sorted(syncs.started) == sorted([slow, *healthy, *healthy])

    clock.at(44)
    syncs.let_go(slow)
    assert first.wait_idle()
    # Due 30 s after it started, not after it ended: the slow one ran again at once, alone.
    assert syncs.started.count(slow) == 2
    assert _row(session, slow).next_sync_at == clock.now + INTERVAL
    assert [_row(session, cluster_id).next_sync_at for cluster_id in healthy] == [
        T0 + 2 * INTERVAL
    ] * 2


def test_next_sync_is_set_from_when_the_sync_started(engine, make, session, loops):
    [cluster_id] = _clusters(make, 1)
    clock, syncs = Clock(), StandInSyncs(engine)
    syncs.on_sync = lambda _: clock.at(12)  # the sync takes 12 s
    loop = _loop(engine, syncs, clock)
    loops.append(loop)
    clock.at(3)
    assert loop.tick() == [cluster_id]
    assert loop.wait_idle()
    row = _row(session, cluster_id)
    assert (row.next_sync_at, row.lease_owner, row.lease_expires_at) == (
        T0 + dt.timedelta(seconds=33),
        "w1",
        None,
    )
    clock.at(32)
    assert loop.tick() == []
    clock.at(33)
    assert loop.tick() == [cluster_id]


def test_a_cluster_never_scheduled_is_due_an_interval_after_its_last_sync_or_registration(
    engine, make, session
):
    registered = _clusters(make, 1, last_sync_at=T0)[0]  # registration's first sync ended at T0
    registering = _clusters(make, 1, created_at=T0)[0]  # its first sync still running
    never_synced = _clusters(make, 1)[0]
    no_credential = make.cluster(make.org(), created_at=T0 - dt.timedelta(hours=1)).id
    with session_scope(engine) as db:
        early = T0 + dt.timedelta(seconds=20)
        assert claim_due(session=db, owner="w1", now=early, limit=10, interval=INTERVAL) == [
            never_synced
        ]
        assert claim_due(
            session=db, owner="w1", now=T0 + INTERVAL, limit=10, interval=INTERVAL
        ) == [
            registered,
            registering,
        ]
    assert _row(session, no_credential).lease_owner is None


def test_two_claimers_at_once_never_claim_the_same_cluster(engine, make):
    """On PostgreSQL the claims really overlap: FOR UPDATE SKIP LOCKED keeps them apart."""
    cluster_ids = _clusters(make, 120)
    claimers = 6
    barrier = threading.Barrier(claimers)
    claims: dict[str, list[int]] = {}

    def claim(owner: str) -> None:
        mine = claims.setdefault(owner, [])
        barrier.wait()
        while True:
            with session_scope(engine) as db:
                got = claim_due(session=db, owner=owner, now=T0, limit=7, interval=INTERVAL)
            if not got:
                return
            mine.extend(got)

    threads = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    every_claim = [cluster_id for mine in claims.values() for cluster_id in mine]
    assert sorted(every_claim) == sorted(cluster_ids)  # each one claimed, and only once
    with session_scope(engine) as db:
        owners = dict(db.execute(select(Cluster.id, Cluster.lease_owner)).all())
    assert all(owners[cluster_id] == owner for owner, mine in claims.items() for cluster_id in mine)


def _synced_by(engine, cluster_id: int, owner: str) -> dt.datetime:
    """`owner` claims and syncs the cluster at T0; when it is due again."""
    with session_scope(engine) as db:
        assert claim_due(session=db, owner=owner, now=T0, limit=5, interval=INTERVAL) == [
            cluster_id
        ]
        next_at = sync_scheduling.release(
            session=db,
            cluster_id=cluster_id,
            owner=owner,
            outcome=SyncOutcome(cluster_id, "c", "healthy", 1.0),
            started=T0,
            finished=T0 + dt.timedelta(seconds=1),
            interval=INTERVAL,
        )
    assert next_at == T0 + INTERVAL
    return next_at


def test_a_cluster_stays_with_the_process_that_synced_it_last_while_it_keeps_up(engine, make):
    """Its client and connections are there (kube/client.py): another process waits a little."""
    [cluster_id] = _clusters(make, 1)
    due = _synced_by(engine, cluster_id, "w1")
    almost = due + AFFINITY_GRACE - dt.timedelta(milliseconds=1)
    with session_scope(engine) as db:
        assert claim_due(session=db, owner="w2", now=due, limit=5, interval=INTERVAL) == []
        assert claim_due(session=db, owner="w2", now=almost, limit=5, interval=INTERVAL) == []
        assert claim_due(session=db, owner="w1", now=due, limit=5, interval=INTERVAL) == [
            cluster_id
        ]


def test_a_cluster_its_last_process_does_not_claim_in_time_goes_to_another(engine, make):
    [cluster_id] = _clusters(make, 1)
    due = _synced_by(engine, cluster_id, "w1")  # then w1 is killed, or too busy
    with session_scope(engine) as db:
        late = due + AFFINITY_GRACE
        assert claim_due(session=db, owner="w2", now=late, limit=5, interval=INTERVAL) == [
            cluster_id
        ]


def test_an_expired_lease_is_claimable_and_the_old_holder_does_not_overwrite_it(
    engine, make, session
):
    [cluster_id] = _clusters(make, 1)
    with session_scope(engine) as db:
        assert claim_due(session=db, owner="killed", now=T0, limit=5, interval=INTERVAL) == [
            cluster_id
        ]
    with session_scope(engine) as db:
        assert (
            claim_due(
                session=db,
                owner="w2",
                now=T0 + LEASE - dt.timedelta(seconds=1),
                limit=5,
                interval=INTERVAL,
            )
            == []
        )
        assert claim_due(session=db, owner="w2", now=T0 + LEASE, limit=5, interval=INTERVAL) == [
            cluster_id
        ]
    with session_scope(engine) as db:  # the first holder comes back from a long stall
        late = sync_scheduling.release(
            session=db,
            cluster_id=cluster_id,
            owner="killed",
            outcome=SyncOutcome(cluster_id, "c", "healthy", 1.0),
            started=T0,
            finished=T0 + LEASE,
            interval=INTERVAL,
        )
    row = _row(session, cluster_id)
    assert late is None and (row.lease_owner, row.lease_expires_at) == ("w2", T0 + 2 * LEASE)


def test_a_running_sync_keeps_its_lease_past_the_lease_time(engine, make, session, loops):
    [cluster_id] = _clusters(make, 1)
    clock, syncs = Clock(), StandInSyncs(engine)
    syncs.hold(cluster_id)
    holder, other = _loop(engine, syncs, clock, owner="w1"), _loop(engine, syncs, clock, owner="w2")
    loops += [holder, other]
    holder.tick()
    for seconds in (6, 12, 18, 24, 30, 36):  # the holder ticks: its lease moves on
        clock.at(seconds)
        holder.tick()
        assert other.tick() == []
    assert _row(session, cluster_id).lease_expires_at == clock.now + LEASE
    syncs.let_go(cluster_id)


@pytest.mark.parametrize(
    ("status", "backoff_seconds", "failing_for", "resume_after", "wait"),
    [
        ("auth_failed", 120, None, 120, 120),  # sync.py's doubling back-off, from when it ended
        ("unreachable", None, 40, 30, 30),  # failing for a short while: back on its interval
        ("error", None, 300, 150, 150),  # half as long as it has been failing
        (
            "unreachable",
            None,
            3 * 3600,
            ERROR_BACKOFF_MAX.total_seconds(),
            ERROR_BACKOFF_MAX.total_seconds(),
        ),
    ],
)
def test_backoff_moves_next_sync_with_jitter_inside_bounds(
    status, backoff_seconds, failing_for, resume_after, wait
):
    started, finished = T0, T0 + dt.timedelta(seconds=2)
    backoff_until = finished + dt.timedelta(seconds=backoff_seconds) if backoff_seconds else None
    failing_since = started - dt.timedelta(seconds=failing_for) if failing_for else None
    base = backoff_until or started + dt.timedelta(seconds=resume_after)

    def scheduled(**draw) -> dt.datetime:
        return next_sync_at(
            started=started,
            finished=finished,
            interval=INTERVAL,
            status=status,
            backoff_until=backoff_until,
            failing_since=failing_since,
            **draw,
        )

    latest = base + dt.timedelta(seconds=JITTER * wait)
    assert scheduled(draw=lambda: 0.0) == base
    assert abs(scheduled(draw=lambda: 0.999999) - latest) < dt.timedelta(milliseconds=1)
    drawn = [scheduled() for _ in range(40)]  # at random
    assert all(base <= value < latest for value in drawn)
    assert len(set(drawn)) > 1  # clusters that failed together come back apart


def test_a_sync_that_worked_is_due_one_interval_after_it_started_without_jitter():
    assert next_sync_at(
        started=T0, finished=T0 + dt.timedelta(seconds=25), interval=INTERVAL, status="degraded"
    ) == (T0 + INTERVAL)


def test_the_loop_schedules_an_auth_failure_at_its_backoff_with_jitter(
    engine, make, session, loops
):
    [cluster_id] = _clusters(make, 1)
    clock, syncs = Clock(), StandInSyncs(engine, status="auth_failed")

    def refused(cluster_id: int) -> None:  # what sync.py records on a refused credential
        with session_scope(engine) as db:
            row = db.get(Cluster, cluster_id)
            row.backoff_until = T0 + dt.timedelta(seconds=60)
            db.add(row)

    syncs.on_sync = refused
    loop = _loop(engine, syncs, clock, draw=lambda: 1.0)
    loops.append(loop)
    loop.tick()
    assert loop.wait_idle()
    assert _row(session, cluster_id).next_sync_at == T0 + dt.timedelta(seconds=60 + 60 * JITTER)


def test_a_requested_sync_is_queued_until_a_worker_claims_it_and_carries_its_run(
    engine, make, session, loops
):
    [cluster_id] = _clusters(make, 1)
    org_id = _row(session, cluster_id).org_id
    clock, syncs = Clock(), StandInSyncs(engine)
    loop = _loop(engine, syncs, clock)
    loops.append(loop)
    loop.tick()
    assert loop.wait_idle()

    clock.at(5)  # long before it is due
    with session_scope(engine) as db:
        run_id = request_sync(
            session=db, org_id=org_id, cluster_id=cluster_id, trigger="manual", now=clock.now
        )
    with session_scope(engine) as db:
        again = request_sync(
            session=db, org_id=org_id, cluster_id=cluster_id, trigger="api", now=clock.now
        )
    assert again == run_id  # asking twice queues one sync
    run = session.get(WorkerRun, run_id)
    assert (run.status, run.process, _row(session, cluster_id).next_sync_at) == (
        "queued",
        "",
        clock.now,
    )

    assert loop.tick() == [cluster_id]
    assert loop.wait_idle()
    session.expire_all()
    run = session.get(WorkerRun, run_id)
    assert (run.status, run.process, run.items_done) == ("succeeded", "w1", 1)
    assert _row(session, cluster_id).next_sync_at == clock.now + INTERVAL


def test_a_sync_asked_for_while_one_runs_is_due_as_soon_as_that_one_ends(
    engine, make, session, loops
):
    [cluster_id] = _clusters(make, 1)
    org_id = _row(session, cluster_id).org_id
    clock, syncs = Clock(), StandInSyncs(engine)
    syncs.hold(cluster_id)
    loop = _loop(engine, syncs, clock)
    loops.append(loop)
    loop.tick()
    _until(lambda: syncs.started == [cluster_id], "the sync to start")
    clock.at(4)
    with session_scope(engine) as db:
        run_id = request_sync(
            session=db, org_id=org_id, cluster_id=cluster_id, trigger="manual", now=clock.now
        )
    assert session.get(WorkerRun, run_id).status == "queued"  # the running sync started before
    syncs.let_go(cluster_id)
    assert loop.wait_idle()
    # Due at once when the first sync ended, not at T0 + 30 s: the same thread took it again.
    assert syncs.started == [cluster_id, cluster_id]
    session.expire_all()
    assert session.get(WorkerRun, run_id).status == "succeeded"
    assert _row(session, cluster_id).next_sync_at == clock.now + INTERVAL


def test_a_sync_of_another_organizations_cluster_cannot_be_asked_for(engine, make, session):
    [cluster_id] = _clusters(make, 1)
    other_org = make.org()
    with pytest.raises(NotFound), session_scope(engine) as db:
        request_sync(session=db, org_id=other_org.id, cluster_id=cluster_id, trigger="api")
    assert session.exec(select(WorkerRun)).all() == []


def test_a_run_a_killed_worker_was_carrying_is_finished_by_the_next_claimer(
    engine, make, session, loops
):
    [cluster_id] = _clusters(make, 1)
    org_id = _row(session, cluster_id).org_id
    with session_scope(engine) as db:
        run_id = request_sync(
            session=db, org_id=org_id, cluster_id=cluster_id, trigger="api", now=T0
        )
    with session_scope(engine) as db:  # a worker claims it, then is killed before it syncs
        assert claim_due(session=db, owner="killed", now=T0, limit=5, interval=INTERVAL) == [
            cluster_id
        ]
    run = session.get(WorkerRun, run_id)
    assert (run.status, run.process) == ("running", "killed")

    clock, syncs = Clock(T0 + LEASE), StandInSyncs(engine)
    survivor = _loop(engine, syncs, clock, owner="w2")
    loops.append(survivor)
    assert survivor.tick() == [cluster_id]
    assert survivor.wait_idle()
    session.expire_all()
    run = session.get(WorkerRun, run_id)
    assert (run.status, run.process, run.items_done) == ("succeeded", "w2", 1)
