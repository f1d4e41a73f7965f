"""The overview dashboard: this month's cost and where it goes, 30 days of daily cost, and the
fleet's health. Every cost card opens the costs page filtered to what it shows. With no
cluster yet, an honest empty state and the first steps to get some data."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar, StringVar

from kube_console import routes
from kube_console.components.charts import plot
from kube_console.components.live import auto_refresh, stale_marker, updated_ago
from kube_console.components.shell import empty_state, loading_rows, page_frame, page_header
from kube_console.components.tables import data_table, when
from kube_console.states.cost_view_models import CostBar
from kube_console.states.overview import ClusterHealthRow, OverviewState
from kube_console.states.session import SessionState

REFRESH_SECONDS = 60  # costs change hourly; health with every sync
TONES = {"up": rx.color("red", 11), "down": rx.color("green", 11), "muted": rx.color("gray", 11)}
STATUS_COLORS = {
    "healthy": "green",
    "degraded": "amber",
    "pending": "gray",
    "unreachable": "red",
    "auth_failed": "red",
    "error": "red",
}
STATUS_ICONS = {
    "healthy": "circle-check",
    "degraded": "triangle-alert",
    "pending": "clock",
    "unreachable": "unplug",
    "auth_failed": "key-round",
    "error": "circle-x",
}


def _step(icon: str, title: str, text: str, href: str, label: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18, color=rx.color("accent", 11)),
                rx.heading(title, size="3", as_="h3"),
                align="center",
                spacing="2",
            ),
            rx.text(text, size="2", color=rx.color("gray", 11)),
            rx.link(label, href=href, size="2", weight="medium"),
            spacing="2",
            height="100%",
        ),
        size="2",
    )


def _first_steps() -> rx.Component:
    return rx.fragment(
        empty_state(
            "server",
            "No clusters yet",
            "An admin can register one. Costs, health and inventory appear here after its first sync.",
            rx.link(rx.button("Go to clusters"), href=routes.CLUSTERS),
        ),
        rx.grid(
            _step(
                "server",
                "Register a cluster",
                "Paste a kubeconfig; the console checks it before saving it encrypted.",
                routes.CLUSTERS,
                "Register one",
            ),
            rx.cond(
                SessionState.show_admin_nav,
                _step(
                    "users",
                    "Add your team",
                    "Members read everything; admins also manage clusters, users and prices.",
                    routes.ADMIN_USERS,
                    "Add people",
                ),
            ),
            _step(
                "key-round",
                "Script against the API",
                "Create an API token on your profile for CI jobs and exporters.",
                routes.PROFILE,
                "Create a token",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
    )


def _kpi(
    title: str,
    icon: str,
    href: str,
    value: rx.Component,
    *detail: rx.Component,
    marker: rx.Component | None = None,
) -> rx.Component:
    """A figure card; the whole card is the link to where the figure comes from, named by
    everything it shows (title, figure and detail), so the figure reaches screen readers.
    `marker` goes beside the title (a stale mark)."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon(icon, size=15, color=rx.color("gray", 11)),
                    rx.text(title, size="1", weight="medium", color=rx.color("gray", 11)),
                    marker if marker is not None else rx.fragment(),
                    rx.spacer(),
                    rx.icon("arrow-up-right", size=14, color=rx.color("gray", 9)),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                value,
                *detail,
                spacing="2",
            ),
            size="2",
            height="100%",
            _hover={"background": rx.color("gray", 2)},
        ),
        href=href,
        underline="none",
        color="inherit",
    )


def _figure(value: rx.Var | str) -> rx.Component:
    # A figure, not a paragraph (nor a heading, as a big bold <p> reads).
    return rx.text(value, as_="div", size="7", weight="bold", class_name="numeric", trim="both")


def _detail(*children: rx.Component | rx.Var | str) -> rx.Component:
    return rx.text(*children, size="1", color=rx.color("gray", 11))


def _cost_kpis() -> rx.Component:
    change = OverviewState.change
    return rx.grid(
        _kpi(
            "Month to date",
            "wallet",
            routes.costs(window="mtd"),
            _figure(OverviewState.month_to_date),
            _detail(OverviewState.month, ", all clusters, idle included"),
        ),
        _kpi(
            "Month-end forecast",
            "trending-up",
            routes.costs(window="mtd", sort="-forecast"),
            _figure(OverviewState.forecast),
            _detail(
                rx.cond(
                    OverviewState.forecast_days > 0,
                    rx.fragment(
                        "Rests on the mean of the last ",
                        rx.text(
                            OverviewState.forecast_days,
                            rx.cond(
                                OverviewState.forecast_days == 1, " complete day", " complete days"
                            ),
                            weight="bold",
                            as_="span",
                        ),
                    ),
                    "No complete day yet: month to date only",
                )
            ),
        ),
        _kpi(
            "Change against last month",
            "git-compare-arrows",
            routes.costs(window="mtd", sort="-change"),
            rx.text(
                change.text,
                as_="div",
                size="7",
                weight="bold",
                trim="both",
                color=rx.match(change.tone, *TONES.items(), rx.color("gray", 12)),
            ),
            _detail(OverviewState.last_month_same_days, " in the same days of last month"),
        ),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="3",
        width="100%",
    )


