"""Helm releases across the organization's clusters: chart and app versions and status, filtered
by cluster, namespace, status and chart, sorted and paged on the server."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.drilldown import (
    failed_panel,
    first_load_skeleton,
    freshness,
    invalid_panel,
    missing_panel,
)
from kube_console.components.explore_rows import helm_columns, helm_row
from kube_console.components.listing import (
    filter_bar,
    paged_table,
    select_filter,
    text_filter,
)
from kube_console.components.shell import empty_state, page_frame, page_header
from kube_console.states.explore_view_models import Choice, HelmTableRow
from kube_console.states.helm import STATUSES, HelmState

State = HelmState


def _filters() -> rx.Component:
    filters = State.filters
    return filter_bar(
        text_filter("Release", State.search_text, State.search_typed, placeholder="Filter by name"),
        select_filter(
            "Cluster",
            filters["cluster"],
            State.cluster_choices,
            lambda value: State.filter_chosen("cluster", value),
            all_label="All clusters",
        ),
        text_filter(
            "Namespace",
            State.namespace_text,
            State.namespace_typed,
            placeholder="Exact name",
            icon="folder-tree",
        ),
        select_filter(
            "Status",
            filters["status"],
            [Choice(value=status, label=status) for status in STATUSES],
            lambda value: State.filter_chosen("status", value),
            all_label="All statuses",
        ),
        text_filter(
            "Chart",
            State.chart_text,
            State.chart_typed,
            placeholder="Exact chart name",
            icon="package",
        ),
        clear_href=routes.HELM,
        filtered=State.filtered,
    )


def _row(row: ObjectVar[HelmTableRow]) -> rx.Component:
    # Chart names are plain words: safe in a query string as they are.
    return helm_row(row, with_cluster=True, chart_href=routes.HELM + "?chart=" + row.chart)


def _releases() -> rx.Component:
    return paged_table(
        helm_columns(with_cluster=True),
        State.releases,
        _row,
        State.position,
        label="Helm releases",
        noun="releases",
        when_empty=empty_state(
            "search-x",
            "No releases match these filters",
            "Loosen a filter, or clear them all.",
            rx.link(rx.button("Clear filters", variant="soft"), href=routes.HELM),
        ),
    )


def helm_page() -> rx.Component:
    return page_frame(
        "Helm releases",
        page_header(
            "Every Helm release across your clusters: chart, version, status and namespace.",
            freshness(State.updated_at, State.refreshing, State.refresh),
        ),
        rx.match(
            State.view,
            ("missing", missing_panel("Cluster", "Show all releases", routes.HELM)),
            ("invalid", invalid_panel(State.problem, routes.HELM)),
            ("failed", failed_panel(State.load)),
            ("loading", first_load_skeleton()),
            rx.cond(
                State.any_release,
                rx.vstack(_filters(), _releases(), spacing="4", width="100%"),
                empty_state(
                    "package",
                    "No Helm releases yet",
                    "Releases are read from registered clusters during each sync. Register a cluster to see them here.",
                    rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
                ),
            ),
        ),
    )
