"""The overview dashboard (filled by the cost issue); until there is data, an honest empty state."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.shell import empty_state, page_frame


def overview_page() -> rx.Component:
    return page_frame(
        "Overview",
        empty_state(
            "server",
            "No clusters yet",
            "An admin can register one. Costs, health and inventory appear here after its first sync.",
            rx.link(rx.button("Go to clusters"), href=routes.CLUSTERS),
        ),
    )
