"""Pod detail: its containers with state, restarts, requests, limits and usage; where it runs,
what owns it, its labels and claims."""

from __future__ import annotations

import reflex as rx

from kube_console.security.authz import NotFound
from kube_console.services import explore_pages
from kube_console.states.explore_support import DrilldownPage, Updates, id_in_path, off_the_loop
from kube_console.states.explore_view_models import PodView
from kube_console.states.explore_views import pod_view
from kube_console.states.guard import current_context


class PodDetailState(DrilldownPage, rx.State):
    pod: PodView | None = None

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        pod_id = id_in_path(path)
        if pod_id is None:
            raise NotFound("no such pod")
        detail = await off_the_loop(
            explore_pages.read_pod_detail, org_id=current_context().org_id, pod_id=pod_id
        )
        return {"pod": pod_view(detail)}
