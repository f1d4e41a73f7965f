"""Raw figures rendered in the browser, for values the page already holds (no round trip)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import NumberVar

from kube_console.formatting import noun_for


def duration(milliseconds: NumberVar[float]) -> rx.Var[str]:
    """412 → "412 ms", 1530 → "1.5 s"."""
    return rx.cond(
        milliseconds >= 1000,
        round(milliseconds / 1000, 1).to_string() + " s",
        round(milliseconds).to_string() + " ms",
    )


def counted(count: NumberVar[int], singular: str, plural: str | None = None) -> rx.Var[str]:
    """formatting.counted for a count the page holds: "1 node", "3 nodes"."""
    return count.to_string() + rx.cond(
        count == 1, f" {noun_for(1, singular, plural)}", f" {noun_for(2, singular, plural)}"
    )
