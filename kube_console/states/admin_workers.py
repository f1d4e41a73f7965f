"""Admin → Workers: the worker processes, and the sync schedule of this organization's clusters.

Each worker process writes a heartbeat row every few seconds (workers/scheduler.py) and leases
the clusters it syncs; this page reads them, on load and every 30 s while the tab is visible.
An admin sees every process but only their own organization's clusters under it
(services/workers.worker_status); the whole fleet's figures are the operator's CLI's.
"""

from __future__ import annotations

import reflex as rx

from kube_console.clock import utcnow
from kube_console.security.authz import Action
from kube_console.services import workers as worker_service
from kube_console.services.workers import WorkerStatus
from kube_console.states.guard import current_context, guarded, in_thread


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
    def schedule(self) -> str:
        if self.status is None or not self.status.sync_interval_seconds:
            return ""
        return (
            f"Each cluster is synced every {_every(self.status.sync_interval_seconds)}; "
            f"costs are worked out every {_every(self.status.cost_interval_seconds)}."
        )

    @rx.var
    def alive_processes(self) -> int:
        return sum(process.alive for process in self.status.processes) if self.status else 0

    @rx.var
    def cluster_names(self) -> dict[str, str]:
        """Cluster names by id (as text), for the runs table."""
        return (
            {str(cluster.cluster_id): cluster.name for cluster in self.status.clusters}
            if self.status
            else {}
        )
