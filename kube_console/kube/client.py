"""Build a `kubernetes.client.ApiClient` from a validated ClusterCredentials, with timeouts.

The client's own kubeconfig loaders are never used (see kubeconfig-intake.md): the
Configuration is built from the accepted fields only. TLS is set up in one `ssl.SSLContext`
installed into the client's urllib3 pool: the CA is loaded from memory; the client
certificate and key can only be loaded from files, so they go through a private temporary
directory that is deleted as soon as they are loaded. The client's later connections resume
the TLS session its first one verified.

Every connection the client opens resolves the server's host once, checks each address
against the address policy intake uses (kube/intake.py) and connects to a checked address: a
name that now points at a metadata service, or a loopback server once loopback clusters are
turned off, is refused at every sync, not only at registration. The host name stays the one
TLS is verified against (and sent as SNI).

A worker syncs each cluster every 30 s: `ApiClientCache` keeps one client per cluster across
its syncs, for as long as its credential is the same one, so a sync neither decrypts the
credential, loads its certificates, nor opens (and handshakes) new connections: its requests
go over the connections the previous sync left open. A kept-alive connection the server
closed at the very moment it was reused is retried once, on a new connection.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import http.client
import os
import socket
import ssl
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import kubernetes.client
import urllib3
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProtocolError
from urllib3.util import connection as urllib3_connection

from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.intake import AddressPolicy, AddressRefused, console_address_policy
from kube_console.settings import get_settings

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "ApiClientCache",
    "InvalidClientCredentials",
    "ServerAddressRefused",
    "build_api_client",
    "request_timeout",
]

DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 10.0
_USER_AGENT = "kube-console"
# A host may resolve to many addresses; each one tried costs up to the connect timeout.
_MAX_ADDRESSES_TRIED = 4
# A cached client unused this long is closed (its cluster is now synced by another process,
# or gone): its connections would only hold sockets open on both sides.
CLIENT_IDLE_SECONDS = 120.0


class InvalidClientCredentials(ValueError):
    """The credential's certificate data cannot be loaded."""


class ServerAddressRefused(Exception):
    """The API server's host resolves to an address the console never connects to.

    Not an OSError on purpose: urllib3 would retry it or report it as a plain connection
    failure, and the reason would be lost."""


def build_api_client(
    creds: ClusterCredentials,
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    address_policy: AddressPolicy | None = None,
) -> kubernetes.client.ApiClient:
    """An ApiClient for one cluster; `request_timeout(client)` gives the timeouts to pass
    as `_request_timeout` on every call. Its connections are checked against
    `address_policy`, by default the one the console's settings define."""
    configuration = kubernetes.client.Configuration(host=creds.server.rstrip("/"))
    configuration.verify_ssl = not creds.insecure_skip_tls_verify
    configuration.tls_server_name = creds.tls_server_name or None
    # One attempt per request: a failed list is fetched again at the next sync, and
    # urllib3's default retries would multiply a slow server's timeouts past the budget.
    configuration.retries = False
    if creds.token:
        configuration.api_key = {"authorization": creds.token}
        configuration.api_key_prefix = {"authorization": "Bearer"}

    api_client = _ApiClient(configuration)
    api_client.user_agent = _USER_AGENT
    pool_manager = api_client.rest_client.pool_manager
    pool_manager.connection_pool_kw["ssl_context"] = _ssl_context(creds)
    policy = address_policy or console_address_policy(get_settings())
    # urllib3 only calls these (pool_cls(host, port, **kw)); the policy can't travel in its
    # connection_pool_kw, which must be urllib3's own pool-key fields.
    pool_manager.pool_classes_by_scheme = {
        "http": functools.partial(_CheckedHTTPConnectionPool, address_policy=policy),  # type: ignore[dict-item]
        "https": functools.partial(_CheckedHTTPSConnectionPool, address_policy=policy),  # type: ignore[dict-item]
    }
    api_client.request_timeout = (connect_timeout, read_timeout)
    return api_client


class _ApiClient(kubernetes.client.ApiClient):
    request_timeout: tuple[float, float] = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)


def request_timeout(api_client: kubernetes.client.ApiClient) -> tuple[float, float]:
    """(connect, read) timeouts in seconds for calls made with this client."""
    return getattr(api_client, "request_timeout", (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT))


@dataclasses.dataclass(eq=False)
class _CachedClient:
    version: str
    api_client: kubernetes.client.ApiClient
    credentials: ClusterCredentials
    used_at: float


