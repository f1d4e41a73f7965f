"""One virtual cluster of the fake API server: its objects, identities, RBAC and faults.

Objects are kept as the JSON bytes the server sends (plus a small index of the fields
selectors look at), so a cluster of 5,000 pods costs its JSON size in memory and a list
page is a join of ready-made bytes. Tests change a cluster object by object (`add`,
`update`, `set_labels`, `remove`) while the server runs; every change bumps the cluster's
resourceVersion as the real API server does.
"""

from __future__ import annotations

import base64
import bisect
import dataclasses
import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterable

import orjson

from kube_console.fakekube.selectors import InvalidSelector, field_selector, label_selector


@dataclasses.dataclass(frozen=True)
class Kind:
    kind: str
    group: str
    version: str
    plural: str
    namespaced: bool
    singular: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"


KINDS = (
    Kind("Namespace", "", "v1", "namespaces", False, "namespace"),
    Kind("Node", "", "v1", "nodes", False, "node"),
    Kind("Pod", "", "v1", "pods", True, "pod"),
    Kind(
        "PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", True, "persistentvolumeclaim"
    ),
    Kind("Secret", "", "v1", "secrets", True, "secret"),
    Kind("Deployment", "apps", "v1", "deployments", True, "deployment"),
    Kind("StatefulSet", "apps", "v1", "statefulsets", True, "statefulset"),
    Kind("DaemonSet", "apps", "v1", "daemonsets", True, "daemonset"),
    Kind("ReplicaSet", "apps", "v1", "replicasets", True, "replicaset"),
    Kind("Job", "batch", "v1", "jobs", True, "job"),
    Kind("CronJob", "batch", "v1", "cronjobs", True, "cronjob"),
    Kind("PodMetrics", "metrics.k8s.io", "v1beta1", "pods", True, ""),
    Kind("NodeMetrics", "metrics.k8s.io", "v1beta1", "nodes", False, ""),
)
KIND_BY_NAME = {kind.kind: kind for kind in KINDS}
METRICS_GROUP = "metrics.k8s.io"


_STATUS_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    410: "Expired",
    500: "InternalError",
    503: "ServiceUnavailable",
}