def _fleet_kpis() -> rx.Component:
    all_healthy = OverviewState.clusters_healthy == OverviewState.clusters_total
    stale = stale_marker(OverviewState.stale_clusters > 0, OverviewState.stale_hint)
    return rx.grid(
        _kpi(
            "Clusters healthy",
            "server",
            routes.CLUSTERS,
            rx.hstack(
                _figure(OverviewState.clusters_healthy),
                rx.text("/ ", OverviewState.clusters_total, size="4", color=rx.color("gray", 11)),
                align="baseline",
                spacing="2",
            ),
            rx.cond(
                all_healthy,
                _detail("Every cluster synced cleanly"),
                rx.text(
                    OverviewState.clusters_total - OverviewState.clusters_healthy,
                    " need attention",
                    size="1",
                    weight="medium",
                    color=rx.color("amber", 11),
                ),
            ),
        ),
        _kpi(
            "Nodes",
            "cpu",
            routes.CLUSTERS,
            _figure(OverviewState.nodes_total),
            _detail(OverviewState.nodes_ready, " ready"),
            marker=stale,
        ),
        _kpi(
            "Running pods",
            "boxes",
            routes.CLUSTERS,
            _figure(OverviewState.pods_running),
            _detail("of ", OverviewState.pods_total, " pods at the last sync"),
            marker=stale,
        ),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="3",
        width="100%",
    )


def _card(
    title: str,
    href: str,
    link_label: str,
    *children: rx.Component,
    subtitle: rx.Component | None = None,
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(title, size="3", as_="h2"),
                    subtitle or rx.fragment(),
                    spacing="1",
                ),
                rx.spacer(),
                rx.link(
                    rx.hstack(
                        rx.text(link_label, size="1"),
                        rx.icon("arrow-right", size=13),
                        spacing="1",
                        align="center",
                    ),
                    href=href,
                    size="1",
                    weight="medium",
                ),
                align="start",
                width="100%",
            ),
            *children,
            spacing="3",
            width="100%",
            height="100%",
        ),
        size="2",
        width="100%",
    )


def _bar(bar: ObjectVar[CostBar]) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.hstack(
                rx.box(
                    width="8px",
                    height="8px",
                    border_radius="2px",
                    background=bar.color,
                    flex_shrink="0",
                ),
                rx.text(bar.label, size="2", weight="medium", truncate=True),
                rx.cond(
                    bar.detail,
                    rx.text(bar.detail, size="1", color=rx.color("gray", 11), truncate=True),
                ),
                rx.cond(
                    bar.negative,
                    rx.badge(
                        rx.icon("triangle-alert", size=11),
                        "negative",
                        color_scheme="red",
                        variant="soft",
                        size="1",
                    ),
                ),
                rx.spacer(),
                rx.text(
                    bar.cost,
                    size="2",
                    class_name="numeric",
                    color=rx.cond(bar.negative, rx.color("red", 11), rx.color("gray", 12)),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.box(
                rx.box(width=bar.width, height="100%", background=bar.color, border_radius="3px"),
                width="100%",
                height="6px",
                background=rx.color("gray", 3),
                border_radius="3px",
            ),
            spacing="1",
            width="100%",
        ),
        href=bar.href,
        underline="none",
        color="inherit",
        width="100%",
        padding="0.35rem 0.5rem",
        margin_x="-0.5rem",
        border_radius="var(--radius-2)",
        _hover={"background": rx.color("gray", 3)},
    )


def _bars(bars: ArrayVar[list[CostBar]], empty: str) -> rx.Component:
    return rx.cond(
        bars.length() > 0,
        rx.vstack(rx.foreach(bars, _bar), spacing="1", width="100%"),
        rx.text(empty, size="2", color=rx.color("gray", 11)),
    )


def _status_badge(status: StringVar) -> rx.Component:
    return rx.badge(
        rx.match(
            status,
            *[(name, rx.icon(icon, size=12)) for name, icon in STATUS_ICONS.items()],
            rx.icon("circle-help", size=12),
        ),
        status.replace("_", " "),
        color_scheme=rx.match(status, *STATUS_COLORS.items(), "gray"),
        variant="soft",
    )


