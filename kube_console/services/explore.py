"""Lists and details of what the org's clusters run: clusters, namespaces, nodes, workloads, pods,
PVCs and Helm releases, each list filtered, sorted, counted and cut into pages in SQL.

Every function reaches rows through their cluster and the caller's org (services/org_scope.py):
another org's id raises NotFound. Lists hold live rows only; a detail also opens a soft-deleted
row, flagged by `deleted_at`, so links from cost history still land somewhere.

A list first pages the ids of its filtered rows (services/paging.py), joining what its sort
needs and nothing else, then loads figures for those ids alone: a page of namespaces sums
the pods of fifty namespaces, not of the whole fleet, unless it is sorted by such a sum.
Text filters match names case-insensitively anywhere in the name: Kubernetes names are lower
case, so the lowered query is compared as is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar
from typing import cast as cast_type

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel import Session, col

from kube_console.costs.inventory_costs import (
    DEFAULT_CURRENCY,
    cluster_month_costs,
    cluster_month_to_date,
    counts_towards_usage,
    currency_of,
    month_of,
    namespace_month_costs,
    workload_cost_share,
)
from kube_console.db import utcnow
from kube_console.errors import ValidationFailed
from kube_console.models import (
    Cluster,
    CostMonthly,
    HelmRelease,
    Namespace,
    Node,
    PersistentVolumeClaim,
    Pod,
    Workload,
)
from kube_console.services.explore_records import (
    ClusterHealth,
    ClusterOverview,
    ClusterRow,
    ContainerSpec,
    ContainerStatusRow,
    HealthComponent,
    HelmReleaseDetail,
    HelmReleaseRow,
    HelmRevisionRow,
    NamespaceDetail,
    NamespaceRow,
    NodeRow,
    PodDetail,
    PodRow,
    PvcRow,
    WorkloadDetail,
    WorkloadRow,
)
from kube_console.services.org_scope import cluster_scope, owned_cluster, owned_row
from kube_console.services.paging import Page, PageRequest, SortOption, page_of_ids

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class ListSorts:
    """The columns a list sorts by (the `request.sort` keys it accepts), and those that read
    best largest first: figures and costs. The pages build their sort links from these."""

    keys: tuple[str, ...]
    descending_first: frozenset[str] = frozenset()

    def options(self, options: dict[str, SortOption]) -> dict[str, SortOption]:
        """`options`, one per key: a list's SQL sorts and the keys it exports must not drift."""
        if set(options) != set(self.keys):
            raise AssertionError(f"sorts {sorted(options)} are not the keys {sorted(self.keys)}")
        return options


CLUSTER_SORTS = ListSorts(
    ("name", "environment", "provider", "status", "nodes", "pods", "last_success", "cost"),
    frozenset({"nodes", "pods", "cost"}),
)
NAMESPACE_SORTS = ListSorts(
    (
        "name",
        "cluster",
        "team",
        "cost_center",
        "pods",
        "pods_running",
        "cpu_request",
        "cpu_usage",
        "memory_request",
        "memory_usage",
        "cost",
        "age",
    ),
    frozenset(
        {
            "pods",
            "pods_running",
            "cpu_request",
            "cpu_usage",
            "memory_request",
            "memory_usage",
            "cost",
        }
    ),
)
NODE_SORTS = ListSorts(
    (
        "name",
        "cluster",
        "status",
        "instance_type",
        "zone",
        "spot",
        "cpu_allocatable",
        "memory_allocatable",
        "cpu_requested",
        "memory_requested",
        "cpu_used",
        "memory_used",
        "pods",
        "age",
    ),
    frozenset(
        {
            "cpu_allocatable",
            "memory_allocatable",
            "cpu_requested",
            "memory_requested",
            "cpu_used",
            "memory_used",
            "pods",
        }
    ),
)
WORKLOAD_SORTS = ListSorts(
    (
        "name",
        "namespace",
        "cluster",
        "kind",
        "desired",
        "ready",
        "cpu_request",
        "memory_request",
        "age",
    ),
    frozenset({"desired", "ready", "cpu_request", "memory_request"}),
)
POD_SORTS = ListSorts(
    (
        "name",
        "namespace",
        "cluster",
        "phase",
        "restarts",
        "node",
        "cpu_request",
        "cpu_usage",
        "memory_request",
        "memory_usage",
        "age",
    ),
    frozenset({"restarts", "cpu_request", "cpu_usage", "memory_request", "memory_usage"}),
)
PVC_SORTS = ListSorts(
    ("name", "namespace", "cluster", "phase", "storage_class", "capacity", "age"),
    frozenset({"capacity"}),
)
HELM_SORTS = ListSorts(
    ("name", "namespace", "cluster", "chart", "status", "revision", "updated"),
    frozenset({"revision", "updated"}),
)


def _column(attribute: T) -> ColumnElement[T]:
    """A model's column where SQLAlchemy wants an expression (a sort): sqlmodel types class
    attributes as their values, col() as Mapped; at runtime it is the column attribute."""
    return cast_type(ColumnElement[T], col(attribute))


