"""Tables and the values in their cells: headers, rows, times people can read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex_components_moment.moment import Moment


def data_table(columns: list[str], body: rx.Component, label: str) -> rx.Component:
    """A full-width table; the last column is reserved for row actions, right-aligned."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[rx.table.column_header_cell(name, white_space="nowrap") for name in columns],
                    rx.table.column_header_cell(
                        rx.el.span("Actions", class_name="sr-only"), width="1%"
                    ),
                )
            ),
            rx.table.body(body),
            variant="surface",
            size="2",
            width="100%",
            aria_label=label,
        ),
        width="100%",
        overflow_x="auto",
    )


def record_table(
    columns: list[tuple[str, str]],
    rows: rx.Var[list],
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
