"""Bars for CPU and memory: capacity, allocatable, requested and used side by side, and a small
meter for a percentage in a table cell. Every bar carries its figure in words beside it."""

from __future__ import annotations

import reflex as rx
from reflex.vars import NumberVar, ObjectVar

from kube_console.states.explore_view_models import ResourceBar

_BAR_COLOURS = {"Capacity": ("gray", 7), "Allocatable": ("gray", 9), "Requested": ("amber", 9)}


def _bar_colour(label: rx.Var[str]) -> rx.Var:
    return rx.match(
        label,
        *[(name, rx.color(colour, shade)) for name, (colour, shade) in _BAR_COLOURS.items()],
        rx.color("indigo", 9),
    )


def _bar(bar: ObjectVar[ResourceBar]) -> rx.Component:
    return rx.el.li(
        rx.text(bar.label, size="2", color=rx.color("gray", 11), width="6.5rem", flex_shrink="0"),
        rx.box(
            rx.box(
                height="100%",
                width=(bar.fraction * 100).to_string() + "%",
                background=_bar_colour(bar.label),
                border_radius="var(--radius-2)",
                min_width=rx.cond(bar.known, "2px", "0"),
            ),
            flex="1",
            height="0.9rem",
            background=rx.color("gray", 3),
            border_radius="var(--radius-2)",
            overflow="hidden",
            aria_hidden="true",
        ),
        rx.text(
            bar.amount,
            size="2",
            weight="medium",
            width="6.5rem",
            text_align="right",
            flex_shrink="0",
        ),
        style={"display": "flex", "align_items": "center", "gap": "0.75rem"},
    )


def resource_bars(title: str, bars: rx.Var[list[ResourceBar]]) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        rx.el.ul(
            rx.foreach(bars, _bar),
            aria_label=f"{title}: capacity, allocatable, requested and used",
            style={
                "display": "flex",
                "flex_direction": "column",
                "gap": "0.6rem",
                "list_style": "none",
                "margin": "0",
                "padding": "0",
                "width": "100%",
            },
        ),
        spacing="3",
        width="100%",
    )


def meter(text: rx.Var[str] | str, ratio: NumberVar[float]) -> rx.Component:
    """A percentage with a thin bar under it; amber from 80%, red from 95%."""
    colour = rx.cond(
        ratio >= 0.95,
        rx.color("red", 9),
        rx.cond(ratio >= 0.8, rx.color("amber", 9), rx.color("indigo", 9)),
    )
    return rx.vstack(
        rx.text(text, size="2"),
        rx.box(
            rx.box(height="100%", width=(ratio * 100).to_string() + "%", background=colour),
            width="3.25rem",
            height="4px",
            background=rx.color("gray", 4),
            border_radius="2px",
            overflow="hidden",
            aria_hidden="true",
        ),
        spacing="1",
    )
