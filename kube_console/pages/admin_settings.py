"""Admin → Settings: price sheets (the organization default, and each cluster's own that overrides
it), their history, and "recompute from <date>" with its progress (admins only); then the node
prices (components/node_prices.py), which members may read."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.components.dialogs import dialog_buttons, form_dialog
from kube_console.components.forms import field
from kube_console.components.node_prices import node_prices_section
from kube_console.components.shell import loading_rows, page_frame, page_header, refusal_panel
from kube_console.components.tables import data_table, day
from kube_console.states.admin_settings import PriceScope, PriceSheetView, SettingsState

PRICE_ITEMS = [
    ("CPU", "cpu", "per vCPU (core) hour", SettingsState.price_cpu),
    ("Memory", "memory-stick", "per GiB hour", SettingsState.price_memory),
    ("GPU", "microchip", "per GPU hour", SettingsState.price_gpu),
    ("Storage", "hard-drive", "per GiB hour of PVC capacity", SettingsState.price_storage),
    ("Network", "network", "per GB transferred", SettingsState.price_network),
]
STATUS_COLORS = {"in force": "green", "scheduled": "blue", "superseded": "gray"}


def _scope_item(scope: ObjectVar[PriceScope]) -> rx.Component:
    selected = SettingsState.scope_id == scope.cluster_id
    return rx.el.button(
        rx.hstack(
            rx.icon(
                rx.cond(scope.cluster_id == 0, "building-2", "server"),
                size=15,
                color=rx.color("gray", 11),
            ),
            rx.text(
                scope.name, size="2", weight=rx.cond(selected, "bold", "medium"), truncate=True
            ),
            rx.spacer(),
            rx.cond(
                scope.has_sheets,
                rx.badge("own prices", color_scheme="indigo", variant="soft", size="1"),
                rx.badge(
                    rx.cond(scope.cluster_id == 0, "built-in", "org default"),
                    color_scheme="gray",
                    variant="soft",
                    size="1",
                ),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        on_click=SettingsState.select_scope(scope.cluster_id),
        aria_current=rx.cond(selected, "true", "false"),
        style={
            "all": "unset",
            "box_sizing": "border-box",
            "cursor": "pointer",
            "width": "100%",
            "padding": "0.5rem 0.75rem",
            "border_radius": "var(--radius-2)",
            "background": rx.cond(selected, rx.color("accent", 4), "transparent"),
            "_hover": {"background": rx.cond(selected, rx.color("accent", 5), rx.color("gray", 3))},
            "_focus_visible": {"outline": f"2px solid {rx.color('accent', 11)}"},
        },
    )


def _scopes() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Price sheets", size="3", as_="h2"),
            rx.text(
                "A cluster's own sheet overrides the organization default; without either, the built-in prices apply.",
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.vstack(rx.foreach(SettingsState.scopes, _scope_item), spacing="1", width="100%"),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _price_tile(title: str, icon: str, unit: str, value: rx.Var) -> rx.Component:
    network = title == "Network"
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=14, color=rx.color("gray", 11)),
                rx.text(title, size="1", weight="medium", color=rx.color("gray", 11)),
                spacing="2",
                align="center",
            ),
            rx.text(value, as_="div", size="5", weight="bold", class_name="numeric"),
            rx.text(unit, size="1", color=rx.color("gray", 11)),
            rx.cond(
                ~SettingsState.network_measured,
                rx.badge(
                    rx.icon("wifi-off", size=11),
                    "not measured",
                    color_scheme="amber",
                    variant="soft",
                    size="1",
                ),
            )
            if network
            else rx.fragment(),
            spacing="1",
        ),
        padding="0.75rem",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="var(--radius-3)",
    )


def _in_force() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(SettingsState.scope_name, size="4", as_="h2"),
                    rx.text(
                        "Charged now from ",
                        SettingsState.source,
                        rx.cond(
                            SettingsState.source_since,
                            rx.fragment(", in force since ", SettingsState.source_since),
                        ),
                        ".",
                        size="2",
                        color=rx.color("gray", 11),
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=16),
                    "New price sheet",
                    on_click=SettingsState.sheet_dialog_changed(True),
                ),
                align="start",
                width="100%",
                wrap="wrap",
            ),
            rx.grid(
                *[_price_tile(*item) for item in PRICE_ITEMS],
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                ~SettingsState.network_measured,
                rx.callout.root(
                    rx.callout.icon(rx.icon("wifi-off", size=16)),
                    rx.callout.text(
                        "No network source is configured",
                        rx.cond(
                            SettingsState.scope_id == 0, " on any cluster", " for this cluster"
                        ),
                        ", so traffic is not measured and network cost stays at zero whatever this price is.",
                    ),
                    color_scheme="gray",
                    size="1",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _suggestion() -> rx.Component:
    return rx.cond(
        SettingsState.suggest_recompute_from != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("history", size=16)),
            rx.callout.text(
                "This sheet starts in the past. Hours already priced keep their figures until you recompute them.",
            ),
            rx.button(
                "Recompute from ",
                SettingsState.suggest_recompute_from,
                "…",
                size="1",
                variant="soft",
                on_click=SettingsState.offer_recompute,
                width="fit-content",
            ),
            color_scheme="blue",
            size="1",
            width="100%",
        ),
    )


def _sheet_row(sheet: ObjectVar[PriceSheetView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(sheet.effective_from, white_space="nowrap"),
        rx.table.cell(
            rx.badge(
                sheet.status,
                color_scheme=rx.match(sheet.status, *STATUS_COLORS.items(), "gray"),
                variant="soft",
            )
        ),
        *[
            rx.table.cell(value, text_align="right", class_name="numeric", white_space="nowrap")
            for value in (sheet.cpu, sheet.memory, sheet.gpu, sheet.storage, sheet.network)
        ],
        rx.table.cell(sheet.currency),
        rx.table.cell(day(sheet.created_at), white_space="nowrap"),
        align="center",
        opacity=rx.cond(sheet.status == "superseded", "0.7", "1"),
    )


def _history() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.heading("History", size="3", as_="h2"),
                rx.text(
                    "Prices per core-hour (CPU), GiB-hour (memory, and storage of PVC capacity), GPU-hour and GB transferred (network).",
                    size="1",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
            ),
            rx.cond(
                SettingsState.sheets.length() > 0,
                data_table(
                    [
                        "Effective from",
                        "Status",
                        ("CPU", "right"),
                        ("Memory", "right"),
                        ("GPU", "right"),
                        ("Storage", "right"),
                        ("Network", "right"),
                        "Currency",
                        "Added",
                    ],
                    rx.foreach(SettingsState.sheets, _sheet_row),
                    "Price sheet history",
                    actions=False,
                    size="1",
                    variant="ghost",
                ),
                rx.text(
                    rx.cond(
                        SettingsState.scope_id == 0,
                        "No sheet yet: every cluster without its own is charged the built-in prices.",
                        "No sheet of its own: this cluster is charged the organization default.",
                    ),
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _progress() -> rx.Component:
    return rx.cond(
        SettingsState.recomputing,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text(
                        "Recomputing costs ",
                        SettingsState.recompute_label,
                        weight="medium",
                        size="2",
                    ),
                    rx.spacer(),
                    rx.text(
                        rx.cond(
                            SettingsState.recompute_total > 0,
                            rx.fragment(
                                SettingsState.recompute_done,
                                " of ",
                                SettingsState.recompute_total,
                                " hours",
                            ),
                            "Planning…",
                        ),
                        size="1",
                        color=rx.color("gray", 11),
                        class_name="numeric",
                    ),
                    align="center",
                    width="100%",
                ),
                rx.progress(
                    value=SettingsState.recompute_percent, max=100, aria_label="Recompute progress"
                ),
                spacing="2",
                width="100%",
            ),
            size="2",
            width="100%",
            role="status",
        ),
    )


def _price_field(label: str, name: str, unit: str) -> rx.Component:
    errors = SettingsState.sheet_errors
    return field(
        label,
        rx.input(
            name=name,
            default_value=SettingsState.draft.get(name, ""),
            input_mode="decimal",
            required=True,
        ),
        errors.get(name, ""),
        hint=unit,
    )


def _sheet_dialog() -> rx.Component:
    errors = SettingsState.sheet_errors
    return form_dialog(
        open=SettingsState.sheet_open,
        on_open_change=SettingsState.sheet_dialog_changed,
        title="New price sheet",
        description=rx.text(
            "For ",
            rx.text(SettingsState.scope_name, weight="bold", as_="span"),
            ". It prices the hours that start at or after its effective time; hours already priced keep their figures.",
        ),
        body=rx.form(
            rx.vstack(
                rx.grid(
                    field(
                        "Effective from (UTC)",
                        rx.input(
                            name="effective_from",
                            type="datetime-local",
                            default_value=SettingsState.draft.get("effective_from", ""),
                            required=True,
                        ),
                        errors.get("effective_from", ""),
                    ),
                    field(
                        "Currency",
                        rx.input(
                            name="currency",
                            default_value=SettingsState.draft.get("currency", "USD"),
                            max_length=3,
                            required=True,
                        ),
                        errors.get("currency", ""),
                        hint="A label, such as USD or EUR",
                    ),
                    _price_field("CPU", "cpu_core_hour", "per vCPU (core) hour"),
                    _price_field("Memory", "memory_gib_hour", "per GiB hour"),
                    _price_field("GPU", "gpu_hour", "per GPU hour"),
                    _price_field("Storage", "storage_gib_hour", "per GiB hour of PVC capacity"),
                    _price_field("Network", "network_gb", "per GB transferred"),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                dialog_buttons("Add sheet", SettingsState.saving),
                spacing="3",
            ),
            on_submit=SettingsState.create_sheet,
            reset_on_submit=False,
        ),
    )


def _recompute_dialog() -> rx.Component:
    errors = SettingsState.recompute_errors
    return form_dialog(
        open=SettingsState.recompute_open,
        on_open_change=SettingsState.recompute_dialog_changed,
        title="Recompute costs",
        description=rx.text(
            "Prices every hour again from the day you choose, with the sheets in force at each hour. "
            "Raw usage is kept for a limited time: hours before ",
            rx.text(SettingsState.retention_from, weight="bold", as_="span"),
            " keep their figures.",
        ),
        body=rx.form(
            rx.vstack(
                field(
                    "From (UTC, the day included)",
                    rx.input(
                        name="since",
                        type="date",
                        default_value=SettingsState.recompute_since,
                        min=SettingsState.retention_from,
                        required=True,
                    ),
                    errors.get("since", ""),
                ),
                rx.cond(
                    SettingsState.scope_id != 0,
                    rx.vstack(
                        rx.text("Clusters", size="2", weight="medium"),
                        rx.radio_group.root(
                            rx.radio_group.item("Every cluster", value="all"),
                            rx.radio_group.item(
                                rx.text("Only ", SettingsState.scope_name), value="cluster"
                            ),
                            name="scope",
                            default_value="cluster",
                            direction="column",
                            spacing="2",
                            aria_label="Clusters",
                        ),
                        spacing="1",
                    ),
                    rx.el.input(type="hidden", name="scope", value="all"),
                ),
                rx.cond(
                    SettingsState.recomputing,
                    rx.vstack(
                        rx.progress(
                            value=SettingsState.recompute_percent,
                            max=100,
                            aria_label="Recompute progress",
                        ),
                        rx.text(
                            SettingsState.recompute_done,
                            " of ",
                            SettingsState.recompute_total,
                            " hours",
                            size="1",
                            color=rx.color("gray", 11),
                        ),
                        width="100%",
                        spacing="1",
                    ),
                ),
                dialog_buttons("Recompute", SettingsState.recomputing),
                spacing="3",
            ),
            on_submit=SettingsState.recompute,
            reset_on_submit=False,
        ),
    )


def admin_settings_page() -> rx.Component:
    return page_frame(
        "Settings",
        rx.cond(
            SettingsState.refusal,
            refusal_panel("change the organization's prices and settings"),
            rx.cond(
                SettingsState.loaded,
                rx.fragment(
                    page_header(
                        "The prices the hourly cost job charges. Editing a price never rewrites history: recomputing past hours is a separate, explicit step.",
                        rx.button(
                            rx.icon("history", size=16),
                            "Recompute from a date…",
                            variant="soft",
                            on_click=SettingsState.recompute_dialog_changed(True),
                            disabled=SettingsState.recomputing,
                        ),
                    ),
                    _progress(),
                    rx.grid(
                        _scopes(),
                        rx.vstack(
                            _in_force(),
                            _suggestion(),
                            _history(),
                            spacing="4",
                            width="100%",
                            min_width="0",
                        ),
                        columns=rx.breakpoints(initial="1", md="280px minmax(0, 1fr)"),
                        spacing="4",
                        width="100%",
                        align_items="start",
                    ),
                    _sheet_dialog(),
                    _recompute_dialog(),
                ),
                loading_rows(),
            ),
        ),
        node_prices_section(),
    )
