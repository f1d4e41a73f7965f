"""Pods: every pod of the organization's clusters, filtered by cluster, namespace, phase, node
and owner or by name, sorted and paged on the server (`/pods?cluster=3&phase=Pending&page=2`)."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.drilldown import (
    failed_panel,
    first_load_skeleton,
    freshness,
    invalid_panel,
    missing_panel,
)
from kube_console.components.explore_rows import pod_columns, pod_row
from kube_console.components.listing import (
    filter_bar,
    paged_table,
    select_filter,
    text_filter,
)
from kube_console.components.shell import empty_state, page_frame, page_header
from kube_console.services.explore import ANY_REASON
from kube_console.states.explore_view_models import Choice
from kube_console.states.pods import OWNER_KINDS, PHASES, REASONS, PodsState

State = PodsState


def _filters() -> rx.Component:
    filters = State.filters
    no_cluster = ~filters["cluster"]
    return filter_bar(
        text_filter(
            "Name", State.search_text, State.search_typed, placeholder="Filter pods by name"
        ),
        select_filter(
            "Cluster",
            filters["cluster"],
            State.cluster_choices,
            lambda value: State.filter_chosen("cluster", value),
            all_label="All clusters",
        ),
        select_filter(
            "Namespace",
            filters["namespace"],
            State.namespace_choices,
            lambda value: State.filter_chosen("namespace", value),
            all_label=rx.cond(no_cluster, "Choose a cluster first", "All namespaces"),
            disabled=no_cluster,
        ),
        select_filter(
            "Phase",
            filters["phase"],
            [Choice(value=phase, label=phase) for phase in PHASES],
            lambda value: State.filter_chosen("phase", value),
            all_label="All phases",
        ),
        select_filter(
            "Reason",
            filters["reason"],
            [
                Choice(value=ANY_REASON, label="Any reason"),
                *(Choice(value=reason, label=reason) for reason in REASONS),
            ],
            lambda value: State.filter_chosen("reason", value),
            all_label="With or without",
        ),
        select_filter(
            "Node",
            filters["node"],
            State.node_choices,
            lambda value: State.filter_chosen("node", value),
            all_label=rx.cond(no_cluster, "Choose a cluster first", "All nodes"),
            disabled=no_cluster,
        ),
        select_filter(
            "Owner kind",
            filters["owner_kind"],
            [Choice(value=kind, label=kind) for kind in OWNER_KINDS],
            lambda value: State.filter_chosen("owner_kind", value),
            all_label="Any owner",
        ),
        text_filter(
            "Owner name",
            State.owner_text,
            State.owner_typed,
            placeholder="Exact name",
            icon="boxes",
        ),
        clear_href=routes.PODS,
        filtered=State.filtered,
    )


def _pods() -> rx.Component:
    return paged_table(
        pod_columns(with_place=True),
        State.pods,
        lambda row: pod_row(row, with_place=True),
        State.position,
        label="Pods",
        noun="pods",
        when_empty=rx.cond(
            State.filtered,
            empty_state(
                "search-x",
                "No pods match these filters",
                "Loosen a filter, or clear them all.",
                rx.link(rx.button("Clear filters", variant="soft"), href=routes.PODS),
            ),
            empty_state(
                "box",
                "No pods yet",
                "Pods appear here after the first sync of a registered cluster.",
                rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
            ),
        ),
    )


def pods_page() -> rx.Component:
    return page_frame(
        "Pods",
        page_header(
            "Every pod of your clusters: where it runs, what owns it, what it requests and uses.",
            freshness(State.updated_at, State.refreshing, State.refresh),
        ),
        rx.match(
            State.view,
            ("missing", missing_panel("Cluster or namespace", "Show all pods", routes.PODS)),
            ("invalid", invalid_panel(State.problem, routes.PODS)),
            ("failed", failed_panel(State.load)),
            ("loading", first_load_skeleton()),
            rx.vstack(_filters(), _pods(), spacing="4", width="100%"),
        ),
    )
