"""Row factories for tests: small, explicit, and committed so every face can see them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import pytest
from sqlmodel import Session

from kube_console.models import (
    Cluster,
    HelmRelease,
    Namespace,
    NamespaceUsageSample,
    Node,
    NodeUsageSample,
    Organization,
    PersistentVolumeClaim,
    Pod,
    UsageSnapshot,
    User,
    Workload,
)
from kube_console.security.authz import AuthContext
from kube_console.security.secrets import hash_password

PASSWORD = "correct horse battery"
_counter = itertools.count(1)

# argon2 on purpose is slow; hash the shared test password once.
_PASSWORD_HASH = hash_password(PASSWORD)


class Factory:
    def __init__(self, session: Session):
        self.session = session

    def org(self, name: str | None = None) -> Organization:
        org = Organization(name=name or f"org-{next(_counter)}")
        self.session.add(org)
        self.session.commit()
        return org

    def user(
        self, org: Organization, *, role: str = "member", email: str | None = None, **fields: Any
    ) -> User:
        user = User(
            org_id=org.id,
            email=email or f"user{next(_counter)}@example.com",
            password_hash=_PASSWORD_HASH,
            role=role,
            **fields,
        )
        self.session.add(user)
        self.session.commit()
        return user

    def cluster(self, org: Organization, *, name: str | None = None, **fields: Any) -> Cluster:
        cluster = Cluster(org_id=org.id, name=name or f"cluster-{next(_counter)}", **fields)
        self.session.add(cluster)
        self.session.commit()
        return cluster

    def _saved(self, row: Any) -> Any:
        self.session.add(row)
        self.session.commit()
        return row

    def namespace(self, cluster: Cluster, *, name: str | None = None, **fields: Any) -> Namespace:
        return self._saved(
            Namespace(
                cluster_id=cluster.id,
                uid=f"uid-ns-{next(_counter)}",
                name=name or f"ns-{next(_counter)}",
                **fields,
            )
        )

    def node(self, cluster: Cluster, *, name: str | None = None, **fields: Any) -> Node:
        return self._saved(
            Node(
                cluster_id=cluster.id,
                uid=f"uid-node-{next(_counter)}",
                name=name or f"node-{next(_counter)}",
                **fields,
            )
        )

    @staticmethod
    def _in(namespace: Namespace) -> dict[str, Any]:
        return {
            "cluster_id": namespace.cluster_id,
            "namespace_id": namespace.id,
            "namespace": namespace.name,
        }

    def workload(
        self,
        namespace: Namespace,
        *,
        name: str | None = None,
        kind: str = "Deployment",
        **fields: Any,
    ) -> Workload:
        return self._saved(
            Workload(
                uid=f"uid-workload-{next(_counter)}",
                name=name or f"app-{next(_counter)}",
                kind=kind,
                **self._in(namespace),
                **fields,
            )
        )

    def pod(self, namespace: Namespace, *, name: str | None = None, **fields: Any) -> Pod:
        """A pod of `namespace`, Running unless told otherwise; a workload given as `workload`
        becomes its owner."""
        workload: Workload | None = fields.pop("workload", None)
        if workload is not None:
            owner = {"owner_kind": workload.kind, "owner_name": workload.name}
            fields = {"workload_id": workload.id, **owner, **fields}
        fields.setdefault("phase", "Running")
        return self._saved(
            Pod(
                uid=f"uid-pod-{next(_counter)}",
                name=name or f"pod-{next(_counter)}",
                **self._in(namespace),
                **fields,
            )
        )

    def pvc(
        self, namespace: Namespace, *, name: str | None = None, **fields: Any
    ) -> PersistentVolumeClaim:
        return self._saved(
            PersistentVolumeClaim(
                uid=f"uid-pvc-{next(_counter)}",
                name=name or f"data-{next(_counter)}",
                **self._in(namespace),
                **fields,
            )
        )

    def helm_release(
        self, namespace: Namespace, *, name: str | None = None, **fields: Any
    ) -> HelmRelease:
        name = name or f"release-{next(_counter)}"
        return self._saved(
            HelmRelease(uid=f"{namespace.name}/{name}", name=name, **self._in(namespace), **fields)
        )

    def usage_snapshot(
        self,
        cluster: Cluster,
        sampled_at: dt.datetime,
        *,
        namespaces: Mapping[int, Mapping[str, Any]] | None = None,
        nodes: Mapping[int, Mapping[str, Any]] | None = None,
        metrics_available: bool = True,
    ) -> UsageSnapshot:
        """One sync's samples: figures per namespace id and per node id, as NamespaceUsageSample
        and NodeUsageSample columns (whatever is left out is zero)."""
        snapshot = self._saved(
            UsageSnapshot(
                cluster_id=cluster.id, sampled_at=sampled_at, metrics_available=metrics_available
            )
        )
        at = {"snapshot_id": snapshot.id, "cluster_id": cluster.id, "sampled_at": sampled_at}
        for namespace_id, figures in (namespaces or {}).items():
            self.session.add(
                NamespaceUsageSample(
                    namespace_id=namespace_id,
                    namespace=f"ns-{namespace_id}",
                    team="unallocated",
                    cost_center="unallocated",
                    **at,
                    **figures,
                )
            )
        for node_id, figures in (nodes or {}).items():
            self.session.add(
                NodeUsageSample(node_id=node_id, node=f"node-{node_id}", **at, **figures)
            )
        self.session.commit()
        return snapshot

    @staticmethod
    def context(user: User) -> AuthContext:
        return AuthContext(user_id=user.id, org_id=user.org_id, role=user.role, email=user.email)


@pytest.fixture
def make(session: Session) -> Factory:
    return Factory(session)
