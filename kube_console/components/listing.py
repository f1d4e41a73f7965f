"""Tables whose sort and page live in the URL: column headers and page buttons are links the
state worked out (ListPosition), so sorting and paging are navigation and the server does
the work in SQL. Plus the filter controls above such a table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, ObjectVar

from kube_console.components.tables import data_table
from kube_console.states.explore_support import ALL
from kube_console.states.explore_view_models import Choice, ListPosition


@dataclasses.dataclass(frozen=True)
class Column:
    label: str
    sort: str = ""  # the list's sort key; "" when the column does not sort
    numeric: bool = False  # right-aligned


def _header(column: Column, position: ObjectVar[ListPosition]) -> rx.Component:
    align = "right" if column.numeric else "left"
    if not column.sort:
        return rx.table.column_header_cell(column.label, white_space="nowrap", text_align=align)
    current = position.sort == column.sort
    arrow = rx.cond(
        current,
        rx.cond(position.descending, rx.icon("arrow-down", size=13), rx.icon("arrow-up", size=13)),
        rx.icon("arrow-up-down", size=13, opacity="0.35"),
    )
    return rx.table.column_header_cell(
        rx.link(
            rx.hstack(column.label, arrow, spacing="1", align="center", display="inline-flex"),
            href=position.sort_hrefs[column.sort],
            underline="none",
            color="inherit",
            title=f"Sort by {column.label.lower()}",
        ),
        white_space="nowrap",
        text_align=align,
        aria_sort=rx.cond(current, rx.cond(position.descending, "descending", "ascending"), "none"),
    )


def sortable_table(
    columns: list[Column],
    rows: ArrayVar[list[Any]],
    render_row: Callable[[Any], rx.Component],
    position: ObjectVar[ListPosition],
    *,
    label: str,
) -> rx.Component:
    return data_table(
        [_header(column, position) for column in columns],
        rx.foreach(rows, render_row),
        label,
        actions=False,
        size="1",
    )


def _page_link(label: str, icon: str, href: rx.Var[str], *, icon_last: bool) -> rx.Component:
    parts = [label, rx.icon(icon, size=14)] if icon_last else [rx.icon(icon, size=14), label]
    return rx.cond(
        href,
        rx.link(rx.button(*parts, variant="soft", color_scheme="gray", size="1"), href=href),
        rx.button(*parts, variant="soft", color_scheme="gray", size="1", disabled=True),
    )


def pagination(position: ObjectVar[ListPosition], noun: str) -> rx.Component:
    """ "51–100 of 5,000 pods", and the previous and next pages."""
    return rx.flex(
        rx.text(
            rx.cond(position.summary, position.summary + f" {noun}", ""),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.spacer(),
        rx.text(
            "Page ",
            position.page.to_string(),
            " of ",
            position.page_count.to_string(),
            size="2",
            color=rx.color("gray", 11),
        ),
        _page_link("Previous", "chevron-left", position.previous_href, icon_last=False),
        _page_link("Next", "chevron-right", position.next_href, icon_last=True),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
        role="navigation",
        aria_label=f"Pages of {noun}",
    )


def nothing_on_this_page(position: ObjectVar[ListPosition], noun: str) -> rx.Component:
    """A page number past the end (the list shrank since the link was made)."""
    return rx.callout(
        rx.hstack(
            rx.text(f"There are no {noun} on page ", position.page.to_string(), "."),
            rx.link("Go to the first page", href=position.first_href),
            spacing="2",
            wrap="wrap",
        ),
        icon="info",
        color_scheme="gray",
        width="100%",
    )


def paged_table(
    columns: list[Column],
    rows: ArrayVar[list[Any]],
    render_row: Callable[[Any], rx.Component],
    position: ObjectVar[ListPosition],
    *,
    label: str,
    noun: str,
    when_empty: rx.Component,
) -> rx.Component:
    """One page of a list with its page links; a way back when the page number is past the
    end; `when_empty` when the list (as filtered) has no row at all."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            sortable_table(columns, rows, render_row, position, label=label),
            pagination(position, noun),
            spacing="3",
            width="100%",
        ),
        rx.cond(position.total > 0, nothing_on_this_page(position, noun), when_empty),
    )


def select_filter(
    label: str,
    value: rx.Var[str],
    choices: rx.Var[list[Choice]] | list[Choice],
    on_change: Callable[[rx.Var[str]], Any],
    *,
    all_label: str | rx.Var[str],
    disabled: rx.Var[bool] | bool = False,
) -> rx.Component:
    """A labelled select whose first option clears the filter."""
    item = lambda choice: rx.select.item(choice.label, value=choice.value)
    options = (
        rx.foreach(choices, item)
        if isinstance(choices, rx.Var)
        else rx.fragment(*map(item, choices))
    )
    return rx.el.label(
        rx.text(label, size="1", weight="medium", color=rx.color("gray", 11)),
        rx.select.root(
            rx.select.trigger(min_width="10rem", max_width="16rem"),
            rx.select.content(rx.select.item(all_label, value=ALL), options),
            value=rx.cond(value, value, ALL),
            on_change=on_change,
            disabled=disabled,
            size="2",
        ),
        style={"display": "flex", "flex_direction": "column", "gap": "0.25rem"},
    )


def text_filter(
    label: str,
    value: rx.Var[str],
    on_change: Callable[[rx.Var[str]], Any],
    *,
    placeholder: str,
    icon: str = "search",
) -> rx.Component:
    """A labelled text box that filters as one types (after a short pause)."""
    return rx.el.label(
        rx.text(label, size="1", weight="medium", color=rx.color("gray", 11)),
        rx.input(
            rx.input.slot(rx.icon(icon, size=14)),
            value=value,
            on_change=on_change,
            debounce_timeout=400,
            placeholder=placeholder,
            size="2",
            min_width="12rem",
            type="search",
        ),
        style={"display": "flex", "flex_direction": "column", "gap": "0.25rem"},
    )


def filter_bar(
    *controls: rx.Component, clear_href: rx.Var[str] | str, filtered: rx.Var[bool]
) -> rx.Component:
    return rx.flex(
        *controls,
        rx.cond(
            filtered,
            rx.link(
                rx.button(rx.icon("x", size=14), "Clear filters", variant="ghost", size="2"),
                href=clear_href,
                align_self="end",
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
        role="search",
    )
