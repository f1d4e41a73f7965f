"""Shared fixtures: a migrated database per backend, and row factories.

Every test that takes `session` or `engine` runs on SQLite, and again on PostgreSQL when
KUBE_CONSOLE_TEST_DB_URL points at a server: the suite creates a database of its own
there and drops it at the end, relying on nothing an earlier run left. The states' tests
are the exception: they run on SQLite alone (ON_SQLITE_ONLY below says why).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from kube_console.db import make_engine, make_unpooled_engine
from kube_console.migrations import upgrade_to_head

pytest_plugins = ["tests.fakekube.plugin", "tests.factories"]

# The fake API server listens on 127.0.0.1, and every client the console builds checks its
# connections against the settings' address policy (kube/client.py): the tests run as a
# single-node setup would. A test of the refusal turns the setting off itself.
os.environ.setdefault("KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS", "1")

SERVER_URL = os.environ.get("KUBE_CONSOLE_TEST_DB_URL", "")


# The states are faces: they call services, whose queries are tested on every backend in
# tests/unit/services and tests/integration, and they hold no SQL of their own
# (tests/unit/test_layers.py). Their tests check what a handler shows and whom it lets in, the
# same on any database, so they run on SQLite alone: on PostgreSQL they would be the largest
# part of CI's time and test no query a second time.
ON_SQLITE_ONLY = ("tests/unit/states/",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The faces' PostgreSQL runs are left out (ON_SQLITE_ONLY), and the browser tests go last:
    Playwright's sync API keeps an event loop running in the main thread from its first test
    on, and async tests after it could not start theirs."""
    kept, deselected = [], []
    for item in items:
        on_postgresql = (
            getattr(item, "callspec", None)
            and item.callspec.params.get("database_url") == "postgresql"
        )
        if on_postgresql and item.nodeid.startswith(ON_SQLITE_ONLY):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under pytest-xdist (`make test`), every browser test goes to one worker: one production
    build and one browser for all of them. xdist hands out the largest unit first, so they start
    at once while the other workers share the rest test by test. (xdist's own `loadgroup` can't
    do this with pytest 9: it renames items through an attribute pytest no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "browser tests" if nodeid.startswith("tests/e2e/") else nodeid

    return BrowserTestsTogether(config, log)


BACKENDS = ["sqlite"] + (["postgresql"] if SERVER_URL else [])


def _create_postgres_database() -> tuple[str, str]:
    name = f"kc_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = make_unpooled_engine(SERVER_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(name: str) -> None:
    admin = make_unpooled_engine(SERVER_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A freshly migrated database on one backend, for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade_to_head(url)
        yield url
        return
    name, url = _create_postgres_database()
    try:
        upgrade_to_head(url)
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture(scope="session")
def _session_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def engine(_session_engine: Engine) -> Engine:
    """The session's database, emptied before each test."""
    _empty_all_tables(_session_engine)
    return _session_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as db_session:
        yield db_session
