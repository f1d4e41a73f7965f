"""Fixtures for the REST API: the app mounted at /api/v1 as the console mounts it, pointed at the
test database, API tokens made through services/tokens.py, and a small seeded fleet of two
organizations with inventory, usage samples and costs.

    def test_something(api, acme, fleet):          # a fresh database and fleet for this test
        reply = api.get("/api/v1/k8s/clusters", headers=acme.member)

Seeding costs a second on PostgreSQL, so tests that change nothing share one seeded world per
database: a module that only reads says `acme, rival, fleet = shared_world_fixtures()`, and
then uses `db` (which empties nothing) instead of `session`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import time
import warnings
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.routing import Mount

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx serves these tests fine
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from kube_console import db as console_db
from kube_console import settings
from kube_console.api.v1 import api_v1
from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import GIB, floor_hour
from kube_console.db import utcnow
from kube_console.models import Cluster, Namespace, Node, Organization, User, WorkerRun
from kube_console.security import keyring
from kube_console.security.rate_limit import forget_buckets
from kube_console.services import tokens
from kube_console.settings import Settings
from tests.conftest import _empty_all_tables
from tests.factories import Factory
from tests.support.usage import Figures, UsageWriter, every, session_factory

PREFIX = "/api/v1/k8s"
TEST_KEYS = f"k1:{keyring.generate_key()}"
HOUR = dt.timedelta(hours=1)


def _clear_caches() -> None:
    settings.get_settings.cache_clear()
    console_db.get_engine.cache_clear()
    keyring.get_keyring.cache_clear()
    forget_buckets()


@pytest.fixture
def api_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The process settings the app reads, pointed at the test database (change them with the
    monkeypatch this returns, then call `reload_settings`)."""
    env = settings.ENV_PREFIX
    monkeypatch.setenv(env + "DB_URL", database_url)
    monkeypatch.setenv(env + "ENCRYPTION_KEYS", TEST_KEYS)
    monkeypatch.setenv(env + "ALLOW_LOOPBACK_CLUSTERS", "1")
    monkeypatch.setenv(env + "API_RATE_LIMIT_PER_MINUTE", "100000")
    monkeypatch.setenv(env + "API_RATE_LIMIT_BURST", "100000")
    monkeypatch.delenv(env + "REDIS_URL", raising=False)
    _clear_caches()
    yield monkeypatch
    console_db.get_engine().dispose()
    _clear_caches()


def reload_settings() -> None:
    _clear_caches()


