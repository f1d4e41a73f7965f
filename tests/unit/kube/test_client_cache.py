"""ApiClientCache: one client per cluster across its syncs, a new one for a new credential;
and the one retry a GET gets when the kept-alive connection it went out on was closed."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import urllib3.connectionpool

from kube_console.kube.client import ApiClientCache, build_api_client
from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.fetch import ClusterUnreachable, fetch_version
from kube_console.kube.intake import AddressPolicy
from tests.fakekube import FakeCluster


class Builds:
    """build_api_client, keeping every client it built and which of them were closed."""

    def __init__(self) -> None:
        self.clients: list = []
        self.closed: list = []

    def __call__(self, credentials: ClusterCredentials):
        client = build_api_client(credentials)
        self.clients.append(client)
        close = client.close

        def closed() -> None:
            self.closed.append(client)
            close()

        client.close = closed
        return client


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def cluster(fake_kube) -> FakeCluster:
    return fake_kube.add_cluster(FakeCluster("cached", git_version="v1.31.2"))


def test_a_clusters_client_is_built_once_and_its_credential_loaded_once(fake_kube, cluster):
    builds, loads = Builds(), []

    def load() -> ClusterCredentials:
        loads.append(1)
        return fake_kube.credentials_for(cluster)

    cache = ApiClientCache(build=builds)
    first, credentials = cache.client_for(7, "v1", load)
    assert fetch_version(first)["gitVersion"] == "v1.31.2"
    again, same_credentials = cache.client_for(7, "v1", load)

    assert again is first and same_credentials is credentials
    assert len(loads) == 1 and builds.closed == []


def test_a_new_credential_version_closes_the_old_client_and_builds_a_new_one(fake_kube, cluster):
    builds = Builds()
    cache = ApiClientCache(build=builds)
    old, _ = cache.client_for(7, "v1", lambda: fake_kube.credentials_for(cluster))
    new, credentials = cache.client_for(
        7, "v2", lambda: fake_kube.credentials_for(cluster, auth="client-certificate")
    )

    assert new is not old and builds.closed == [old]
    assert credentials.credential_kind == "client-certificate"
    assert fetch_version(new)["gitVersion"] == "v1.31.2"
    assert len(cache) == 1


def test_a_discarded_client_is_closed_and_the_next_one_is_new(fake_kube, cluster):
    builds = Builds()
    cache = ApiClientCache(build=builds)
    old, _ = cache.client_for(7, "v1", lambda: fake_kube.credentials_for(cluster))
    cache.discard(7)
    new, _ = cache.client_for(7, "v1", lambda: fake_kube.credentials_for(cluster))

    assert builds.closed == [old] and new is not old


def test_a_client_that_cannot_be_built_is_not_cached(fake_kube, cluster):
    cache = ApiClientCache()

    def unreadable() -> ClusterCredentials:
        raise ValueError("the stored credential can't be decrypted")

    with pytest.raises(ValueError):
        cache.client_for(7, "v1", unreadable)
    assert len(cache) == 0


def test_clients_unused_for_the_idle_time_are_closed(fake_kube, cluster):
    builds, clock = Builds(), Clock()
    cache = ApiClientCache(build=builds, idle_seconds=120, clock=clock)
    gone, _ = cache.client_for(1, "v1", lambda: fake_kube.credentials_for(cluster))
    clock.now += 60
    kept, _ = cache.client_for(2, "v1", lambda: fake_kube.credentials_for(cluster))
    clock.now += 61  # 121 s after the first client's last use, 61 s after the second's

    assert cache.client_for(2, "v1", lambda: fake_kube.credentials_for(cluster))[0] is kept
    assert builds.closed == [gone] and len(cache) == 1


def test_the_cache_never_shows_a_credential(fake_kube, cluster):
    cache = ApiClientCache()
    cache.client_for(7, "v1", lambda: fake_kube.credentials_for(cluster))

    assert cluster.token not in repr(cache)
    assert cluster.token not in repr(cache._clients)  # the entries print the credential's repr


# --- a kept-alive connection the server closed as it was reused ----------------------------

_VERSION = b'{"gitVersion": "v1.30.0"}'


class ClosingServer:
    """Plain HTTP on loopback: answers one GET /version per connection, then closes it (as a
    server closes an idle keep-alive connection). Counts the connections it accepted."""

    def __init__(self, *, answer: bool = True) -> None:
        self.answer = answer
        self.accepted = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            with connection:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    request += chunk
                if self.answer and request:
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (len(_VERSION), _VERSION)
                    )

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def closing_server() -> Iterator[ClosingServer]:
    server = ClosingServer()
    yield server
    server.close()


@pytest.fixture
def dropped_unnoticed(monkeypatch) -> None:
    """urllib3 checks a pooled connection for a close before it reuses it; the server may
    still close it right after that check. Make every close land there."""
    monkeypatch.setattr(urllib3.connectionpool, "is_connection_dropped", lambda conn: False)


def _plain_http_client(url: str):
    return build_api_client(
        ClusterCredentials(server=url, token="t"), address_policy=AddressPolicy(allow_loopback=True)
    )


def test_a_get_on_a_kept_alive_connection_the_server_closed_is_sent_again_once(
    closing_server, dropped_unnoticed
):
    api_client = _plain_http_client(closing_server.url)

    assert fetch_version(api_client)["gitVersion"] == "v1.30.0"
    assert fetch_version(api_client)["gitVersion"] == "v1.30.0"  # its connection was closed
    assert closing_server.accepted == 2


def test_a_new_connection_dropped_before_the_answer_is_not_retried(dropped_unnoticed):
    server = ClosingServer(answer=False)
    try:
        with pytest.raises(ClusterUnreachable, match="dropped"):
            fetch_version(_plain_http_client(server.url))
        assert server.accepted == 1
    finally:
        server.close()
