"""build_api_client against the fake API server: TLS verification, both auth kinds, timeouts,
and the address policy checked on every connection."""

import base64
import dataclasses
import os
import socket
import ssl
import tempfile
import time

import kubernetes
import pytest
from urllib3.util import connection as urllib3_connection

from kube_console.kube.client import (
    InvalidClientCredentials,
    build_api_client,
    request_timeout,
)
from kube_console.kube.fetch import (
    ClusterAuthFailed,
    ClusterUnreachable,
    fetch_version,
)
from kube_console.kube.intake import AddressPolicy
from kube_console.settings import get_settings
from tests.fakekube import FakeCluster, Fault
from tests.fakekube.pki import SERVER_DNS_NAME, CertificateAuthority


@pytest.fixture
def cluster(fake_kube) -> FakeCluster:
    return fake_kube.add_cluster(FakeCluster("tls", git_version="v1.30.5-gke.1014001"))


def test_token_credential_reaches_the_cluster_over_verified_https(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster, auth="token")

    version = fetch_version(build_api_client(creds))

    assert version["gitVersion"] == "v1.30.5-gke.1014001"
    [logged] = fake_kube.requests("tls")
    assert (logged.method, logged.path, logged.status) == ("GET", "/version", 200)


def test_client_certificate_credential_authenticates_with_its_certificate(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster, auth="client-certificate")
    assert creds.token is None

    assert fetch_version(build_api_client(creds))["gitVersion"] == "v1.30.5-gke.1014001"


def test_a_client_certificate_the_cluster_does_not_know_is_rejected(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster, auth="client-certificate", user="mallory")

    with pytest.raises(ClusterAuthFailed, match=r"client certificate was rejected \(401"):
        fetch_version(build_api_client(creds))


def test_a_server_certificate_from_another_ca_is_not_trusted(fake_kube, cluster):
    other_ca = CertificateAuthority("someone-else")
    creds = dataclasses.replace(
        fake_kube.credentials_for(cluster), certificate_authority_data=other_ca.cert_base64
    )

    with pytest.raises(ClusterUnreachable, match="certificate verify failed"):
        fetch_version(build_api_client(creds))
    assert fake_kube.requests("tls") == []


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_skipping_tls_verification_is_honoured_when_the_credential_says_so(fake_kube, cluster):
    creds = dataclasses.replace(
        fake_kube.credentials_for(cluster),
        certificate_authority_data=None,
        insecure_skip_tls_verify=True,
    )

    assert fetch_version(build_api_client(creds))["gitVersion"].startswith("v1.30")


def test_tls_server_name_is_the_name_the_certificate_is_checked_against(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster)

    as_localhost = dataclasses.replace(creds, tls_server_name="localhost")
    assert fetch_version(build_api_client(as_localhost))["gitVersion"]

    as_other_name = dataclasses.replace(creds, tls_server_name="api.example.com")
    with pytest.raises(ClusterUnreachable, match="TLS connection"):
        fetch_version(build_api_client(as_other_name))


