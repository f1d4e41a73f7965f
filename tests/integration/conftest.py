"""Fixtures for syncing real (fake-served) clusters into the test database."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kube_console.db import session_scope
from kube_console.security.keyring import Keyring, generate_key
from kube_console.services.clusters import register_cluster
from kube_console.settings import Settings, load_settings
from tests.support.kubeconfig import kubeconfig_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CLI_KEY = generate_key()  # the key `cli` runs the CLI with unless a test passes others


@pytest.fixture
def open_session(engine):
    return functools.partial(session_scope, engine)


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring.parse(f"k1:{generate_key()}")


@pytest.fixture
def settings(database_url) -> Settings:
    return load_settings(db_url=database_url, allow_loopback_clusters=True, sync_threads=5)


@pytest.fixture
def register(make, open_session, keyring, settings, fake_kube, fake_credentials):
    """register(fake, name=..., org_id=...) -> the card of the cluster registered in a new org
    (`register.org`) through the form's service, first sync included."""
    org = make.org()

    def register_fake(fake, *, name: str | None = None, org_id: int | None = None):
        card, _outcome = register_cluster(
            open_session=open_session,
            org_id=org_id or org.id,
            name=name or fake.name,
            environment="production",
            kubeconfig=kubeconfig_yaml(fake_credentials(fake)),
            context=None,
            acknowledge_insecure_tls=False,
            keyring=keyring,
            settings=settings,
        )
        return card

    register_fake.org = org
    return register_fake


@pytest.fixture
def cli(database_url, engine, tmp_path):
    """Run the CLI against the test database, away from the developer's own .env."""

    def run(
        *args: str, stdin: str = "", keys: str = f"k1:{CLI_KEY}", **env: str
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("KUBE_CONSOLE_")
        }
        environment |= {
            "KUBE_CONSOLE_DB_URL": database_url,
            "KUBE_CONSOLE_ENCRYPTION_KEYS": keys,
            "KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS": "1",
            "PYTHONPATH": str(PROJECT_ROOT),
            **env,
        }
        return subprocess.run(
            [sys.executable, "-m", "kube_console", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=environment,
            check=False,
        )

    return run
