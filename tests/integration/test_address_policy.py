"""The server-address policy holds at every sync, not only at registration: a stored cluster
is checked again with the settings and the DNS answers of the moment, through the real client
against the fake API server."""

from __future__ import annotations

import dataclasses
import socket

import pytest

from kube_console.kube import intake
from kube_console.models import Cluster
from kube_console.services.clusters import ConnectionFailed, register_cluster
from kube_console.settings import get_settings
from tests.fakekube.generator import generate_cluster
from tests.fakekube.pki import SERVER_DNS_NAME
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.sync import sync_now


class SystemResolver:
    """Stands in for the system resolver with the test's answers, which may change: each
    question about a host takes its next answer, and the last one stays."""

    def __init__(self) -> None:
        self._answers: dict[str, list[list[str]]] = {}

    def answer(self, host: str, *answers: list[str]) -> None:
        self._answers[host] = list(answers)

    def __call__(self, host: str) -> list[str]:
        answers = self._answers.get(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(answers.pop(0) if len(answers) > 1 else answers[0])


@pytest.fixture
def dns(monkeypatch) -> SystemResolver:
    resolver = SystemResolver()
    monkeypatch.setattr(intake, "_system_resolve", resolver)
    return resolver


@pytest.fixture
def console_settings(monkeypatch):
    """Change the process settings a sync reads; restored after the test."""

    def change(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(f"KUBE_CONSOLE_{name.upper()}", value)
        get_settings.cache_clear()

    yield change
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def fake(fake_kube):
    return fake_kube.add_cluster(
        generate_cluster("edge", seed=4, namespaces=2, nodes=1, deployments=1, pods=3)
    )


def _register(make, open_session, keyring, settings, credentials) -> int:
    card, outcome = register_cluster(
        open_session=open_session,
        org_id=make.org().id,
        name="edge",
        environment="production",
        kubeconfig=kubeconfig_yaml(credentials),
        context=None,
        acknowledge_insecure_tls=False,
        keyring=keyring,
        settings=settings,
    )
    assert outcome.ok, outcome.error
    return card.id


def test_a_loopback_cluster_is_not_synced_once_loopback_clusters_are_turned_off(
    make, open_session, keyring, settings, fake_kube, fake, console_settings, session
):
    cluster_id = _register(make, open_session, keyring, settings, fake_kube.credentials_for(fake))
    console_settings(allow_loopback_clusters="0")
    fake_kube.clear_requests()

    outcome = sync_now(cluster_id, open_session, keyring, settings)

    assert outcome.status == "unreachable"
    assert "points to 127.0.0.1, a loopback address" in outcome.error
    assert "KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS" in outcome.error
    assert fake_kube.requests() == []
    assert session.get(Cluster, cluster_id).last_error == outcome.error


def test_a_name_that_later_resolves_to_the_metadata_service_is_not_synced(
    make, open_session, keyring, settings, fake_kube, fake, dns
):
    dns.answer(SERVER_DNS_NAME, ["127.0.0.1"])
    credentials = fake_kube.credentials_for(fake)
    by_name = dataclasses.replace(
        credentials, server=credentials.server.replace("127.0.0.1", SERVER_DNS_NAME, 1)
    )
    cluster_id = _register(make, open_session, keyring, settings, by_name)
    assert sync_now(cluster_id, open_session, keyring, settings).ok

    dns.answer(SERVER_DNS_NAME, ["169.254.169.254"])
    fake_kube.clear_requests()
    outcome = sync_now(cluster_id, open_session, keyring, settings)

    assert not outcome.ok
    assert f"the API server address {SERVER_DNS_NAME} points to 169.254.169.254" in outcome.error
    assert fake_kube.requests() == []


def test_a_name_that_changes_between_intake_and_connection_is_refused_at_registration(
    make, open_session, keyring, settings, fake_kube, fake, dns
):
    credentials = fake_kube.credentials_for(fake)
    by_name = dataclasses.replace(
        credentials, server=credentials.server.replace("127.0.0.1", SERVER_DNS_NAME, 1)
    )
    dns.answer(SERVER_DNS_NAME, ["127.0.0.1"], ["169.254.169.254"])  # intake, then the connection

    with pytest.raises(ConnectionFailed) as failure:
        _register(make, open_session, keyring, settings, by_name)

    assert "points to 169.254.169.254" in str(failure.value)
    assert fake_kube.requests() == []
