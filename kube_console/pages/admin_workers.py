"""Admin → Workers (placeholder until the scheduler issue replaces this module): admins only."""

from __future__ import annotations

import reflex as rx

from kube_console.components.shell import (
    empty_state,
    loading_rows,
    page_frame,
    page_header,
    refusal_panel,
)
from kube_console.states.admin_workers import WorkersState


def admin_workers_page() -> rx.Component:
    return page_frame(
        "Workers",
        rx.cond(
            WorkersState.refusal,
            refusal_panel("see the background workers"),
            rx.cond(
                WorkersState.checked,
                rx.fragment(
                    page_header(
                        "The scheduler that syncs clusters and works out costs: which process leads, and how its runs went."
                    ),
                    empty_state(
                        "activity",
                        "Worker status isn't shown here yet",
                        "The scheduler runs in the background. Which process leads it, and each "
                        "cluster sync and cost run with its errors, will be listed on this page.",
                    ),
                ),
                loading_rows(),
            ),
        ),
    )