def _id_column(attribute: int | None) -> ColumnElement[int]:
    """A model's primary key as the id column of a list (never NULL in a table)."""
    return cast_type(ColumnElement[int], col(attribute))


def _row_id(
    row: Cluster | Namespace | Node | Workload | Pod | PersistentVolumeClaim | HelmRelease,
) -> int:
    """The id of a row read from the database (only unsaved rows have none)."""
    assert row.id is not None
    return row.id


def _by_cluster_name(cluster_id: int) -> SortOption:
    """The sort by the name of the row's cluster (`cluster_id`: the row's column)."""
    return SortOption(_column(Cluster.name), (Cluster, col(Cluster.id) == col(cluster_id)))


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""


def _age(model: Any) -> ColumnElement[Any]:
    """When the object was created in its cluster; when it was first synced if that is unknown."""
    return func.coalesce(model.created_at, model.first_seen)


def _name_contains(column: Any, text: str | None) -> list[ColumnElement[bool]]:
    text = (text or "").strip().lower()
    return [column.contains(text, autoescape=True)] if text else []


def _equals(column: Any, value: Any) -> list[ColumnElement[bool]]:
    return [column == value] if value not in (None, "") else []


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def _whole(value: Any) -> int | None:
    return int(value) if value is not None else None


def _ratio(part: float | None, whole: float) -> float | None:
    return part / whole if part is not None and whole else None


def _in_owned_namespace(
    session: Session, org_id: int, namespace_id: int | None, column: Any
) -> list[Any]:
    """Keeps the rows of this namespace, after checking it is the org's; keeps all without one."""
    if namespace_id is None:
        return []
    owned_row(session, Namespace, org_id=org_id, row_id=namespace_id, what="namespace")
    return [column == namespace_id]


# ---------------------------------------------------------------- clusters


