"""Global search: jump to a cluster, namespace, workload, pod or Helm release of the org by name.

Only the org's live rows are searched, a few hits per kind, best first. Kubernetes names are
lower case (as are the console's cluster names), so lowering the query makes the match
case-insensitive without lowering every name.

Pods, the one kind counted in hundreds of thousands, match by name prefix, which reads a range
of a name index in order and stops after the few hits it needs (ix_pods_name on SQLite,
ix_pods_name_prefix on PostgreSQL). The other kinds match anywhere in
the name (exact matches first, then prefixes, then shorter names): their tables hold thousands
to tens of thousands of rows, and scanning them costs a few milliseconds.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from kube_console.models import Cluster, HelmRelease, Namespace, Pod, Workload

DEFAULT_PER_KIND = 5
MAX_PER_KIND = 20
MAX_QUERY_LENGTH = 253  # the longest Kubernetes name


@dataclasses.dataclass(frozen=True, kw_only=True)
class SearchHit:
    kind: str  # cluster | namespace | workload | pod | helm_release
    id: int
    name: str
    cluster_id: int
    cluster_name: str
    namespace: str  # "" for clusters and namespaces
    detail: str  # a workload's kind, a pod's phase, a release's chart


@dataclasses.dataclass(frozen=True, kw_only=True)
class SearchResults:
    query: str
    hits: list[SearchHit]  # clusters, namespaces, workloads, pods, then Helm releases


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_scan(session: Session, column: Any, prefix: str) -> tuple[ColumnElement[bool], Any]:
    """A name-prefix condition, and the order that lets the database read it off an index range
    and stop at the first few hits."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's LIKE ignores case, so it cannot use the binary ix_pods_name; a range can.
        # Names are ASCII, so the next code point bounds every name with this prefix.
        return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1)), column
    # PostgreSQL range-scans a btree for LIKE "abc%" only in the C collation: ix_pods_name_prefix.
    in_c_order = column.collate("C")
    return in_c_order.like(f"{_like_escaped(prefix)}%", escape="\\"), in_c_order


def _best_first(column: Any, text: str) -> tuple[Any, ...]:
    closeness = case(
        (column == text, 0), (column.like(f"{_like_escaped(text)}%", escape="\\"), 1), else_=2
    )
    return closeness, func.length(column), column


def _hits(session: Session, statement: Any, kind: str) -> list[SearchHit]:
    """Hits from rows of (id, name, cluster id, cluster name, namespace, detail)."""
    return [
        SearchHit(
            kind=kind,
            id=row_id,
            name=name,
            cluster_id=cluster_id,
            cluster_name=cluster_name,
            namespace=namespace or "",
            detail=str(detail or ""),
        )
        for row_id, name, cluster_id, cluster_name, namespace, detail in session.execute(
            statement
        ).all()
    ]


def search(
    *, session: Session, org_id: int, query: str, limit_per_kind: int = DEFAULT_PER_KIND
) -> SearchResults:
    """The org's clusters, namespaces, workloads, pods and Helm releases named like `query`."""
    # No name holds a NUL character, and PostgreSQL refuses to compare text with one.
    text = query.replace("\x00", "").strip().lower()[:MAX_QUERY_LENGTH]
    if not text:
        return SearchResults(query="", hits=[])
    limit = max(1, min(limit_per_kind, MAX_PER_KIND))
    in_org = col(Cluster.org_id) == org_id

    def anywhere_in_name(model: Any, namespace: Any, detail: Any) -> Any:
        return (
            select(model.id, model.name, model.cluster_id, col(Cluster.name), namespace, detail)
            .join(Cluster, col(Cluster.id) == model.cluster_id)
            .where(in_org, model.deleted_at.is_(None), model.name.contains(text, autoescape=True))
            .order_by(*_best_first(model.name, text))
            .limit(limit)
        )

    clusters = (
        select(
            col(Cluster.id),
            col(Cluster.name),
            col(Cluster.id),
            col(Cluster.name),
            literal(""),
            col(Cluster.environment),
        )
        .where(in_org, col(Cluster.name).contains(text, autoescape=True))
        .order_by(*_best_first(col(Cluster.name), text))
        .limit(limit)
    )
    starts_with, name_order = _prefix_scan(session, col(Pod.name), text)
    pods = (
        select(
            col(Pod.id),
            col(Pod.name),
            col(Pod.cluster_id),
            col(Cluster.name),
            col(Pod.namespace),
            col(Pod.phase),
        )
        .join(Cluster, col(Cluster.id) == col(Pod.cluster_id))
        .where(in_org, col(Pod.deleted_at).is_(None), starts_with)
        .order_by(name_order, col(Pod.id))
        .limit(limit)
    )
    return SearchResults(
        query=text,
        hits=[
            *_hits(session, clusters, "cluster"),
            *_hits(
                session, anywhere_in_name(Namespace, literal(""), col(Namespace.team)), "namespace"
            ),
            *_hits(
                session,
                anywhere_in_name(Workload, col(Workload.namespace), col(Workload.kind)),
                "workload",
            ),
            *_hits(session, pods, "pod"),
            *_hits(
                session,
                anywhere_in_name(HelmRelease, col(HelmRelease.namespace), col(HelmRelease.chart)),
                "helm_release",
            ),
        ],
    )
