"""The app shell: sidebar navigation, top bar with the global search and the user menu, and the
page frame, plus the page header, empty state and refusal panel every page uses.

From 992 px up the sidebar is always there; below that (tablets at 768 px, phones) a menu
button in the top bar holds the same links.
"""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.demo_banner import demo_banner
from kube_console.components.forms import post_form
from kube_console.components.search import global_search
from kube_console.states.session import SessionState

NAV = [
    ("Overview", "layout-dashboard", routes.OVERVIEW),
    ("Clusters", "server", routes.CLUSTERS),
    ("Pods", "box", routes.PODS),
    ("Costs", "chart-column", routes.COSTS),
    ("Helm releases", "package", routes.HELM),
]
ADMIN_NAV = [
    ("Users", "users", routes.ADMIN_USERS),
    ("Workers", "activity", routes.ADMIN_WORKERS),
    ("Settings", "settings", routes.ADMIN_SETTINGS),
]
SIDEBAR_WIDTH = "232px"
WIDE = rx.breakpoints(initial="none", md="flex")  # md = 62em (992 px)
NARROW = rx.breakpoints(initial="flex", md="none")


def _is_current(href: str) -> rx.Var[bool]:
    path = rx.State.router.url.path
    if href == routes.OVERVIEW:
        return (path == "/") | (path == "")
    return path.startswith(href)


def _nav_link(label: str, icon: str, href: str) -> rx.Component:
    current = _is_current(href)
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16),
            rx.text(label, size="2", weight="medium"),
            spacing="3",
            align="center",
        ),
        href=href,
        underline="none",
        padding="0.5rem 0.75rem",
        border_radius="var(--radius-3)",
        width="100%",
        color=rx.cond(current, rx.color("accent", 12), rx.color("gray", 11)),
        background=rx.cond(current, rx.color("accent", 4), "transparent"),
        aria_current=rx.cond(current, "page", "false"),
        _hover={
            "background": rx.cond(current, rx.color("accent", 5), rx.color("gray", 4)),
            "color": rx.color("gray", 12),
        },
    )


def _section_label(text: str) -> rx.Component:
    return rx.text(
        text,
        size="1",
        weight="bold",
        color=rx.color("gray", 11),
        padding="1.25rem 0.75rem 0.35rem",
        text_transform="uppercase",
        letter_spacing="0.06em",
    )


def _brand() -> rx.Component:
    return rx.hstack(
        rx.image(src="/logo.svg", width="30px", height="30px", alt=""),
        rx.vstack(
            rx.text("kube-console", size="3", weight="bold", line_height="1.1"),
            rx.text(
                SessionState.org_name,
                size="1",
                color=rx.color("gray", 11),
                line_height="1.2",
                trim="both",
            ),
            spacing="0",
        ),
        align="center",
        spacing="2",
        padding="0.25rem 0.75rem 0.5rem",
    )


def sidebar() -> rx.Component:
    """The navigation, sticky, in a column that runs the page's whole length (its background
    and border with it, however long the page)."""
    return rx.box(
        _navigation(),
        style={
            "width": SIDEBAR_WIDTH,
            "min_width": SIDEBAR_WIDTH,
            "border_right": f"1px solid {rx.color('gray', 5)}",
            "background": rx.color("gray", 2),
            "display": WIDE,
        },
    )


