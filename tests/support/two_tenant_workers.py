"""Two worker processes syncing the clusters of two organizations, for the Workers page and
`/workers/status`: what one organization's admin may see of them, and what not.

    seen = seed_shared_workers(session, mine=acme_prod, theirs=[rival_prod, rival_stage])

Process "worker-a:11" leads and syncs `mine` right now and `theirs[0]`; "worker-b:22" synced
`theirs[1:]`. A cost run (no organization) names their clusters, and the leader's stats
carry fleet-wide figures: neither belongs to an organization's admin.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session

from kube_console.db import utcnow
from kube_console.models import Cluster, WorkerRun
from kube_console.services import workers as worker_service

LEADER, OTHER = "worker-a:11", "worker-b:22"
FLEET_FIGURE = 987654  # in the leader's stats: how many clusters it claimed, fleet-wide


@dataclasses.dataclass(frozen=True)
class SharedWorkers:
    now: dt.datetime
    cost_run: WorkerRun
    their_run: WorkerRun


def seed_shared_workers(session: Session, *, mine: Cluster, theirs: list[Cluster]) -> SharedWorkers:
    now = utcnow()
    for name, pid in ((LEADER, 11), (OTHER, 22)):
        worker_service.register_process(
            session=session,
            name=name,
            host=name.split(":")[0],
            pid=pid,
            sync_threads=5,
            sync_interval_seconds=30,
            cost_interval_seconds=3600,
        )
    worker_service.process_heartbeat(
        session=session,
        name=LEADER,
        leader=True,
        syncs_running=2,
        clusters_claimed=FLEET_FIGURE,
        syncs_failed=FLEET_FIGURE,
        stats={"cost": {"runs": FLEET_FIGURE, "last_error": f"{theirs[0].name} failed"}},
    )
    for cluster, owner, syncing in [(mine, LEADER, True), (theirs[0], LEADER, True)] + [
        (cluster, OTHER, False) for cluster in theirs[1:]
    ]:
        cluster.lease_owner = owner
        cluster.lease_expires_at = now + dt.timedelta(seconds=10) if syncing else None
        cluster.next_sync_at = now + dt.timedelta(seconds=20)
        cluster.last_sync_duration_ms = 812.5
        session.add(cluster)
    cost_run = WorkerRun(
        job="cost",
        trigger="schedule",
        status="failed",
        items_total=2,
        items_failed=1,
        error=f"{theirs[0].name}: no price sheet",
        details={"failed": {theirs[0].name: "no price sheet"}},
    )
    their_run = WorkerRun(
        job="sync_cluster",
        trigger="api",
        org_id=theirs[0].org_id,
        cluster_id=theirs[0].id,
        status="failed",
    )
    session.add_all([cost_run, their_run])
    session.commit()
    return SharedWorkers(now=now, cost_run=cost_run, their_run=their_run)