class ApiError(Exception):
    """An error answer from the fake API server, sent as a `Status` object."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def body(self) -> bytes:
        return orjson.dumps(
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Failure",
                "message": self.message,
                "reason": _STATUS_REASONS.get(self.status, "Unknown"),
                "code": self.status,
            }
        )


# ---------------------------------------------------------------- RBAC


@dataclasses.dataclass(frozen=True)
class Rule:
    """An RBAC PolicyRule: "*" in any field matches everything."""

    verbs: tuple[str, ...]
    groups: tuple[str, ...]
    resources: tuple[str, ...]

    def allows(self, verb: str, group: str, resource: str) -> bool:
        return (
            ("*" in self.verbs or verb in self.verbs)
            and ("*" in self.groups or group in self.groups)
            and ("*" in self.resources or resource in self.resources)
        )


_READ = ("get", "list", "watch")
CLUSTER_ADMIN = (Rule(("*",), ("*",), ("*",)),)
READ_ONLY = (
    Rule(_READ, ("",), ("namespaces", "nodes", "pods", "persistentvolumeclaims")),
    Rule(_READ, ("apps",), ("deployments", "statefulsets", "daemonsets", "replicasets")),
    Rule(_READ, ("batch",), ("jobs", "cronjobs")),
    Rule(_READ, (METRICS_GROUP,), ("pods", "nodes")),
)
SECRETS_READER = (*READ_ONLY, Rule(_READ, ("",), ("secrets",)))


# ---------------------------------------------------------------- faults


@dataclasses.dataclass
class Fault:
    """Something going wrong on requests whose path (inside the cluster) starts with `path`.

    The first `after_pages` matching requests pass unharmed (for a list, those are its
    first pages); after that the fault applies, at most `times` times when set. A fault
    waits `delay` seconds, then drops the connection, answers `status`, sends the real
    answer with its JSON cut in half (`truncate_json`) or without its list's `items`
    (`omit_items`), answers 200 with `body` instead, or sends its answer a few bytes at a
    time spread over `trickle` seconds (each read comes well within any read timeout) —
    or just answers late.
    """

    path: str = ""
    status: int | None = None
    delay: float = 0.0
    drop_connection: bool = False
    truncate_json: bool = False
    omit_items: bool = False
    body: str | None = None
    trickle: float = 0.0
    after_pages: int = 0
    times: int | None = None
    seen: int = dataclasses.field(default=0, init=False, compare=False)

    def _claims(self, path: str) -> bool:
        if not path.startswith(self.path):
            return False
        self.seen += 1
        applied = self.seen - self.after_pages
        return applied > 0 and (self.times is None or applied <= self.times)


# ---------------------------------------------------------------- objects


@dataclasses.dataclass(slots=True)
class _Stored:
    key: tuple[str, str]
    # Only what selectors read: metadata.name/namespace/labels, type, spec.nodeName, status.phase.
    index: dict
    body: bytes


def _selector_index(obj: dict) -> dict:
    metadata = obj["metadata"]
    return {
        "metadata": {
            "name": metadata.get("name", ""),
            "namespace": metadata.get("namespace", ""),
            "labels": dict(metadata.get("labels") or {}),
        },
        "type": obj.get("type"),
        "spec": {"nodeName": (obj.get("spec") or {}).get("nodeName")},
        "status": {"phase": (obj.get("status") or {}).get("phase")},
    }


def _now_rfc3339() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_DEFAULT_READYZ_CHECKS = (
    "ping",
    "log",
    "etcd",
    "etcd-readiness",
    "informer-sync",
    "poststarthook/start-apiserver-admission-initializer",
    "poststarthook/generic-apiserver-start-informers",
    "poststarthook/rbac/bootstrap-roles",
    "shutdown",
)


class FakeCluster:
    """A virtual cluster served under /clusters/<name> by the fake API server."""

    def __init__(
        self,
        name: str,
        *,
        git_version: str = "v1.31.13-eks-ecaa3a6",
        extra_api_groups: Iterable[str] = (),
        rules: tuple[Rule, ...] = CLUSTER_ADMIN,
        metrics_api: bool = True,
    ) -> None:
        self.name = name
        self.git_version = git_version
        self.extra_api_groups = tuple(extra_api_groups)
        self.rules = rules
        self.metrics_api = metrics_api
        # Accepted bearer tokens -> user name.
        self.tokens: dict[str, str] = {f"token-{name}": "fakekube-admin"}
        # Common names of the client certificates (signed by the server's CA) accepted.
        self.client_certificate_users: set[str] = {"fakekube-admin"}
        self.readyz_available = True
        self.readyz_checks: tuple[str, ...] = _DEFAULT_READYZ_CHECKS
        self.failing_checks: set[str] = set()
        self.faults: list[Fault] = []
        self.resource_version = 1000
        self._continue_epoch = 0
        self._objects: dict[str, dict[tuple[str, str], _Stored]] = {k.kind: {} for k in KINDS}
        self._sorted: dict[str, list[_Stored] | None] = {k.kind: None for k in KINDS}
        self._lock = threading.RLock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()

    @property
    def token(self) -> str:
        """The first accepted token (what `credentials_for` hands out)."""
        return next(iter(self.tokens))

    # -- version and discovery

    @property
    def version(self) -> dict:
        core = self.git_version.lstrip("v").split("-")[0].split("+")[0]
        major, minor = core.split(".")[:2]
        managed = "-" in self.git_version or "+" in self.git_version
        return {
            "major": major,
            "minor": f"{minor}+" if managed else minor,
            "gitVersion": self.git_version,
            "gitCommit": "5ebf7a9c1b4d0e4b2fc0e1c7a7b0a0b7c7d5e1a3",
            "gitTreeState": "clean",
            "buildDate": "2025-11-04T10:16:41Z",
            "goVersion": "go1.23.12",
            "compiler": "gc",
            "platform": "linux/amd64",
        }

    def served_group_versions(self) -> dict[str, str]:
        """API group -> served version of the kinds this fake implements."""
        groups = {k.group: k.version for k in KINDS if k.group}
        groups["authorization.k8s.io"] = "v1"
        if not self.metrics_api:
            del groups[METRICS_GROUP]
        return groups

    def api_groups(self) -> dict[str, str]:
        groups = self.served_group_versions()
        for group in ("networking.k8s.io", "storage.k8s.io", "rbac.authorization.k8s.io"):
            groups.setdefault(group, "v1")
        for group in self.extra_api_groups:
            groups.setdefault(group, "v1")
        return groups

    def kinds_in(self, group: str, version: str) -> list[Kind]:
        if group == METRICS_GROUP and not self.metrics_api:
            return []
        return [k for k in KINDS if k.group == group and k.version == version]

    # -- identity and RBAC

    def allows(self, verb: str, group: str, resource: str) -> bool:
        return any(rule.allows(verb, group, resource) for rule in self.rules)

    # -- faults

    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def fault_for(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault._claims(path):
                    return fault
        return None

    # -- objects

    def add(self, obj: dict) -> dict:
        """Store an object (the cluster takes the dict); missing uid, creationTimestamp
        and resourceVersion are filled in as the API server would."""
        kind = KIND_BY_NAME[obj["kind"]]
        metadata = obj.setdefault("metadata", {})
        is_metrics = kind.group == METRICS_GROUP
        if not is_metrics:
            metadata.setdefault("uid", str(uuid.uuid4()))
        metadata.setdefault("creationTimestamp", _now_rfc3339())
        if not kind.namespaced:
            metadata.pop("namespace", None)
        elif not metadata.get("namespace"):
            raise ValueError(f"{kind.kind} {metadata.get('name')} needs a namespace")
        with self._lock:
            self.resource_version += 1
            if not is_metrics:
                metadata["resourceVersion"] = str(self.resource_version)
            item = {key: value for key, value in obj.items() if key not in ("kind", "apiVersion")}
            stored = _Stored(
                (metadata.get("namespace", ""), metadata["name"]),
                _selector_index(obj),
                orjson.dumps(item),
            )
            self._objects[kind.kind][stored.key] = stored
            self._sorted[kind.kind] = None
        return obj

    def add_all(self, objects: Iterable[dict]) -> None:
        for obj in objects:
            self.add(obj)

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        with self._lock:
            stored = self._objects[kind].get((namespace, name))
        return None if stored is None else self._full_object(kind, stored.body)

    def objects(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Every stored object of a kind (as dicts, with kind and apiVersion), in list order."""
        return [
            self._full_object(kind, stored.body)
            for stored in self._sorted_items(kind)
            if namespace is None or stored.key[0] == namespace
        ]

    def count(self, kind: str) -> int:
        return len(self._objects[kind])

    def update(self, kind: str, namespace: str, name: str, change: Callable[[dict], None]) -> dict:
        """Apply `change` to a stored object in place and store the result."""
        with self._lock:
            obj = self.get(kind, namespace, name)
            if obj is None:
                raise KeyError(f"no {kind} {namespace}/{name}")
            change(obj)
            return self.add(obj)

    def set_labels(self, kind: str, namespace: str, name: str, labels: dict[str, str]) -> dict:
        def replace_labels(obj: dict) -> None:
            obj["metadata"]["labels"] = dict(labels)

        return self.update(kind, namespace, name, replace_labels)

    def remove(self, kind: str, namespace: str, name: str) -> None:
        with self._lock:
            del self._objects[kind][(namespace, name)]
            self._sorted[kind] = None
            self.resource_version += 1

    def expire_continue_tokens(self) -> None:
        """Make every continue token handed out so far answer 410 Gone (etcd compaction)."""
        with self._lock:
            self._continue_epoch += 1

    @staticmethod
    def _full_object(kind: str, body: bytes) -> dict:
        spec = KIND_BY_NAME[kind]
        return {"kind": spec.kind, "apiVersion": spec.api_version, **orjson.loads(body)}

    def _sorted_items(self, kind: str) -> list[_Stored]:
        with self._lock:
            items = self._sorted[kind]
            if items is None:
                items = sorted(self._objects[kind].values(), key=lambda stored: stored.key)
                self._sorted[kind] = items
            return items

    # -- serving

    def object_body(self, kind: str, namespace: str, name: str) -> bytes:
        spec = KIND_BY_NAME[kind]
        with self._lock:
            stored = self._objects[kind].get((namespace, name))
        if stored is None:
            raise ApiError(404, f'{spec.plural} "{name}" not found')
        header = f'{{"kind":"{spec.kind}","apiVersion":"{spec.api_version}",'.encode()
        return header + stored.body[1:]

    def list_body(
        self,
        kind: str,
        *,
        namespace: str = "",
        labels: str = "",
        fields: str = "",
        limit: int = 0,
        continue_token: str = "",
    ) -> bytes:
        """One page of a list, as the API server pages it (continue after the last key)."""
        spec = KIND_BY_NAME[kind]
        try:
            predicates = []
            if labels:
                predicates.append(label_selector(labels))
            if fields:
                predicates.append(field_selector(fields, kind))
        except InvalidSelector as error:
            raise ApiError(400, str(error)) from None
        with self._lock:
            items = self._sorted_items(kind)
            resource_version = self.resource_version
            epoch = self._continue_epoch
        keys = [stored.key for stored in items]
        start, end = 0, len(items)
        if namespace:
            start = bisect.bisect_left(keys, (namespace, ""))
            end = bisect.bisect_left(keys, (namespace + "\0", ""))
        if continue_token:
            start = max(start, bisect.bisect_right(keys, self._continue_key(continue_token, epoch)))

        selected: list[bytes] = []
        position = start
        last_key = None
        more = False
        while position < end:
            stored = items[position]
            position += 1
            if predicates and not all(matches(stored.index) for matches in predicates):
                continue
            if limit and len(selected) == limit:
                more = True
                break
            selected.append(stored.body)
            last_key = stored.key
        metadata: dict = {"resourceVersion": str(resource_version)}
        if more:
            assert last_key is not None  # a full page came first
            metadata["continue"] = self._continue_token(last_key, epoch)
            if not predicates:
                # The real server only knows this count when no selector filters the list.
                metadata["remainingItemCount"] = end - position + 1
        return b'{"kind":"%s","apiVersion":"%s","metadata":%s,"items":[%s]}' % (
            f"{spec.kind}List".encode(),
            spec.api_version.encode(),
            orjson.dumps(metadata),
            b",".join(selected),
        )

    def _continue_token(self, last_key: tuple[str, str], epoch: int) -> str:
        payload = orjson.dumps({"cluster": self.name, "epoch": epoch, "after": list(last_key)})
        return base64.urlsafe_b64encode(payload).decode()

    def _continue_key(self, token: str, epoch: int) -> tuple[str, str]:
        expired = ApiError(
            410,
            "The provided continue parameter is too old to display a consistent list result. "
            "You can start a new list without the continue parameter.",
        )
        try:
            payload = orjson.loads(base64.urlsafe_b64decode(token.encode()))
            namespace, name = payload["after"]
            token_epoch, cluster = payload["epoch"], payload["cluster"]
        except (ValueError, KeyError, TypeError):
            raise expired from None
        if token_epoch != epoch or cluster != self.name:
            raise expired
        return (namespace, name)
