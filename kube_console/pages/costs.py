"""Costs: what each cluster, namespace, team and cost center cost over a window, as a stacked
chart over time and a sortable table with its CSV, the math behind every row, and what the
figures rest on (coverage, negative idle, unmeasured network) said next to them."""

from __future__ import annotations

import reflex as rx
from reflex.vars import NumberVar, ObjectVar

from kube_console import routes
from kube_console.components.badges import hint_badge
from kube_console.components.charts import plot
from kube_console.components.cost_filters import filter_bar
from kube_console.components.shell import empty_state, loading_rows, page_frame, page_header
from kube_console.components.tables import data_table
from kube_console.states.cost_view_models import CostCell, CostColumn, CostMathRow, CostTableRow
from kube_console.states.costs import CostsState

TONES = {
    "muted": rx.color("gray", 11),
    "up": rx.color("red", 11),
    "down": rx.color("green", 11),
    "warn": rx.color("amber", 11),
    "bad": rx.color("red", 11),
}
SORT_BUTTON = {
    "all": "unset",
    "cursor": "pointer",
    "display": "inline-flex",
    "align_items": "center",
    "gap": "4px",
    "white_space": "normal",  # long titles take two lines, so the table fits a laptop's width
    "_focus_visible": {"outline": f"2px solid {rx.color('accent', 11)}", "border_radius": "2px"},
}
MATH_COLUMNS = [
    "Resource",
    "Avg request",
    "Avg usage",
    "Avg allocated",
    "Allocated",
    "Price",
    "Cost",
]


def _tone(tone: rx.Var[str] | str) -> rx.Var:
    return rx.match(tone, *TONES.items(), rx.color("gray", 12))


def _notice(
    condition: rx.Var, icon: str, color: str, *text: rx.Component | str | rx.Var
) -> rx.Component:
    return rx.cond(
        condition,
        rx.callout.root(
            rx.callout.icon(rx.icon(icon, size=16)),
            rx.callout.text(*text),
            color_scheme=color,
            size="1",
            width="100%",
            role="alert" if color == "red" else "status",
        ),
    )


def _notices() -> rx.Component:
    return rx.vstack(
        _notice(
            CostsState.problem != "",
            "circle-alert",
            "red",
            rx.text("This view can't be shown: ", weight="medium", as_="span"),
            CostsState.problem,
        ),
        _notice(
            CostsState.ignored.length() > 0,
            "info",
            "gray",
            "The link had values the console doesn't know; it shows the default instead of: ",
            CostsState.ignored.join(", "),
        ),
        _notice(
            CostsState.coverage_low & (CostsState.problem == ""),
            "triangle-alert",
            "amber",
            rx.text(
                "Syncs covered only ",
                CostsState.coverage,
                " of this window's cluster-hours. ",
                as_="span",
                weight="medium",
            ),
            "Time without a sync is not charged, so these costs are lower than what really ran. Rows below 95% are flagged.",
        ),
        _notice(
            (CostsState.negative_idle_hours > 0) & (CostsState.idle != "hide"),
            "triangle-alert",
            "amber",
            rx.text(
                "Idle came out negative in ",
                CostsState.negative_idle_hours,
                " cluster-hours: ",
                as_="span",
                weight="medium",
            ),
            "pods used more than their nodes' capacity. It is shown as computed, not rounded up to zero.",
        ),
        _notice(
            CostsState.network_note != "",
            "wifi-off",
            "gray",
            CostsState.network_note,
        ),
        _notice(
            CostsState.mixed_currency,
            "triangle-alert",
            "amber",
            "Prices in this window use more than one currency; the figures add them up as they are.",
        ),
        spacing="2",
        width="100%",
    )


def _kpi(
    title: str | rx.Var, value: rx.Var, *detail: rx.Component, tone: rx.Var[str] | str = ""
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(title, size="1", weight="medium", color=rx.color("gray", 11), trim="start"),
            rx.text(
                value,
                as_="div",  # a figure, not a paragraph (nor a heading, as a big bold <p> reads)
                size="6",
                weight="bold",
                color=_tone(tone),
                class_name="numeric",
                trim="both",
            ),
            *detail,
            spacing="2",
        ),
        size="2",
    )


def _detail(*children: rx.Component | str | rx.Var) -> rx.Component:
    return rx.text(*children, size="1", color=rx.color("gray", 11))


