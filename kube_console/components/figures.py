"""Raw figures rendered in the browser, for values the page already holds (no round trip)."""

from __future__ import annotations

import reflex as rx


def duration(milliseconds: rx.Var[float]) -> rx.Var[str]:
    """412 → "412 ms", 1530 → "1.5 s"."""
    return rx.cond(
        milliseconds >= 1000,
        round(milliseconds / 1000, 1).to_string() + " s",
        round(milliseconds).to_string() + " ms",
    )