class ApiClientCache:
    """One ApiClient per cluster, kept across its syncs while its credential stays the same.

    `version` identifies the stored credential (the caller derives it from the ciphertext, so
    that a hit decrypts nothing): another version closes the cached client and builds a new
    one from `load()`. The caller discards a cluster's client when a sync of it fails (its
    connections may be what failed) or the cluster is gone. Clients unused for `idle_seconds`
    are closed. Decrypted credentials live here in memory only; nothing here logs them, and
    the repr of this cache and of ClusterCredentials leaves them out.

    One cluster is synced by one thread at a time; the cache itself may be used by many."""

    def __init__(
        self,
        *,
        build: Callable[[ClusterCredentials], kubernetes.client.ApiClient] = build_api_client,
        idle_seconds: float = CLIENT_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._clients: dict[int, _CachedClient] = {}
        self._lock = threading.Lock()
        self._swept_at = clock()

    def __repr__(self) -> str:
        return f"<ApiClientCache of {len(self)} clients>"

    def __len__(self) -> int:
        with self._lock:
            return len(self._clients)

    def client_for(
        self, cluster_id: int, version: str, load: Callable[[], ClusterCredentials]
    ) -> tuple[kubernetes.client.ApiClient, ClusterCredentials]:
        """The cluster's client and the credential it was built from. Raises what `load` or
        building the client raises (then nothing is cached)."""
        now = self._clock()
        with self._lock:
            stale = self._pop_idle(now)
            cached = self._clients.get(cluster_id)
            if cached is not None and cached.version == version:
                cached.used_at = now
            elif cached is not None:
                stale.append(self._clients.pop(cluster_id))
                cached = None
        _close(stale)
        if cached is not None:
            return cached.api_client, cached.credentials
        credentials = load()
        api_client = self._build(credentials)
        with self._lock:
            replaced = self._clients.get(cluster_id)
            self._clients[cluster_id] = _CachedClient(version, api_client, credentials, now)
        _close([replaced] if replaced is not None else [])
        return api_client, credentials

    def discard(self, cluster_id: int) -> None:
        """Close the cluster's client, if one is cached."""
        with self._lock:
            cached = self._clients.pop(cluster_id, None)
        _close([cached] if cached is not None else [])

    def close(self) -> None:
        with self._lock:
            cached, self._clients = list(self._clients.values()), {}
        _close(cached)

    def _pop_idle(self, now: float) -> list[_CachedClient]:
        if now - self._swept_at < self._idle_seconds / 4:
            return []
        self._swept_at = now
        idle = [
            cluster_id
            for cluster_id, cached in self._clients.items()
            if now - cached.used_at > self._idle_seconds
        ]
        return [self._clients.pop(cluster_id) for cluster_id in idle]


def _close(cached: list[_CachedClient]) -> None:
    for entry in cached:
        entry.api_client.close()


class _TicketKeepingSocket(ssl.SSLSocket):
    """Hands its context the session it negotiated, once that session can be resumed: TLS 1.3
    sends the ticket after the handshake, so it is there once the socket has read something."""

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        received = super().recv_into(buffer, nbytes, flags)
        context = self.context
        if isinstance(context, _ResumingContext) and context.session is None:
            context.keep(self.session)
        return received


class _ResumingContext(ssl.SSLContext):
    """A client context whose connections resume the TLS session of an earlier one of its own.

    One client serves the syncs of one cluster, each of which may open up to
    FETCH_CONCURRENCY connections to its server at once (when those of the sync before are
    gone): the first handshake verifies the certificate; the others resume its session and
    skip the certificate and the signatures (about a third of a handshake's CPU, on both
    sides). A session is only ever resumed by the context that
    verified it; the server may always refuse, and then the handshake is a full one."""

    sslsocket_class = _TicketKeepingSocket
    session: ssl.SSLSession | None = None

    def keep(self, session: ssl.SSLSession | None) -> None:
        if session is not None and session.has_ticket:
            self.session = session

    def wrap_socket(  # ssl.SSLContext's signature
        self,
        sock: socket.socket,
        server_side: bool = False,
        do_handshake_on_connect: bool = True,
        suppress_ragged_eofs: bool = True,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLSocket:
        if session is None and not server_side:
            session = self.session
        return super().wrap_socket(
            sock,
            server_side,
            do_handshake_on_connect,
            suppress_ragged_eofs,
            server_hostname,
            session,
        )


def _ssl_context(creds: ClusterCredentials) -> ssl.SSLContext:
    context = _ResumingContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if creds.insecure_skip_tls_verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif creds.certificate_authority_data:
        try:
            context.load_verify_locations(cadata=_pem_text(creds.certificate_authority_data))
        except (ssl.SSLError, ValueError) as error:
            raise InvalidClientCredentials(
                f"the certificate authority data could not be loaded: {error}"
            ) from None
    else:
        context.load_default_certs()
    if creds.client_certificate_data and creds.client_key_data:
        _load_client_certificate(context, creds.client_certificate_data, creds.client_key_data)
    return context


def _pem_text(base64_pem: str) -> str:
    try:
        return base64.b64decode(base64_pem, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise InvalidClientCredentials(f"certificate data is not base64 PEM: {error}") from None


def _load_client_certificate(context: ssl.SSLContext, cert_data: str, key_data: str) -> None:
    with tempfile.TemporaryDirectory(prefix="kube-console-") as directory:
        cert_path = os.path.join(directory, "client.crt")
        key_path = os.path.join(directory, "client.key")
        _write_private_file(cert_path, _pem_text(cert_data))
        _write_private_file(key_path, _pem_text(key_data))
        try:
            context.load_cert_chain(certfile=cert_path, keyfile=key_path)
        except ssl.SSLError as error:
            raise InvalidClientCredentials(
                f"the client certificate and key could not be loaded: {error}"
            ) from None


def _write_private_file(path: str, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(text)


# ---------------------------------------------------------------- checked connections

# The mixins below only work mixed into urllib3's classes; mypy checks them as such.
if TYPE_CHECKING:
    _Connection = urllib3.connection.HTTPConnection
    _Pool = urllib3.HTTPConnectionPool
else:
    _Connection = _Pool = object


class _CheckedConnectionMixin(_Connection):
    """Opens the socket to an address the policy allowed, resolved once for this connection.

    Only socket creation changes: `host` stays the server's name, so TLS still sends it as
    SNI and verifies the certificate against it (or against tls-server-name)."""

    def __init__(self, *args: Any, address_policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._address_policy = address_policy

    def _new_conn(self) -> socket.socket:
        try:
            addresses = self._address_policy.checked_addresses(self.host, self.port)
        except AddressRefused as refused:
            raise ServerAddressRefused(f"the API server address {self.host} {refused}") from None
        error: Exception | None = None
        for address in addresses[:_MAX_ADDRESSES_TRIED]:
            try:
                sock = urllib3_connection.create_connection(
                    (str(address), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as timeout:  # socket.timeout, as urllib3 reports it
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
                error.__cause__ = timeout
            except OSError as failure:
                error = NewConnectionError(self, f"Failed to establish a new connection: {failure}")
                error.__cause__ = failure
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        assert error is not None
        raise error


class _CheckedHTTPConnection(_CheckedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


# What a kept-alive connection that the server had closed answers to the next request on it.
_CLOSED_UNDER_US = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
)


class _PolicyPoolMixin(_Pool):
    """Hands the address policy to every connection the pool makes; retries a GET once when
    the kept-alive connection it went out on turns out to have been closed by the server."""

    def __init__(self, *args: Any, address_policy: AddressPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn_kw["address_policy"] = address_policy
        self._reusing = threading.local()

    def _get_conn(self, timeout: float | None = None) -> Any:
        connection = super()._get_conn(timeout)
        # With a socket already: a kept-alive one (urllib3 has closed those it saw dropped).
        self._reusing.connected = getattr(connection, "sock", None) is not None
        return connection

    def urlopen(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().urlopen(method, url, *args, **kwargs)
        except ProtocolError as error:
            # A server may close an idle connection just as it is reused: nothing was
            # answered, and the request goes out again on a new connection, as browsers and
            # Go's client do. Only then: the retries urllib3 would add are off (build_api_client).
            reason = error.args[1] if len(error.args) > 1 else error.__context__
            closed = isinstance(reason, _CLOSED_UNDER_US)
            if method != "GET" or not closed or not getattr(self._reusing, "connected", False):
                raise
        return super().urlopen(method, url, *args, **kwargs)


class _CheckedHTTPConnectionPool(_PolicyPoolMixin, urllib3.HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSConnectionPool(_PolicyPoolMixin, urllib3.HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection
