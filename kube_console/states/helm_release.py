"""Helm release detail: the release's current revision and its revision history (status, chart,
app version, when and Helm's description of each); never its values."""

from __future__ import annotations

import reflex as rx

from kube_console.security.authz import NotFound
from kube_console.services import explore_pages
from kube_console.states.explore_support import DrilldownPage, Updates, id_in_path, off_the_loop
from kube_console.states.explore_view_models import HelmReleaseView
from kube_console.states.explore_views import helm_release_view
from kube_console.states.guard import current_context


class HelmReleaseState(DrilldownPage, rx.State):
    release: HelmReleaseView | None = None

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        release_id = id_in_path(path)
        if release_id is None:
            raise NotFound("no such Helm release")
        detail = await off_the_loop(
            explore_pages.read_helm_release_detail,
            org_id=current_context().org_id,
            release_id=release_id,
        )
        return {"release": helm_release_view(detail)}
