"""Fetch one cluster's inventory, health and usage into a ClusterSnapshot, within a time budget.

Every list is paged (`limit`/`continue`) and read through the client's REST layer, bytes
unread: the client's typed models are never built (nor its typed list methods called, whose
argument validation costs more CPU than the request), and each page's bytes go straight to
`objects.ObjectDecoder`. Failures are turned into plain-words errors for the admin.

A kind whose list fails (an error status, a dropped connection, an answer that is truncated,
not JSON or has no `items`) is left None in the snapshot with its reason in `errors`, so the
caller keeps that kind's previous rows. The whole fetch fails (raises) instead when what it
would return could not be trusted or holds nothing: /version fails; the credential is rejected
(401) on any call, or refused (403) on every list; no inventory list succeeds; or the time
budget runs out — then the fetch is abandoned, requests still running included, rather than
return a snapshot some of whose kinds were merely too slow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.client
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import kubernetes.client
import msgspec
import urllib3
from kubernetes.client.exceptions import ApiException

from kube_console.gc_pause import cyclic_gc_paused
from kube_console.kube.client import ServerAddressRefused, request_timeout
from kube_console.kube.helm import (
    HELM_SECRETS_FIELD_SELECTOR,
    HELM_SECRETS_LABEL_SELECTOR,
    decode_helm_secrets,
    latest_revisions,
)
from kube_console.kube.objects import (
    ClusterSnapshot,
    HealthCheck,
    HealthReport,
    ObjectDecoder,
    Page,
    PermissionReport,
)

__all__ = [
    "ClusterAuthFailed",
    "ClusterError",
    "ClusterFetchError",
    "ClusterUnreachable",
    "PermissionReport",
    "check_permissions",
    "fetch_snapshot",
    "fetch_version",
]

log = logging.getLogger(__name__)

LIST_PAGE_SIZE = 500
# Helm release Secrets can each hold up to 1 MiB, so fewer per page bounds a page's size.
HELM_SECRETS_PAGE_SIZE = 100
METRICS_GROUP = "metrics.k8s.io"
# Requests of one cluster's sync in flight at once (the client's pool keeps 10 connections).
FETCH_CONCURRENCY = 4
DEFAULT_BUDGET_SECONDS = 20.0
# Every request's timeouts end by the deadline; this covers decoding the last pages. Past it,
# a request is still running only because its server trickles the answer in: abandon it.
_ABANDON_GRACE_SECONDS = 0.5


class ClusterFetchError(Exception):
    """Base of the failures below; the message is meant for the admin, as is."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        # The HTTP status the API server answered with, when it answered.
        self.status = status


class ClusterUnreachable(ClusterFetchError):
    """The API server could not be reached, or the connection broke."""


class ClusterAuthFailed(ClusterFetchError):
    """The API server rejected the credential (401) or refused it an essential call (403)."""


class ClusterError(ClusterFetchError):
    """The API server answered, but not with what was asked for."""


class _BudgetExhausted(ClusterFetchError):
    pass


_Result = TypeVar("_Result")
_TIMEOUT_IN_MESSAGE = re.compile(r"timeout=([0-9.]+)\)")


