"""The fake Kubernetes API server: HTTPS, many virtual clusters on one port, faults on demand.

Each virtual cluster answers under https://127.0.0.1:PORT/clusters/<name>, so a credential's
server URL carries the prefix and a 100-cluster fleet shares one port. `FakeKubeServer`
serves from a background thread (tests); `FakeKubeProcess` serves from a child process
(benchmarks: the official client blocks, and on 2 cores a separate process keeps the
server off the client's GIL). Both record every request (method, path, query, status).

    server = FakeKubeServer().start()
    cluster = server.add_cluster(generate_cluster("prod", seed=1, namespaces=5, nodes=3,
                                                  deployments=4, pods=20))
    creds = server.credentials_for("prod")          # token auth, CA data, prefixed URL
    ...
    server.stop()
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pathlib
import pickle
import re
import secrets
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

import orjson
import urllib3

from kube_console.fakekube.cluster import ApiError, FakeCluster, Fault, Kind
from kube_console.fakekube.pki import CertificateAuthority, CertifiedKey
from kube_console.kube.credentials import ClusterCredentials

__all__ = [
    "FakeKubeApp",
    "FakeKubeProcess",
    "FakeKubeServer",
    "LoggedRequest",
    "ServerTLS",
    "silent_endpoint",
]

AuthKind = Literal["token", "client-certificate"]
_CLUSTER_PATH = re.compile(r"/clusters/([^/]+)(/.*)?")
_CONTROL_PREFIX = "/_fakekube"
_TRICKLE_PIECES = 20


@dataclasses.dataclass(frozen=True)
class LoggedRequest:
    cluster: str
    method: str
    path: str
    """The path inside the cluster, e.g. /api/v1/pods (the /clusters/<name> prefix removed)."""
    query: dict[str, str]
    status: int
    """0 when the connection was dropped without an answer."""


@dataclasses.dataclass(frozen=True)
class ServerTLS:
    """What the server process needs to serve TLS: PEM bytes only, so it pickles."""

    ca_pem: bytes
    server: CertifiedKey


@dataclasses.dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    drop_connection: bool = False
    trickle: float = 0.0  # seconds over which the body is sent, a few bytes at a time


# ---------------------------------------------------------------- the API


class FakeKubeApp:
    """Routes requests to virtual clusters; knows nothing of sockets."""

    def __init__(self, control_token: str | None = None) -> None:
        self.clusters: dict[str, FakeCluster] = {}
        self.requests: list[LoggedRequest] = []
        self._control_token = control_token
        self._log_lock = threading.Lock()

    def handle(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        client_common_name: str | None,
    ) -> _Answer:
        split = urlsplit(target)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if split.path.startswith(_CONTROL_PREFIX + "/"):
            return self._control(method, split.path[len(_CONTROL_PREFIX) :], headers, body)
        match = _CLUSTER_PATH.fullmatch(split.path)
        cluster = self.clusters.get(match[1]) if match else None
        if match is None or cluster is None:
            return _error(ApiError(404, f"no virtual cluster at {split.path}"))
        path = (match[2] or "/").rstrip("/") or "/"

        answer = self._answer(cluster, method, path, query, headers, body, client_common_name)
        fault = cluster.fault_for(path)
        if fault is not None:
            answer = _apply_fault(fault, answer)
        with self._log_lock:
            # A late answer of a cluster forgotten meanwhile (the server is reset between
            # tests) would land in the log of the next cluster of that name, whose test never
            # made the request.
            if self.clusters.get(cluster.name) is cluster:
                self.requests.append(
                    LoggedRequest(
                        cluster.name,
                        method,
                        path,
                        query,
                        0 if answer.drop_connection else answer.status,
                    )
                )
        return answer

    def logged(self, cluster: str | None = None) -> list[LoggedRequest]:
        with self._log_lock:
            return [r for r in self.requests if cluster is None or r.cluster == cluster]

    def clear_log(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def _answer(
        self,
        cluster: FakeCluster,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
        client_common_name: str | None,
    ) -> _Answer:
        if not _authenticated(cluster, headers, client_common_name):
            return _error(ApiError(401, "Unauthorized"))
        try:
            if method == "POST":
                return self._post(cluster, path, body)
            if method != "GET":
                raise ApiError(405, f"{method} is not supported by the fake")
            return self._get(cluster, path, query)
        except ApiError as error:
            return _error(error)

    # -- GET

    def _get(self, cluster: FakeCluster, path: str, query: dict[str, str]) -> _Answer:
        if path == "/version":
            return _json(cluster.version)
        if path in ("/healthz", "/livez"):
            return _Answer(200, b"ok", "text/plain; charset=utf-8")
        if path == "/readyz":
            return _readyz(cluster, "verbose" in query)
        if path == "/api":
            return _json(
                {
                    "kind": "APIVersions",
                    "versions": ["v1"],
                    "serverAddressByClientCIDRs": [
                        {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
                    ],
                }
            )
        if path == "/apis":
            return _json(_group_list(cluster))
        if match := re.fullmatch(r"/apis/([^/]+)", path):
            for group in _group_list(cluster)["groups"]:
                if group["name"] == match[1]:
                    return _json({"kind": "APIGroup", "apiVersion": "v1", **group})
            raise ApiError(404, f"the server could not find the requested resource ({path})")
        if path == "/api/v1":
            return _json(_resource_list("v1", cluster.kinds_in("", "v1")))
        if match := re.fullmatch(r"/apis/([^/]+)/([^/]+)", path):
            group, version = match[1], match[2]
            if cluster.api_groups().get(group) != version:
                raise ApiError(404, f"the server could not find the requested resource ({path})")
            return _json(_resource_list(f"{group}/{version}", cluster.kinds_in(group, version)))
        return self._resource(cluster, path, query)

    def _resource(self, cluster: FakeCluster, path: str, query: dict[str, str]) -> _Answer:
        match = re.fullmatch(r"/api/(v1)/(.+)|/apis/([^/]+)/([^/]+)/(.+)", path)
        if not match:
            raise ApiError(404, f"the server could not find the requested resource ({path})")
        group, version, rest = ("", match[1], match[2]) if match[1] else match.group(3, 4, 5)
        segments = rest.split("/")
        namespace = ""
        if segments[0] == "namespaces" and len(segments) >= 3:
            namespace, segments = segments[1], segments[2:]
        kind = _kind_for(cluster, group, version, segments[0])
        if kind is None or len(segments) > 2 or (namespace and not kind.namespaced):
            raise ApiError(404, f"the server could not find the requested resource ({path})")
        verb = "get" if len(segments) == 2 else "list"
        if not cluster.allows(verb, group, kind.plural):
            scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
            raise ApiError(
                403,
                f'{kind.plural} is forbidden: User cannot {verb} resource "{kind.plural}" '
                f'in API group "{group}" {scope}',
            )
        if verb == "get":
            return _Answer(200, cluster.object_body(kind.kind, namespace, segments[1]))
        try:
            limit = int(query.get("limit") or 0)
        except ValueError:
            raise ApiError(400, f"invalid limit {query['limit']!r}") from None
        return _Answer(
            200,
            cluster.list_body(
                kind.kind,
                namespace=namespace,
                labels=query.get("labelSelector", ""),
                fields=query.get("fieldSelector", ""),
                limit=max(limit, 0),
                continue_token=query.get("continue", ""),
            ),
        )

    # -- POST

    def _post(self, cluster: FakeCluster, path: str, body: bytes) -> _Answer:
        if path != "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
            raise ApiError(405, f"POST {path} is not supported by the fake")
        try:
            review = orjson.loads(body)
            spec = review["spec"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise ApiError(400, "the request body is not a SelfSubjectAccessReview") from None
        attributes = spec.get("resourceAttributes")
        if attributes:
            allowed = cluster.allows(
                attributes.get("verb", ""),
                attributes.get("group", ""),
                attributes.get("resource", ""),
            )
        else:
            allowed = spec.get("nonResourceAttributes") is not None
        status: dict[str, bool | str] = {"allowed": allowed}
        if allowed:
            status["reason"] = "allowed by the fake's RBAC rules"
        return _json(
            {
                "kind": "SelfSubjectAccessReview",
                "apiVersion": "authorization.k8s.io/v1",
                "metadata": {"creationTimestamp": None},
                "spec": spec,
                "status": status,
            },
            status=201,
        )

    # -- control (for a server in another process)

    def _control(self, method: str, path: str, headers: dict[str, str], body: bytes) -> _Answer:
        if not self._control_token or headers.get("x-fakekube-control") != self._control_token:
            return _error(ApiError(403, "control requests need the control token"))
        if path == "/requests" and method == "GET":
            return _json([dataclasses.asdict(entry) for entry in self.logged()])
        if path == "/requests" and method == "DELETE":
            self.clear_log()
            return _json({})
        if match := re.fullmatch(r"/clusters/([^/]+)/faults", path):
            cluster = self.clusters.get(match[1])
            if cluster is None:
                return _error(ApiError(404, f"no virtual cluster {match[1]}"))
            cluster.clear_faults()
            for fault in orjson.loads(body) if method == "PUT" else []:
                cluster.inject(Fault(**fault))
            return _json({})
        return _error(ApiError(404, f"no control endpoint {method} {path}"))


def _authenticated(cluster: FakeCluster, headers: dict[str, str], common_name: str | None) -> bool:
    authorization = headers.get("authorization", "")
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :] in cluster.tokens
    return common_name is not None and common_name in cluster.client_certificate_users


def _apply_fault(fault: Fault, answer: _Answer) -> _Answer:
    if fault.delay:
        time.sleep(fault.delay)
    if fault.drop_connection:
        return _Answer(0, b"", drop_connection=True)
    if fault.status is not None:
        return _error(ApiError(fault.status, f"injected fault: {fault.status}"))
    if fault.truncate_json:
        return dataclasses.replace(answer, body=answer.body[: len(answer.body) // 2])
    if fault.omit_items and answer.status == 200:
        document = orjson.loads(answer.body)
        document.pop("items", None)
        answer = dataclasses.replace(answer, body=orjson.dumps(document))
    if fault.body is not None:
        answer = _Answer(200, fault.body.encode())
    if fault.trickle:
        answer = dataclasses.replace(answer, trickle=fault.trickle)
    return answer


def _kind_for(cluster: FakeCluster, group: str, version: str, plural: str) -> Kind | None:
    for kind in cluster.kinds_in(group, version):
        if kind.plural == plural:
            return kind
    return None


def _json(value: object, status: int = 200) -> _Answer:
    return _Answer(status, orjson.dumps(value))


def _error(error: ApiError) -> _Answer:
    return _Answer(error.status, error.body())


def _readyz(cluster: FakeCluster, verbose: bool) -> _Answer:
    if not cluster.readyz_available:
        raise ApiError(404, "the server could not find the requested resource")
    healthy = not cluster.failing_checks
    lines = []
    if verbose:
        for check in cluster.readyz_checks:
            failed = check in cluster.failing_checks
            lines.append(f"[-]{check} failed: reason withheld" if failed else f"[+]{check} ok")
    lines.append("readyz check passed" if healthy else "readyz check failed")
    return _Answer(200 if healthy else 500, "\n".join(lines).encode(), "text/plain; charset=utf-8")


def _group_list(cluster: FakeCluster) -> dict:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": group,
                "versions": [{"groupVersion": f"{group}/{version}", "version": version}],
                "preferredVersion": {"groupVersion": f"{group}/{version}", "version": version},
            }
            for group, version in sorted(cluster.api_groups().items())
        ],
    }


def _resource_list(group_version: str, kinds: Iterable[Kind]) -> dict:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": [
            {
                "name": kind.plural,
                "singularName": kind.singular,
                "namespaced": kind.namespaced,
                "kind": kind.kind,
                "verbs": ["get", "list"],
            }
            for kind in kinds
        ],
    }


# ---------------------------------------------------------------- HTTPS transport


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakekube"
    disable_nagle_algorithm = True
    # Idle keep-alive connections end after this, so abandoned clients free their thread.
    timeout = 30
    server: _TLSServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the app keeps its own request log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        answer = self.server.app.handle(method, self.path, headers, body, self._client_name())
        if answer.drop_connection:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.trickle:
            self._trickle(answer.body, answer.trickle)
        else:
            self.wfile.write(answer.body)

    def _trickle(self, body: bytes, seconds: float) -> None:
        pieces = _TRICKLE_PIECES
        step = max(1, -(-len(body) // pieces))
        for start in range(0, len(body), step):
            self.wfile.write(body[start : start + step])
            self.wfile.flush()
            time.sleep(seconds / pieces)

    def _client_name(self) -> str | None:
        certificate = self.connection.getpeercert()
        for rdn in (certificate or {}).get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    return value
        return None


class _TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], app: FakeKubeApp, tls: ServerTLS) -> None:
        self.app = app
        self.ssl_context = _server_ssl_context(tls)
        super().__init__(address, _Handler)

    def finish_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: tuple[str, int]
    ) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a slow or
        # failing client never holds up accept().
        assert isinstance(request, socket.socket)  # a TCP server's request is its connection
        request.settimeout(_Handler.timeout)
        try:
            connection = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            _Handler(connection, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            connection.close()

    def handle_error(self, request: object, client_address: tuple) -> None:
        """Quiet: clients that time out or hang up mid-answer are part of the tests."""


def _server_ssl_context(tls: ServerTLS) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory(prefix="fakekube-") as directory:
        cert_path, key_path = os.path.join(directory, "tls.crt"), os.path.join(directory, "tls.key")
        with open(cert_path, "wb") as cert_file, open(key_path, "wb") as key_file:
            cert_file.write(tls.server.cert_pem)
            key_file.write(tls.server.key_pem)
        context.load_cert_chain(cert_path, key_path)
    context.load_verify_locations(cadata=tls.ca_pem.decode())
    context.verify_mode = ssl.CERT_OPTIONAL
    return context


@contextlib.contextmanager
def silent_endpoint() -> Iterator[str]:
    """https://127.0.0.1:PORT of a port that takes TCP connections (the kernel's backlog
    completes them) and never says a word: a TLS handshake with it stalls until the
    client's connect timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"https://127.0.0.1:{listener.getsockname()[1]}"


