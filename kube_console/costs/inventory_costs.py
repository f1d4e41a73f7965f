"""Costs of inventory objects: month-to-date per cluster, namespace and workload, and a namespace's
cost by resource over time, summed in SQL from the cost tables the cost job writes.

The cost job rolls every computed hour up into its day and its month, so this month's monthly
rows hold the month so far: month-to-date is one indexed read. Idle belongs to a cluster, never
to a namespace (cost-model.md, "Idle").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel import Session, col

from kube_console.costs.figures import GRAINS, RESOURCE_NAMES
from kube_console.costs.math import (
    DAY,
    HOUR,
    add_months,
    floor_day,
    floor_hour,
    floor_month,
)
from kube_console.costs.queries import buckets, resolve_window
from kube_console.costs.records import CostQuery, NamespaceCostBreakdown, WorkloadCostShare
from kube_console.db import utcnow
from kube_console.errors import ValidationFailed
from kube_console.models import IDLE_NAMESPACE, CostMonthly, Namespace, Pod
from kube_console.services.org_scope import owned_row

DEFAULT_CURRENCY = "USD"
COST_RESOURCES = RESOURCE_NAMES


def month_of(now: dt.datetime) -> dt.date:
    """The first day of `now`'s UTC month: the key of its monthly cost rows."""
    return floor_month(now).date()


def namespace_month_costs(*, org_id: int, month: dt.date, where: ColumnElement[bool]) -> Subquery:
    """(namespace_id, cost, currency): each namespace's cost so far in `month`, for the rows
    `where` keeps."""
    return (
        select(
            col(CostMonthly.namespace_id).label("namespace_id"),
            func.sum(col(CostMonthly.total_cost)).label("cost"),
            func.max(col(CostMonthly.currency)).label("currency"),
        )
        .where(
            col(CostMonthly.org_id) == org_id,
            col(CostMonthly.month) == month,
            col(CostMonthly.namespace) != IDLE_NAMESPACE,
            where,
        )
        .group_by(col(CostMonthly.namespace_id))
        .subquery("namespace_costs")
    )


def cluster_month_costs(*, org_id: int, month: dt.date) -> Subquery:
    """(cluster_id, cost, currency): each of the org's clusters' cost so far in `month`, idle
    included."""
    return (
        select(
            col(CostMonthly.cluster_id).label("cluster_id"),
            func.sum(col(CostMonthly.total_cost)).label("cost"),
            func.max(col(CostMonthly.currency)).label("currency"),
        )
        .where(col(CostMonthly.org_id) == org_id, col(CostMonthly.month) == month)
        .group_by(col(CostMonthly.cluster_id))
        .subquery("cluster_costs")
    )


def currency_of(session: Session, *conditions: ColumnElement[bool]) -> str:
    return (
        session.execute(select(func.max(col(CostMonthly.currency))).where(*conditions)).scalar()
        or DEFAULT_CURRENCY
    )


def cluster_month_to_date(
    session: Session, *, cluster_id: int, month: dt.date
) -> tuple[float, float, str]:
    """(namespaces' cost, idle cost, currency) of one cluster so far in `month`."""
    is_idle = case((col(CostMonthly.namespace) == IDLE_NAMESPACE, 1), else_=0)
    rows = session.execute(
        select(is_idle, func.sum(col(CostMonthly.total_cost)), func.max(col(CostMonthly.currency)))
        .where(col(CostMonthly.cluster_id) == cluster_id, col(CostMonthly.month) == month)
        .group_by(is_idle)
    ).all()
    cost = {idle: float(total or 0.0) for idle, total, _ in rows}
    currency = max((row[2] for row in rows if row[2]), default=DEFAULT_CURRENCY)
    return cost.get(0, 0.0), cost.get(1, 0.0), currency


def counts_towards_usage() -> ColumnElement[bool]:
    """Pods the cost model counts (costs/samples.py): Running, or Pending on a node."""
    return (col(Pod.phase) == "Running") | (
        (col(Pod.phase) == "Pending") & col(Pod.node_name).is_not(None)
    )


