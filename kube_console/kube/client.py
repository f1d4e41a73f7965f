"""Build a `kubernetes.client.ApiClient` from a validated ClusterCredentials, with timeouts.

The client's own kubeconfig loaders are never used (see kubeconfig-intake.md): the
Configuration is built from the accepted fields only. TLS is set up in one `ssl.SSLContext`
installed into the client's urllib3 pool: the CA is loaded from memory; the client
certificate and key can only be loaded from files, so they go through a private temporary
directory that is deleted as soon as they are loaded.
"""

from __future__ import annotations

import base64
import binascii
import os
import ssl
import tempfile

import kubernetes.client

from kube_console.kube.credentials import ClusterCredentials

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "InvalidClientCredentials",
    "build_api_client",
    "request_timeout",
]

DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_READ_TIMEOUT = 10.0
_USER_AGENT = "kube-console"


class InvalidClientCredentials(ValueError):
    """The credential's certificate data cannot be loaded."""


def build_api_client(
    creds: ClusterCredentials,
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> kubernetes.client.ApiClient:
    """An ApiClient for one cluster; `request_timeout(client)` gives the timeouts to pass
    as `_request_timeout` on every call."""
    configuration = kubernetes.client.Configuration(host=creds.server.rstrip("/"))
    configuration.verify_ssl = not creds.insecure_skip_tls_verify
    configuration.tls_server_name = creds.tls_server_name or None
    # One attempt per request: a failed list is fetched again at the next sync, and
    # urllib3's default retries would multiply a slow server's timeouts past the budget.
    configuration.retries = False
    if creds.token:
        configuration.api_key = {"authorization": creds.token}
        configuration.api_key_prefix = {"authorization": "Bearer"}

    api_client = kubernetes.client.ApiClient(configuration)
    api_client.user_agent = _USER_AGENT
    api_client.rest_client.pool_manager.connection_pool_kw["ssl_context"] = _ssl_context(creds)
    api_client.request_timeout = (connect_timeout, read_timeout)
    return api_client


def request_timeout(api_client: kubernetes.client.ApiClient) -> tuple[float, float]:
    """(connect, read) timeouts in seconds for calls made with this client."""
    return getattr(api_client, "request_timeout", (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT))


def _ssl_context(creds: ClusterCredentials) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
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
