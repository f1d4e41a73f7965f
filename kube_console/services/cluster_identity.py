"""Which registered clusters are one and the same Kubernetes cluster: registered twice, its costs
would be counted twice.

A cluster is known by the UID of its kube-system namespace: made with the cluster and never
changed, whichever address, name or credential reaches it. When that namespace can't be read
(the credential may not list namespaces), a digest of the API server's URL and of the CA it is
trusted with stands in. Two registrations are the same cluster when both UIDs are known and
equal, or, when either is unknown, their server fingerprints are equal.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import ColumnElement, or_, select
from sqlmodel import Session, col

from kube_console.kube.credentials import ClusterCredentials
from kube_console.kube.objects import ClusterSnapshot
from kube_console.models import Cluster

KUBE_SYSTEM = "kube-system"
# What `duplicates` reads of each cluster: select these rather than whole rows.
IDENTITY_COLUMNS = (
    col(Cluster.id),
    col(Cluster.name),
    col(Cluster.kube_system_uid),
    col(Cluster.endpoint_fingerprint),
)
# A card names at most this many other registrations of its cluster.
NAMED_DUPLICATES = 3


@dataclasses.dataclass(frozen=True, slots=True)
class Identity:
    kube_system_uid: str | None
    endpoint_fingerprint: str | None

    @classmethod
    def of(cls, cluster: Any) -> Identity:
        """Of a Cluster, or of a row of IDENTITY_COLUMNS."""
        return cls(cluster.kube_system_uid, cluster.endpoint_fingerprint)

    def same_cluster_as(self, other: Identity) -> bool:
        if self.kube_system_uid and other.kube_system_uid:
            return self.kube_system_uid == other.kube_system_uid
        return bool(self.endpoint_fingerprint) and (
            self.endpoint_fingerprint == other.endpoint_fingerprint
        )

    def how(self, other: Identity) -> str:
        """What the two share, for a message."""
        if self.kube_system_uid and self.kube_system_uid == other.kube_system_uid:
            return "the same kube-system namespace UID"
        return "the same API server address and CA"


def kube_system_uid(snapshot: ClusterSnapshot) -> str | None:
    """The UID of the kube-system namespace, when the snapshot's namespace list holds it."""
    for namespace in snapshot.namespaces or ():
        if namespace.name == KUBE_SYSTEM and namespace.uid:
            return namespace.uid
    return None


def endpoint_fingerprint(credentials: ClusterCredentials) -> str:
    """sha256 of the API server's URL (scheme and host lower-cased, no trailing slash) and of
    its CA data (whitespace removed)."""
    parts = urlsplit(credentials.server)
    server = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", "")
    )
    authority = "".join((credentials.certificate_authority_data or "").split())
    return hashlib.sha256(f"{server}\n{authority}".encode()).hexdigest()


def _same_cluster(
    session: Session, *, org_id: int, identity: Identity, except_id: int | None
) -> list[Any]:
    """The rows (IDENTITY_COLUMNS) of the org's other clusters that are this same cluster."""
    matches: list[ColumnElement[bool]] = []
    if identity.kube_system_uid:
        matches.append(col(Cluster.kube_system_uid) == identity.kube_system_uid)
    if identity.endpoint_fingerprint:
        matches.append(col(Cluster.endpoint_fingerprint) == identity.endpoint_fingerprint)
    if not matches:
        return []
    query = (
        select(*IDENTITY_COLUMNS)
        .where(col(Cluster.org_id) == org_id, or_(*matches))
        .order_by(col(Cluster.id))
    )
    if except_id is not None:
        query = query.where(col(Cluster.id) != except_id)
    return [row for row in session.execute(query) if identity.same_cluster_as(Identity.of(row))]


def registered_as(
    session: Session, *, org_id: int, identity: Identity, except_id: int | None = None
) -> tuple[str, str] | None:
    """(name, what they share) of a cluster of the org that is the same cluster, if any."""
    for row in _same_cluster(session, org_id=org_id, identity=identity, except_id=except_id):
        return row.name, identity.how(Identity.of(row))
    return None


def other_registrations(session: Session, cluster: Cluster) -> list[str]:
    """The names of the org's other clusters that are this same cluster (NAMED_DUPLICATES)."""
    rows = _same_cluster(
        session, org_id=cluster.org_id, identity=Identity.of(cluster), except_id=cluster.id
    )
    return sorted(row.name for row in rows)[:NAMED_DUPLICATES]


def duplicates(clusters: Iterable[Any]) -> dict[int, list[str]]:
    """Cluster id -> the names of the other clusters given (Clusters or rows of IDENTITY_COLUMNS)
    that are the same cluster (at most NAMED_DUPLICATES, sorted); the others are left out."""
    clusters = list(clusters)
    by_uid: dict[str, list[Any]] = {}
    by_endpoint: dict[str, list[Any]] = {}
    for cluster in clusters:
        if cluster.kube_system_uid:
            by_uid.setdefault(cluster.kube_system_uid, []).append(cluster)
        if cluster.endpoint_fingerprint:
            by_endpoint.setdefault(cluster.endpoint_fingerprint, []).append(cluster)
    found: dict[int, list[str]] = {}
    for cluster in clusters:
        identity = Identity.of(cluster)
        candidates = [
            *by_uid.get(cluster.kube_system_uid or "", ()),
            *by_endpoint.get(cluster.endpoint_fingerprint or "", ()),
        ]
        names = sorted(
            {
                other.name
                for other in candidates
                if other.id != cluster.id and identity.same_cluster_as(Identity.of(other))
            }
        )
        if names:
            found[cluster.id] = names[:NAMED_DUPLICATES]
    return found
