"""Deployment detail (any synced workload: Deployment, StatefulSet or DaemonSet): replicas, each
container's requests and limits, its share of the namespace's cost, and one page of its pods."""

from __future__ import annotations

import reflex as rx

from kube_console.security.authz import NotFound
from kube_console.services import explore_pages
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    PODS_IN_A_NAMESPACE,
    DrilldownPage,
    Updates,
    id_in_path,
    off_the_loop,
)
from kube_console.states.explore_view_models import ListPosition, PodTableRow, WorkloadView
from kube_console.states.explore_views import pod_table_row, workload_view
from kube_console.states.guard import current_context


class WorkloadDetailState(DrilldownPage, rx.State):
    workload: WorkloadView | None = None
    pods: list[PodTableRow] = []
    position: ListPosition = EMPTY_POSITION

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        workload_id = id_in_path(path)
        if workload_id is None:
            raise NotFound("no such workload")
        detail, page = await off_the_loop(
            explore_pages.read_workload_with_pods,
            org_id=current_context().org_id,
            workload_id=workload_id,
            request=PODS_IN_A_NAMESPACE.request(query),
        )
        return {
            "workload": workload_view(detail),
            "pods": [pod_table_row(row) for row in page.rows],
            "position": PODS_IN_A_NAMESPACE.position(page, path, query),
        }