def _allocated(
    containers: Iterable[dict[str, Any]], usage: dict[str, list[Any]]
) -> tuple[float, float]:
    """A pod's (cores, bytes) allocation: per container, max(request, usage)."""
    cpu = memory = 0.0
    for container in containers:
        cpu_used, memory_used = usage.get(container.get("name", ""), (None, None))
        cpu += max(container.get("cpu_request_cores") or 0.0, cpu_used or 0.0)
        memory += max(container.get("memory_request_bytes") or 0, memory_used or 0)
    return cpu, memory


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def workload_cost_share(
    session: Session, *, workload_id: int, namespace_id: int | None, month: dt.date
) -> WorkloadCostShare:
    """A workload's share of its namespace's cost so far this month, by its pods' allocation.

    The rule: a pod's allocation is, per container, max(request, usage) — what the cost model
    charges (a container without a usage figure counts its request, one without a request its
    usage). Over the namespace's live pods that count towards usage (Running, or Pending on a
    node), the workload's CPU share is its pods' CPU allocation over all of them, likewise memory;
    its cost is cpu_share × the namespace's CPU cost + memory_share × its memory cost. Storage and
    network stay with the namespace. The split is today's, applied to the month so far: a
    workload scaled up last week carries its present share of the whole month.
    """
    pods: list[Any] = []
    cpu_cost = memory_cost = total_cost = 0.0
    currency = DEFAULT_CURRENCY
    if namespace_id is not None:  # None while its namespace is not synced (that list failed)
        pods = list(
            session.execute(
                select(col(Pod.workload_id), col(Pod.containers), col(Pod.container_usage)).where(
                    col(Pod.namespace_id) == namespace_id,
                    col(Pod.deleted_at).is_(None),
                    counts_towards_usage(),
                )
            )
        )
        cpu, memory, total, found_currency = session.execute(
            select(
                func.sum(col(CostMonthly.cpu_cost)),
                func.sum(col(CostMonthly.memory_cost)),
                func.sum(col(CostMonthly.total_cost)),
                func.max(col(CostMonthly.currency)),
            ).where(col(CostMonthly.namespace_id) == namespace_id, col(CostMonthly.month) == month)
        ).one()
        cpu_cost, memory_cost, total_cost = (
            float(cpu or 0.0),
            float(memory or 0.0),
            float(total or 0.0),
        )
        currency = found_currency or DEFAULT_CURRENCY
    namespace_cpu = namespace_memory = workload_cpu = workload_memory = 0.0
    counted = 0
    for owner_id, containers, usage in pods:
        cpu_alloc, memory_alloc = _allocated(containers or [], usage or {})
        namespace_cpu += cpu_alloc
        namespace_memory += memory_alloc
        if owner_id == workload_id:
            counted += 1
            workload_cpu += cpu_alloc
            workload_memory += memory_alloc
    cpu_share, memory_share = (
        _share(workload_cpu, namespace_cpu),
        _share(workload_memory, namespace_memory),
    )
    cost = (cpu_share or 0.0) * cpu_cost + (memory_share or 0.0) * memory_cost
    return WorkloadCostShare(
        month=month.isoformat(),
        currency=currency,
        namespace_cost=total_cost,
        namespace_cpu_cost=cpu_cost,
        namespace_memory_cost=memory_cost,
        pods_counted=counted,
        cpu_alloc_cores=workload_cpu,
        namespace_cpu_alloc_cores=namespace_cpu,
        memory_alloc_bytes=int(workload_memory),
        namespace_memory_alloc_bytes=int(namespace_memory),
        cpu_share=cpu_share,
        memory_share=memory_share,
        cost=cost,
        share_of_namespace_cost=_share(cost, total_cost),
    )


def _breakdown_window(step: str, now: dt.datetime) -> tuple[list[dt.datetime], dt.datetime]:
    count = GRAINS[step].breakdown_buckets
    if step == "hour":
        end = floor_hour(now) + HOUR
        return [end - HOUR * (count - index) for index in range(count)], end
    if step == "day":
        end = floor_day(now) + DAY
        return [end - DAY * (count - index) for index in range(count)], end
    end = add_months(floor_month(now), 1)
    return [add_months(end, index - count) for index in range(count)], end


def _custom_breakdown_window(
    step: str, start: str, end: str, now: dt.datetime
) -> tuple[list[dt.datetime], dt.datetime]:
    """[start, end) as the cost views read a custom window: aligned outward to whole steps, cut
    at the last closed hour, bounded in bucket count; `end` defaults to now."""
    window = resolve_window(
        CostQuery(window="custom", start=start, end=end or now.isoformat(), step=step), now
    )
    return buckets(step, window.start, window.end), window.end


def namespace_cost_breakdown(
    *,
    session: Session,
    org_id: int,
    namespace_id: int,
    step: str = "day",
    start: str = "",
    end: str = "",
    now: dt.datetime | None = None,
) -> NamespaceCostBreakdown:
    """A namespace's cost per resource and bucket: the last 48 hours, 30 days or 12 months, or
    the buckets covering [start, end) (ISO 8601 dates or times, UTC when no zone is given).

    Buckets run up to the current one; hours not computed yet count zero.
    """
    if step not in GRAINS:
        raise ValidationFailed.one("step", f"choose one of: {', '.join(GRAINS)}")
    owned_row(session, Namespace, org_id=org_id, row_id=namespace_id, what="namespace")
    grain = GRAINS[step]
    model, period = grain.model, grain.period
    now = now or utcnow()
    if start or end:
        starts, window_end = _custom_breakdown_window(step, start, end, now)
    else:
        starts, window_end = _breakdown_window(step, now)
    window_start = (
        starts[0] if starts else window_end
    )  # empty when it lies after the last closed hour

    key = grain.bound
    rows = session.execute(
        select(
            period,
            *(func.sum(getattr(model, f"{resource}_cost")) for resource in COST_RESOURCES),
            func.max(model.currency),
        )
        .where(
            model.namespace_id == namespace_id,
            period >= key(window_start),
            period < key(window_end),
        )
        .group_by(period)
    ).all()
    by_bucket = {
        row[0]: [float(value or 0.0) for value in row[1 : 1 + len(COST_RESOURCES)]] for row in rows
    }
    zero = [0.0] * len(COST_RESOURCES)
    figures = [by_bucket.get(key(bucket), zero) for bucket in starts]
    per_resource = {
        resource: [bucket[index] for bucket in figures]
        for index, resource in enumerate(COST_RESOURCES)
    }
    totals = [sum(bucket) for bucket in figures]
    return NamespaceCostBreakdown(
        namespace_id=namespace_id,
        step=step,
        start=key(window_start).isoformat(),
        end=key(window_end).isoformat(),
        currency=max((row[-1] for row in rows if row[-1]), default=DEFAULT_CURRENCY),
        buckets=[key(bucket).isoformat() for bucket in starts],
        **{f"{resource}_cost": per_resource[resource] for resource in COST_RESOURCES},
        total_cost=totals,
        window_cost=sum(totals),
    )
