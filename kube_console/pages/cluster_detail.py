"""Cluster detail: health, capacity, usage and cost at a glance, then its namespaces, nodes,
workloads and Helm releases, one tab each (`/clusters/<id>?tab=nodes&sort=...&page=...`)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.badges import cluster_status_badge, environment_badge
from kube_console.components.breadcrumbs import breadcrumbs
from kube_console.components.cluster_card import stale_note
from kube_console.components.drilldown import (
    detail_frame,
    detail_header,
    figure_card,
    scroll_region,
    section,
    tab_links,
    usage_over_time,
)
from kube_console.components.explore_rows import (
    NAMESPACE_COLUMNS,
    NODE_COLUMNS,
    helm_columns,
    helm_row,
    namespace_row,
    node_row,
    workload_columns,
    workload_row,
)
from kube_console.components.listing import (
    paged_table,
    select_filter,
    text_filter,
)
from kube_console.components.live import exact_age, stale_marker
from kube_console.components.resource_bars import resource_bars
from kube_console.components.shell import empty_state
from kube_console.components.status_badges import check_badge
from kube_console.components.tables import when
from kube_console.services.explore_records import HealthComponent
from kube_console.states.cluster_detail import WORKLOAD_KINDS, ClusterDetailState
from kube_console.states.explore_view_models import Choice

State = ClusterDetailState
TABS = [
    ("overview", "Overview", "layout-dashboard"),
    ("namespaces", "Namespaces", "folder-tree"),
    ("nodes", "Nodes", "server"),
    ("workloads", "Workloads", "boxes"),
    ("helm", "Helm releases", "package"),
]


def _header() -> rx.Component:
    cluster = State.cluster
    return detail_header(
        breadcrumbs(("Clusters", routes.CLUSTERS), (cluster.name, "")),
        [
            rx.heading(cluster.name, size="6", as_="h2"),
            cluster_status_badge(cluster.status),
            rx.cond(cluster.environment, environment_badge(cluster.environment)),
        ],
        rx.text(
            cluster.provider_name,
            rx.cond(cluster.version, " · Kubernetes " + cluster.version, ""),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            cluster.data_stale,
            stale_note(cluster.last_success_at, size="2", why=": the last sync failed"),
        ),
        _sync_ages(),
        state=State,
    )


def _health_component(component: ObjectVar[HealthComponent]) -> rx.Component:
    return rx.hstack(
        rx.text(component.name, size="2", font_family="var(--code-font-family)"),
        rx.spacer(),
        check_badge(component.ok, "ok", "failing"),
        width="100%",
        align="center",
    )


def _health() -> rx.Component:
    cluster = State.cluster
    return section(
        "Health",
        rx.hstack(
            check_badge(cluster.health_ok, "API server ready", "API server not ready"),
            rx.cond(
                cluster.metrics_available,
                rx.badge(
                    rx.icon("gauge", size=12),
                    "Metrics available",
                    color_scheme="green",
                    variant="soft",
                ),
                rx.badge(
                    rx.icon("gauge", size=12),
                    "No metrics API",
                    color_scheme="amber",
                    variant="soft",
                ),
            ),
            wrap="wrap",
            spacing="2",
        ),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label("API latency"), rx.data_list.value(cluster.api_latency)
            ),
            rx.data_list.item(
                rx.data_list.label("Last sync"), rx.data_list.value(when(cluster.last_sync_at))
            ),
            rx.data_list.item(
                rx.data_list.label("Last successful sync"),
                rx.data_list.value(when(cluster.last_success_at)),
            ),
            size="2",
        ),
        rx.cond(
            cluster.components.length() > 0,
            rx.vstack(
                rx.text("Health checks", size="1", weight="bold", color=rx.color("gray", 11)),
                scroll_region(
                    "Health checks",
                    rx.vstack(
                        rx.foreach(cluster.components, _health_component),
                        spacing="1",
                        padding_right="0.75rem",
                    ),
                    max_height="9rem",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            cluster.problems.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.foreach(cluster.problems, lambda text: rx.text(text, size="2")), spacing="1"
                ),
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
            ),
        ),
        rx.cond(
            cluster.sync_notes.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text("Stored with changes", size="2", weight="bold"),
                    rx.foreach(cluster.sync_notes, lambda text: rx.text(text, size="2")),
                    spacing="1",
                ),
                icon="info",
                color_scheme="gray",
                size="1",
            ),
        ),
    )


def _cost() -> rx.Component:
    cluster = State.cluster
    return section(
        "Cost this month",
        rx.text(cluster.total_cost, as_="div", size="7", weight="bold"),
        rx.text(
            cluster.month, " so far, idle capacity included", size="1", color=rx.color("gray", 11)
        ),
        rx.data_list.root(
            rx.data_list.item(rx.data_list.label("Namespaces"), rx.data_list.value(cluster.cost)),
            rx.data_list.item(
                rx.data_list.label("Idle capacity"),
                rx.data_list.value(cluster.idle_cost),
            ),
            size="2",
        ),
        rx.text(
            "Idle is what the cluster's nodes cost beyond what its namespaces were allocated.",
            rx.cond(
                cluster.idle_negative,
                " It is negative here: the namespaces requested more than the nodes hold.",
                "",
            ),
            size="1",
            color=rx.color("gray", 11),
        ),
    )


def _sync_ages() -> rx.Component:
    """The last successful sync (how old the figures are) and, apart, the last attempt."""
    cluster = State.cluster
    return rx.cond(
        cluster.last_sync_at,
        rx.hstack(
            rx.text("Last successful sync", size="1"),
            rx.cond(
                cluster.last_success_at,
                rx.hstack(
                    exact_age(cluster.last_success_at, font_size="var(--font-size-1)"),
                    rx.text("ago", size="1"),
                    spacing="1",
                ),
                rx.text("never", size="1"),
            ),
            stale_marker(cluster.stale, cluster.stale_hint),
            rx.text("· last attempt", size="1"),
            exact_age(cluster.last_sync_at, font_size="var(--font-size-1)"),
            rx.text(rx.cond(cluster.last_attempt_failed, "ago, failed", "ago"), size="1"),
            spacing="1",
            align="center",
            wrap="wrap",
            color=rx.color("gray", 11),
            class_name="sync-ages",
        ),
    )


def _overview() -> rx.Component:
    cluster = State.cluster
    stale = stale_marker(cluster.stale, cluster.stale_hint)
    return rx.vstack(
        rx.grid(
            figure_card("Nodes", cluster.nodes, icon="server", marker=stale),
            figure_card(
                "Namespaces", cluster.namespace_count.to_string(), icon="folder-tree", marker=stale
            ),
            figure_card("Pods", cluster.pods, icon="box", marker=stale),
            figure_card("Cost this month", cluster.total_cost, hint="idle included", icon="wallet"),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            cluster.last_error,
            rx.callout(
                cluster.last_error, icon="triangle-alert", color_scheme="amber", width="100%"
            ),
        ),
        section(
            "Capacity",
            rx.grid(
                resource_bars("CPU", cluster.cpu_bars),
                resource_bars("Memory", cluster.memory_bars),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="6",
                width="100%",
            ),
            rx.text(
                "Requested counts running pods and pending pods already placed on a node; used is what the nodes report.",
                size="1",
                color=rx.color("gray", 11),
            ),
        ),
        usage_over_time(
            "CPU and memory over time",
            State,
            lines="allocatable, requested and used",
            height="240px",
        ),
        rx.grid(
            _health(),
            _cost(),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _listing(rows, columns, render_row, noun: str, *filters: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.flex(*filters, spacing="3", wrap="wrap", align="end", width="100%"),
        paged_table(
            columns,
            rows,
            render_row,
            State.position,
            label=noun.capitalize(),
            noun=noun,
            when_empty=rx.cond(
                State.search_text | State.kind,
                empty_state(
                    "search-x", f"No {noun} match", "Try another name, or clear the filter."
                ),
                empty_state(
                    "inbox",
                    f"No {noun} in this cluster",
                    "They appear here after the next sync that finds some.",
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _name_filter(placeholder: str) -> rx.Component:
    return text_filter("Name", State.search_text, State.search_typed, placeholder=placeholder)


def _tab_content() -> rx.Component:
    return rx.match(
        State.tab,
        ("overview", _overview()),
        (
            "namespaces",
            _listing(
                State.namespaces,
                NAMESPACE_COLUMNS,
                namespace_row,
                "namespaces",
                _name_filter("Filter namespaces"),
            ),
        ),
        (
            "nodes",
            _listing(
                State.nodes,
                NODE_COLUMNS,
                lambda row: node_row(row, State.cluster.id),
                "nodes",
                _name_filter("Filter nodes"),
            ),
        ),
        (
            "workloads",
            _listing(
                State.workloads,
                workload_columns(with_namespace=True),
                lambda row: workload_row(row, with_namespace=True),
                "workloads",
                _name_filter("Filter workloads"),
                select_filter(
                    "Kind",
                    State.kind,
                    [Choice(value=kind, label=kind) for kind in WORKLOAD_KINDS],
                    lambda value: State.filter_chosen("kind", value),
                    all_label="All kinds",
                ),
            ),
        ),
        (
            "helm",
            _listing(
                State.releases,
                helm_columns(with_cluster=False),
                lambda row: helm_row(row, with_cluster=False),
                "Helm releases",
                _name_filter("Filter releases"),
            ),
        ),
        _overview(),
    )


def cluster_detail_page() -> rx.Component:
    return detail_frame(
        "Cluster",
        State,
        loaded=State.cluster,
        missing=("Cluster", "Back to clusters", routes.CLUSTERS),
        content=[_header(), tab_links(TABS, State.tab, State.tab_hrefs), _tab_content()],
    )
