"""Costs (placeholder until the cost issue replaces this module)."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.shell import empty_state, page_frame, page_header


def costs_page() -> rx.Component:
    return page_frame(
        "Costs",
        page_header("What each cluster, namespace and team costs, hour by hour."),
        empty_state(
            "chart-column",
            "No costs yet",
            "Costs are worked out from the usage of registered clusters, so there is nothing to show until a cluster has synced.",
            rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
        ),
    )
