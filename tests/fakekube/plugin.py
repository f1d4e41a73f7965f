"""pytest fixtures for the fake Kubernetes API server.

- `fake_kube`: the session's FakeKubeServer (HTTPS on 127.0.0.1, background thread); every
  virtual cluster a test adds, its faults and the request log are dropped after the test.
- `fake_cluster`: a small generated EKS-flavoured cluster, already served by `fake_kube`.
- `fake_credentials`: `fake_credentials(cluster, auth="token" | "client-certificate")` ->
  a ClusterCredentials for a served cluster (CA data, prefixed https URL).

    def test_sync(fake_kube, fake_credentials):
        cluster = fake_kube.add_cluster(generate_cluster("c1", seed=1, namespaces=4,
                                                         nodes=2, deployments=3, pods=12))
        api_client = build_api_client(fake_credentials(cluster))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kube_console.fakekube.cluster import FakeCluster
from kube_console.fakekube.generator import generate_cluster
from kube_console.fakekube.server import FakeKubeServer
from kube_console.kube.credentials import ClusterCredentials


@pytest.fixture(scope="session")
def fake_kube_server() -> Iterator[FakeKubeServer]:
    with FakeKubeServer() as server:
        yield server


@pytest.fixture
def fake_kube(fake_kube_server: FakeKubeServer) -> Iterator[FakeKubeServer]:
    """The session's fake API server, emptied of clusters and requests after the test."""
    yield fake_kube_server
    fake_kube_server.reset()


@pytest.fixture
def fake_cluster(fake_kube: FakeKubeServer) -> FakeCluster:
    """A small EKS-like cluster named "small": 6 namespaces, 3 nodes, 4 Deployments, 30 pods."""
    return fake_kube.add_cluster(
        generate_cluster("small", seed=7, namespaces=6, nodes=3, deployments=4, pods=30)
    )


@pytest.fixture
def fake_credentials(fake_kube: FakeKubeServer) -> Callable[..., ClusterCredentials]:
    return fake_kube.credentials_for
