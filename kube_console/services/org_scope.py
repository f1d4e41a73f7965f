"""The org check every drill-down read starts with: inventory rows reach their org via a cluster.

An id of another organization's object, or of no object at all, raises NotFound, the same
either way, so ids can't be probed.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from kube_console.models import Cluster
from kube_console.security.authz import NotFound

ModelT = TypeVar("ModelT")


def owned_cluster(session: Session, *, org_id: int, cluster_id: int) -> Cluster:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.org_id != org_id:
        raise NotFound("no such cluster")
    return cluster


def owned_row(
    session: Session, model: type[ModelT], *, org_id: int, row_id: int, what: str
) -> tuple[ModelT, str]:
    """The row with this id and its cluster's name, if its cluster is the org's."""
    columns = inspect(model).columns
    found = session.execute(
        select(model, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == columns["cluster_id"])
        .where(columns["id"] == row_id, col(Cluster.org_id) == org_id)
    ).first()
    if found is None:
        raise NotFound(f"no such {what}")
    return found[0], found[1]


@dataclasses.dataclass(frozen=True)
class ClusterScope:
    """One cluster of the org (already checked), or all of the org's clusters."""

    org_id: int
    cluster_id: int | None

    def of(self, cluster_column: Any) -> ColumnElement[bool]:
        """The condition keeping rows whose `cluster_column` lies in this scope."""
        if self.cluster_id is not None:
            condition: ColumnElement[bool] = cluster_column == self.cluster_id
            return condition
        return col(cluster_column).in_(
            select(col(Cluster.id)).where(col(Cluster.org_id) == self.org_id)
        )


def cluster_scope(session: Session, *, org_id: int, cluster_id: int | None) -> ClusterScope:
    if cluster_id is not None:
        owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
    return ClusterScope(org_id=org_id, cluster_id=cluster_id)