def test_client_certificate_and_key_files_are_gone_once_the_client_is_built(
    fake_kube, cluster, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    loaded_from = []
    real_load_cert_chain = ssl.SSLContext.load_cert_chain

    def recording_load_cert_chain(self, certfile, keyfile=None, password=None):
        loaded_from.extend([certfile, keyfile])
        return real_load_cert_chain(self, certfile, keyfile, password)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", recording_load_cert_chain)
    creds = fake_kube.credentials_for(cluster, auth="client-certificate")

    api_client = build_api_client(creds)

    assert len(loaded_from) == 2
    assert all(path.startswith(str(tmp_path)) for path in loaded_from)
    assert not any(os.path.exists(path) for path in loaded_from)
    assert list(tmp_path.iterdir()) == []
    assert fetch_version(api_client)["gitVersion"]


def test_the_kubeconfig_loaders_are_never_used(fake_kube, cluster, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a kubernetes.config loader was called")

    monkeypatch.setattr(kubernetes.config.kube_config.KubeConfigLoader, "__init__", refuse)
    monkeypatch.setattr(kubernetes.config, "load_kube_config", refuse)
    monkeypatch.setattr(kubernetes.config, "new_client_from_config", refuse)

    creds = fake_kube.credentials_for(cluster, auth="client-certificate")
    assert fetch_version(build_api_client(creds))["gitVersion"]


def test_timeouts_default_to_3_s_connect_and_10_s_read(fake_kube, cluster):
    api_client = build_api_client(fake_kube.credentials_for(cluster))

    assert request_timeout(api_client) == (3.0, 10.0)


def test_the_read_timeout_bounds_a_slow_api_server(fake_kube, cluster):
    cluster.inject(Fault(path="/version", delay=1.5))
    api_client = build_api_client(
        fake_kube.credentials_for(cluster), connect_timeout=1.0, read_timeout=0.3
    )
    assert request_timeout(api_client) == (1.0, 0.3)

    started = time.monotonic()
    with pytest.raises(ClusterUnreachable, match=r"timed out after 0\.3 s waiting for /version"):
        fetch_version(api_client)
    assert time.monotonic() - started < 1.2


def test_certificate_data_that_is_not_base64_pem_is_refused(fake_kube, cluster):
    not_pem = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nnope\n").decode()
    creds = dataclasses.replace(
        fake_kube.credentials_for(cluster), certificate_authority_data=not_pem
    )

    with pytest.raises(InvalidClientCredentials, match="certificate authority data"):
        build_api_client(creds)


# --- the address policy, checked on every connection ------------------------------------


class Resolver:
    """A resolver the test controls: answers per host, and every question asked."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.answers[host])


def served_as(fake_kube, cluster: FakeCluster, host: str):
    """The cluster's credential with the server named `host` instead of 127.0.0.1."""
    creds = fake_kube.credentials_for(cluster)
    return dataclasses.replace(creds, server=creds.server.replace("127.0.0.1", host, 1))


def test_a_name_is_resolved_by_the_policy_and_the_checked_address_is_dialled(fake_kube, cluster):
    # No real resolver knows SERVER_DNS_NAME: reaching the server proves the client dialled
    # the address the policy resolved and checked.
    resolver = Resolver({SERVER_DNS_NAME: ["127.0.0.1"]})
    policy = AddressPolicy(allow_loopback=True, resolve=resolver)

    api_client = build_api_client(
        served_as(fake_kube, cluster, SERVER_DNS_NAME), address_policy=policy
    )

    assert fetch_version(api_client)["gitVersion"] == "v1.30.5-gke.1014001"
    assert resolver.asked == [SERVER_DNS_NAME]  # once, for the one connection the call opened


def test_the_certificate_is_checked_against_the_name_not_the_dialled_address(fake_kube, cluster):
    # The certificate is valid for IP 127.0.0.1, so a client that verified the address it
    # dialled would accept it; the name the credential gives is not in it.
    resolver = Resolver({"impostor.fakekube.test": ["127.0.0.1"]})
    policy = AddressPolicy(allow_loopback=True, resolve=resolver)
    api_client = build_api_client(
        served_as(fake_kube, cluster, "impostor.fakekube.test"), address_policy=policy
    )

    with pytest.raises(ClusterUnreachable, match="certificate verify failed.*[Hh]ostname mismatch"):
        fetch_version(api_client)
    assert fake_kube.requests("tls") == []


@pytest.mark.parametrize(
    ("answers", "refused"),
    [
        (["169.254.169.254"], "169.254.169.254"),
        (["203.0.113.7", "169.254.169.254"], "169.254.169.254"),
        (["::ffff:169.254.169.254"], "::ffff:a9fe:a9fe"),
        (["fe80::1"], "fe80::1"),
        (["fd00:ec2::254"], "fd00:ec2::254"),
        (["100.100.100.200"], "100.100.100.200"),
    ],
)
def test_a_name_that_now_resolves_to_a_metadata_or_link_local_address_is_refused(
    fake_kube, cluster, monkeypatch, answers, refused
):
    dialled = []
    monkeypatch.setattr(
        urllib3_connection, "create_connection", lambda address, *a, **k: dialled.append(address)
    )
    resolver = Resolver({SERVER_DNS_NAME: answers})
    policy = AddressPolicy(allow_loopback=True, resolve=resolver)
    api_client = build_api_client(
        served_as(fake_kube, cluster, SERVER_DNS_NAME), address_policy=policy
    )

    with pytest.raises(ClusterUnreachable) as failure:
        fetch_version(api_client)

    assert f"the API server address {SERVER_DNS_NAME} points to {refused}" in str(failure.value)
    assert "the console never connects there" in str(failure.value)
    assert dialled == [] and fake_kube.requests("tls") == []


def test_loopback_is_refused_at_connect_unless_the_policy_allows_it(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster)

    with pytest.raises(ClusterUnreachable, match="127.0.0.1, a loopback address .*ALLOW_LOOPBACK"):
        fetch_version(build_api_client(creds, address_policy=AddressPolicy(allow_loopback=False)))
    assert fake_kube.requests("tls") == []
    assert fetch_version(build_api_client(creds, address_policy=AddressPolicy(allow_loopback=True)))


def test_the_default_policy_is_the_settings_one(fake_kube, cluster, monkeypatch):
    monkeypatch.setenv("KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(ClusterUnreachable, match="KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS"):
            fetch_version(build_api_client(fake_kube.credentials_for(cluster)))
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert fetch_version(build_api_client(fake_kube.credentials_for(cluster)))["gitVersion"]


def test_the_consoles_own_database_is_refused_at_connect(fake_kube, cluster):
    # The console's PostgreSQL on this machine, on the fake server's port for the test.
    policy = AddressPolicy(
        allow_loopback=True, forbidden_endpoints=(("localhost", fake_kube.port),)
    )

    with pytest.raises(ClusterUnreachable, match="console's own services"):
        fetch_version(build_api_client(fake_kube.credentials_for(cluster), address_policy=policy))


def _pooled_socket(api_client, server: str) -> ssl.SSLSocket:
    """The TLS socket of the connection the client's last call returned to its pool."""
    pool = api_client.rest_client.pool_manager.connection_from_url(server)
    connection = pool._get_conn()  # the connection a call just used: last in, first out
    try:
        return connection.sock
    finally:
        pool._put_conn(connection)


@pytest.mark.parametrize("auth", ["token", "client-certificate"])
def test_a_clients_later_connections_resume_its_first_tls_session(fake_kube, cluster, auth):
    # A sync opens several connections to its server at once: the first handshake verifies
    # the certificate, the others resume that session (no certificate, no signatures).
    creds = fake_kube.credentials_for(cluster, auth=auth)
    api_client = build_api_client(creds)

    fetch_version(api_client)
    assert not _pooled_socket(api_client, creds.server).session_reused
    api_client.rest_client.pool_manager.clear()  # the next call opens a new connection
    assert fetch_version(api_client)["gitVersion"] == "v1.30.5-gke.1014001"
    assert _pooled_socket(api_client, creds.server).session_reused


def test_a_session_is_only_resumed_by_the_client_that_verified_it(fake_kube, cluster):
    creds = fake_kube.credentials_for(cluster, auth="token")
    first, second = build_api_client(creds), build_api_client(creds)

    fetch_version(first)
    fetch_version(second)
    assert not _pooled_socket(second, creds.server).session_reused