def _kpis() -> rx.Component:
    return rx.grid(
        _kpi(
            "Total",
            CostsState.total,
            rx.hstack(
                rx.text(
                    CostsState.total_change.text,
                    size="1",
                    weight="medium",
                    color=_tone(CostsState.total_change.tone),
                ),
                _detail("vs ", CostsState.previous_total, " the period before"),
                spacing="1",
                wrap="wrap",
            ),
            _detail(CostsState.period, " · ", CostsState.closed_hours),
            rx.cond(
                CostsState.provisional != "",
                rx.text(
                    "So far this hour (provisional): ",
                    rx.text(
                        CostsState.provisional, weight="bold", as_="span", class_name="numeric"
                    ),
                    " for ",
                    CostsState.provisional_span,
                    ", not in the total; replaced by the hour's figures at ",
                    CostsState.provisional_closes,
                    size="1",
                    color=rx.color("gray", 11),
                    id="provisional-cost",
                ),
            ),
        ),
        _kpi(
            "Month-end forecast",
            CostsState.forecast,
            _detail(
                rx.cond(
                    CostsState.forecast_days > 0,
                    rx.fragment(
                        "Month to date + the mean of the last ",
                        rx.text(
                            CostsState.forecast_days,
                            " complete ",
                            rx.cond(CostsState.forecast_days == 1, "day", "days"),
                            as_="span",
                            weight="bold",
                        ),
                        " × the days left",
                    ),
                    "No complete day yet: this is month to date only",
                )
            ),
        ),
        _kpi(
            "Efficiency (usage ÷ request)",
            rx.text("CPU ", CostsState.cpu_efficiency, as_="span"),
            _detail("Memory ", rx.text(CostsState.memory_efficiency, weight="bold", as_="span")),
            rx.cond(CostsState.efficiency_note != "", _detail(CostsState.efficiency_note)),
        ),
        _kpi(
            "Coverage",
            CostsState.coverage,
            _detail(
                rx.cond(
                    CostsState.coverage_low,
                    rx.text(
                        "Below 95%: syncs were missing",
                        color=rx.color("amber", 11),
                        as_="span",
                        weight="medium",
                    ),
                    "Share of cluster-hours with syncs",
                )
            ),
            tone=rx.cond(CostsState.coverage_low, "warn", ""),
        ),
        columns=rx.breakpoints(initial="1", xs="2", md="4"),
        spacing="3",
        width="100%",
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(CostsState.chart_title, size="3", as_="h2"),
                rx.spacer(),
                rx.text(CostsState.period, size="1", color=rx.color("gray", 11)),
                width="100%",
                align="center",
            ),
            plot(
                CostsState.chart,
                label=CostsState.chart_title,
                height="340px",
                table=CostsState.chart_table,
            ),
            spacing="3",
        ),
        size="2",
        width="100%",
    )


def _header_cell(column: ObjectVar[CostColumn]) -> rx.Component:
    ascending, descending = CostsState.sort == column.key, CostsState.sort == "-" + column.key
    return rx.table.column_header_cell(
        rx.el.button(
            column.title,
            rx.cond(
                ascending,
                rx.icon("arrow-up", size=12),
                rx.cond(descending, rx.icon("arrow-down", size=12), rx.fragment()),
            ),
            on_click=CostsState.sort_by(column.key),
            title="Sort by " + column.title,
            style=SORT_BUTTON,
        ),
        aria_sort=rx.cond(ascending, "ascending", rx.cond(descending, "descending", "none")),
        text_align=rx.cond(column.numeric, "right", "left"),
        vertical_align="bottom",
        min_width="4.5rem",
    )


def _first_cell(row: ObjectVar[CostTableRow], cell: ObjectVar[CostCell]) -> rx.Component:
    return rx.table.row_header_cell(
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="3px",
                background=row.color,
                flex_shrink="0",
            ),
            rx.text(cell.text, weight="medium", overflow_wrap="anywhere", max_width="14rem"),
            rx.cond(
                row.negative_idle_hours > 0,
                hint_badge(
                    "triangle-alert",
                    "negative",
                    hint=rx.Var.create("Idle was negative in ")
                    + row.negative_idle_hours.to_string()
                    + " hours",
                    colour="red",
                    variant="soft",
                    size="1",
                ),
            ),
            rx.cond(
                row.low_coverage,
                hint_badge(
                    "clock-alert",
                    "coverage",
                    hint="Syncs covered less than 95% of these hours",
                    variant="soft",
                    size="1",
                ),
            ),
            spacing="2",
            align="center",
        ),
        position="sticky",
        left="0",
        background="var(--color-panel-solid)",  # the card's own, so scrolled cells pass under it
        z_index="1",
    )


