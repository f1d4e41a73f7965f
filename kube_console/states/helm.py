"""Helm releases across the org's clusters: one page, filtered by cluster, namespace, status and
chart and by text in the release name, sorted and paged in SQL."""

from __future__ import annotations

import reflex as rx

from kube_console.services import explore, explore_pages
from kube_console.states.explore_support import (
    EMPTY_POSITION,
    DrilldownPage,
    ListSpec,
    Updates,
    choice_parameter,
    choices,
    filtered_href,
    id_parameter,
    off_the_loop,
    url_of,
)
from kube_console.states.explore_view_models import Choice, HelmTableRow, ListPosition
from kube_console.states.explore_views import helm_table_row
from kube_console.states.guard import current_context, ui_only

STATUSES = (
    "deployed",
    "failed",
    "pending-install",
    "pending-upgrade",
    "pending-rollback",
    "superseded",
    "uninstalling",
    "uninstalled",
    "unknown",
)
FILTERS = ("cluster", "namespace", "status", "chart", "q")
CLUSTER_CHOICES_LIMIT = 500

RELEASES = ListSpec.of(explore.HELM_SORTS)


class HelmState(DrilldownPage, rx.State):
    releases: list[HelmTableRow] = []
    position: ListPosition = EMPTY_POSITION
    filters: dict[str, str] = {}
    filtered: bool = False
    any_release: bool = False
    namespace_text: str = ""
    chart_text: str = ""
    cluster_choices: list[Choice] = []

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        read = await off_the_loop(
            explore_pages.read_helm_releases,
            org_id=current_context().org_id,
            request=RELEASES.request(query),
            cluster_choices_limit=CLUSTER_CHOICES_LIMIT if first else None,
            cluster_id=id_parameter(query, "cluster"),
            namespace=query.get("namespace") or None,
            status=choice_parameter(query, "status", STATUSES) or None,
            chart=query.get("chart") or None,
            search=query.get("q", ""),
        )
        page = read.page
        updates: Updates = {
            "releases": [helm_table_row(row) for row in page.rows],
            "position": RELEASES.position(page, path, query),
            "filters": {name: query.get(name, "") for name in FILTERS},
            "filtered": any(query.get(name) for name in FILTERS),
            "any_release": read.any_release,
            "namespace_text": query.get("namespace", ""),
            "chart_text": query.get("chart", ""),
        }
        if read.clusters is not None:
            updates["cluster_choices"] = choices(read.clusters)
        return updates

    @ui_only
    def namespace_typed(self, text: str):
        self.namespace_text = text
        path, query = url_of(self)
        return rx.redirect(filtered_href(path, query, namespace=text.strip() or None), replace=True)

    @ui_only
    def chart_typed(self, text: str):
        self.chart_text = text
        path, query = url_of(self)
        return rx.redirect(filtered_href(path, query, chart=text.strip() or None), replace=True)