class _Calls:
    """Makes the requests of one sync: applies the deadline and timeouts, and turns every
    failure into one of the plain-words exceptions above."""

    def __init__(self, api_client: kubernetes.client.ApiClient, budget_seconds: float) -> None:
        self.api_client = api_client
        self.budget_seconds = budget_seconds
        self.deadline = time.monotonic() + budget_seconds
        self.connect_timeout, self.read_timeout = request_timeout(api_client)
        self.authorization = kubernetes.client.AuthorizationV1Api(api_client)
        parts = urlsplit(api_client.configuration.host)
        self.endpoint = f"{parts.hostname}:{parts.port or 443}"
        self.uses_token = bool(api_client.configuration.api_key)
        # Set from any of the sync's threads (plain assignments), read once they are done.
        self.rejected: ClusterAuthFailed | None = None  # the first 401
        self.out_of_time = False
        self.abandoned = False

    def _timeout(self) -> tuple[float, float]:
        """The (connect, read) timeouts of a request starting now, cut to the budget left.
        Nothing starts once the credential was rejected or the budget ran out."""
        if self.rejected is not None:
            raise ClusterAuthFailed(str(self.rejected), status=401)
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self.abandoned:
            self.out_of_time = True
            raise _BudgetExhausted(
                f"not fetched: the {_seconds(self.budget_seconds)} s budget for this sync ran out"
            )
        return (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))

    def timed_out(self) -> ClusterUnreachable:
        return ClusterUnreachable(
            f"timed out after {_seconds(self.budget_seconds)} s, the time one sync of a cluster "
            "may take: this sync was abandoned and the cluster's data kept as it was"
        )

    def wait(self, future: Future[_Result]) -> _Result:
        """The future's result, unless the budget (and its grace) runs out first: then the
        fetch is abandoned, and no request of it starts any more."""
        try:
            return future.result(
                timeout=max(0.0, self.deadline + _ABANDON_GRACE_SECONDS - time.monotonic())
            )
        except FutureTimeout:
            self.abandoned = self.out_of_time = True
            raise self.timed_out() from None

    def get(self, path: str, method: Callable[..., Any], *args: Any, **params: Any) -> bytes:
        """Call one of the client's API methods unread, and return the body's bytes."""
        timeout = self._timeout()
        try:
            response = method(*args, **params, _preload_content=False, _request_timeout=timeout)
            try:
                data: bytes = response.data
                return data
            finally:
                response.release_conn()
        except Exception as error:
            raise self.classified(error, path, timeout) from error

    def get_page(self, path: str, query: list[tuple[str, Any]]) -> bytes:
        """GET one page of a list (or /version, /apis) through the client's REST layer, and
        return the body's bytes.

        Not through the typed methods: they validate and serialize every argument (pydantic)
        at a CPU cost above the request's own, paid for every request of every sync."""
        timeout = self._timeout()
        request = self.api_client.param_serialize(  # a dict of its own: the client writes into it
            "GET",
            path,
            query_params=query,
            header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"],
        )
        try:
            response = self.api_client.call_api(*request, _request_timeout=timeout)
            try:
                if not 200 <= response.status <= 299:
                    response.read()
                    raise ApiException.from_response(http_resp=response, body=None, data=None)
                body: bytes = response.response.data
                return body
            finally:
                response.response.release_conn()
        except Exception as error:
            raise self.classified(error, path, timeout) from error

    def get_text(self, path: str, query: list[tuple[str, str]]) -> tuple[int, str]:
        """GET a path that has no API method (/readyz, /healthz); any status is returned."""
        timeout = self._timeout()
        request = self.api_client.param_serialize(
            "GET", path, query_params=query, auth_settings=["BearerToken"]
        )
        try:
            response = self.api_client.call_api(*request, _request_timeout=timeout)
            status, text = response.status, response.read().decode("utf-8", "replace")
        except Exception as error:
            raise self.classified(error, path, timeout) from error
        if status == 401:
            self._rejected()
        return status, text

    def classified(self, error: Exception, path: str, timeout: tuple[float, float]) -> Exception:
        if isinstance(error, ApiException):
            return self._from_status(error, path)
        if isinstance(error, ServerAddressRefused):  # the console's policy, not the network
            return ClusterUnreachable(str(error))
        if isinstance(error, urllib3.exceptions.MaxRetryError) and error.reason is not None:
            error = error.reason
        if isinstance(error, urllib3.exceptions.NameResolutionError):
            return ClusterUnreachable(f"could not resolve the host name of {self.endpoint}")
        if isinstance(error, urllib3.exceptions.NewConnectionError):
            if isinstance(error.__cause__, ConnectionRefusedError):
                return ClusterUnreachable(f"connection refused by {self.endpoint}")
            reason = getattr(error.__cause__, "strerror", None) or "the connection failed"
            return ClusterUnreachable(f"could not connect to {self.endpoint}: {reason}")
        if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
            return self._timed_out(path, timeout[0], connecting=True)
        if isinstance(error, urllib3.exceptions.ReadTimeoutError):
            # urllib3 reports a TLS handshake that stalls as a read timeout, of the connect
            # timeout's length: the message names the timeout that fired.
            match = _TIMEOUT_IN_MESSAGE.search(str(error))
            waited = float(match.group(1)) if match else timeout[1]
            connecting = waited == timeout[0] and timeout[0] != timeout[1]
            return self._timed_out(path, waited, connecting=connecting)
        if isinstance(error, urllib3.exceptions.SSLError):
            return ClusterUnreachable(
                f"the TLS connection to {self.endpoint} failed: {_ssl_reason(error)}"
            )
        if isinstance(
            error, (urllib3.exceptions.ProtocolError, http.client.HTTPException, ConnectionError)
        ):
            return ClusterUnreachable(
                f"the connection to {self.endpoint} was dropped before {path} was answered"
            )
        return ClusterError(f"the request for {path} failed: {error}")

    def _timed_out(self, path: str, waited: float, *, connecting: bool) -> ClusterFetchError:
        if waited < (self.connect_timeout if connecting else self.read_timeout):
            # The timeout was cut short by the end of the budget: the sync is out of time.
            self.out_of_time = True
            return _BudgetExhausted(
                f"the {_seconds(self.budget_seconds)} s budget ran out during {path}"
            )
        if connecting:
            return ClusterUnreachable(
                f"could not connect to {self.endpoint} within {_seconds(waited)} s"
            )
        return ClusterUnreachable(f"timed out after {_seconds(waited)} s waiting for {path}")

    def _rejected(self) -> ClusterAuthFailed:
        credential = "token" if self.uses_token else "client certificate"
        rejected = ClusterAuthFailed(
            f"the {credential} was rejected (401 Unauthorized)", status=401
        )
        if self.rejected is None:
            self.rejected = rejected
        return rejected

    def _from_status(self, error: ApiException, path: str) -> Exception:
        status = error.status
        if status == 0:
            # The REST layer reports TLS failures as ApiException(status=0).
            return ClusterUnreachable(
                f"the TLS connection to {self.endpoint} failed: {_ssl_reason(error.reason)}"
            )
        if status == 401:
            return self._rejected()
        if status == 403:
            return ClusterAuthFailed(
                f"the credential is not allowed to read {path} (403 Forbidden)", status=status
            )
        return ClusterError(f"the API server returned {status} for {path}", status=status)

    def list_all(
        self,
        path: str,
        decode_page: Callable[[bytes], Page[_Result]],
        *,
        page_size: int = LIST_PAGE_SIZE,
        query: tuple[tuple[str, str], ...] = (),
    ) -> list[_Result]:
        """Every item of a list, page by page (`query`: its selectors). A continue token that
        expired mid-list (410 Gone) restarts the list once, as the API documentation advises."""
        for _attempt in range(2):
            records: list[_Result] = []
            token = None
            try:
                while True:
                    page_query = [
                        ("limit", page_size),
                        *query,
                        *([("continue", token)] if token else []),
                    ]
                    data = self.get_page(path, page_query)
                    try:
                        page = decode_page(data)
                    except msgspec.ValidationError as error:  # (a DecodeError itself)
                        raise ClusterError(
                            f"the API server sent a list for {path} that can't be read ({error})"
                        ) from error
                    except msgspec.DecodeError as error:
                        raise ClusterError(
                            f"the API server sent a response for {path} that is not valid JSON"
                        ) from error
                    del data
                    records.extend(page.records)
                    if not page.continue_token:
                        return records
                    token = page.continue_token
            except ClusterError as error:
                if error.status != 410:
                    raise
                log.info("continue token for %s expired; listing again from the start", path)
        raise ClusterError(f"the list {path} changed faster than it could be paged (410 Gone)")


