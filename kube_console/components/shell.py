"""The app shell: sidebar navigation, top bar with the user menu, and the page frame."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.forms import post_form
from kube_console.states.session import SessionState

NAV = [
    ("Overview", "layout-dashboard", routes.OVERVIEW),
    ("Clusters", "server", routes.CLUSTERS),
    ("Costs", "chart-column", routes.COSTS),
    ("Helm releases", "package", routes.HELM),
]
ADMIN_NAV = [
    ("Users", "users", routes.ADMIN_USERS),
    ("Workers", "activity", routes.ADMIN_WORKERS),
    ("Settings", "settings", routes.ADMIN_SETTINGS),
]


def _nav_link(label: str, icon: str, href: str) -> rx.Component:
    active = rx.State.router.url.path == href
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2"), spacing="2", align="center"),
        href=href,
        underline="none",
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="var(--radius-2)",
        width="100%",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        background=rx.cond(active, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("gray", 3)},
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.image(src="/logo.svg", width="28px", height="28px", alt=""),
            rx.heading("kube-console", size="4"),
            align="center",
            spacing="2",
            padding_x="0.75rem",
            padding_bottom="1rem",
        ),
        *[_nav_link(*item) for item in NAV],
        rx.cond(
            SessionState.show_admin_nav,
            rx.vstack(
                rx.text("Admin", size="1", weight="bold", color=rx.color("gray", 10), padding_x="0.75rem", padding_top="1rem"),
                *[_nav_link(*item) for item in ADMIN_NAV],
                spacing="1",
                width="100%",
            ),
        ),
        spacing="1",
        padding="1rem 0.5rem",
        width="220px",
        min_width="220px",
        height="100vh",
        position="sticky",
        top="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=["none", "none", "flex"],
        aria_label="Main navigation",
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user", size=16),
                rx.text(SessionState.display_name, size="2"),
                variant="ghost",
                aria_label="User menu",
            )
        ),
        rx.menu.content(
            rx.box(rx.text(SessionState.org_name, size="1", color=rx.color("gray", 10)), padding="0.25rem 0.5rem"),
            rx.menu.item(rx.link("Profile and API tokens", href=routes.PROFILE, underline="none")),
            rx.menu.separator(),
            post_form(
                rx.el.button(
                    "Sign out",
                    type="submit",
                    style={"all": "unset", "cursor": "pointer", "width": "100%", "padding": "0.25rem 0.5rem"},
                ),
                action=routes.SIGN_OUT_ENDPOINT,
                method="post",
            ),
        ),
    )


def mobile_nav() -> rx.Component:
    """The sidebar's links in a menu, for narrow windows."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(rx.icon_button(rx.icon("menu"), variant="ghost", aria_label="Navigation")),
            rx.menu.content(
                *[rx.menu.item(rx.link(label, href=href, underline="none")) for label, _, href in NAV],
                rx.cond(
                    SessionState.show_admin_nav,
                    rx.fragment(
                        rx.menu.separator(),
                        *[rx.menu.item(rx.link(label, href=href, underline="none")) for label, _, href in ADMIN_NAV],
                    ),
                ),
            ),
        ),
        display=["block", "block", "none"],
    )


def top_bar(title: str) -> rx.Component:
    return rx.hstack(
        mobile_nav(),
        rx.heading(title, size="5"),
        rx.spacer(),
        rx.color_mode.button(variant="ghost", aria_label="Light or dark"),
        user_menu(),
        align="center",
        width="100%",
        padding="0.75rem 1.5rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 1),
        position="sticky",
        top="0",
        z_index="10",
    )


def page_frame(title: str, *children: rx.Component) -> rx.Component:
    """A signed-in page: sidebar, top bar and the page's content."""
    return rx.hstack(
        sidebar(),
        rx.vstack(
            top_bar(title),
            rx.box(*children, padding="1.5rem", width="100%", max_width="1400px"),
            spacing="0",
            width="100%",
            min_height="100vh",
        ),
        spacing="0",
        width="100%",
        align="start",
    )


def empty_state(icon: str, title: str, text: str, action: rx.Component | None = None) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=40, color=rx.color("gray", 9)),
            rx.heading(title, size="4"),
            rx.text(text, color=rx.color("gray", 11), text_align="center", max_width="32rem"),
            action or rx.fragment(),
            align="center",
            spacing="3",
        ),
        padding="4rem 1rem",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-4)",
        width="100%",
    )
