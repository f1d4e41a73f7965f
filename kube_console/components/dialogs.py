"""Dialogs: a confirmation before anything destructive, and a dialog around a form."""

from __future__ import annotations

import reflex as rx


def confirm_dialog(
    *,
    open: rx.Var[bool],
    on_open_change: rx.EventHandler,
    title: str,
    description: rx.Component,
    confirm_label: str,
    on_confirm: rx.EventHandler,
    working: rx.Var[bool],
) -> rx.Component:
    """An alert dialog whose red button is the only way to go ahead; Escape or Cancel backs out.

    The red button is not an `AlertDialog.Action`, which would close the dialog (and send
    `on_open_change(False)`) in the same click: `on_confirm` closes it once it is done, and
    meanwhile the button shows progress.
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", disabled=working)
                ),
                rx.button(
                    rx.spinner(loading=working, size="2"),
                    confirm_label,
                    color_scheme="red",
                    on_click=on_confirm,
                    disabled=working,
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="460px",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def form_dialog(
    *,
    open: rx.Var[bool],
    on_open_change: rx.EventHandler,
    title: str,
    description: str | rx.Var | rx.Component,
    body: rx.Component,
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(
                description, size="2", color=rx.color("gray", 11), margin_bottom="1rem"
            ),
            body,
            max_width="480px",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def dialog_buttons(submit_label: str, saving: rx.Var[bool]) -> rx.Component:
    """Cancel and the submit button, which shows progress and can't be pressed twice."""
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(
            rx.spinner(loading=saving, size="2"), submit_label, type="submit", disabled=saving
        ),
        spacing="3",
        justify="end",
        width="100%",
        margin_top="0.5rem",
    )