# ---------------------------------------------------------------- front ends


class _Endpoint:
    """What both front ends share: URLs and credentials for the virtual clusters."""

    ca: CertificateAuthority
    port: int
    _clusters: dict[str, FakeCluster]

    def __init__(self) -> None:
        self._client_certificates: dict[str, CertifiedKey] = {}

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def url_for(self, cluster: str | FakeCluster) -> str:
        name = cluster if isinstance(cluster, str) else cluster.name
        return f"{self.base_url}/clusters/{name}"

    def client_certificate(self, user: str = "fakekube-admin") -> CertifiedKey:
        if user not in self._client_certificates:
            self._client_certificates[user] = self.ca.issue_client_certificate(user)
        return self._client_certificates[user]

    def credentials_for(
        self,
        cluster: str | FakeCluster,
        *,
        auth: AuthKind = "token",
        user: str = "fakekube-admin",
    ) -> ClusterCredentials:
        """A credential as intake produces it: https URL with the cluster prefix, the CA's
        data, and either the cluster's token or a client certificate for `user`."""
        name = cluster if isinstance(cluster, str) else cluster.name
        common = ClusterCredentials(
            server=self.url_for(name),
            certificate_authority_data=self.ca.cert_base64,
            context_name=name,
            cluster_name=name,
            user_name=user,
        )
        if auth == "token":
            return dataclasses.replace(common, token=self._clusters[name].token)
        certificate = self.client_certificate(user)
        return dataclasses.replace(
            common,
            client_certificate_data=certificate.cert_base64,
            client_key_data=certificate.key_base64,
        )


