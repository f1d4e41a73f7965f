"""Build (or bring up to date) the demo organization through the console's real code paths.

Each demo cluster is registered the way an admin registers one: a kubeconfig pasted into the
intake (validated, the connection tested, the provider detected, the credential encrypted).
Its history is then replayed hour by hour: the fake API server's metrics are moved to that
hour and the cluster is synced (fetched over HTTPS, stored, sampled) as of that hour; then
the cost job prices every closed hour. Nothing is written into the tables by hand.

A database that already holds the demo is brought up to date instead: each cluster's
credential is replaced (this run's fake server has a new port and CA) through the same
intake, and only the hours since its last sample are replayed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable
from time import perf_counter
from typing import TypedDict

from sqlalchemy import func, select
from sqlmodel import col

from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import floor_hour
from kube_console.db import utcnow
from kube_console.fakekube.cluster import FakeCluster
from kube_console.fakekube.kubeconfig import kubeconfig_yaml
from kube_console.fakekube.server import FakeKubeServer
from kube_console.kube.client import build_api_client
from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.fetch import fetch_snapshot
from kube_console.models import Cluster, CostHourly, Organization, UsageSnapshot, User
from kube_console.security.keyring import Keyring
from kube_console.services import users
from kube_console.services.clusters import label_keys, register_cluster, update_cluster
from kube_console.services.credentials import load_credential
from kube_console.services.sync import OpenSession, sync_cluster
from kube_console.settings import Settings

from .fleet import ENVIRONMENTS, Workload

DEMO_ORG = "Demo organization (sample data)"
DEMO_EMAIL = "demo@kube-console.example"
DEMO_NAME = "Demo Admin"
HOUR = dt.timedelta(hours=1)
SAMPLE_MINUTE = dt.timedelta(minutes=5)  # each replayed sync is taken at hh:05
# The last day is synced every hour before the console serves (a minute's work on a busy
# 2-core machine); the older days are filled in behind it every three hours, which the cost
# job still counts as fully covered (a sample covers up to three sync intervals of 3,600 s).
RECENT = dt.timedelta(days=1)
SPARSE_STEP = 3 * HOUR


class DemoFailed(RuntimeError):
    """The demo could not be built: it never starts half-made."""


@dataclasses.dataclass(frozen=True)
class DemoReady:
    email: str
    password: str
    built: bool  # False: an existing demo database was brought up to date
    syncs_replayed: int
    org_id: int
    cluster_ids: dict[str, int]
    history_start: dt.datetime  # `backfill` replays [history_start, recent_start)
    recent_start: dt.datetime
    now: dt.datetime  # what the build counted as now (the cost job's retention reckons from it)


class DemoParts(TypedDict):
    """What building the demo and filling in its older history both take."""

    open_session: OpenSession
    settings: Settings
    keyring: Keyring
    clusters: list[FakeCluster]
    workload: Workload


class _Registration(TypedDict):
    """What registering a demo cluster and replacing its credential both take."""

    open_session: OpenSession
    org_id: int
    name: str
    environment: str
    kubeconfig: str
    context: str | None
    acknowledge_insecure_tls: bool
    keyring: Keyring
    settings: Settings


def history_settings(settings: Settings, days: int) -> Settings:
    """One sample an hour covers its hour, and the samples of every replayed day are kept."""
    return settings.model_copy(
        update={
            "sync_interval_seconds": 3600,
            "sample_retention_days": max(settings.sample_retention_days, days + 2),
        }
    )


def prepare_demo(
    *,
    open_session: OpenSession,
    settings: Settings,
    keyring: Keyring,
    server: FakeKubeServer,
    clusters: list[FakeCluster],
    workload: Workload,
    days: int,
    now: dt.datetime | None = None,
    say: Callable[[str], None] = print,
) -> DemoReady:
    """The demo organization with `clusters` registered and `days` days of history up to `now`."""
    started = perf_counter()
    now = now or utcnow()
    password = secrets.token_urlsafe(12)
    with open_session() as session:
        org = session.execute(
            select(Organization).where(col(Organization.name) == DEMO_ORG)
        ).scalar_one_or_none()
        built = org is None
        if org is None:
            org = Organization(name=DEMO_ORG)
            session.add(org)
            session.flush()
        org_id = org.id
        assert org_id is not None  # stored
        if built:
            users.create_user(
                session=session,
                org_id=org_id,
                email=DEMO_EMAIL,
                password=password,
                role="admin",
                display_name=DEMO_NAME,
            )
        else:
            admin = session.execute(select(User).where(col(User.email) == DEMO_EMAIL)).scalar_one()
            users.reset_password(
                session=session, org_id=org_id, user_id=admin.id, password=password
            )
        known = {
            name: cluster_id
            for name, cluster_id in session.execute(
                select(col(Cluster.name), col(Cluster.id)).where(col(Cluster.org_id) == org_id)
            ).tuples()
            if cluster_id is not None  # stored rows have their ids
        }

    ids = {}
    for cluster in clusters:
        kubeconfig = kubeconfig_yaml(server.credentials_for(cluster), context=cluster.name)
        common = _Registration(
            open_session=open_session,
            org_id=org_id,
            name=cluster.name,
            environment=ENVIRONMENTS[cluster.name],
            kubeconfig=kubeconfig,
            context=None,
            acknowledge_insecure_tls=False,
            keyring=keyring,
            settings=settings,
        )
        if cluster.name in known:
            ids[cluster.name] = update_cluster(cluster_id=known[cluster.name], **common).id
        else:
            ids[cluster.name] = register_cluster(**common)[0].id
        say(f"  {cluster.name}: registered through the kubeconfig intake")

    recent_start = max(now - RECENT, now - dt.timedelta(days=days))
    replayed = replay_history(
        open_session=open_session,
        settings=settings,
        keyring=keyring,
        clusters=clusters,
        workload=workload,
        cluster_ids=ids,
        start=recent_start,
        end=now,
    )
    run_cost_pass(
        open_session=open_session, settings=history_settings(settings, days), now=now, org_id=org_id
    )
    say(
        f"  replayed and priced {replayed.syncs} syncs of the last hours ({perf_counter() - started:.1f} s)"
    )
    return DemoReady(
        DEMO_EMAIL,
        password,
        built,
        replayed.syncs,
        org_id,
        ids,
        history_start=now - dt.timedelta(days=days),
        recent_start=recent_start,
        now=now,
    )


def backfill(
    ready: DemoReady,
    *,
    open_session: OpenSession,
    settings: Settings,
    keyring: Keyring,
    clusters: list[FakeCluster],
    workload: Workload,
    days: int,
    say: Callable[[str], None] = print,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """The older history, [history_start, recent_start): replayed every three hours, then
    priced hour by hour. Runs while the console serves (the recent hours are there already)."""
    started = perf_counter()
    if ready.recent_start <= ready.history_start:
        return 0
    replayed = replay_history(
        open_session=open_session,
        settings=settings,
        keyring=keyring,
        clusters=clusters,
        workload=workload,
        cluster_ids=ready.cluster_ids,
        start=ready.history_start,
        end=floor_hour(ready.recent_start),
        step=SPARSE_STEP,
        should_stop=should_stop,
    )
    if should_stop():
        return replayed.syncs
    price_from = [floor_hour(replayed.first)] if replayed.first else []
    with open_session() as session:
        earliest_cost = session.execute(
            select(func.min(col(CostHourly.hour_start))).where(
                col(CostHourly.org_id) == ready.org_id
            )
        ).scalar_one()
    if earliest_cost is None or _aware(earliest_cost) > ready.history_start + SPARSE_STEP:
        price_from.append(floor_hour(ready.history_start))  # a pricing stopped half-way
    if price_from:
        run_cost_pass(
            open_session=open_session,
            settings=history_settings(settings, days),
            now=ready.now,
            org_id=ready.org_id,
            start=min(price_from),
            end=floor_hour(ready.recent_start) + HOUR,
        )
    say(
        f"kube-console demo: {days} days of history ready "
        f"({replayed.syncs} more syncs, {perf_counter() - started:.0f} s)"
    )
    return replayed.syncs


@dataclasses.dataclass(frozen=True)
class Replayed:
    syncs: int
    first: dt.datetime | None  # the earliest moment replayed


def replay_history(
    *,
    open_session: OpenSession,
    settings: Settings,
    keyring: Keyring,
    clusters: list[FakeCluster],
    workload: Workload,
    cluster_ids: dict[str, int],
    start: dt.datetime,
    end: dt.datetime,
    step: dt.timedelta = HOUR,
    should_stop: Callable[[], bool] = lambda: False,
) -> Replayed:
    """Sync each cluster every `step` (at hh:05) from `start` up to `end`, with the fake
    server's metrics moved to each moment, wherever it has no sample yet: a rebuilt demo, or
    one stopped half-way, replays only its gaps."""
    keys = label_keys(settings)
    first = floor_hour(start)
    sampled = _sampled_hours(open_session, cluster_ids, first, end)
    clients = {
        c.name: build_api_client(load_credentials(open_session, cluster_ids[c.name], keyring))
        for c in clusters
    }
    synced, earliest = 0, None
    moment = first + SAMPLE_MINUTE
    try:
        while moment < end and not should_stop():
            hours = {floor_hour(moment) + HOUR * k for k in range(max(1, step // HOUR))}
            due = [c for c in clusters if not hours & sampled[c.name]]
            if due:
                workload.set_hour(moment)
                earliest = earliest or moment
            for cluster in due:
                # One client per cluster for the whole replay (the scheduler builds one per sync):
                # the fetch and the store are the scheduler's own.
                outcome = sync_cluster(
                    cluster_id=cluster_ids[cluster.name],
                    keyring=keyring,
                    label_keys=keys,
                    open_session=open_session,
                    snapshot=fetch_snapshot(clients[cluster.name]),
                    now=moment,
                    sync_interval_seconds=settings.sync_interval_seconds,
                )
                if not outcome.ok:
                    raise DemoFailed(f"the demo's sync of {cluster.name} failed: {outcome.error}")
                synced += 1
            moment += step
    finally:
        for client in clients.values():
            client.close()
    return Replayed(synced, earliest)


def _sampled_hours(
    open_session: OpenSession, cluster_ids: dict[str, int], start: dt.datetime, end: dt.datetime
) -> dict[str, set[dt.datetime]]:
    names = {cluster_id: name for name, cluster_id in cluster_ids.items()}
    hours: dict[str, set[dt.datetime]] = {name: set() for name in cluster_ids}
    with open_session() as session:
        for cluster_id, sampled_at in session.execute(
            select(col(UsageSnapshot.cluster_id), col(UsageSnapshot.sampled_at)).where(
                col(UsageSnapshot.cluster_id).in_(list(names)),
                col(UsageSnapshot.sampled_at) >= start,
                col(UsageSnapshot.sampled_at) < end,
            )
        ):
            hours[names[cluster_id]].add(floor_hour(_aware(sampled_at)))
    return hours


def load_credentials(
    open_session: OpenSession, cluster_id: int, keyring: Keyring
) -> ClusterCredentials:
    with open_session() as session:
        cluster = session.get(Cluster, cluster_id)
        assert cluster is not None  # registered by prepare_demo
        return load_credential(cluster=cluster, keyring=keyring)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