def _health_row(row: ObjectVar[ClusterHealthRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row.name, weight="medium", size="2"),
                rx.text(row.environment, size="1", color=rx.color("gray", 11)),
                spacing="0",
            )
        ),
        rx.table.cell(_status_badge(row.status)),
        rx.table.cell(row.nodes, white_space="nowrap"),
        rx.table.cell(row.running_pods, text_align="right", class_name="numeric"),
        rx.table.cell(
            rx.hstack(
                when(row.last_success_at),
                stale_marker(row.stale, row.stale_hint),
                spacing="2",
                align="center",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            row.month_to_date_cost, text_align="right", class_name="numeric", white_space="nowrap"
        ),
        align="center",
    )


def _health() -> rx.Component:
    return _card(
        "Cluster health",
        routes.CLUSTERS,
        "All clusters",
        data_table(
            [
                "Cluster",
                "Status",
                "Nodes",
                ("Running pods", "right"),
                "Last sync",
                ("Month to date", "right"),
            ],
            rx.foreach(OverviewState.health, _health_row),
            "Cluster health",
            actions=False,
            size="1",
            variant="ghost",
        ),
        rx.cond(
            OverviewState.more_clusters > 0,
            rx.link(
                "and ",
                OverviewState.more_clusters,
                " more clusters, all healthy listed last",
                href=routes.CLUSTERS,
                size="1",
            ),
        ),
    )


def _no_costs_yet() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("hourglass", size=16)),
        rx.callout.text(
            rx.cond(
                OverviewState.synced,
                rx.fragment(
                    rx.text("No costs computed yet. ", weight="medium", as_="span"),
                    "The cost job prices each hour once it has closed; the first figures arrive by ",
                    rx.moment(OverviewState.first_costs_by, format="HH:mm", weight="bold"),
                    " (",
                    rx.moment(OverviewState.first_costs_by, from_now=True),
                    ").",
                ),
                rx.fragment(
                    rx.text("No costs computed yet. ", weight="medium", as_="span"),
                    "Costs are worked out from the usage every sync records, and no cluster has synced successfully yet.",
                ),
            )
        ),
        color_scheme="blue",
        width="100%",
    )


def _provisional() -> rx.Component:
    """The open hour so far: apart from the closed figures above, and said to be provisional."""
    return rx.cond(
        OverviewState.provisional != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("clock", size=16)),
            rx.callout.text(
                rx.text("So far this hour (provisional): ", weight="medium", as_="span"),
                rx.text(OverviewState.provisional, weight="bold", as_="span", class_name="numeric"),
                " for ",
                OverviewState.provisional_span,
                ", all clusters, idle included. Not counted in the month or the forecast; "
                "replaced by the hour's own figures once it closes at ",
                OverviewState.provisional_closes,
                ".",
            ),
            color_scheme="gray",
            variant="surface",
            size="1",
            width="100%",
            id="provisional-cost",
        ),
    )


def _costs() -> rx.Component:
    return rx.vstack(
        _cost_kpis(),
        _card(
            "Daily cost, last 30 days",
            routes.costs(window="30d", step="day", group_by=("cluster",)),
            "By cluster",
            plot(
                OverviewState.trend,
                label="Daily cost over the last 30 days",
                height="220px",
                table=OverviewState.trend_table,
            ),
            subtitle=_detail(
                OverviewState.trend_total, " in 30 days · today so far in a lighter bar"
            ),
        ),
        rx.grid(
            _card(
                "Cost by team",
                routes.costs(window="mtd", group_by=("team",)),
                "Open",
                _bars(OverviewState.teams, "No team costs this month yet."),
                subtitle=_detail("Month to date"),
            ),
            _card(
                "Cost by cost center",
                routes.costs(window="mtd", group_by=("cost_center",)),
                "Open",
                _bars(OverviewState.cost_centers, "No cost-center costs this month yet."),
                subtitle=_detail("Month to date"),
            ),
            _card(
                "Top 10 namespaces",
                routes.costs(window="mtd", group_by=("namespace",), idle="hide"),
                "All namespaces",
                _bars(OverviewState.namespaces, "No namespace costs this month yet."),
                subtitle=_detail("Month to date, without idle"),
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="3",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.cond(
            OverviewState.problem != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert", size=16)),
                rx.callout.text(OverviewState.problem),
                color_scheme="red",
                role="alert",
                width="100%",
            ),
        ),
        rx.cond(OverviewState.has_costs, _costs(), _no_costs_yet()),
        _provisional(),
        _fleet_kpis(),
        _health(),
        spacing="4",
        width="100%",
    )


def overview_page() -> rx.Component:
    return page_frame(
        "Overview",
        auto_refresh(OverviewState.refresh, seconds=REFRESH_SECONDS),
        rx.cond(
            OverviewState.loaded,
            rx.cond(
                OverviewState.has_clusters,
                rx.fragment(
                    page_header(
                        "This month's cost across your clusters, where it goes, and how the fleet is doing.",
                        updated_ago(OverviewState.updated_at),
                    ),
                    _dashboard(),
                ),
                _first_steps(),
            ),
            loading_rows(6),
        ),
    )