@pytest.fixture
def api(api_env: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A client of the API mounted at /api/v1, the way kube_console.py mounts it."""
    app = Starlette(routes=[Mount("/api/v1", app=api_v1)])
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclasses.dataclass
class Org:
    """An organization, its admin and member, and the headers of their tokens."""

    org: Organization
    admin_user: User
    member_user: User
    admin: dict[str, str]  # an admin token of the admin
    admin_read: dict[str, str]  # a read token of the admin
    member: dict[str, str]  # a read token of the member
    revoked: dict[str, str]  # an admin token of the admin, revoked

    @property
    def id(self) -> int:
        return self.org.id


def _new_token(session: Session, user: User, role: str, name: str = "script") -> str:
    made = tokens.create_token(
        session=session, org_id=user.org_id, user_id=user.id, name=name, role=role
    )
    session.commit()
    return made.token


def make_org(session: Session, make: Factory, name: str) -> Org:
    org = make.org(name)
    admin_user = make.user(org, role="admin", email=f"admin@{name}.example.com")
    member_user = make.user(org, role="member", email=f"member@{name}.example.com")
    revoked = _new_token(session, admin_user, "admin", "old")
    token_row = tokens.list_tokens(session=session, org_id=org.id, user_id=admin_user.id)[0]
    tokens.revoke_token(
        session=session, org_id=org.id, user_id=admin_user.id, token_id=token_row.id
    )
    session.commit()
    return Org(
        org=org,
        admin_user=admin_user,
        member_user=member_user,
        admin=bearer(_new_token(session, admin_user, "admin")),
        admin_read=bearer(_new_token(session, admin_user, "read")),
        member=bearer(_new_token(session, member_user, "read")),
        revoked=bearer(revoked),
    )


@pytest.fixture
def acme(session: Session, make: Factory) -> Org:
    return make_org(session, make, "acme")


@pytest.fixture
def rival(session: Session, make: Factory) -> Org:
    return make_org(session, make, "rival")


SHOP = Figures(
    cpu_request=1,
    cpu_usage=0.5,
    memory_request=2 * GIB,
    memory_usage=GIB,
    team="web",
    cost_center="cc-1",
)
SEARCH = Figures(
    cpu_request=2,
    cpu_usage=2,
    memory_request=4 * GIB,
    memory_usage=4 * GIB,
    team="data",
    cost_center="cc-2",
)
SAMPLED_HOURS = 6


@dataclasses.dataclass
class Side:
    """One organization's seeded objects."""

    cluster: Cluster
    other_cluster: Cluster
    shop: Namespace  # 2 Deployments, a StatefulSet, 5 pods, 3 Helm releases
    search: Namespace
    node: Node
    deployment: object
    statefulset: object
    pods: list
    releases: list
    run: WorkerRun


@dataclasses.dataclass
class Fleet:
    acme: Side
    rival: Side
    now: dt.datetime


def _namespace(session: Session, cluster: Cluster, name: str) -> Namespace:
    return session.exec(
        select(Namespace).where(Namespace.cluster_id == cluster.id, Namespace.name == name)
    ).one()


def _seed_side(session: Session, make: Factory, org: Org, times: list[dt.datetime]) -> Side:
    cluster = make.cluster(
        org.org,
        name="prod",
        environment="production",
        provider="eks",
        status="healthy",
        last_success_at=times[-1],
        node_count=3,
        namespace_count=2,
    )
    other = make.cluster(
        org.org, name="stage", environment="staging", provider="k3s", status="degraded"
    )
    make.cluster(
        org.org, name="lab", environment="development", provider="kind", status="unreachable"
    )
    # Samples every hour, so the cost job has hours to price: shop and search on node p1.
    UsageWriter(session, cluster).steady(
        times, namespaces={"shop": SHOP, "search": SEARCH}, nodes={"p1": (4, 16 * GIB)}
    )
    shop, search = _namespace(session, cluster, "shop"), _namespace(session, cluster, "search")
    for namespace, team in ((shop, "web"), (search, "data")):
        namespace.team = team
        session.add(namespace)
    make.namespace(cluster, name="empty")
    node = session.exec(select(Node).where(Node.cluster_id == cluster.id)).one()
    node.ready, node.allocatable_cpu_cores, node.allocatable_memory_bytes = True, 4.0, 16 * GIB
    session.add(node)
    make.node(cluster, name="p2", ready=True, allocatable_cpu_cores=8.0)
    make.node(cluster, name="p3", ready=False)
    session.commit()
    container = {
        "name": "app",
        "image": "shop:1",
        "cpu_request_cores": 0.25,
        "memory_request_bytes": GIB,
        "ready": True,
    }
    deployment = make.workload(
        shop,
        name="web",
        replicas_desired=3,
        replicas_ready=3,
        replicas_available=3,
        replicas_updated=3,
        containers=[container],
        cpu_request_cores=0.25,
        memory_request_bytes=GIB,
    )
    make.workload(shop, name="api", replicas_desired=2, replicas_ready=1)
    make.workload(shop, name="worker")
    statefulset = make.workload(
        shop, name="db", kind="StatefulSet", replicas_desired=1, replicas_ready=1
    )
    pods = [
        make.pod(
            shop,
            name=f"web-{index}",
            workload=deployment,
            node_name="p1",
            containers=[container],
            cpu_request_cores=0.25,
            memory_request_bytes=GIB,
            restarts=index,
        )
        for index in range(3)
    ]
    pods.append(make.pod(shop, name="db-0", workload=statefulset, node_name="p2"))
    pods.append(make.pod(shop, name="job-x", phase="Succeeded"))
    make.pod(search, name="indexer-0", node_name="p1")
    releases = [
        make.helm_release(
            shop, name=name, chart=name, chart_version="1.0.0", status=status, revision=2
        )
        for name, status in (("shop", "deployed"), ("redis", "deployed"), ("broken", "failed"))
    ]
    make.helm_release(search, name="opensearch", chart="opensearch", status="deployed")
    run = WorkerRun(
        job="sync_cluster", trigger="api", org_id=org.id, cluster_id=cluster.id, status="succeeded"
    )
    session.add(run)
    session.commit()
    return Side(
        cluster=cluster,
        other_cluster=other,
        shop=shop,
        search=search,
        node=node,
        deployment=deployment,
        statefulset=statefulset,
        pods=pods,
        releases=releases,
        run=run,
    )


def _seed_fleet(session: Session, make: Factory, engine, acme: Org, rival: Org) -> Fleet:
    now = utcnow()
    times = every(floor_hour(now) - SAMPLED_HOURS * HOUR, floor_hour(now), 3600)
    fleet = Fleet(
        acme=_seed_side(session, make, acme, times),
        rival=_seed_side(session, make, rival, times),
        now=now,
    )
    outcomes = run_cost_pass(
        open_session=session_factory(engine), settings=Settings(sync_interval_seconds=3600), now=now
    )
    assert all(outcome.ok for outcome in outcomes)
    return fleet


@pytest.fixture
def fleet(session: Session, make: Factory, engine, acme: Org, rival: Org) -> Fleet:
    """Both organizations with the same shape of fleet, sampled for the last closed hours and
    costed by the hourly job (built-in prices, USD), in a database emptied for this test."""
    return _seed_fleet(session, make, engine, acme, rival)


@pytest.fixture
def db(_session_engine) -> Iterator[Session]:
    """A session on the test database that, unlike `session`, empties nothing first."""
    with Session(_session_engine, expire_on_commit=False) as db_session:
        yield db_session


@dataclasses.dataclass
class World:
    acme: Org
    rival: Org
    fleet: Fleet


WORLD_MAX_AGE_SECONDS = 1800  # rebuilt after that, so "the last closed hours" stay recent
_WORLDS: dict[str, tuple[tuple, float, World]] = {}


def _fingerprint(engine) -> tuple:
    with Session(engine) as db_session:
        return tuple(
            db_session.exec(
                select(Organization.id, Organization.name).order_by(Organization.id)
            ).all()
        )


def _build_world(engine) -> World:
    _empty_all_tables(engine)
    suffix = secrets.token_hex(3)
    with Session(engine, expire_on_commit=False) as db_session:
        make = Factory(db_session)
        acme, rival = (
            make_org(db_session, make, f"acme-{suffix}"),
            make_org(db_session, make, f"rival-{suffix}"),
        )
        fleet = _seed_fleet(db_session, make, engine, acme, rival)
    return World(acme=acme, rival=rival, fleet=fleet)


@pytest.fixture
def world(request: pytest.FixtureRequest, _session_engine, api_env) -> World:
    """Both organizations and their fleets, seeded once per database and shared by every test
    that changes nothing; seeded again when a test with a fresh database emptied it."""
    assert "engine" not in request.fixturenames, "a shared-world test must not empty the database"
    key = str(_session_engine.url)
    cached = _WORLDS.get(key)
    if (
        cached is None
        or time.monotonic() - cached[1] > WORLD_MAX_AGE_SECONDS
        or _fingerprint(_session_engine) != cached[0]
    ):
        built = _build_world(_session_engine)
        cached = _WORLDS[key] = (_fingerprint(_session_engine), time.monotonic(), built)
    return cached[2]


def shared_world_fixtures():
    """`acme`, `rival` and `fleet` from the shared world, to override the fresh ones in a module."""

    @pytest.fixture
    def acme(world: World) -> Org:
        return world.acme

    @pytest.fixture
    def rival(world: World) -> Org:
        return world.rival

    @pytest.fixture
    def fleet(world: World) -> Fleet:
        return world.fleet

    return acme, rival, fleet
