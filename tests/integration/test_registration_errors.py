"""What a failed registration tells the admin: one message whatever the network did, so that
registering cannot map the console's network; the detail in the server log. A certificate the
credential does not trust and a refused credential stay specific: they say nothing about
who listens where."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from kube_console.services.clusters import ConnectionFailed, check_kubeconfig
from tests.fakekube.pki import CertificateAuthority
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.listeners import SITUATIONS, closed_port, not_tls

GENERIC = (
    "The console could not connect to the API server at 127.0.0.1: check the address, "
    "and that the console's network reaches it."
)
# What the server log says for each situation, as it did to the admin before.
LOGGED = {
    "connection refused": "connection refused by 127.0.0.1",
    "not TLS": "wrong version number",
    "silent": "127.0.0.1",
}


@pytest.fixture
def credentials(fake_kube, fake_cluster):
    return fake_kube.credentials_for(fake_cluster)


def at_port(credentials, port: int):
    return dataclasses.replace(
        credentials, server=f"https://127.0.0.1:{port}/clusters/{credentials.context_name}"
    )


def failure_of(credentials, settings) -> str:
    with pytest.raises(ConnectionFailed) as failure:
        check_kubeconfig(
            kubeconfig=kubeconfig_yaml(credentials),
            context=None,
            acknowledge_insecure_tls=False,
            settings=settings,
        )
    return str(failure.value)


@pytest.mark.parametrize("situation", sorted(SITUATIONS))
def test_every_network_failure_gets_the_same_message_and_the_log_gets_the_detail(
    credentials, settings, situation, caplog
):
    caplog.set_level(logging.WARNING, logger="kube_console.services.clusters")
    with SITUATIONS[situation]() as port:
        message = failure_of(at_port(credentials, port), settings)

    assert message == GENERIC
    logged = [record.getMessage() for record in caplog.records]
    assert any(LOGGED[situation] in line for line in logged), logged


def test_a_certificate_the_credential_does_not_trust_stays_specific(credentials, settings):
    other_ca = CertificateAuthority("someone-else")
    untrusted = dataclasses.replace(credentials, certificate_authority_data=other_ca.cert_base64)

    message = failure_of(untrusted, settings)

    assert message.startswith("The API server at 127.0.0.1 presented a TLS certificate")
    assert "certificate-authority-data" in message


def test_a_refused_credential_stays_specific(credentials, settings):
    wrong = dataclasses.replace(credentials, token="not-the-token")

    message = failure_of(wrong, settings)

    assert message == (
        "The API server at 127.0.0.1 refused the credential: "
        "the token was rejected (401 Unauthorized)."
    )
    assert "not-the-token" not in message


def test_the_cli_says_the_same(cli, credentials, tmp_path, make):
    make.org("Acme")
    messages = []
    for situation in (closed_port, not_tls):
        with situation() as port:
            kubeconfig = tmp_path / "unreachable.kubeconfig"
            kubeconfig.write_text(kubeconfig_yaml(at_port(credentials, port)))
            result = cli(
                "cluster", "add", "--org", "Acme", "--name", "x", "--kubeconfig", str(kubeconfig)
            )
        assert result.returncode == 1
        # The CLI runs on the server: its log lines (the detail) go to the same stderr.
        messages += [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert messages == [f"error: {GENERIC}"] * 2
