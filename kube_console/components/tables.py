"""Tables and the values in their cells: headers, rows, times people can read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.vars import ArrayVar
from reflex_components_moment.moment import Moment

# A column header: its text, or (text, "right") for a column of figures.
Heading = str | tuple[str, str]


def table_caption(label: str) -> rx.Component:
    """The table's name for screen readers (Radix puts `aria-label` on a wrapper, not the table)."""
    return rx.el.caption(label, class_name="sr-only")


def _heading(column: Heading | rx.Component) -> rx.Component:
    if isinstance(column, rx.Component):
        return column
    if isinstance(column, str):
        return rx.table.column_header_cell(column, white_space="nowrap")
    name, align = column
    return rx.table.column_header_cell(name, white_space="nowrap", text_align=align)


def data_table(
    columns: Sequence[Heading | rx.Component],
    body: rx.Component | Sequence[rx.Component],
    label: str,
    *,
    actions: bool = True,
    size: str = "2",
    variant: str = "surface",
) -> rx.Component:
    """A full-width table named `label`, scrolling sideways when narrow. With `actions`, a last
    column for row actions, right-aligned; the small ghost tables (size "1", variant "ghost")
    sit in a section or card. A column is a heading or a header cell of its own (one that
    sorts, or shows only sometimes)."""
    return rx.box(
        rx.table.root(
            table_caption(label),
            rx.table.header(
                rx.table.row(
                    *[_heading(column) for column in columns],
                    *(
                        [
                            rx.table.column_header_cell(
                                rx.el.span("Actions", class_name="sr-only"), width="1%"
                            )
                        ]
                        if actions
                        else []
                    ),
                )
            ),
            rx.table.body(*([body] if isinstance(body, rx.Component) else body)),
            variant=variant,
            size=size,
            width="100%",
        ),
        width="100%",
        overflow_x="auto",
    )


def record_table(
    columns: list[tuple[str, str]],
    rows: ArrayVar[list[Any]],
    render_row: Callable[[Any], rx.Component],
    *,
    label: str,
    empty: str,
    size: str = "2",
) -> rx.Component:
    """A read-only table of `rows` under (header, alignment) columns, scrolling sideways when
    narrow; `empty` is said instead when there is no row."""
    return rx.cond(
        rows.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(
                                name, white_space="nowrap", text_align=align
                            )
                            for name, align in columns
                        ]
                    )
                ),
                rx.table.body(rx.foreach(rows, render_row)),
                variant="surface",
                size=size,
                width="100%",
            ),
            width="100%",
            overflow_x="auto",
            role="region",
            aria_label=label,
        ),
        rx.text(empty, size="2", color=rx.color("gray", 11)),
    )


def when(iso_time: rx.Var[str], *, never: str = "Never") -> rx.Component:
    """ "3 hours ago", with the exact local date and time on hover; `never` when empty."""
    return rx.cond(
        iso_time,
        Moment.create(
            date=iso_time, from_now=True, with_title=True, title_format="D MMM YYYY, HH:mm"
        ),
        rx.text(never, color=rx.color("gray", 11), as_="span"),
    )


def day(iso_time: rx.Var[str]) -> rx.Component:
    """A date such as "12 May 2025", with the time on hover."""
    return Moment.create(
        date=iso_time, format="D MMM YYYY", with_title=True, title_format="D MMM YYYY, HH:mm"
    )
