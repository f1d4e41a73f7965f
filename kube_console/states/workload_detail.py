"""Deployment detail (any synced workload: Deployment, StatefulSet or DaemonSet): replicas, each
container's requests and limits, its share of the namespace's cost, and one page of its pods."""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from kube_console.dto import ListPosition, Page, PageRequest, PodTableRow, WorkloadView
from kube_console.security.authz import NotFound
from kube_console.services import explore
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    PODS_IN_A_NAMESPACE,
    DrilldownPage,
    Updates,
    id_in_path,
)
from kube_console.states.explore_views import pod_table_row, workload_view
from kube_console.states.guard import current_context, in_thread


def _workload_with_pods(
    *, session: Session, org_id: int, workload_id: int, request: PageRequest
) -> tuple[WorkloadView, Page[Any]]:
    detail = explore.workload_detail(session=session, org_id=org_id, workload_id=workload_id)
    pods = explore.list_pods(
        session=session, org_id=org_id, request=request, workload_id=workload_id
    )
    return workload_view(detail), pods


class WorkloadDetailState(DrilldownPage, rx.State):
    workload: WorkloadView | None = None
    pods: list[PodTableRow] = []
    position: ListPosition = EMPTY_POSITION

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        workload_id = id_in_path(path)
        if workload_id is None:
            raise NotFound("no such workload")
        workload, page = await in_thread(
            _workload_with_pods,
            org_id=current_context().org_id,
            workload_id=workload_id,
            request=PODS_IN_A_NAMESPACE.request(query),
        )
        return {
            "workload": workload,
            "pods": [pod_table_row(row) for row in page.rows],
            "position": PODS_IN_A_NAMESPACE.position(page, path, query),
        }