def list_cluster_rows(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    status: str | None = None,
    environment: str | None = None,
    provider: str | None = None,
    search: str | None = None,
    now: dt.datetime | None = None,
) -> Page[ClusterRow]:
    """The org's clusters with their counts and month-to-date cost (idle included)."""
    month = month_of(now or utcnow())
    ids = select(col(Cluster.id)).where(
        col(Cluster.org_id) == org_id,
        *_equals(col(Cluster.status), status),
        *_equals(col(Cluster.environment), environment),
        *_equals(col(Cluster.provider), provider),
        *_name_contains(col(Cluster.name), search),
    )
    costs = cluster_month_costs(org_id=org_id, month=month)
    sorts = CLUSTER_SORTS.options(
        {
            "name": SortOption(_column(Cluster.name)),
            "environment": SortOption(_column(Cluster.environment)),
            "provider": SortOption(_column(Cluster.provider)),
            "status": SortOption(_column(Cluster.status)),
            "nodes": SortOption(_column(Cluster.node_count)),
            "pods": SortOption(_column(Cluster.pod_count)),
            "last_success": SortOption(
                func.coalesce(col(Cluster.last_success_at), col(Cluster.created_at))
            ),
            "cost": SortOption(
                func.coalesce(costs.c.cost, 0.0), (costs, costs.c.cluster_id == col(Cluster.id))
            ),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(Cluster.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="clusters",
    )
    rows = session.execute(
        select(Cluster, costs.c.cost, costs.c.currency)
        .outerjoin(costs, costs.c.cluster_id == col(Cluster.id))
        .where(col(Cluster.id).in_(page.ids))
    ).all()
    return page.with_rows(
        {
            cluster.id: ClusterRow(
                id=cluster.id,
                name=cluster.name,
                environment=cluster.environment,
                provider=cluster.provider,
                provider_name=cluster.provider_name or cluster.provider,
                version=cluster.version,
                status=cluster.status,
                node_count=cluster.node_count,
                ready_node_count=cluster.ready_node_count,
                namespace_count=cluster.namespace_count,
                pod_count=cluster.pod_count,
                running_pod_count=cluster.running_pod_count,
                last_success_at=_iso(cluster.last_success_at),
                month_to_date_cost=float(cost or 0.0),
                currency=currency or DEFAULT_CURRENCY,
            )
            for cluster, cost, currency in rows
        }
    )


def _health(cluster: Cluster) -> ClusterHealth:
    health = cluster.health or {}
    return ClusterHealth(
        cluster_id=_row_id(cluster),
        status=cluster.status,
        ok=bool(health.get("ok", False)),
        endpoint=str(health.get("endpoint", "")),
        components=[
            HealthComponent(name=str(check.get("name", "")), ok=bool(check.get("ok", False)))
            for check in health.get("checks", [])
        ],
        problems={str(kind): str(text) for kind, text in (health.get("problems") or {}).items()},
        notes=[str(note) for note in (health.get("report") or {}).get("notes", [])],
        api_latency_ms=cluster.api_latency_ms,
        metrics_available=cluster.metrics_available,
        last_sync_at=_iso(cluster.last_sync_at),
        last_success_at=_iso(cluster.last_success_at),
        last_error=cluster.last_error or "",
    )


def cluster_health(*, session: Session, org_id: int, cluster_id: int) -> ClusterHealth:
    """The API server's health components and latency, and what failed, as of the last sync."""
    return _health(owned_cluster(session, org_id=org_id, cluster_id=cluster_id))


def cluster_overview(
    *, session: Session, org_id: int, cluster_id: int, now: dt.datetime | None = None
) -> ClusterOverview:
    """The Overview tab: health, CPU and memory capacity / allocatable / requested / used, and
    month-to-date cost with idle apart. Requests are those of running pods and of pending pods
    already bound to a node; usage is what the nodes report."""
    cluster = owned_cluster(session, org_id=org_id, cluster_id=cluster_id)
    node_sums = (
        "capacity_cpu_cores",
        "allocatable_cpu_cores",
        "cpu_usage_cores",
        "capacity_memory_bytes",
        "allocatable_memory_bytes",
        "memory_usage_bytes",
    )
    nodes = session.execute(
        select(*(func.sum(getattr(Node, name)).label(name) for name in node_sums)).where(
            col(Node.cluster_id) == cluster_id, col(Node.deleted_at).is_(None)
        )
    ).one()
    requested = session.execute(
        select(
            func.sum(col(Pod.cpu_request_cores)).label("cpu"),
            func.sum(col(Pod.memory_request_bytes)).label("memory"),
        ).where(
            col(Pod.cluster_id) == cluster_id, col(Pod.deleted_at).is_(None), counts_towards_usage()
        )
    ).one()
    month = month_of(now or utcnow())
    namespaces_cost, idle_cost, currency = cluster_month_to_date(
        session, cluster_id=cluster_id, month=month
    )
    return ClusterOverview(
        id=_row_id(cluster),
        name=cluster.name,
        environment=cluster.environment,
        provider=cluster.provider,
        provider_name=cluster.provider_name or cluster.provider,
        version=cluster.version,
        health=_health(cluster),
        node_count=cluster.node_count,
        ready_node_count=cluster.ready_node_count,
        namespace_count=cluster.namespace_count,
        pod_count=cluster.pod_count,
        running_pod_count=cluster.running_pod_count,
        cpu_capacity_cores=float(nodes.capacity_cpu_cores or 0.0),
        cpu_allocatable_cores=float(nodes.allocatable_cpu_cores or 0.0),
        cpu_requested_cores=float(requested.cpu or 0.0),
        cpu_used_cores=_number(nodes.cpu_usage_cores),
        memory_capacity_bytes=int(nodes.capacity_memory_bytes or 0),
        memory_allocatable_bytes=int(nodes.allocatable_memory_bytes or 0),
        memory_requested_bytes=int(requested.memory or 0),
        memory_used_bytes=_whole(nodes.memory_usage_bytes),
        currency=currency,
        month=month.isoformat(),
        month_to_date_cost=namespaces_cost,
        month_to_date_idle_cost=idle_cost,
    )


# ---------------------------------------------------------------- namespaces


def _namespace_pod_figures(*conditions: ColumnElement[bool]) -> Subquery:
    """Per namespace: live pods, running pods, and requests and usage of the pods that count."""
    counted = counts_towards_usage()
    return (
        select(
            col(Pod.namespace_id).label("namespace_id"),
            func.count().label("pods_total"),
            func.sum(case((col(Pod.phase) == "Running", 1), else_=0)).label("pods_running"),
            func.sum(case((counted, col(Pod.cpu_request_cores)), else_=0.0)).label(
                "cpu_request_cores"
            ),
            func.sum(case((counted, col(Pod.cpu_usage_cores)))).label("cpu_usage_cores"),
            func.sum(case((counted, col(Pod.memory_request_bytes)), else_=0)).label(
                "memory_request_bytes"
            ),
            func.sum(case((counted, col(Pod.memory_usage_bytes)))).label("memory_usage_bytes"),
        )
        .where(col(Pod.deleted_at).is_(None), *conditions)
        .group_by(col(Pod.namespace_id))
        .subquery("pod_figures")
    )


def _namespace_rows(
    session: Session, *, org_id: int, ids: Sequence[int], month: dt.date
) -> dict[int, NamespaceRow]:
    figures = _namespace_pod_figures(col(Pod.namespace_id).in_(ids))
    costs = namespace_month_costs(
        org_id=org_id, month=month, where=col(CostMonthly.namespace_id).in_(ids)
    )
    rows = session.execute(
        select(Namespace, col(Cluster.name), figures, costs.c.cost, costs.c.currency)
        .join(Cluster, col(Cluster.id) == col(Namespace.cluster_id))
        .outerjoin(figures, figures.c.namespace_id == col(Namespace.id))
        .outerjoin(costs, costs.c.namespace_id == col(Namespace.id))
        .where(col(Namespace.id).in_(ids))
    ).all()
    found = {}
    for row in rows:
        namespace, cluster_name = row[0], row[1]
        found[namespace.id] = NamespaceRow(
            id=namespace.id,
            name=namespace.name,
            cluster_id=namespace.cluster_id,
            cluster_name=cluster_name,
            team=namespace.team,
            cost_center=namespace.cost_center,
            phase=namespace.phase,
            pods_running=int(row.pods_running or 0),
            pods_total=int(row.pods_total or 0),
            cpu_request_cores=float(row.cpu_request_cores or 0.0),
            cpu_usage_cores=_number(row.cpu_usage_cores),
            memory_request_bytes=int(row.memory_request_bytes or 0),
            memory_usage_bytes=_whole(row.memory_usage_bytes),
            month_to_date_cost=float(row.cost or 0.0),
            currency=row.currency or DEFAULT_CURRENCY,
            created_at=_iso(namespace.created_at),
        )
    return found


def list_namespaces(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    team: str | None = None,
    cost_center: str | None = None,
    search: str | None = None,
    now: dt.datetime | None = None,
) -> Page[NamespaceRow]:
    """Namespaces of one cluster (or all the org's) with team, cost-center, pods running / total,
    CPU and memory requests and usage, and month-to-date cost."""
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    month = month_of(now or utcnow())
    ids = select(col(Namespace.id)).where(
        scope.of(col(Namespace.cluster_id)),
        col(Namespace.deleted_at).is_(None),
        *_equals(col(Namespace.team), team),
        *_equals(col(Namespace.cost_center), cost_center),
        *_name_contains(col(Namespace.name), search),
    )
    figures = _namespace_pod_figures(scope.of(col(Pod.cluster_id)))
    by_figures = (figures, figures.c.namespace_id == col(Namespace.id))
    costs = namespace_month_costs(
        org_id=org_id, month=month, where=scope.of(col(CostMonthly.cluster_id))
    )

    def figure(name: str, zero: Any) -> SortOption:
        return SortOption(func.coalesce(figures.c[name], zero), by_figures)

    sorts = NAMESPACE_SORTS.options(
        {
            "name": SortOption(_column(Namespace.name)),
            "cluster": _by_cluster_name(Namespace.cluster_id),
            "team": SortOption(_column(Namespace.team)),
            "cost_center": SortOption(_column(Namespace.cost_center)),
            "age": SortOption(_age(Namespace)),
            "pods": figure("pods_total", 0),
            "pods_running": figure("pods_running", 0),
            "cpu_request": figure("cpu_request_cores", 0.0),
            "cpu_usage": figure("cpu_usage_cores", 0.0),
            "memory_request": figure("memory_request_bytes", 0),
            "memory_usage": figure("memory_usage_bytes", 0),
            "cost": SortOption(
                func.coalesce(costs.c.cost, 0.0), (costs, costs.c.namespace_id == col(Namespace.id))
            ),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(Namespace.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="namespaces",
    )
    return page.with_rows(_namespace_rows(session, org_id=org_id, ids=page.ids, month=month))


def namespace_detail(
    *, session: Session, org_id: int, namespace_id: int, now: dt.datetime | None = None
) -> NamespaceDetail:
    """A namespace's labels, team and cost-center, figures, counts and month-to-date cost."""
    namespace, _ = owned_row(
        session, Namespace, org_id=org_id, row_id=namespace_id, what="namespace"
    )
    month = month_of(now or utcnow())
    row = _namespace_rows(session, org_id=org_id, ids=[namespace_id], month=month)[namespace_id]

    def live_count(model: Any) -> int:
        return int(
            session.execute(
                select(func.count()).where(
                    model.namespace_id == namespace_id, model.deleted_at.is_(None)
                )
            ).scalar_one()
        )

    storage = session.execute(
        select(
            func.sum(
                func.coalesce(
                    col(PersistentVolumeClaim.capacity_bytes),
                    col(PersistentVolumeClaim.requested_bytes),
                    0,
                )
            )
        ).where(
            col(PersistentVolumeClaim.namespace_id) == namespace_id,
            col(PersistentVolumeClaim.deleted_at).is_(None),
            col(PersistentVolumeClaim.phase) == "Bound",
        )
    ).scalar()
    return NamespaceDetail(
        namespace=row,
        labels=dict(namespace.labels or {}),
        workload_count=live_count(Workload),
        pvc_count=live_count(PersistentVolumeClaim),
        storage_bytes=int(storage or 0),
        currency=currency_of(
            session, col(CostMonthly.namespace_id) == namespace_id, col(CostMonthly.month) == month
        ),
        deleted_at=_iso(namespace.deleted_at),
    )


# ---------------------------------------------------------------- nodes


def _node_pod_figures(*conditions: ColumnElement[bool]) -> Subquery:
    """Per (cluster, node): the pods on it that count, and their requests."""
    return (
        select(
            col(Pod.cluster_id).label("cluster_id"),
            col(Pod.node_name).label("node_name"),
            func.count().label("pods"),
            func.sum(col(Pod.cpu_request_cores)).label("cpu_requested_cores"),
            func.sum(col(Pod.memory_request_bytes)).label("memory_requested_bytes"),
        )
        .where(
            col(Pod.deleted_at).is_(None),
            col(Pod.node_name).is_not(None),
            counts_towards_usage(),
            *conditions,
        )
        .group_by(col(Pod.cluster_id), col(Pod.node_name))
        .subquery("node_figures")
    )


def _of_allocatable(amount: Any, allocatable: Any) -> ColumnElement[float]:
    return func.coalesce(cast(amount, Float) / func.nullif(cast(allocatable, Float), 0.0), 0.0)


def _node_status(node: Node) -> str:
    status = "Ready" if node.ready else "NotReady"
    return f"{status}, SchedulingDisabled" if node.unschedulable else status


def list_nodes(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    search: str | None = None,
) -> Page[NodeRow]:
    """Nodes with status, roles, instance type, zone, spot, allocatable, requested and used
    (also as fractions of allocatable), pods and age."""
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    ids = select(col(Node.id)).where(
        scope.of(col(Node.cluster_id)),
        col(Node.deleted_at).is_(None),
        *_name_contains(col(Node.name), search),
    )
    figures = _node_pod_figures(scope.of(col(Pod.cluster_id)))
    by_figures = (
        figures,
        (figures.c.cluster_id == col(Node.cluster_id)) & (figures.c.node_name == col(Node.name)),
    )
    sorts = NODE_SORTS.options(
        {
            "name": SortOption(_column(Node.name)),
            "cluster": _by_cluster_name(Node.cluster_id),
            # NotReady, then cordoned, then schedulable: the order the status column reads in.
            "status": SortOption(
                case(
                    (col(Node.ready).is_(False), 0),
                    (col(Node.unschedulable).is_(True), 1),
                    else_=2,
                )
            ),
            "instance_type": SortOption(func.coalesce(col(Node.instance_type), "")),
            "zone": SortOption(func.coalesce(col(Node.zone), "")),
            "spot": SortOption(case((col(Node.spot).is_(True), 1), else_=0)),
            "cpu_allocatable": SortOption(_column(Node.allocatable_cpu_cores)),
            "memory_allocatable": SortOption(_column(Node.allocatable_memory_bytes)),
            "cpu_requested": SortOption(
                _of_allocatable(figures.c.cpu_requested_cores, col(Node.allocatable_cpu_cores)),
                by_figures,
            ),
            "memory_requested": SortOption(
                _of_allocatable(
                    figures.c.memory_requested_bytes, col(Node.allocatable_memory_bytes)
                ),
                by_figures,
            ),
            "cpu_used": SortOption(
                _of_allocatable(col(Node.cpu_usage_cores), col(Node.allocatable_cpu_cores))
            ),
            "memory_used": SortOption(
                _of_allocatable(col(Node.memory_usage_bytes), col(Node.allocatable_memory_bytes))
            ),
            "pods": SortOption(func.coalesce(figures.c.pods, 0), by_figures),
            "age": SortOption(_age(Node)),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(Node.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="nodes",
    )
    nodes = session.execute(
        select(Node, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == col(Node.cluster_id))
        .where(col(Node.id).in_(page.ids))
    ).all()
    page_figures = _node_pod_figures(
        col(Pod.cluster_id).in_({node.cluster_id for node, _ in nodes}),
        col(Pod.node_name).in_({node.name for node, _ in nodes}),
    )
    on_node = {
        (row.cluster_id, row.node_name): row for row in session.execute(select(page_figures)).all()
    }
    rows = {}
    for node, cluster_name in nodes:
        figures_row = on_node.get((node.cluster_id, node.name))
        cpu_requested = float(figures_row.cpu_requested_cores or 0.0) if figures_row else 0.0
        memory_requested = int(figures_row.memory_requested_bytes or 0) if figures_row else 0
        rows[node.id] = NodeRow(
            id=node.id,
            name=node.name,
            cluster_id=node.cluster_id,
            cluster_name=cluster_name,
            status=_node_status(node),
            ready=node.ready,
            unschedulable=node.unschedulable,
            roles=list(node.roles or []),
            instance_type=node.instance_type or "",
            zone=node.zone or "",
            spot=node.spot,
            allocatable_cpu_cores=node.allocatable_cpu_cores,
            allocatable_memory_bytes=node.allocatable_memory_bytes,
            allocatable_pods=node.allocatable_pods,
            cpu_requested_cores=cpu_requested,
            memory_requested_bytes=memory_requested,
            cpu_used_cores=node.cpu_usage_cores,
            memory_used_bytes=node.memory_usage_bytes,
            cpu_requested_ratio=_ratio(cpu_requested, node.allocatable_cpu_cores),
            memory_requested_ratio=_ratio(memory_requested, node.allocatable_memory_bytes),
            cpu_used_ratio=_ratio(node.cpu_usage_cores, node.allocatable_cpu_cores),
            memory_used_ratio=_ratio(node.memory_usage_bytes, node.allocatable_memory_bytes),
            pods=int(figures_row.pods) if figures_row else 0,
            kubelet_version=node.kubelet_version,
            created_at=_iso(node.created_at),
        )
    return page.with_rows(rows)


# ---------------------------------------------------------------- workloads


def _workload_health(workload: Workload) -> str:
    if workload.replicas_desired == 0:
        return "scaled_down"
    if workload.replicas_ready == 0:
        return "down"
    if workload.replicas_ready < workload.replicas_desired:
        return "degraded"
    if workload.replicas_updated < workload.replicas_desired:
        return "progressing"
    return "healthy"


def _workload_row(workload: Workload, cluster_name: str) -> WorkloadRow:
    return WorkloadRow(
        id=_row_id(workload),
        kind=workload.kind,
        name=workload.name,
        namespace=workload.namespace,
        namespace_id=workload.namespace_id,
        cluster_id=workload.cluster_id,
        cluster_name=cluster_name,
        replicas_desired=workload.replicas_desired,
        replicas_ready=workload.replicas_ready,
        replicas_available=workload.replicas_available,
        replicas_updated=workload.replicas_updated,
        health=_workload_health(workload),
        cpu_request_cores=workload.cpu_request_cores,
        memory_request_bytes=workload.memory_request_bytes,
        created_at=_iso(workload.created_at),
    )


def list_workloads(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    namespace_id: int | None = None,
    kind: str | None = None,
    search: str | None = None,
) -> Page[WorkloadRow]:
    """Deployments, StatefulSets and DaemonSets with their replica health."""
    if kind and kind not in WORKLOAD_KINDS:
        raise ValidationFailed.one("kind", f"choose one of: {', '.join(WORKLOAD_KINDS)}")
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    in_namespace = _in_owned_namespace(session, org_id, namespace_id, col(Workload.namespace_id))
    ids = select(col(Workload.id)).where(
        scope.of(col(Workload.cluster_id)),
        col(Workload.deleted_at).is_(None),
        *in_namespace,
        *_equals(col(Workload.kind), kind),
        *_name_contains(col(Workload.name), search),
    )
    sorts = WORKLOAD_SORTS.options(
        {
            "name": SortOption(_column(Workload.name)),
            "namespace": SortOption(_column(Workload.namespace)),
            "cluster": _by_cluster_name(Workload.cluster_id),
            "kind": SortOption(_column(Workload.kind)),
            "desired": SortOption(_column(Workload.replicas_desired)),
            "ready": SortOption(_column(Workload.replicas_ready)),
            "cpu_request": SortOption(_column(Workload.cpu_request_cores)),
            "memory_request": SortOption(_column(Workload.memory_request_bytes)),
            "age": SortOption(_age(Workload)),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(Workload.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="workloads",
    )
    rows = session.execute(
        select(Workload, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == col(Workload.cluster_id))
        .where(col(Workload.id).in_(page.ids))
    ).all()
    return page.with_rows(
        {workload.id: _workload_row(workload, cluster_name) for workload, cluster_name in rows}
    )


def workload_detail(
    *, session: Session, org_id: int, workload_id: int, now: dt.datetime | None = None
) -> WorkloadDetail:
    """Replicas, each container's requests and limits (pod template), pod counts and the
    workload's share of its namespace's month-to-date cost (inventory_costs.workload_cost_share)."""
    workload, cluster_name = owned_row(
        session, Workload, org_id=org_id, row_id=workload_id, what="workload"
    )
    total, running = session.execute(
        select(func.count(), func.sum(case((col(Pod.phase) == "Running", 1), else_=0))).where(
            col(Pod.workload_id) == workload_id, col(Pod.deleted_at).is_(None)
        )
    ).one()
    return WorkloadDetail(
        workload=_workload_row(workload, cluster_name),
        labels=dict(workload.labels or {}),
        selector=dict(workload.selector or {}),
        containers=[
            ContainerSpec(
                name=str(container.get("name", "")),
                image=str(container.get("image", "")),
                cpu_request_cores=container.get("cpu_request_cores"),
                memory_request_bytes=container.get("memory_request_bytes"),
                cpu_limit_cores=container.get("cpu_limit_cores"),
                memory_limit_bytes=container.get("memory_limit_bytes"),
            )
            for container in workload.containers or []
        ],
        pods_total=int(total or 0),
        pods_running=int(running or 0),
        cost_share=workload_cost_share(
            session,
            workload_id=workload_id,
            namespace_id=workload.namespace_id,
            month=month_of(now or utcnow()),
        ),
        deleted_at=_iso(workload.deleted_at),
    )


# ---------------------------------------------------------------- pods


def _pod_row(pod: Pod, cluster_name: str) -> PodRow:
    containers = pod.containers or []
    return PodRow(
        id=_row_id(pod),
        name=pod.name,
        namespace=pod.namespace,
        namespace_id=pod.namespace_id,
        cluster_id=pod.cluster_id,
        cluster_name=cluster_name,
        phase=pod.phase,
        node_name=pod.node_name or "",
        owner_kind=pod.owner_kind or "",
        owner_name=pod.owner_name or "",
        workload_id=pod.workload_id,
        containers_ready=sum(1 for container in containers if container.get("ready")),
        containers_total=len(containers),
        restarts=pod.restarts,
        cpu_request_cores=pod.cpu_request_cores,
        memory_request_bytes=pod.memory_request_bytes,
        cpu_usage_cores=pod.cpu_usage_cores,
        memory_usage_bytes=pod.memory_usage_bytes,
        created_at=_iso(pod.created_at),
        status_reason=pod.status_reason,
        status_message=pod.status_message,
    )


# The `reason` filter value that keeps every pod with a reason, whichever it is.
ANY_REASON = "any"


def _reason_filter(reason: str | None) -> list[ColumnElement[bool]]:
    if reason == ANY_REASON:
        return [col(Pod.status_reason) != ""]
    return _equals(col(Pod.status_reason), reason)


def list_pods(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    namespace_id: int | None = None,
    phase: str | None = None,
    node: str | None = None,
    workload_id: int | None = None,
    owner_kind: str | None = None,
    owner_name: str | None = None,
    reason: str | None = None,
    search: str | None = None,
) -> Page[PodRow]:
    """Pods, filtered by cluster, namespace, phase, node, owner (a synced workload by id, or any
    owner by kind and name), reason (one, or ANY_REASON) and text in their name."""
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    if workload_id is not None:
        owned_row(session, Workload, org_id=org_id, row_id=workload_id, what="workload")
    in_namespace = _in_owned_namespace(session, org_id, namespace_id, col(Pod.namespace_id))
    ids = select(col(Pod.id)).where(
        scope.of(col(Pod.cluster_id)),
        col(Pod.deleted_at).is_(None),
        *in_namespace,
        *_equals(col(Pod.phase), phase),
        *_equals(col(Pod.node_name), node),
        *_equals(col(Pod.workload_id), workload_id),
        *_equals(col(Pod.owner_kind), owner_kind),
        *_equals(col(Pod.owner_name), owner_name),
        *_reason_filter(reason),
        *_name_contains(col(Pod.name), search),
    )
    sorts = POD_SORTS.options(
        {
            "name": SortOption(_column(Pod.name)),
            "namespace": SortOption(_column(Pod.namespace)),
            "cluster": _by_cluster_name(Pod.cluster_id),
            "phase": SortOption(_column(Pod.phase)),
            "node": SortOption(func.coalesce(col(Pod.node_name), "")),
            "restarts": SortOption(_column(Pod.restarts)),
            "cpu_request": SortOption(_column(Pod.cpu_request_cores)),
            "memory_request": SortOption(_column(Pod.memory_request_bytes)),
            "cpu_usage": SortOption(func.coalesce(col(Pod.cpu_usage_cores), 0.0)),
            "memory_usage": SortOption(func.coalesce(col(Pod.memory_usage_bytes), 0)),
            "age": SortOption(_age(Pod)),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(Pod.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="pods",
    )
    rows = session.execute(
        select(Pod, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == col(Pod.cluster_id))
        .where(col(Pod.id).in_(page.ids))
    ).all()
    return page.with_rows({pod.id: _pod_row(pod, cluster_name) for pod, cluster_name in rows})


def _container_status(container: dict[str, Any], usage: dict[str, list[Any]]) -> ContainerStatusRow:
    cpu_used, memory_used = usage.get(container.get("name", ""), (None, None))
    return ContainerStatusRow(
        name=str(container.get("name", "")),
        image=str(container.get("image", "")),
        state=str(container.get("state", "")),
        last_state=str(container.get("last_state") or ""),
        ready=bool(container.get("ready", False)),
        restarts=int(container.get("restarts") or 0),
        cpu_request_cores=container.get("cpu_request_cores"),
        memory_request_bytes=container.get("memory_request_bytes"),
        cpu_limit_cores=container.get("cpu_limit_cores"),
        memory_limit_bytes=container.get("memory_limit_bytes"),
        cpu_usage_cores=cpu_used,
        memory_usage_bytes=memory_used,
    )


def pod_detail(*, session: Session, org_id: int, pod_id: int) -> PodDetail:
    """Containers with requests, limits, usage, restarts and state; node, owner links and age."""
    pod, cluster_name = owned_row(session, Pod, org_id=org_id, row_id=pod_id, what="pod")
    workload = session.get(Workload, pod.workload_id) if pod.workload_id is not None else None
    usage = pod.container_usage or {}
    return PodDetail(
        pod=_pod_row(pod, cluster_name),
        workload_kind=workload.kind if workload else "",
        workload_name=workload.name if workload else "",
        qos_class=pod.qos_class or "",
        start_time=_iso(pod.start_time),
        cpu_limit_cores=pod.cpu_limit_cores,
        memory_limit_bytes=pod.memory_limit_bytes,
        labels=dict(pod.labels or {}),
        pvc_claims=list(pod.pvc_claims or []),
        containers=[_container_status(container, usage) for container in pod.containers or []],
        deleted_at=_iso(pod.deleted_at),
    )


# ---------------------------------------------------------------- PVCs and Helm releases


def list_pvcs(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    namespace_id: int | None = None,
    phase: str | None = None,
    search: str | None = None,
) -> Page[PvcRow]:
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    pvc = PersistentVolumeClaim
    in_namespace = _in_owned_namespace(session, org_id, namespace_id, col(pvc.namespace_id))
    ids = select(col(pvc.id)).where(
        scope.of(col(pvc.cluster_id)),
        col(pvc.deleted_at).is_(None),
        *in_namespace,
        *_equals(col(pvc.phase), phase),
        *_name_contains(col(pvc.name), search),
    )
    sorts = PVC_SORTS.options(
        {
            "name": SortOption(_column(pvc.name)),
            "namespace": SortOption(_column(pvc.namespace)),
            "cluster": _by_cluster_name(pvc.cluster_id),
            "phase": SortOption(_column(pvc.phase)),
            "storage_class": SortOption(func.coalesce(col(pvc.storage_class), "")),
            "capacity": SortOption(
                func.coalesce(col(pvc.capacity_bytes), col(pvc.requested_bytes), 0)
            ),
            "age": SortOption(_age(pvc)),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(pvc.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="pvcs",
    )
    rows = session.execute(
        select(pvc, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == col(pvc.cluster_id))
        .where(col(pvc.id).in_(page.ids))
    ).all()
    return page.with_rows(
        {
            claim.id: PvcRow(
                id=claim.id,
                name=claim.name,
                namespace=claim.namespace,
                namespace_id=claim.namespace_id,
                cluster_id=claim.cluster_id,
                cluster_name=cluster_name,
                phase=claim.phase,
                storage_class=claim.storage_class or "",
                requested_bytes=claim.requested_bytes,
                capacity_bytes=claim.capacity_bytes,
                access_modes=list(claim.access_modes or []),
                volume_name=claim.volume_name or "",
                mounted_by=list(claim.mounted_by or []),
                created_at=_iso(claim.created_at),
            )
            for claim, cluster_name in rows
        }
    )


def _helm_row(release: HelmRelease, cluster_name: str) -> HelmReleaseRow:
    return HelmReleaseRow(
        id=_row_id(release),
        name=release.name,
        namespace=release.namespace,
        namespace_id=release.namespace_id,
        cluster_id=release.cluster_id,
        cluster_name=cluster_name,
        chart=release.chart,
        chart_version=release.chart_version,
        app_version=release.app_version,
        status=release.status,
        revision=release.revision,
        updated_at=_iso(release.updated_at),
        description=release.description,
    )


def list_helm_releases(
    *,
    session: Session,
    org_id: int,
    request: PageRequest,
    cluster_id: int | None = None,
    namespace: str | None = None,
    status: str | None = None,
    chart: str | None = None,
    search: str | None = None,
) -> Page[HelmReleaseRow]:
    """Helm releases across the org's clusters (or one), with chart and app versions."""
    scope = cluster_scope(session, org_id=org_id, cluster_id=cluster_id)
    ids = select(col(HelmRelease.id)).where(
        scope.of(col(HelmRelease.cluster_id)),
        col(HelmRelease.deleted_at).is_(None),
        *_equals(col(HelmRelease.namespace), namespace),
        *_equals(col(HelmRelease.status), status),
        *_equals(col(HelmRelease.chart), chart),
        *_name_contains(col(HelmRelease.name), search),
    )
    sorts = HELM_SORTS.options(
        {
            "name": SortOption(_column(HelmRelease.name)),
            "namespace": SortOption(_column(HelmRelease.namespace)),
            "cluster": _by_cluster_name(HelmRelease.cluster_id),
            "chart": SortOption(_column(HelmRelease.chart)),
            "status": SortOption(_column(HelmRelease.status)),
            "revision": SortOption(_column(HelmRelease.revision)),
            "updated": SortOption(
                func.coalesce(col(HelmRelease.updated_at), col(HelmRelease.first_seen))
            ),
        }
    )
    page = page_of_ids(
        session,
        ids,
        id_column=_id_column(HelmRelease.id),
        request=request,
        sorts=sorts,
        default_sort="name",
        list_name="helm",
    )
    rows = session.execute(
        select(HelmRelease, col(Cluster.name))
        .join(Cluster, col(Cluster.id) == col(HelmRelease.cluster_id))
        .where(col(HelmRelease.id).in_(page.ids))
    ).all()
    return page.with_rows(
        {release.id: _helm_row(release, cluster_name) for release, cluster_name in rows}
    )


def _revision_row(revision: dict[str, Any]) -> HelmRevisionRow:
    return HelmRevisionRow(
        revision=int(revision.get("revision") or 0),
        status=str(revision.get("status") or "unknown"),
        chart=str(revision.get("chart") or ""),
        chart_version=str(revision.get("chart_version") or ""),
        app_version=str(revision.get("app_version") or ""),
        updated_at=str(revision.get("updated_at") or ""),
        description=str(revision.get("description") or ""),
    )


def helm_release_detail(*, session: Session, org_id: int, release_id: int) -> HelmReleaseDetail:
    """A release of the caller's org with its revision history, newest first (never values)."""
    release, cluster_name = owned_row(
        session, HelmRelease, org_id=org_id, row_id=release_id, what="Helm release"
    )
    return HelmReleaseDetail(
        release=_helm_row(release, cluster_name),
        history=[_revision_row(revision) for revision in release.history or []],
        deleted_at=_iso(release.deleted_at),
    )