def _cell(
    row: ObjectVar[CostTableRow], cell: ObjectVar[CostCell], index: NumberVar[int]
) -> rx.Component:
    return rx.cond(
        index == 0,
        _first_cell(row, cell),
        rx.table.cell(
            rx.cond(
                CostsState.columns[index].key == "share",
                rx.hstack(
                    rx.box(
                        rx.box(
                            width=row.share_width,
                            height="100%",
                            background=row.color,
                            border_radius="2px",
                        ),
                        width="40px",
                        height="6px",
                        background=rx.color("gray", 4),
                        border_radius="2px",
                    ),
                    rx.text(cell.text),
                    spacing="2",
                    align="center",
                    justify="end",
                ),
                rx.text(cell.text, color=_tone(cell.tone)),
            ),
            text_align=rx.cond(CostsState.columns[index].numeric, "right", "left"),
            white_space="nowrap",
            class_name="numeric",
        ),
    )


def _row(row: ObjectVar[CostTableRow]) -> rx.Component:
    return rx.table.row(
        rx.foreach(row.cells, lambda cell, index: _cell(row, cell, index)),
        rx.table.cell(
            rx.tooltip(
                rx.icon_button(
                    rx.icon("calculator", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    size="1",
                    on_click=CostsState.show_math(row.key),
                    aria_label="Show the math for " + row.label,
                ),
                content="Show the math",
            )
        ),
        align="center",
    )


def _total_cell(cell: ObjectVar[CostCell], index: NumberVar[int]) -> rx.Component:
    return rx.table.cell(
        rx.text(cell.text, weight="bold", color=_tone(cell.tone)),
        text_align=rx.cond(CostsState.columns[index].numeric, "right", "left"),
        white_space="nowrap",
        class_name="numeric",
    )


def _total_row() -> rx.Component:
    return rx.table.row(
        rx.foreach(CostsState.totals, _total_cell),
        rx.table.cell(),
        background=rx.color("gray", 2),
    )


def _pagination() -> rx.Component:
    return rx.hstack(
        rx.text(CostsState.row_range, size="1", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.cond(
            CostsState.page_count > 1,
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left", size=14),
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                    disabled=CostsState.page <= 1,
                    on_click=CostsState.go_to_page(CostsState.page - 1),
                    aria_label="Previous page",
                ),
                rx.text("Page ", CostsState.page, " of ", CostsState.page_count, size="1"),
                rx.icon_button(
                    rx.icon("chevron-right", size=14),
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                    disabled=CostsState.page >= CostsState.page_count,
                    on_click=CostsState.go_to_page(CostsState.page + 1),
                    aria_label="Next page",
                ),
                spacing="2",
                align="center",
            ),
        ),
        width="100%",
        align="center",
    )