class FakeKubeServer(_Endpoint):
    """The fake API server in a background thread of this process."""

    def __init__(self, ca: CertificateAuthority | None = None) -> None:
        super().__init__()
        self.ca = ca or CertificateAuthority()
        self.app = FakeKubeApp()
        self._clusters = self.app.clusters
        tls = ServerTLS(self.ca.cert_pem, self.ca.issue_server_certificate())
        self._httpd = _TLSServer(("127.0.0.1", 0), self.app, tls)
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fakekube", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def clusters(self) -> dict[str, FakeCluster]:
        return self._clusters

    def add_cluster(self, cluster: FakeCluster) -> FakeCluster:
        if cluster.name in self._clusters:
            raise ValueError(f"a virtual cluster named {cluster.name} is already served")
        self._clusters[cluster.name] = cluster
        return cluster

    def remove_cluster(self, name: str) -> None:
        del self._clusters[name]

    def requests(self, cluster: str | None = None) -> list[LoggedRequest]:
        return self.app.logged(cluster)

    def clear_requests(self) -> None:
        self.app.clear_log()

    def reset(self) -> None:
        """Forget every virtual cluster (and so their faults) and the request log."""
        self._clusters.clear()
        self.clear_requests()


def serve_from_stdin() -> None:
    """Entry point of the server process (`python -m kube_console.fakekube`): (tls, clusters,
    control token) arrive pickled on stdin; the port goes out on stdout once the server
    listens. The process ends with its parent, so a crashed benchmark leaves no server."""
    tls, clusters, control_token = pickle.load(sys.stdin.buffer)
    parent = os.getppid()

    def exit_with_parent() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    app = FakeKubeApp(control_token)
    app.clusters.update({cluster.name: cluster for cluster in clusters})
    httpd = _TLSServer(("127.0.0.1", 0), app, tls)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