def _navigation() -> rx.Component:
    return rx.el.nav(
        rx.vstack(
            _brand(),
            _section_label("Workspace"),
            *[_nav_link(*item) for item in NAV],
            rx.cond(
                SessionState.show_admin_nav,
                rx.vstack(
                    _section_label("Admin"),
                    *[_nav_link(*item) for item in ADMIN_NAV],
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="1",
            width="100%",
        ),
        aria_label="Main navigation",
        style={
            "height": "100vh",
            "position": "sticky",
            "top": "0",
            "padding": "1rem 0.75rem",
            "overflow_y": "auto",
        },
    )


def _menu_link(label: str, icon: str, href: str) -> rx.Component:
    """A menu item that navigates when chosen, wherever it is clicked, or with the keyboard."""
    return rx.menu.item(rx.icon(icon, size=16), label, on_select=rx.redirect(href))


def navigation_menu() -> rx.Component:
    """The sidebar's links behind a menu button, for windows narrower than 992 px."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("menu"),
                    variant="soft",
                    color_scheme="gray",
                    aria_label="Navigation menu",
                )
            ),
            rx.menu.content(
                *[_menu_link(*item) for item in NAV],
                rx.cond(
                    SessionState.show_admin_nav,
                    rx.fragment(
                        rx.menu.separator(),
                        rx.text(
                            "Admin",
                            size="1",
                            weight="bold",
                            color=rx.color("gray", 11),
                            padding="0.25rem 0.75rem",
                        ),
                        *[_menu_link(*item) for item in ADMIN_NAV],
                    ),
                ),
                min_width="220px",
            ),
        ),
        display=NARROW,
    )


SIGN_OUT_FORM_ID = "sign-out-form"


def _sign_out_form() -> rx.Component:
    return post_form(
        id=SIGN_OUT_FORM_ID, action=routes.SIGN_OUT_ENDPOINT, method="post", hidden=True
    )


def user_menu() -> rx.Component:
    # The avatar sits beside the button: its initials inside it would be visible text missing
    # from the button's name.
    avatar = rx.avatar(
        fallback=SessionState.initials,
        size="1",
        radius="full",
        variant="solid",
        high_contrast=True,
        aria_hidden="true",
    )
    return rx.hstack(
        _sign_out_form(),
        avatar,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.text(SessionState.display_name, size="2", class_name="wide-only-text"),
                    rx.icon("chevron-down", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    # The name shown on the button comes first, so speech input ("click Ana Lima")
                    # finds it; the rest says what the button opens.
                    aria_label=SessionState.display_name + ", user menu",
                )
            ),
            rx.menu.content(
                rx.box(
                    rx.text(SessionState.display_name, size="2", weight="medium"),
                    rx.text(SessionState.email, size="1", color=rx.color("gray", 11)),
                    rx.text(SessionState.org_name, size="1", color=rx.color("gray", 11)),
                    padding="0.35rem 0.5rem 0.5rem",
                ),
                rx.menu.separator(),
                _menu_link("Profile and API tokens", "key-round", routes.PROFILE),
                rx.menu.separator(),
                # The menu item is the sign-out form's submit button itself (as_child), so it is
                # one of the menu's items for the arrow keys and screen readers; the form, which a
                # menu can't hold, sits beside the menu.
                rx.menu.item(
                    rx.el.button(
                        rx.icon("log-out", size=16),
                        "Sign out",
                        type="submit",
                        form=SIGN_OUT_FORM_ID,
                    ),
                    as_child=True,
                ),
                min_width="220px",
            ),
            # Not modal: a modal menu hides the page from screen readers with aria-hidden while
            # its controls stay focusable.
            modal=False,
        ),
        align="center",
        spacing="2",
    )


def top_bar(title: str) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            navigation_menu(),
            rx.heading(title, size="5", as_="h1", trim="both", white_space="nowrap"),
            global_search(),
            rx.spacer(),
            rx.color_mode.button(
                variant="ghost", color_scheme="gray", aria_label="Switch light or dark mode"
            ),
            user_menu(),
            align="center",
            spacing="3",
            width="100%",
            padding="0.75rem 1.5rem",
            min_height="56px",
            border_bottom=f"1px solid {rx.color('gray', 5)}",
            background=rx.color("gray", 1),
        ),
        style={"position": "sticky", "top": "0", "z_index": "10", "width": "100%"},
    )


MAIN_ID = "main-content"


def skip_link() -> rx.Component:
    """The first stop of the Tab key on every page: past the navigation, to the page itself."""
    return rx.el.a("Skip to content", href=f"#{MAIN_ID}", class_name="skip-link")


def page_frame(title: str, *children: rx.Component) -> rx.Component:
    """A signed-in page: sidebar, top bar and the page's content."""
    return rx.hstack(
        skip_link(),
        sidebar(),
        rx.vstack(
            demo_banner(),
            top_bar(title),
            rx.el.main(
                rx.vstack(*children, spacing="5", width="100%"),
                id=MAIN_ID,
                tab_index=-1,  # the skip link moves focus here, not only the scroll position
                style={"padding": "1.5rem", "width": "100%", "max_width": "1280px"},
            ),
            spacing="0",
            width="100%",
            min_width="0",
            min_height="100vh",
        ),
        spacing="0",
        width="100%",
        # Stretched, so the sidebar's background runs the page's whole length.
        align="stretch",
        background=rx.color("gray", 1),
    )


def page_header(subtitle: str | rx.Var, *actions: rx.Component) -> rx.Component:
    """The line under the top bar: what the page is for, and its main actions on the right."""
    return rx.flex(
        rx.text(subtitle, color=rx.color("gray", 11), size="2", max_width="60ch"),
        rx.spacer(),
        *actions,
        align="center",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def empty_state(
    icon: str, title: str, text: str, action: rx.Component | None = None
) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=28, color=rx.color("accent", 11)),
                width="56px",
                height="56px",
                border_radius="50%",
                background=rx.color("accent", 3),
            ),
            rx.heading(title, size="4", as_="h2"),
            rx.text(
                text, color=rx.color("gray", 11), text_align="center", max_width="34rem", size="2"
            ),
            action or rx.fragment(),
            align="center",
            spacing="3",
        ),
        padding="4rem 1.5rem",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-4)",
        background=rx.color("gray", 2),
        width="100%",
    )


def refusal_panel(what: str) -> rx.Component:
    """What a member sees on an admin page: why, and what to do about it (never a crash)."""
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon("shield-alert", size=28, color=rx.color("amber", 11)),
                width="56px",
                height="56px",
                border_radius="50%",
                background=rx.color("amber", 3),
            ),
            rx.heading("You need the admin role", size="4", as_="h2"),
            rx.text(
                f"Only admins of your organization can {what}. Ask one of them if you need this.",
                color=rx.color("gray", 11),
                text_align="center",
                max_width="34rem",
                size="2",
            ),
            rx.link(rx.button("Back to the overview", variant="soft"), href=routes.OVERVIEW),
            align="center",
            spacing="3",
        ),
        role="alert",
        padding="4rem 1.5rem",
        border=f"1px solid {rx.color('amber', 6)}",
        border_radius="var(--radius-4)",
        background=rx.color("amber", 2),
        width="100%",
    )


def loading_rows(rows: int = 3) -> rx.Component:
    """Placeholder lines while a page's first load is on its way."""
    return rx.vstack(
        *[rx.skeleton(height="2.5rem", width="100%", loading=True) for _ in range(rows)],
        spacing="2",
        width="100%",
        aria_busy="true",
    )
