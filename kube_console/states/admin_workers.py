"""Admin → Workers: the scheduler's leader and job statistics, and each cluster's last sync.

The leader writes its heartbeat and statistics to the database on every tick
(workers/scheduler.py); this page reads them, on load and every 30 s while the tab is visible.
"""

from __future__ import annotations

import reflex as rx

from kube_console.db import utcnow
from kube_console.dto import SchedulerJobSummary, WorkerStatus
from kube_console.security.authz import Action
from kube_console.services import workers as worker_service
from kube_console.states.guard import current_context, guarded, in_thread

JOBS = ("sync", "cost", "prune")


def _number(stats: dict[str, str], key: str) -> float:
    try:
        return float(stats.get(key) or 0)
    except ValueError:
        return 0.0


def _job_summaries(stats: dict[str, str]) -> list[SchedulerJobSummary]:
    """The heartbeat's flat `<job>_<field>` strings, one summary per job."""
    return [
        SchedulerJobSummary(
            job=job,
            runs=int(_number(stats, f"{job}_runs")),
            succeeded=int(_number(stats, f"{job}_succeeded")),
            failed=int(_number(stats, f"{job}_failed")),
            running=stats.get(f"{job}_running") == "True",
            last_started_at=stats.get(f"{job}_last_started_at", ""),
            last_duration_ms=_number(stats, f"{job}_last_duration_ms"),
            last_error=stats.get(f"{job}_last_error", ""),
        )
        for job in JOBS
    ]


def _every(seconds: int) -> str:
    if seconds and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


class WorkersState(rx.State):
    checked: bool = False
    refusal: str = ""
    status: WorkerStatus | None = None
    loaded_at: str = ""

    def _refuse(self, reason: str) -> None:
        self.checked, self.refusal, self.status, self.loaded_at = True, reason, None, ""

    async def _reload(self) -> None:
        status = await in_thread(worker_service.worker_status, org_id=current_context().org_id)
        async with self:
            self.checked, self.refusal, self.status = True, "", status
            self.loaded_at = utcnow().isoformat()

    @guarded(Action.VIEW_WORKERS, on_forbidden=_refuse)
    async def load(self):
        await self._reload()

    @guarded(Action.VIEW_WORKERS, on_forbidden=_refuse)
    async def refresh(self, visible: bool):
        """The 30 s timer; a hidden tab asks for nothing."""
        if visible:
            await self._reload()

    @rx.var
    def jobs(self) -> list[SchedulerJobSummary]:
        return _job_summaries(self.status.stats) if self.status else []

    @rx.var
    def schedule(self) -> str:
        if self.status is None or not self.status.leader_process:
            return ""
        return (
            f"Syncs every {_every(self.status.sync_interval_seconds)}, "
            f"costs every {_every(self.status.cost_interval_seconds)}"
        )

    @rx.var
    def cluster_names(self) -> dict[str, str]:
        """Cluster names by id (as text), for the runs table."""
        return (
            {str(cluster.cluster_id): cluster.name for cluster in self.status.clusters}
            if self.status
            else {}
        )
