"""Fixtures for syncing real (fake-served) clusters into the test database."""

from __future__ import annotations

import functools

import pytest

from kube_console.db import session_scope
from kube_console.security.keyring import Keyring, generate_key
from kube_console.settings import Settings, load_settings


@pytest.fixture
def open_session(engine):
    return functools.partial(session_scope, engine)


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring.parse(f"k1:{generate_key()}")


@pytest.fixture
def settings(database_url) -> Settings:
    return load_settings(db_url=database_url, allow_loopback_clusters=True, sync_threads=5)
