"""Fixtures for driving the console's states: the app loaded, its database pointed at the
test database, and signed-in browser sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

import kube_console.kube_console  # noqa: F401  (registers every page, and with them every state)
from kube_console import settings
from kube_console.models import User
from kube_console.security.keyring import generate_key, get_keyring
from kube_console.services import auth
from tests.factories import PASSWORD
from tests.support.reflex_events import console_database


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Reflex's event processor is asyncio-only


@pytest.fixture
def console_db(engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The (emptied) test database, where the handlers' services open the app's sessions."""
    with console_database(database_url, monkeypatch):
        yield


@pytest.fixture
def cluster_registration(console_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handlers may register clusters the fake API server serves on 127.0.0.1, and store
    their credentials with a keyring of this test's own."""
    monkeypatch.setenv(settings.ENV_PREFIX + "ALLOW_LOOPBACK_CLUSTERS", "1")
    monkeypatch.setenv(settings.ENV_PREFIX + "ENCRYPTION_KEYS", f"k1:{generate_key()}")
    settings.get_settings.cache_clear()
    get_keyring.cache_clear()
    yield
    settings.get_settings.cache_clear()
    get_keyring.cache_clear()


def signed_in(session: Session, user: User) -> str:
    """A fresh session token for `user`, as the sign-in form's cookie would carry it."""
    token = auth.sign_in(
        session=session, email=user.email, password=PASSWORD, client="tests", session_hours=1
    ).token
    session.commit()
    return token
