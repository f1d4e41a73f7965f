"""Admin → Settings (placeholder until the settings issue replaces this module): admins only."""

from __future__ import annotations

import reflex as rx

from kube_console.components.shell import (
    empty_state,
    loading_rows,
    page_frame,
    page_header,
    refusal_panel,
)
from kube_console.states.admin_settings import SettingsState


def admin_settings_page() -> rx.Component:
    return page_frame(
        "Settings",
        rx.cond(
            SettingsState.refusal,
            refusal_panel("change the organization's settings"),
            rx.cond(
                SettingsState.checked,
                rx.fragment(
                    page_header(
                        "Prices, label keys for teams and cost centers, and sync intervals for your organization."
                    ),
                    empty_state(
                        "settings",
                        "Nothing to set here yet",
                        "Organization settings arrive with cost prices. Until then the console runs on the operator's configuration.",
                    ),
                ),
                loading_rows(),
            ),
        ),
    )
