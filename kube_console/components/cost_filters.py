"""The costs page's filter bar: window, step, grouping, idle mode, and a searchable multi-select
per filter (clusters, cost centers, teams, namespaces) with the chosen values as chips.

Every control navigates to the view's new URL (states/costs.py), so each choice is a step
the back button can undo.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.components.badges import info_tip
from kube_console.costs.columns import DIMENSION_TITLES
from kube_console.costs.queries import DIMENSIONS
from kube_console.states.cost_view_models import FilterChip, PickerOption
from kube_console.states.costs import FILTER_FIELDS, FILTERS, WINDOW_TITLES, CostsState

PLURALS = {
    "cluster": "clusters",
    "cost_center": "cost centers",
    "team": "teams",
    "namespace": "namespaces",
}
IDLE_HELP = (
    "Idle is node capacity no namespace was allocated. Hide leaves it out, Separate shows it "
    "as its own rows, Share spreads it over the namespaces of its cluster in proportion to "
    "their CPU and memory cost."
)


def _label(text: str) -> rx.Component:
    return rx.text(text, size="1", weight="medium", color=rx.color("gray", 11))


def _control(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(_label(label), control, spacing="1")


def _window_control() -> rx.Component:
    return _control(
        "Window",
        rx.segmented_control.root(
            *[rx.segmented_control.item(title, value=key) for key, title in WINDOW_TITLES.items()],
            value=CostsState.window,
            on_change=lambda value: CostsState.choose_window(value.to(str)),
            size="1",
        ),
    )


def _custom_range() -> rx.Component:
    return rx.cond(
        CostsState.window == "custom",
        rx.hstack(
            _control(
                "From",
                rx.input(
                    type="date",
                    value=CostsState.custom_start,
                    on_change=CostsState.custom_start_chosen,
                    size="1",
                    aria_label="First day",
                ),
            ),
            _control(
                "To (included)",
                rx.input(
                    type="date",
                    value=CostsState.custom_end,
                    on_change=CostsState.custom_end_chosen,
                    size="1",
                    aria_label="Last day",
                ),
            ),
            rx.button("Apply", size="1", on_click=CostsState.apply_custom_range),
            align="end",
            spacing="2",
        ),
    )


def _step_control() -> rx.Component:
    return _control(
        "Step",
        rx.segmented_control.root(
            rx.segmented_control.item("Hour", value="hour"),
            rx.segmented_control.item("Day", value="day"),
            rx.segmented_control.item("Month", value="month"),
            value=CostsState.step,
            on_change=lambda value: CostsState.choose_step(value.to(str)),
            size="1",
        ),
    )


def _group_control() -> rx.Component:
    options = [rx.select.item(DIMENSION_TITLES[name], value=name) for name in DIMENSIONS]
    return rx.hstack(
        _control(
            "Group by",
            rx.select.root(
                rx.select.trigger(aria_label="Group by", min_width="9rem"),
                rx.select.content(*options),
                value=CostsState.group_by[0],
                on_change=lambda value: CostsState.choose_group(0, value),
                size="1",
            ),
        ),
        _control(
            "Then by",
            rx.select.root(
                rx.select.trigger(aria_label="Then group by", min_width="9rem"),
                rx.select.content(rx.select.item("Nothing", value="none"), *options),
                value=rx.cond(CostsState.group_by.length() > 1, CostsState.group_by[1], "none"),
                on_change=lambda value: CostsState.choose_group(1, value),
                size="1",
            ),
        ),
        spacing="3",
        align="end",
    )


def _idle_control() -> rx.Component:
    return _control(
        "Idle capacity",
        rx.hstack(
            rx.segmented_control.root(
                rx.segmented_control.item("Hide", value="hide"),
                rx.segmented_control.item("Separate", value="separate"),
                rx.segmented_control.item("Share", value="share"),
                value=CostsState.idle,
                on_change=lambda value: CostsState.choose_idle(value.to(str)),
                size="1",
            ),
            info_tip("idle capacity", IDLE_HELP),
            align="center",
            spacing="2",
        ),
    )


def _option(dimension: str, option: ObjectVar[PickerOption]) -> rx.Component:
    return rx.checkbox(
        option.value,
        checked=option.selected,
        on_change=lambda _checked: CostsState.toggle_filter(dimension, option.value),
        size="2",
        width="100%",
    )


def _picker(dimension: str) -> rx.Component:
    title, plural = FILTERS[dimension], PLURALS[dimension]
    chosen = getattr(CostsState, FILTER_FIELDS[dimension])
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("list-filter", size=14),
                title,
                rx.cond(
                    chosen.length() > 0,
                    rx.badge(chosen.length(), variant="solid", radius="full", size="1"),
                ),
                rx.icon("chevron-down", size=14),
                variant=rx.cond(chosen.length() > 0, "soft", "outline"),
                color_scheme=rx.cond(chosen.length() > 0, "indigo", "gray"),
                size="1",
                aria_label=f"Filter by {title.lower()}",
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    placeholder=f"Search {plural}",
                    value=CostsState.picker_search,
                    on_change=CostsState.search_picker,
                    debounce_timeout=250,
                    size="1",
                    width="100%",
                    aria_label=f"Search {plural}",
                ),
                rx.scroll_area(
                    rx.vstack(
                        rx.foreach(
                            CostsState.picker_options, lambda option: _option(dimension, option)
                        ),
                        spacing="2",
                        padding_right="0.75rem",
                    ),
                    type="auto",
                    scrollbars="vertical",
                    max_height="16rem",
                ),
                rx.cond(
                    CostsState.picker_options.length() == 0,
                    rx.text(
                        rx.cond(
                            CostsState.picker_search,
                            f"No {plural} match.",
                            f"No {plural} in the computed costs yet.",
                        ),
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                ),
                rx.cond(
                    CostsState.picker_more > 0,
                    rx.text(
                        "and ",
                        CostsState.picker_more,
                        " more: type to narrow the list",
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                ),
                spacing="3",
                width="16rem",
            ),
            aria_label=f"Choose {plural}",
        ),
        on_open_change=lambda open: CostsState.picker_changed(dimension, open),
    )


def _chip(chip: ObjectVar[FilterChip]) -> rx.Component:
    return rx.badge(
        rx.text(chip.title, ": ", weight="regular", as_="span", color=rx.color("gray", 11)),
        chip.value,
        rx.icon_button(
            rx.icon("x", size=12),
            on_click=CostsState.toggle_filter(chip.dimension, chip.value),
            aria_label="Remove " + chip.title + " " + chip.value,
            variant="ghost",
            color_scheme="gray",
            size="1",
            radius="full",
        ),
        variant="surface",
        color_scheme="indigo",
        size="2",
        radius="full",
    )


def filter_bar() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                _window_control(),
                _custom_range(),
                _step_control(),
                spacing="4",
                wrap="wrap",
                align="end",
            ),
            rx.flex(
                _group_control(),
                _idle_control(),
                spacing="4",
                wrap="wrap",
                align="end",
            ),
            rx.separator(size="4"),
            rx.flex(
                *[_picker(dimension) for dimension in FILTERS],
                rx.foreach(CostsState.chips, _chip),
                rx.cond(
                    CostsState.chips.length() > 0,
                    rx.button(
                        "Clear filters",
                        variant="ghost",
                        color_scheme="gray",
                        size="1",
                        on_click=CostsState.clear_filters,
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="3",
        ),
        size="2",
        width="100%",
    )