def _table() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.cond(
                CostsState.group_count > 0,
                rx.fragment(
                    data_table(
                        [
                            rx.foreach(CostsState.columns, _header_cell),
                            rx.table.column_header_cell(
                                rx.el.span("Math", class_name="sr-only"), width="1%"
                            ),
                        ],
                        [rx.foreach(CostsState.rows, _row), _total_row()],
                        "Costs",
                        actions=False,
                        size="1",
                        variant="ghost",
                    ),
                    _pagination(),
                ),
                rx.center(
                    rx.vstack(
                        rx.text("No costs match these filters in this window.", weight="medium"),
                        rx.button(
                            "Clear filters",
                            variant="soft",
                            size="1",
                            on_click=CostsState.clear_filters,
                        ),
                        align="center",
                        spacing="2",
                    ),
                    padding="2.5rem",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _math_row(row: ObjectVar[CostMathRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row.resource),
        *[
            rx.table.cell(value, text_align="right", white_space="nowrap", class_name="numeric")
            for value in (
                row.average_request,
                row.average_usage,
                row.average_allocated,
                row.allocated,
                row.price,
                row.cost,
            )
        ],
    )


def _math_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Show the math: ", CostsState.math_title),
            rx.dialog.description(
                "Over ",
                rx.text(CostsState.closed_hours, weight="bold", as_="span"),
                ", ",
                CostsState.period,
                ". Averages are per hour of that time.",
                size="2",
                color=rx.color("gray", 11),
                margin_bottom="1rem",
            ),
            data_table(
                [name if name == "Resource" else (name, "right") for name in MATH_COLUMNS],
                [
                    rx.foreach(CostsState.math_rows, _math_row),
                    rx.table.row(
                        rx.table.row_header_cell(rx.text("Total", weight="bold")),
                        *[rx.table.cell() for _ in range(5)],
                        rx.table.cell(
                            rx.text(CostsState.math_total, weight="bold"),
                            text_align="right",
                            class_name="numeric",
                        ),
                    ),
                ],
                "The math",
                actions=False,
                size="1",
            ),
            rx.vstack(
                rx.foreach(
                    CostsState.math_notes,
                    lambda note: rx.text(note, size="1", color=rx.color("gray", 11)),
                ),
                spacing="1",
                margin_top="1rem",
            ),
            rx.cond(
                CostsState.math_node_prices.length() > 0,
                rx.vstack(
                    rx.text("Node prices in force now", size="1", weight="medium"),
                    rx.el.ul(
                        rx.foreach(
                            CostsState.math_node_prices,
                            lambda phrase: rx.el.li(
                                rx.text(phrase, size="1", color=rx.color("gray", 11))
                            ),
                        ),
                        class_name="node-prices",
                        padding_left="1rem",
                    ),
                    spacing="1",
                    margin_top="0.75rem",
                ),
            ),
            rx.flex(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="1rem",
            ),
            max_width="min(960px, 95vw)",
        ),
        open=CostsState.math_open,
        on_open_change=CostsState.math_dialog_changed,
    )


def _no_costs_yet() -> rx.Component:
    return rx.cond(
        CostsState.synced,
        empty_state(
            "hourglass",
            "No costs yet",
            "The cost job prices each hour once it has closed, from the usage your clusters' syncs record.",
            rx.hstack(
                rx.text("First figures by", size="2"),
                rx.moment(CostsState.first_costs_by, format="HH:mm", size="2", weight="bold"),
                rx.text("(", size="2", color=rx.color("gray", 11)),
                rx.moment(
                    CostsState.first_costs_by,
                    from_now=True,
                    size="2",
                    color=rx.color("gray", 11),
                    margin_left="-0.4rem",
                ),
                rx.text(")", size="2", color=rx.color("gray", 11), margin_left="-0.4rem"),
                spacing="2",
                align="center",
            ),
        ),
        empty_state(
            "hourglass",
            "No costs yet",
            "Costs are worked out from the usage every sync records, and none of your clusters has synced successfully yet. The Clusters page says why.",
            rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
        ),
    )


def _report() -> rx.Component:
    return rx.vstack(
        _notices(),
        rx.cond(
            CostsState.columns.length() > 0,
            rx.vstack(_kpis(), _chart(), _table(), spacing="4", width="100%"),
        ),
        _math_dialog(),
        spacing="4",
        width="100%",
        opacity=rx.cond(CostsState.loading, "0.6", "1"),
        transition="opacity 0.15s",
        aria_busy=CostsState.loading,
    )


def costs_page() -> rx.Component:
    return page_frame(
        "Costs",
        page_header(
            "What each cluster, namespace, team and cost center cost, hour by hour. Change a filter and the link changes with it: share it to show the same view.",
            rx.spinner(loading=CostsState.loading, size="2"),
            rx.button(
                rx.icon("download", size=16),
                "Download CSV",
                variant="soft",
                on_click=CostsState.download_csv,
                disabled=CostsState.group_count == 0,
            ),
        ),
        rx.cond(
            CostsState.loaded,
            rx.cond(
                CostsState.has_clusters,
                rx.vstack(
                    filter_bar(),
                    rx.cond(
                        CostsState.has_costs | (CostsState.problem != ""),
                        _report(),
                        _no_costs_yet(),
                    ),
                    spacing="4",
                    width="100%",
                ),
                empty_state(
                    "chart-column",
                    "No costs yet",
                    "Costs are worked out from the usage of registered clusters, so there is nothing to show until a cluster has synced.",
                    rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
                ),
            ),
            loading_rows(6),
        ),
    )
