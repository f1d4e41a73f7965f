"""Namespace detail: who it belongs to, what it costs by resource, how its usage compares with its
requests (with a right-sizing hint), and its workloads, pods and claims, one tab each."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.breadcrumbs import breadcrumbs
from kube_console.components.charts import plot
from kube_console.components.drilldown import (
    choice_links,
    deleted_badge,
    detail_frame,
    detail_header,
    figure_card,
    label_chips,
    section,
    tab_links,
    usage_over_time,
)
from kube_console.components.explore_rows import (
    PVC_COLUMNS,
    pod_columns,
    pod_row,
    pvc_row,
    workload_columns,
    workload_row,
)
from kube_console.components.listing import (
    paged_table,
    text_filter,
)
from kube_console.components.resource_bars import meter
from kube_console.components.shell import empty_state
from kube_console.components.tables import when
from kube_console.states.explore_view_models import EfficiencyView
from kube_console.states.namespace_detail import NamespaceDetailState

State = NamespaceDetailState
TABS = [
    ("overview", "Overview", "layout-dashboard"),
    ("workloads", "Workloads", "boxes"),
    ("pods", "Pods", "box"),
    ("pvcs", "Volume claims", "hard-drive"),
]


def _header() -> rx.Component:
    namespace = State.namespace
    return detail_header(
        breadcrumbs(
            ("Clusters", routes.CLUSTERS),
            (namespace.cluster_name, routes.cluster(namespace.cluster_id)),
            (namespace.name, ""),
        ),
        [
            rx.heading(namespace.name, size="6", as_="h2"),
            deleted_badge(
                namespace.deleted_at,
                otherwise=rx.badge(
                    rx.icon("circle-check", size=12),
                    namespace.phase,
                    color_scheme="green",
                    variant="soft",
                ),
            ),
        ],
        rx.text(
            "Namespace in ",
            rx.link(namespace.cluster_name, href=routes.cluster(namespace.cluster_id)),
            " · created ",
            when(namespace.created_at, never="at an unknown time"),
            size="2",
            color=rx.color("gray", 11),
        ),
        state=State,
        below=rx.grid(
            figure_card("Team", namespace.team, icon="users"),
            figure_card("Cost center", namespace.cost_center, icon="landmark"),
            figure_card("Pods", namespace.pods, icon="box"),
            figure_card(
                "Cost this month", namespace.cost, hint="so far, idle not included", icon="wallet"
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
    )


def _efficiency(view: ObjectVar[EfficiencyView]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(view.resource, size="2", weight="bold"),
            rx.spacer(),
            rx.text(
                rx.cond(view.known, view.efficiency + " of requests used", view.unknown_reason),
                size="2",
            ),
            width="100%",
        ),
        meter("", view.ratio),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label("Average request"), rx.data_list.value(view.average_request)
            ),
            rx.data_list.item(
                rx.data_list.label("Average usage"), rx.data_list.value(view.average_usage)
            ),
            rx.data_list.item(rx.data_list.label("p95 usage"), rx.data_list.value(view.p95_usage)),
            size="1",
        ),
        rx.cond(
            view.hint,
            rx.callout(
                rx.vstack(
                    rx.text(
                        "Right-size: request about ",
                        rx.text(view.suggested_request, weight="bold", as_="span"),
                        size="2",
                    ),
                    rx.text(view.hint, size="1"),
                    spacing="1",
                ),
                icon="lightbulb",
                color_scheme="amber",
                size="1",
            ),
            rx.text(view.no_hint_reason, size="1", color=rx.color("gray", 11)),
        ),
        spacing="2",
        width="100%",
    )


def _overview() -> rx.Component:
    namespace = State.namespace
    return rx.vstack(
        section(
            "Cost by resource",
            rx.text(
                State.window_cost,
                rx.match(
                    State.step,
                    ("hour", " over the last 48 hours"),
                    ("month", " over the last 12 months"),
                    " over the last 30 days",
                ),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                State.has_costs,
                plot(
                    State.cost_chart,
                    label="Cost by resource over time",
                    height="260px",
                    table=State.cost_chart_table,
                ),
                rx.text(
                    "No cost computed for this namespace in this window yet.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            actions=choice_links(
                [("hour", "Hourly"), ("day", "Daily"), ("month", "Monthly")],
                State.step,
                State.step_hrefs,
                "Cost step",
            ),
        ),
        usage_over_time(
            "Usage against requests", State, lines="requested and used", height="220px"
        ),
        rx.grid(
            section(
                "Efficiency over 7 days",
                rx.grid(
                    rx.foreach(State.efficiency, _efficiency),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="5",
                    width="100%",
                ),
                rx.text(State.efficiency_basis, size="1", color=rx.color("gray", 11)),
            ),
            section(
                "Now",
                rx.data_list.root(
                    rx.data_list.item(
                        rx.data_list.label("CPU requested"),
                        rx.data_list.value(namespace.cpu_request),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("CPU used"), rx.data_list.value(namespace.cpu_usage)
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Memory requested"),
                        rx.data_list.value(namespace.memory_request),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Memory used"),
                        rx.data_list.value(namespace.memory_usage),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Workloads"),
                        rx.data_list.value(namespace.workload_count.to_string()),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Volume claims"),
                        rx.data_list.value(
                            namespace.pvc_count.to_string() + " · " + namespace.storage + " bound"
                        ),
                    ),
                    size="2",
                ),
                rx.text("Labels", size="1", weight="bold", color=rx.color("gray", 11)),
                label_chips(namespace.labels),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _listing(rows, columns, render_row, noun: str, placeholder: str) -> rx.Component:
    return rx.vstack(
        text_filter("Name", State.search_text, State.search_typed, placeholder=placeholder),
        paged_table(
            columns,
            rows,
            render_row,
            State.position,
            label=noun.capitalize(),
            noun=noun,
            when_empty=rx.cond(
                State.search_text,
                empty_state(
                    "search-x", f"No {noun} match", "Try another name, or clear the filter."
                ),
                empty_state(
                    "inbox",
                    f"No {noun} in this namespace",
                    "They appear here after the next sync that finds some.",
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _tab_content() -> rx.Component:
    return rx.match(
        State.tab,
        ("overview", _overview()),
        (
            "workloads",
            _listing(
                State.workloads,
                workload_columns(with_namespace=False),
                lambda row: workload_row(row, with_namespace=False),
                "workloads",
                "Filter workloads",
            ),
        ),
        (
            "pods",
            _listing(
                State.pods,
                pod_columns(with_place=False),
                lambda row: pod_row(row, with_place=False),
                "pods",
                "Filter pods",
            ),
        ),
        ("pvcs", _listing(State.pvcs, PVC_COLUMNS, pvc_row, "volume claims", "Filter claims")),
        _overview(),
    )


def namespace_detail_page() -> rx.Component:
    return detail_frame(
        "Namespace",
        State,
        loaded=State.namespace,
        missing=("Namespace", "Back to clusters", routes.CLUSTERS),
        content=[_header(), tab_links(TABS, State.tab, State.tab_hrefs), _tab_content()],
    )
