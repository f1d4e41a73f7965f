"""Form building blocks: labelled fields with their error, and a form the browser posts itself."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML


class PostForm(BaseHTML):
    """A plain <form> submitted by the browser (no Reflex submit handler), for /auth/* routes
    whose responses set or clear the HttpOnly session cookie."""

    tag = "form"
    action: rx.Var[str]
    method: rx.Var[str]


def post_form(*children: rx.Component, **props) -> rx.Component:
    """A PostForm as wide as the card or menu it sits in (a form in a column would otherwise
    shrink to its widest field)."""
    return PostForm.create(*children, **{"width": "100%", **props})


def field(
    label: str, control: rx.Component, error: rx.Var | str = "", hint: str = ""
) -> rx.Component:
    """A label over its control (wrapping it, so the two are associated), with the field's
    error (or a hint) under it."""
    return rx.vstack(
        rx.el.label(
            rx.text(label, size="2", weight="medium"),
            control,
            style={
                "display": "flex",
                "flex-direction": "column",
                "gap": "0.25rem",
                "width": "100%",
            },
        ),
        rx.cond(
            error,
            rx.text(error, size="1", color=rx.color("red", 11), role="alert"),
            rx.text(hint, size="1", color=rx.color("gray", 11)) if hint else rx.fragment(),
        ),
        spacing="1",
        width="100%",
    )
