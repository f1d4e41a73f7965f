"""A fleet with usage samples, costed by the real cost job, for the cost pages' tests.

    fleet = build_fleet(session, engine, org, now=NOW, days=3, clusters=SMALL_FLEET)

Every cluster is sampled once an hour (sync interval 3,600 s, so each sample covers its hour)
from `days` days before today (UTC) up to the last closed hour before `now`, with the same
figures every hour, then run_cost_pass prices those hours with the built-in prices:
$0.04 per core-hour and $0.005 per GiB-hour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from sqlalchemy import Engine
from sqlmodel import Session

from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import floor_day, floor_hour
from kube_console.models import Cluster, Organization
from kube_console.settings import Settings
from tests.support.usage import GIB, Figures, UsageWriter, every, session_factory

HOURLY = 3600


@dataclasses.dataclass(frozen=True)
class ClusterSpec:
    node: tuple[float, int]  # cores, memory bytes
    namespaces: Mapping[str, Figures]
    status: str = "healthy"
    missing: tuple[dt.datetime, dt.datetime] | None = None  # no syncs in [start, end)
    weekly_swing: float = 0.0  # requests and usage rise by up to this share on weekdays
    metrics: bool = True  # False: no metrics.k8s.io, so usage is unknown


# prod: node $0.16 + $0.08 = $0.24 an hour
#   shop   team web,  cc-1: 1 core (uses 0.5), 2 GiB (uses 1)  → $0.04 + $0.01 = $0.05 an hour
#   search team data, cc-2: 2 cores (uses 2),  4 GiB (uses 4)  → $0.08 + $0.02 = $0.10 an hour
#   idle: 1 core + 10 GiB → $0.04 + $0.05 = $0.09 an hour
# stage: node $0.08 + $0.04 = $0.12 an hour
#   shop   team web,  cc-1: 0.5 core (uses 0.25), 1 GiB (uses 0.5) → $0.02 + $0.005 = $0.025
#   idle: 1.5 cores + 7 GiB → $0.06 + $0.035 = $0.095 an hour
SMALL_FLEET = {
    "prod": ClusterSpec(
        node=(4, 16 * GIB),
        namespaces={
            "shop": Figures(
                cpu_request=1,
                cpu_usage=0.5,
                memory_request=2 * GIB,
                memory_usage=GIB,
                team="web",
                cost_center="cc-1",
            ),
            "search": Figures(
                cpu_request=2,
                cpu_usage=2,
                memory_request=4 * GIB,
                memory_usage=4 * GIB,
                team="data",
                cost_center="cc-2",
            ),
        },
    ),
    "stage": ClusterSpec(
        node=(2, 8 * GIB),
        namespaces={
            "shop": Figures(
                cpu_request=0.5,
                cpu_usage=0.25,
                memory_request=GIB,
                memory_usage=GIB // 2,
                team="web",
                cost_center="cc-1",
            ),
        },
    ),
}


_WEEK = (0.7, 1.0, 0.9, 0.8, 0.6, 0.1, 0.0)  # Monday to Sunday


def _on(day: dt.datetime, spec: ClusterSpec) -> tuple[dict[str, Figures], tuple[float, int]]:
    """The namespaces' figures and the node's capacity on `day`: when the spec swings, busier on
    weekdays, with the node pool scaled to match (as a cluster autoscaler would)."""
    scale = 1 + spec.weekly_swing * _WEEK[day.weekday()]
    if scale == 1:
        return dict(spec.namespaces), spec.node
    cores, memory = spec.node
    namespaces = {
        name: dataclasses.replace(
            figures,
            cpu_request=figures.cpu_request * scale,
            cpu_usage=figures.cpu_usage * scale,
            memory_request=int(figures.memory_request * scale),
            memory_usage=int(figures.memory_usage * scale),
        )
        for name, figures in spec.namespaces.items()
    }
    return namespaces, (cores * scale, int(memory * scale))


def _healthy(spec: ClusterSpec, last_sample: dt.datetime) -> dict:
    """What a successful sync leaves on the cluster row, so lists and health read true."""
    return {
        "status": spec.status,
        "node_count": 1,
        "ready_node_count": 1 if spec.status == "healthy" else 0,
        "namespace_count": len(spec.namespaces),
        "pod_count": 2 * len(spec.namespaces),
        "running_pod_count": 2 * len(spec.namespaces),
        "last_sync_at": last_sample,
        "last_success_at": last_sample,
    }


def build_fleet(
    session: Session,
    engine: Engine,
    org: Organization,
    *,
    now: dt.datetime,
    days: int,
    clusters: Mapping[str, ClusterSpec] = SMALL_FLEET,
) -> dict[str, Cluster]:
    """The clusters of `clusters`, sampled hourly and costed up to the last closed hour."""
    start, closed = floor_day(now) - dt.timedelta(days=days), floor_hour(now)
    made = {}
    for name, spec in clusters.items():
        cluster = Cluster(
            org_id=org.id, name=name, **_healthy(spec, closed - dt.timedelta(hours=1))
        )
        session.add(cluster)
        session.commit()
        times = [
            moment
            for moment in every(start, closed, HOURLY)
            if not (spec.missing and spec.missing[0] <= moment < spec.missing[1])
        ]
        usage = UsageWriter(session, cluster)
        for day in sorted({floor_day(moment) for moment in times}):
            namespaces, node = _on(day, spec)
            usage.steady(
                [moment for moment in times if floor_day(moment) == day],
                namespaces=namespaces,
                nodes={f"{name}-node": node},
                metrics=spec.metrics,
            )
        made[name] = cluster
    run_cost_pass(
        open_session=session_factory(engine),
        settings=Settings(sync_interval_seconds=HOURLY, sample_retention_days=days + 2),
        now=now,
        org_id=org.id,
    )
    return made


def _team(team: str, cost_center: str, cpu: float, used: float, gib: int, **extra) -> Figures:
    return Figures(
        cpu_request=cpu,
        cpu_usage=cpu * used,
        memory_request=gib * GIB,
        memory_usage=int(gib * GIB * used),
        team=team,
        cost_center=cost_center,
        **extra,
    )


# A platform team's fleet as the browser test and the screenshots show it: three clusters,
# six teams in three cost centers, busier on weekdays.
DEMO_FLEET = {
    "payments-prod": ClusterSpec(
        node=(96, 384 * GIB),
        weekly_swing=0.35,
        namespaces={
            "payments-api": _team("payments", "cc-retail", 18, 0.62, 64, storage=200 * GIB),
            "checkout": _team("checkout", "cc-retail", 14, 0.48, 40),
            "fraud-scoring": _team("data", "cc-data", 20, 0.81, 96, storage=500 * GIB),
            "storefront": _team("web", "cc-retail", 8, 0.35, 24),
        },
    ),
    "platform-prod": ClusterSpec(
        node=(64, 256 * GIB),
        weekly_swing=0.2,
        namespaces={
            "ingress": _team("platform", "cc-platform", 6, 0.55, 12),
            "observability": _team("platform", "cc-platform", 12, 0.7, 80, storage=1500 * GIB),
            "search": _team("search", "cc-data", 16, 0.66, 72, storage=800 * GIB),
            "etl-batch": _team("data", "cc-data", 10, 0.92, 48),
            "ci-runners": Figures(
                cpu_request=6, cpu_usage=5, memory_request=16 * GIB, memory_usage=12 * GIB
            ),
        },
    ),
    "staging": ClusterSpec(
        node=(32, 128 * GIB),
        namespaces={
            "payments-api": _team("payments", "cc-retail", 4, 0.2, 12),
            "checkout": _team("checkout", "cc-retail", 3, 0.25, 8),
            "storefront": _team("web", "cc-retail", 2, 0.3, 6),
            "search": _team("search", "cc-data", 4, 0.4, 16),
        },
    ),
}
