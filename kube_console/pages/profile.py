"""Profile: the signed-in user's account, API tokens and password."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.components.badges import token_role_badge, token_status_badge
from kube_console.components.dialogs import dialog_buttons, form_dialog
from kube_console.components.forms import field
from kube_console.components.shell import empty_state, loading_rows, page_frame
from kube_console.components.tables import data_table, day, when
from kube_console.security.secrets import MIN_PASSWORD_LENGTH
from kube_console.services.tokens import ApiTokenRow
from kube_console.states.profile import NEW_API_TOKEN, ProfileState
from kube_console.states.session import SessionState


def _section(title: str, text: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, size="2", color=rx.color("gray", 11)),
            *children,
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _account() -> rx.Component:
    return rx.hstack(
        rx.avatar(fallback=SessionState.initials, size="5", radius="full", high_contrast=True),
        rx.vstack(
            rx.heading(SessionState.display_name, size="5", as_="h2"),
            rx.text(SessionState.email, size="2", color=rx.color("gray", 11)),
            rx.text(SessionState.org_name, size="2", color=rx.color("gray", 11)),
            spacing="1",
        ),
        spacing="4",
        align="center",
    )


def _revoke_button(token: ObjectVar[ApiTokenRow]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Revoke",
                size="1",
                variant="soft",
                color_scheme="red",
                disabled=ProfileState.revoking,
                aria_label="Revoke " + token.name,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Revoke this token?"),
            rx.alert_dialog.description(
                rx.text(
                    "Scripts using ",
                    rx.text(token.name, weight="bold", as_="span"),
                    " (",
                    rx.code(token.prefix + "…"),
                    ") are refused from the next request on. This can't be undone.",
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Revoke token",
                        color_scheme="red",
                        on_click=ProfileState.revoke_token(token.id),
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="460px",
        ),
    )


def _token_row(token: ObjectVar[ApiTokenRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(token.name, weight="medium")),
        rx.table.cell(rx.code(token.prefix + "…", variant="ghost")),
        rx.table.cell(token_role_badge(token.role)),
        rx.table.cell(day(token.created_at), white_space="nowrap"),
        rx.table.cell(when(token.last_used_at), white_space="nowrap"),
        rx.table.cell(token_status_badge(token.revoked)),
        rx.table.cell(rx.cond(token.revoked, rx.fragment(), _revoke_button(token))),
        align="center",
    )


def _tokens_table() -> rx.Component:
    return rx.cond(
        ProfileState.tokens,
        data_table(
            ["Name", "Prefix", "Access", "Created", "Last used", "Status"],
            rx.foreach(ProfileState.tokens, _token_row),
            label="API tokens",
        ),
        empty_state(
            "key-round",
            "No API tokens yet",
            "Create one for a script or CI job. It acts as you, with at most your role.",
        ),
    )


def _new_token_shown() -> rx.Component:
    return rx.vstack(
        rx.callout(
            "Copy it now: this is the only time it is shown. Only a hash is stored, so nobody can show it again.",
            icon="triangle-alert",
            color_scheme="amber",
            size="1",
        ),
        rx.text(
            "Token ", rx.text(ProfileState.new_token_name, weight="bold", as_="span"), size="2"
        ),
        rx.hstack(
            rx.input(
                value=NEW_API_TOKEN.value,
                read_only=True,
                aria_label="New API token",
                width="100%",
                font_family="var(--code-font-family)",
            ),
            rx.icon_button(
                rx.icon("copy", size=16),
                on_click=[
                    rx.set_clipboard(NEW_API_TOKEN.value),
                    rx.toast.success("Token copied to the clipboard."),
                ],
                aria_label="Copy token",
                type="button",
            ),
            width="100%",
            spacing="2",
        ),
        rx.text(
            "Send it as ",
            rx.code("Authorization: Bearer <token>"),
            ".",
            size="1",
            color=rx.color("gray", 11),
        ),
        rx.hstack(
            rx.dialog.close(rx.button("I have copied it", type="button")),
            justify="end",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _new_token_form() -> rx.Component:
    errors = ProfileState.token_errors
    return rx.form(
        rx.vstack(
            field(
                "Name",
                rx.input(name="name", placeholder="e.g. grafana-exporter", required=True),
                errors.get("name", ""),
                hint="What or who uses it, so you know what breaks when you revoke it.",
            ),
            field(
                "Access",
                rx.select.root(
                    rx.select.trigger(),
                    rx.select.content(
                        rx.select.item("Read only", value="read"),
                        rx.cond(
                            SessionState.show_admin_nav,
                            rx.select.item("Admin (same as your role)", value="admin"),
                        ),
                    ),
                    name="role",
                    default_value="read",
                ),
                errors.get("role", ""),
            ),
            dialog_buttons("Create token", ProfileState.creating_token),
            spacing="3",
        ),
        on_submit=ProfileState.create_token,
    )


def _token_dialog() -> rx.Component:
    return form_dialog(
        open=ProfileState.token_dialog_open,
        on_open_change=ProfileState.token_dialog_changed,
        title=rx.cond(ProfileState.new_token_name, "Your new API token", "Create an API token"),
        description="API tokens let scripts read the console's REST API as you.",
        body=rx.cond(ProfileState.new_token_name, _new_token_shown(), _new_token_form()),
    )


def password_form(
    errors: ObjectVar[dict[str, str]],
    changing: rx.Var[bool],
    on_submit: Any,
    key: rx.Var | int = 0,
    button: str = "Change password",
) -> rx.Component:
    """Current password, new password and again, each with its error (the profile's form, and
    the change-password page's)."""
    return rx.form(
        rx.vstack(
            field(
                "Current password",
                rx.input(
                    name="current_password",
                    type="password",
                    required=True,
                    auto_complete="current-password",
                ),
                errors.get("current_password", ""),
            ),
            field(
                "New password",
                rx.input(
                    name="new_password",
                    type="password",
                    required=True,
                    auto_complete="new-password",
                ),
                errors.get("new_password", ""),
                hint=f"At least {MIN_PASSWORD_LENGTH} characters.",
            ),
            field(
                "New password again",
                rx.input(
                    name="new_password_again",
                    type="password",
                    required=True,
                    auto_complete="new-password",
                ),
                errors.get("new_password_again", ""),
            ),
            rx.button(
                rx.spinner(loading=changing, size="2"),
                button,
                type="submit",
                disabled=changing,
            ),
            spacing="3",
            max_width="420px",
            align="start",
        ),
        on_submit=on_submit,
        key=key,
    )


def profile_page() -> rx.Component:
    return page_frame(
        "Profile",
        _account(),
        _section(
            "API tokens",
            "Tokens let scripts call the REST API as you. A token never has more access than you do, and stops working when you are disabled.",
            rx.hstack(
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=16),
                    "Create token",
                    on_click=ProfileState.token_dialog_changed(True),
                ),
                width="100%",
            ),
            rx.cond(ProfileState.loaded, _tokens_table(), loading_rows(2)),
        ),
        _section(
            "Password",
            "Changing it signs you out everywhere else.",
            password_form(
                ProfileState.password_errors,
                ProfileState.changing_password,
                ProfileState.change_password,
                key=ProfileState.password_form_key,
            ),
        ),
        _token_dialog(),
    )
