"""Keeping a page's data fresh: a timer that asks its state to reload while the tab is visible,
and an "updated 12 s ago" label that counts up in the browser between reloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

REFRESH_SECONDS = 30

# Evaluated in the browser when the timer fires, so a hidden tab asks for nothing.
_TAB_VISIBLE = rx.Var("document.visibilityState === 'visible'", _var_type=bool)


def auto_refresh(refresh: Callable[[Any], Any], seconds: int = REFRESH_SECONDS) -> rx.Component:
    """Fire `refresh(visible)` every `seconds`; the handler returns early when `visible` is false.

    The handler receives the visibility as an argument because only the browser knows it;
    it must not trust it for anything but skipping work.
    """
    return rx.moment(
        interval=seconds * 1000,
        on_change=lambda _: refresh(_TAB_VISIBLE),
        display="none",
        aria_hidden="true",
    )


def updated_ago(iso_time: rx.Var[str]) -> rx.Component:
    """ "updated 12 s ago", ticking in the browser, with the absolute time on hover."""
    return rx.cond(
        iso_time,
        rx.hstack(
            rx.text("updated", size="1", color=rx.color("gray", 11)),
            rx.moment(iso_time, from_now_short=True, interval=1000, with_title=True, title_format="YYYY-MM-DD HH:mm:ss Z"),
            spacing="1",
            align="center",
            color=rx.color("gray", 11),
            font_size="var(--font-size-1)",
        ),
    )
