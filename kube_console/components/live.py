"""Keeping a page's data fresh: a timer that asks its state to reload while the tab is visible,
and an "updated 12 s ago" label that counts up in the browser between reloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

REFRESH_SECONDS = 30

# Evaluated in the browser when the timer fires, so a hidden tab asks for nothing.
_TAB_VISIBLE: rx.Var[bool] = rx.Var("document.visibilityState === 'visible'", _var_type=bool)


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
            rx.moment(
                iso_time,
                from_now_short=True,
                interval=1000,
                with_title=True,
                title_format="YYYY-MM-DD HH:mm:ss Z",
            ),
            spacing="1",
            align="center",
            color=rx.color("gray", 11),
            font_size="var(--font-size-1)",
        ),
    )


# services/freshness.exact_age, in the browser: whole seconds -> "42 s", "3 min 05 s", "2 h 04 min".
_EXACT_AGE: rx.Var[Any] = rx.Var(
    "((s) => { const t = Math.max(0, Math.floor(Number(s) || 0)); const p = (n) => String(n).padStart(2, '0');"
    " const d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600), m = Math.floor((t % 3600) / 60);"
    " return d ? `${d} d ${p(h)} h` : h ? `${h} h ${p(m)} min` : m ? `${m} min ${p(t % 60)} s` : `${t} s`; })"
)


def exact_age(iso_time: rx.Var[str], **props: Any) -> rx.Component:
    """How long ago `iso_time` was, to the second ("3 min 05 s"), ticking in the browser."""
    return rx.moment(
        diff=iso_time,
        unit="seconds",
        interval=1000,
        filters=[_EXACT_AGE],
        title=iso_time,
        **props,
    )


def stale_marker(stale: rx.Var[bool], hint: rx.Var[str] | str) -> rx.Component:
    """A small "stale" mark beside a figure older than two sync intervals."""
    return rx.cond(
        stale,
        rx.badge(
            rx.icon("history", size=10),
            "stale",
            color_scheme="amber",
            variant="soft",
            size="1",
            title=hint,
            class_name="stale-marker",
        ),
    )
