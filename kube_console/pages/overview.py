"""The overview dashboard (filled by the cost issue); until there is data, an honest empty state
and the first steps to get some."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.shell import empty_state, page_frame
from kube_console.states.session import SessionState


def _step(icon: str, title: str, text: str, href: str, label: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18, color=rx.color("accent", 11)),
                rx.heading(title, size="3", as_="h3"),
                align="center",
                spacing="2",
            ),
            rx.text(text, size="2", color=rx.color("gray", 11)),
            rx.link(label, href=href, size="2", weight="medium"),
            spacing="2",
            height="100%",
        ),
        size="2",
    )


def overview_page() -> rx.Component:
    return page_frame(
        "Overview",
        empty_state(
            "server",
            "No clusters yet",
            "An admin can register one. Costs, health and inventory appear here after its first sync.",
            rx.link(rx.button("Go to clusters"), href=routes.CLUSTERS),
        ),
        rx.grid(
            _step(
                "server",
                "Register a cluster",
                "Paste a kubeconfig; the console checks it before saving it encrypted.",
                routes.CLUSTERS,
                "Register one",
            ),
            rx.cond(
                SessionState.show_admin_nav,
                _step(
                    "users",
                    "Add your team",
                    "Members read everything; admins also manage clusters, users and prices.",
                    routes.ADMIN_USERS,
                    "Add people",
                ),
            ),
            _step(
                "key-round",
                "Script against the API",
                "Create an API token on your profile for CI jobs and exporters.",
                routes.PROFILE,
                "Create a token",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
    )