def _seconds(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _ssl_reason(error: object) -> str:
    text = str(error)
    match = re.search(r"\[SSL: [A-Z_]+\] ([^(]+)\(", text)
    if match:
        return match.group(1).strip()
    match = re.search(r"certificate verify failed: [^()'\"]+", text)
    return match.group(0).strip() if match else text.splitlines()[-1].strip()


def fetch_version(api_client: kubernetes.client.ApiClient) -> dict[str, Any]:
    """The raw /version JSON; raises ClusterUnreachable, ClusterAuthFailed or ClusterError."""
    calls = _Calls(api_client, budget_seconds=sum(request_timeout(api_client)))
    return _version(calls)


def _version(calls: _Calls) -> dict[str, Any]:
    try:
        data = calls.get_page("/version", [])
    except _BudgetExhausted as error:
        raise ClusterError(f"the /version call failed: {error}") from None
    try:
        version = msgspec.json.decode(data)
    except msgspec.DecodeError:
        raise ClusterError("the API server sent a /version that is not valid JSON") from None
    if not isinstance(version, dict) or "gitVersion" not in version:
        raise ClusterError("the API server's /version has no gitVersion")
    return version


# ---------------------------------------------------------------- permissions

_WRITE_CHECKS = [
    (verb, group, resource)
    for group, resource in (("", "pods"), ("apps", "deployments"), ("", "namespaces"))
    for verb in ("create", "update", "delete")
]
_SECRET_CHECKS = [("get", "", "secrets"), ("list", "", "secrets")]
_READ_CHECKS = [
    ("list", group, resource)
    for group, resource in (
        ("", "namespaces"),
        ("", "nodes"),
        ("", "pods"),
        ("", "persistentvolumeclaims"),
        ("apps", "deployments"),
        ("apps", "statefulsets"),
        ("apps", "daemonsets"),
        ("apps", "replicasets"),
        ("batch", "jobs"),
    )
]


def check_permissions(api_client: kubernetes.client.ApiClient) -> PermissionReport:
    """What this credential may do cluster-wide, asked with SelfSubjectAccessReviews.

    Warns (it does not refuse) when the credential can write or read Secrets, and lists
    the resources the console reads that it may not list."""
    calls = _Calls(api_client, budget_seconds=30.0)
    path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"

    def allowed(verb: str, group: str, resource: str) -> bool:
        review = kubernetes.client.V1SelfSubjectAccessReview(
            spec=kubernetes.client.V1SelfSubjectAccessReviewSpec(
                resource_attributes=kubernetes.client.V1ResourceAttributes(
                    verb=verb, group=group, resource=resource
                )
            )
        )
        data = calls.get(path, calls.authorization.create_self_subject_access_review, review)
        try:
            return bool(msgspec.json.decode(data)["status"]["allowed"])
        except (msgspec.DecodeError, KeyError, TypeError):
            raise ClusterError(f"the API server sent an unreadable answer for {path}") from None

    try:
        writes = [
            f"{verb} {resource}"
            for verb, group, resource in _WRITE_CHECKS
            if allowed(verb, group, resource)
        ]
        secret_verbs = [
            verb for verb, group, resource in _SECRET_CHECKS if allowed(verb, group, resource)
        ]
        cannot_list = [
            resource for verb, group, resource in _READ_CHECKS if not allowed(verb, group, resource)
        ]
    except _BudgetExhausted as error:
        raise ClusterError(f"the permission check did not finish: {error}") from None

    warnings = []
    if writes:
        warnings.append(
            f"This credential can {', '.join(writes)} cluster-wide. The console only reads: "
            "a read-only ServiceAccount (get/list/watch) is recommended."
        )
    if secret_verbs:
        warnings.append(
            f"This credential can {' and '.join(secret_verbs)} Secrets cluster-wide, beyond "
            "the Helm release metadata the console shows."
        )
    if cannot_list:
        warnings.append(
            f"This credential cannot list {', '.join(cannot_list)}: the console will not show them."
        )
    return PermissionReport(
        can_write=bool(writes),
        can_read_secrets=bool(secret_verbs),
        warnings=warnings,
        cannot_list=cannot_list,
    )


# ---------------------------------------------------------------- snapshot


_HEALTH_LINE = re.compile(r"^\[([+-])\]([^ ]+) (.*)$")


def _health(calls: _Calls) -> tuple[HealthReport, str | None]:
    started = time.perf_counter()
    status, text = calls.get_text("/readyz", [("verbose", "true")])
    endpoint: Literal["readyz", "healthz"] = "readyz"
    # Servers older than 1.16 have no /readyz, and some deny it to non-admins.
    if status in (401, 403, 404):
        started = time.perf_counter()
        status, text = calls.get_text("/healthz", [])
        endpoint = "healthz"
    latency_ms = (time.perf_counter() - started) * 1000
    checks = [
        HealthCheck(name=match.group(2), ok=match.group(1) == "+")
        for match in map(_HEALTH_LINE.match, text.splitlines())
        if match
    ]
    report = HealthReport(
        ok=status == 200, endpoint=endpoint, checks=checks, api_latency_ms=latency_ms
    )
    problem = None if status in (200, 500) else f"the API server returned {status} for /{endpoint}"
    return report, problem


@dataclasses.dataclass
class _SnapshotParts:
    lists: dict[str, list[Any] | None] = dataclasses.field(default_factory=dict)
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    statuses: dict[str, int | None] = dataclasses.field(default_factory=dict)  # of failed lists


def fetch_snapshot(
    api_client: kubernetes.client.ApiClient, *, budget_seconds: float = DEFAULT_BUDGET_SECONDS
) -> ClusterSnapshot:
    """Everything one sync stores about a cluster.

    Raises ClusterUnreachable, ClusterAuthFailed or ClusterError when the fetch as a whole
    failed (see the module's docstring); else a kind that failed is None with its reason in
    `errors`. After /version, up to FETCH_CONCURRENCY requests run at once: a sync is mostly
    waiting on the API server, and a slow one must not hold a sync worker for the sum of its
    round trips."""
    started = time.perf_counter()
    fetched_at = dt.datetime.now(dt.UTC)
    calls = _Calls(api_client, budget_seconds)
    version = _version(calls)
    parts = _SnapshotParts()
    decoder = ObjectDecoder()
    plan = _list_plan(decoder)
    pool = ThreadPoolExecutor(FETCH_CONCURRENCY, thread_name_prefix="fetch")
    try:
        with cyclic_gc_paused():
            health_report, api_groups, metrics_available = _fetch_all(
                calls, parts, plan, decoder, pool
            )
    finally:
        # An abandoned fetch leaves its running requests behind: they end with their
        # timeouts (or their trickling server) and start nothing more.
        pool.shutdown(wait=not calls.abandoned, cancel_futures=True)
    _raise_unless_usable(calls, parts, plan)
    if parts.lists["helm_releases"] is not None:
        parts.lists["helm_releases"] = latest_revisions(parts.lists["helm_releases"])
    for owner_kind in OWNER_KINDS:
        parts.lists.pop(owner_kind)

    if decoder.skipped_quantities:
        log.warning(
            "cluster %s: skipped %d quantities that did not parse",
            calls.endpoint,
            decoder.skipped_quantities,
        )
    lists = parts.lists
    return ClusterSnapshot(
        fetched_at=fetched_at,
        version=version,
        health=health_report,
        api_groups=api_groups,
        namespaces=lists.get("namespaces"),
        nodes=lists.get("nodes"),
        deployments=lists.get("deployments"),
        statefulsets=lists.get("statefulsets"),
        daemonsets=lists.get("daemonsets"),
        pods=lists.get("pods"),
        pvcs=lists.get("pvcs"),
        helm_releases=lists.get("helm_releases"),
        pod_usage=lists.get("pod_usage"),
        node_usage=lists.get("node_usage"),
        metrics_available=metrics_available,
        errors=parts.errors,
        forbidden={
            kind: RESOURCE_NAMES.get(kind, kind)
            for kind in (*plan, *USAGE_KINDS)
            if parts.statuses.get(kind) == 403
        },
        skipped_quantities=decoder.skipped_quantities,
        fetch_seconds=time.perf_counter() - started,
    )


def _fetch_all(
    calls: _Calls,
    parts: _SnapshotParts,
    plan: dict[str, _ListSpec],
    decoder: ObjectDecoder,
    pool: ThreadPoolExecutor,
) -> tuple[HealthReport, list[str], bool]:
    """Health, discovery, every list and usage: (health report, API groups, metrics available)."""
    health = pool.submit(_health_or_problem, calls, parts)
    discovery = pool.submit(_discovery, calls, parts)

    def fetch(kind: str) -> Future[None]:
        path, decode_page, options = plan[kind]
        return pool.submit(_fetch_list, calls, parts, kind, path, decode_page, options)

    pending = {kind: fetch(kind) for kind in plan if kind != "pods"}
    for owner_kind in OWNER_KINDS:  # the pod pages need to know who owns them
        calls.wait(pending[owner_kind])
    pending["pods"] = fetch("pods")
    api_groups, discovery_ok = calls.wait(discovery)
    usage = pool.submit(_fetch_usage, calls, decoder, parts, api_groups, discovery_ok)
    for future in pending.values():
        calls.wait(future)
    return calls.wait(health), api_groups, calls.wait(usage)


def _raise_unless_usable(calls: _Calls, parts: _SnapshotParts, plan: dict[str, _ListSpec]) -> None:
    """Raise when the lists fetched can't be stored as this sync's view of the cluster."""
    if calls.out_of_time:
        raise calls.timed_out()
    if calls.rejected is not None:
        raise calls.rejected
    if all(parts.statuses.get(kind) == 403 for kind in plan):
        raise ClusterAuthFailed(
            "the credential may not list any of the kinds the console reads (403 Forbidden)",
            status=403,
        )
    failed = [kind for kind in INVENTORY_KINDS if parts.lists.get(kind) is None]
    if len(failed) == len(INVENTORY_KINDS):
        others = f" (and {len(failed) - 1} other lists failed too)" if len(failed) > 1 else ""
        raise ClusterError(
            f"no list could be read: {failed[0]}: {parts.errors[failed[0]]}{others}",
            status=parts.statuses.get(failed[0]),
        )


OWNER_KINDS = ("replicasets", "jobs")
# The lists whose objects are stored: a sync that read none of them read nothing.
INVENTORY_KINDS = (
    "namespaces",
    "nodes",
    "deployments",
    "statefulsets",
    "daemonsets",
    "pods",
    "pvcs",
    "helm_releases",
)
USAGE_KINDS = ("pod_usage", "node_usage")
# What an admin would grant, for the kinds whose name is not the API resource's.
RESOURCE_NAMES = {
    "pvcs": "persistentvolumeclaims",
    "helm_releases": "secrets (Helm releases)",
    "pod_usage": "pods.metrics.k8s.io",
    "node_usage": "nodes.metrics.k8s.io",
}

_ListSpec = tuple[str, Callable[[bytes], Page[Any]], dict[str, Any]]


def _list_plan(decoder: ObjectDecoder) -> dict[str, _ListSpec]:
    """Every list a sync reads: kind -> (path, page decoder, `list_all` options)."""
    return {
        "namespaces": ("/api/v1/namespaces", decoder.namespaces, {}),
        "nodes": ("/api/v1/nodes", decoder.nodes, {}),
        "deployments": (
            "/apis/apps/v1/deployments",
            lambda data: decoder.workloads("Deployment", data),
            {},
        ),
        "statefulsets": (
            "/apis/apps/v1/statefulsets",
            lambda data: decoder.workloads("StatefulSet", data),
            {},
        ),
        "daemonsets": (
            "/apis/apps/v1/daemonsets",
            lambda data: decoder.workloads("DaemonSet", data),
            {},
        ),
        "replicasets": ("/apis/apps/v1/replicasets", decoder.owners, {}),
        "jobs": ("/apis/batch/v1/jobs", decoder.owners, {}),
        "pods": ("/api/v1/pods", decoder.pods, {}),
        "pvcs": ("/api/v1/persistentvolumeclaims", decoder.pvcs, {}),
        "helm_releases": (
            "/api/v1/secrets",
            decode_helm_secrets,
            {
                "query": (
                    ("fieldSelector", HELM_SECRETS_FIELD_SELECTOR),
                    ("labelSelector", HELM_SECRETS_LABEL_SELECTOR),
                ),
                "page_size": HELM_SECRETS_PAGE_SIZE,
            },
        ),
    }


def _fetch_list(
    calls: _Calls,
    parts: _SnapshotParts,
    kind: str,
    path: str,
    decode_page: Callable[[bytes], Page[_Result]],
    options: dict[str, Any],
) -> None:
    try:
        parts.lists[kind] = calls.list_all(path, decode_page, **options)
    except ClusterFetchError as error:
        parts.lists[kind] = None
        parts.errors[kind] = _list_failure_text(kind, error)
        parts.statuses[kind] = error.status


def _health_or_problem(calls: _Calls, parts: _SnapshotParts) -> HealthReport:
    try:
        report, problem = _health(calls)
    except ClusterFetchError as error:
        report, problem = (
            HealthReport(ok=False, endpoint="readyz", checks=[], api_latency_ms=0.0),
            str(error),
        )
    if problem:
        parts.errors["health"] = problem
    return report


def _discovery(calls: _Calls, parts: _SnapshotParts) -> tuple[list[str], bool]:
    """The API groups the server offers, and whether discovery answered at all."""
    try:
        data = calls.get_page("/apis", [])
        return sorted(group["name"] for group in msgspec.json.decode(data)["groups"]), True
    except (ClusterFetchError, msgspec.DecodeError, KeyError, TypeError) as error:
        parts.errors["api_groups"] = str(error) or "the API server sent unreadable discovery"
        return [], False


def _list_failure_text(kind: str, error: ClusterFetchError) -> str:
    if kind == "helm_releases" and error.status == 403:
        return (
            "the credential may not list Secrets (403 Forbidden), so Helm releases cannot be read"
        )
    if error.status == 403:
        return f"the credential may not list {RESOURCE_NAMES.get(kind, kind)} (403 Forbidden)"
    return str(error)


def _fetch_usage(
    calls: _Calls,
    decoder: ObjectDecoder,
    parts: _SnapshotParts,
    api_groups: list[str],
    discovery_ok: bool,
) -> bool:
    """Pod and node usage from metrics.k8s.io; returns whether that API is available.
    A cluster without metrics-server is not an error: usage is just None."""
    if discovery_ok and METRICS_GROUP not in api_groups:
        return False
    for kind, plural, decode_page in (
        ("pod_usage", "pods", decoder.pod_usage),
        ("node_usage", "nodes", decoder.node_usage),
    ):
        path = f"/apis/{METRICS_GROUP}/v1beta1/{plural}"
        try:
            parts.lists[kind] = calls.list_all(path, decode_page)
        except ClusterFetchError as error:
            if error.status == 404:
                parts.lists.pop("pod_usage", None)
                return False
            parts.lists[kind] = None
            parts.errors[kind] = _list_failure_text(kind, error)
            parts.statuses[kind] = error.status
    return True
