"""The first-run setup page and the sign-in page."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.demo_banner import demo_banner
from kube_console.components.forms import field, post_form
from kube_console.pages.profile import password_form
from kube_console.states.profile import ChangePasswordState
from kube_console.states.session import SETUP_FORM_ID, SetupState, SignInState


def _card(title: str, subtitle: str, *children: rx.Component) -> rx.Component:
    return rx.el.main(
        rx.center(
            rx.card(
                rx.vstack(
                    demo_banner(),
                    rx.hstack(
                        rx.image(src="/logo.svg", width="32px", height="32px", alt=""),
                        rx.heading("kube-console", size="5"),
                        align="center",
                        spacing="2",
                    ),
                    rx.heading(title, size="6"),
                    rx.text(subtitle, color=rx.color("gray", 11), size="2"),
                    *children,
                    spacing="4",
                    width="100%",
                ),
                size="4",
                width="100%",
                max_width="420px",
            ),
            min_height="100vh",
            padding="1rem",
            background=rx.color("gray", 2),
        )
    )


def setup_page() -> rx.Component:
    errors = SetupState.errors
    return _card(
        "Set up your console",
        "Create your organization and its first admin. This page disappears once it is done.",
        rx.form(
            rx.vstack(
                field(
                    "Organization",
                    rx.input(name="org_name", placeholder="Acme Platform", required=True),
                    errors.get("org_name", ""),
                ),
                field("Your name", rx.input(name="display_name", placeholder="Ana Lima")),
                field(
                    "E-mail",
                    rx.input(name="email", type="email", required=True),
                    errors.get("email", ""),
                ),
                field(
                    "Password",
                    rx.input(name="password", type="password", required=True),
                    errors.get("password", ""),
                    hint="At least 10 characters.",
                ),
                field(
                    "Password again",
                    rx.input(name="password_again", type="password", required=True),
                    errors.get("password_again", ""),
                ),
                # Once the admin exists the page posts this very form to sign them in.
                rx.el.input(type="hidden", name="next", value=routes.OVERVIEW),
                rx.button(
                    rx.cond(SetupState.saving, rx.spinner(size="2"), rx.fragment()),
                    "Create organization and admin",
                    type="submit",
                    disabled=SetupState.saving,
                    width="100%",
                ),
                spacing="3",
            ),
            on_submit=SetupState.submit,
            id=SETUP_FORM_ID,
            action=routes.SIGN_IN_ENDPOINT,
            method="post",
            width="100%",
        ),
    )


def login_page() -> rx.Component:
    return _card(
        "Sign in",
        "Use the account an admin of your organization gave you.",
        rx.cond(
            SignInState.notice,
            rx.callout(SignInState.notice, icon="info", color_scheme="green", size="1"),
        ),
        rx.cond(
            SignInState.error,
            rx.callout(
                SignInState.error, icon="triangle-alert", color_scheme="red", size="1", role="alert"
            ),
        ),
        post_form(
            rx.vstack(
                field(
                    "E-mail",
                    rx.input(name="email", type="email", required=True, auto_complete="username"),
                ),
                field(
                    "Password",
                    rx.input(
                        name="password",
                        type="password",
                        required=True,
                        auto_complete="current-password",
                    ),
                ),
                rx.el.input(type="hidden", name="next", value=SignInState.next_path),
                rx.button("Sign in", type="submit", width="100%"),
                spacing="3",
            ),
            action=routes.SIGN_IN_ENDPOINT,
            method="post",
        ),
    )


def change_password_page() -> rx.Component:
    """Where a user whose password an admin set is sent until they choose their own."""
    return _card(
        "Choose your password",
        "An admin set the password you signed in with. Choose one only you know to continue.",
        rx.text(ChangePasswordState.email, size="2", weight="medium"),
        password_form(
            ChangePasswordState.password_errors,
            ChangePasswordState.changing_password,
            ChangePasswordState.submit,
            button="Save and continue",
        ),
    )
