"""The banner every page shows in the demo (KUBE_CONSOLE_DEMO, `make demo`): its data is not real.

Decided when the pages are compiled: `make demo` builds them with the setting on, `make run`
without it, so the console outside the demo carries no trace of it.
"""

from __future__ import annotations

import reflex as rx

from kube_console.settings import get_settings

DEMO_BANNER_TEXT = "Demo data: served by a built-in fake API server"


def demo_banner() -> rx.Component:
    if not get_settings().demo:
        return rx.fragment()
    return rx.box(
        rx.hstack(
            rx.icon("flask-conical", size=16, aria_hidden="true"),
            rx.text(
                rx.text.strong(DEMO_BANNER_TEXT),
                " — no real cluster is connected; the figures are generated.",
                size="2",
            ),
            align="center",
            justify="center",
            spacing="2",
        ),
        id="demo-banner",
        role="note",
        width="100%",
        padding="0.375rem 1rem",
        background=rx.color("amber", 3),
        color=rx.color("amber", 12),
        border_bottom=f"1px solid {rx.color('amber', 6)}",
    )