class FakeKubeProcess(_Endpoint):
    """The fake API server in a child process (`python -m kube_console.fakekube`).

    The clusters are copied into the child when it starts: change faults through
    `set_faults`; this process's cluster objects stay the expected state."""

    def __init__(
        self, clusters: Iterable[FakeCluster], ca: CertificateAuthority | None = None
    ) -> None:
        super().__init__()
        self.ca = ca or CertificateAuthority()
        self._clusters = {cluster.name: cluster for cluster in clusters}
        self._control_token = secrets.token_hex(16)
        self._process: subprocess.Popen[bytes] | None = None
        self._http = urllib3.PoolManager(
            cert_reqs="CERT_REQUIRED", ca_cert_data=self.ca.cert_pem.decode()
        )

    @property
    def clusters(self) -> dict[str, FakeCluster]:
        return self._clusters

    def start(self) -> Self:
        project_root = pathlib.Path(__file__).resolve().parents[2]
        environment = {**os.environ, "PYTHONPATH": str(project_root)}
        self._process = process = subprocess.Popen(
            [sys.executable, "-m", "kube_console.fakekube"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
        )
        assert process.stdin is not None and process.stdout is not None  # both piped
        tls = ServerTLS(self.ca.cert_pem, self.ca.issue_server_certificate())
        pickle.dump((tls, list(self._clusters.values()), self._control_token), process.stdin)
        process.stdin.close()
        port_line = process.stdout.readline()
        if not port_line.strip().isdigit():
            self.stop()
            raise RuntimeError("the fake API server process did not start")
        self.port = int(port_line)
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            if self._process.stdout is not None:  # piped
                self._process.stdout.close()
            self._process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _control(self, method: str, path: str, body: object = None) -> Any:  # the JSON answer
        response = self._http.request(
            method,
            f"{self.base_url}{_CONTROL_PREFIX}{path}",
            body=None if body is None else orjson.dumps(body),
            headers={"x-fakekube-control": self._control_token},
        )
        if response.status != 200:
            raise RuntimeError(f"fakekube control {method} {path}: {response.status}")
        return orjson.loads(response.data)

    def set_faults(self, cluster: str, faults: list[Fault]) -> None:
        payload = [
            {f.name: getattr(fault, f.name) for f in dataclasses.fields(fault) if f.init}
            for fault in faults
        ]
        self._control("PUT", f"/clusters/{cluster}/faults", payload)

    def requests(self, cluster: str | None = None) -> list[LoggedRequest]:
        logged = [LoggedRequest(**entry) for entry in self._control("GET", "/requests")]
        return [r for r in logged if cluster is None or r.cluster == cluster]

    def clear_requests(self) -> None:
        self._control("DELETE", "/requests")
