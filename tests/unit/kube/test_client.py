"""build_api_client against the fake API server: TLS verification, both auth kinds, timeouts."""

import base64
import dataclasses
import os
import ssl
import tempfile
import time

import kubernetes
import pytest

from kube_console.kube.client import (
    InvalidClientCredentials,
    build_api_client,
    request_timeout,
)
from kube_console.kube.fetch import ClusterAuthFailed, ClusterUnreachable, fetch_version
from tests.fakekube import FakeCluster, Fault
from tests.fakekube.pki import CertificateAuthority


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
