"""Admin → Users: who can sign in to the organization, their roles, and the actions on them."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console.components.badges import active_badge, role_badge
from kube_console.components.dialogs import confirm_dialog, dialog_buttons, form_dialog
from kube_console.components.forms import field
from kube_console.components.shell import loading_rows, page_frame, page_header, refusal_panel
from kube_console.components.tables import data_table, day
from kube_console.security.secrets import MIN_PASSWORD_LENGTH
from kube_console.services.users import UserRow
from kube_console.states.session import SessionState
from kube_console.states.users import UsersState

PASSWORD_HINT = f"At least {MIN_PASSWORD_LENGTH} characters. Share it privately; they can change it on their profile."


def _who(user: ObjectVar[UserRow]) -> rx.Component:
    return rx.hstack(
        rx.avatar(
            fallback=rx.cond(user.display_name, user.display_name, user.email)[0:1].upper(),
            size="2",
            radius="full",
            variant="soft",
            high_contrast=True,
        ),
        rx.cond(
            user.display_name,
            rx.vstack(
                rx.text(user.display_name, weight="medium", size="2"),
                rx.text(user.email, size="1", color=rx.color("gray", 11)),
                spacing="0",
            ),
            rx.text(user.email, weight="medium", size="2"),
        ),
        rx.cond(
            user.email == SessionState.email,
            rx.badge("You", variant="outline", color_scheme="gray"),
        ),
        align="center",
        spacing="3",
    )


def _actions(user: ObjectVar[UserRow]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                color_scheme="gray",
                disabled=UsersState.busy,
                aria_label="Actions for " + user.email,
            )
        ),
        rx.menu.content(
            rx.cond(
                user.role == "admin",
                rx.menu.item(
                    rx.icon("eye", size=14),
                    "Make member",
                    on_select=UsersState.change_role(user.id, "member"),
                ),
                rx.menu.item(
                    rx.icon("shield", size=14),
                    "Make admin",
                    on_select=UsersState.change_role(user.id, "admin"),
                ),
            ),
            rx.menu.item(
                rx.icon("key-round", size=14),
                "Reset password…",
                on_select=UsersState.ask_to_reset_password(user.id),
            ),
            rx.menu.separator(),
            rx.cond(
                user.active,
                rx.menu.item(
                    rx.icon("circle-slash", size=14),
                    "Disable…",
                    color="red",
                    on_select=UsersState.ask_to_disable(user.id),
                ),
                rx.menu.item(
                    rx.icon("circle-check", size=14),
                    "Enable",
                    on_select=UsersState.enable_user(user.id),
                ),
            ),
        ),
    )


def _row(user: ObjectVar[UserRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(_who(user)),
        rx.table.cell(role_badge(user.role)),
        rx.table.cell(active_badge(user.active)),
        rx.table.cell(day(user.created_at), white_space="nowrap"),
        rx.table.cell(_actions(user)),
        align="center",
        opacity=rx.cond(user.active, "1", "0.7"),
    )


def _create_dialog() -> rx.Component:
    errors = UsersState.create_errors
    return form_dialog(
        open=UsersState.create_open,
        on_open_change=UsersState.create_dialog_changed,
        title="Add a user",
        description="They sign in with this e-mail and the temporary password you give them.",
        body=rx.form(
            rx.vstack(
                field(
                    "E-mail",
                    rx.input(name="email", type="email", required=True, auto_complete="off"),
                    errors.get("email", ""),
                ),
                field(
                    "Name",
                    rx.input(name="display_name", placeholder="Optional"),
                    errors.get("display_name", ""),
                ),
                field(
                    "Role",
                    rx.select.root(
                        rx.select.trigger(),
                        rx.select.content(
                            rx.select.item("Member: reads everything", value="member"),
                            rx.select.item(
                                "Admin: also changes clusters, users and settings", value="admin"
                            ),
                        ),
                        name="role",
                        default_value="member",
                    ),
                    errors.get("role", ""),
                ),
                field(
                    "Temporary password",
                    rx.input(
                        name="password",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                    ),
                    errors.get("password", ""),
                    hint=PASSWORD_HINT,
                ),
                dialog_buttons("Add user", UsersState.creating),
                spacing="3",
            ),
            on_submit=UsersState.create_user,
        ),
    )


def _reset_dialog() -> rx.Component:
    errors = UsersState.reset_errors
    return form_dialog(
        open=UsersState.reset_open,
        on_open_change=UsersState.reset_dialog_changed,
        title="Reset password",
        description=rx.text(
            "Choose a new password for ",
            rx.text(UsersState.reset_email, weight="bold", as_="span"),
            ". They are signed out everywhere, and their API tokens are revoked: whoever knew the "
            "old password may have made one.",
        ),
        body=rx.form(
            rx.vstack(
                field(
                    "New password",
                    rx.input(
                        name="password",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                    ),
                    errors.get("password", ""),
                    hint=PASSWORD_HINT,
                ),
                field(
                    "New password again",
                    rx.input(
                        name="password_again",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                    ),
                    errors.get("password_again", ""),
                ),
                rx.checkbox(
                    "Keep their API tokens working (only if nobody else can have known the old password)",
                    name="keep_api_tokens",
                    default_checked=False,
                    size="2",
                ),
                dialog_buttons("Reset password", UsersState.resetting),
                spacing="3",
            ),
            on_submit=UsersState.reset_password,
        ),
    )


def _disable_dialog() -> rx.Component:
    return confirm_dialog(
        open=UsersState.disable_open,
        on_open_change=UsersState.disable_dialog_changed,
        title="Disable this user?",
        description=rx.text(
            rx.text(UsersState.disable_email, weight="bold", as_="span"),
            " is signed out everywhere and can't sign in or use API tokens until an admin enables the account again.",
        ),
        confirm_label="Disable user",
        on_confirm=UsersState.disable_confirmed,
        working=UsersState.disabling,
    )


def _users_table() -> rx.Component:
    return data_table(
        ["User", "Role", "Status", "Added"],
        rx.foreach(UsersState.users, _row),
        label="Users",
    )


def admin_users_page() -> rx.Component:
    return page_frame(
        "Users",
        rx.cond(
            UsersState.refusal,
            refusal_panel("manage users"),
            rx.fragment(
                page_header(
                    "Everyone who can sign in to your organization. Disabled users keep their history but can't sign in.",
                    rx.spinner(loading=UsersState.busy, size="2"),
                    rx.button(
                        rx.icon("user-plus", size=16),
                        "Add user",
                        on_click=UsersState.create_dialog_changed(True),
                    ),
                ),
                rx.cond(UsersState.loaded, _users_table(), loading_rows()),
                _create_dialog(),
                _reset_dialog(),
                _disable_dialog(),
            ),
        ),
    )
