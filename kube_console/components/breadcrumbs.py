"""Breadcrumbs: where a drill-down page sits, each step a link back up, the page itself last."""

from __future__ import annotations

import reflex as rx

Crumb = tuple[str | rx.Var, str | rx.Var]  # (label, href); the last crumb's href is not used


def _separator() -> rx.Component:
    return rx.el.li(
        rx.icon("chevron-right", size=14, color=rx.color("gray", 9)),
        aria_hidden="true",
        style={"display": "flex", "align_items": "center"},
    )


def breadcrumbs(*crumbs: Crumb) -> rx.Component:
    items: list[rx.Component] = []
    for index, (label, href) in enumerate(crumbs):
        if index:
            items.append(_separator())
        if index == len(crumbs) - 1:
            items.append(
                rx.el.li(
                    rx.text(label, size="2", weight="medium", aria_current="page", trim="both"),
                    style={"min_width": "0", "overflow_wrap": "anywhere"},
                )
            )
        else:
            items.append(
                rx.el.li(
                    rx.link(label, href=href, size="2", color_scheme="gray", high_contrast=False),
                    style={"white_space": "nowrap"},
                )
            )
    return rx.el.nav(
        rx.el.ol(
            *items,
            style={
                "display": "flex",
                "flex_wrap": "wrap",
                "align_items": "center",
                "gap": "0.35rem",
                "list_style": "none",
                "margin": "0",
                "padding": "0",
            },
        ),
        aria_label="Breadcrumb",
    )
