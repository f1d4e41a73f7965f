"""Helm releases (placeholder until the inventory issue replaces this module)."""

from __future__ import annotations

import reflex as rx

from kube_console import routes
from kube_console.components.shell import empty_state, page_frame, page_header


def helm_page() -> rx.Component:
    return page_frame(
        "Helm releases",
        page_header(
            "Every Helm release across your clusters: chart, version, status and namespace."
        ),
        empty_state(
            "package",
            "No Helm releases yet",
            "Releases are read from registered clusters during each sync. Register a cluster to see them here.",
            rx.link(rx.button("Go to clusters", variant="soft"), href=routes.CLUSTERS),
        ),
    )
