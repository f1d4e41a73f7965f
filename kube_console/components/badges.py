"""Small labelled badges: a status is always colour plus words (and an icon), never colour alone."""

from __future__ import annotations

import reflex as rx


def role_badge(role: rx.Var[str]) -> rx.Component:
    return rx.cond(
        role == "admin",
        rx.badge(rx.icon("shield", size=12), "Admin", color_scheme="indigo", variant="soft"),
        rx.badge(rx.icon("eye", size=12), "Member", color_scheme="gray", variant="soft"),
    )


def token_role_badge(role: rx.Var[str]) -> rx.Component:
    return rx.cond(
        role == "admin",
        rx.badge(rx.icon("shield", size=12), "Admin", color_scheme="indigo", variant="soft"),
        rx.badge(rx.icon("eye", size=12), "Read only", color_scheme="gray", variant="soft"),
    )


def active_badge(active: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        active,
        rx.badge(rx.icon("circle-check", size=12), "Active", color_scheme="green", variant="soft"),
        rx.badge(rx.icon("circle-slash", size=12), "Disabled", color_scheme="red", variant="soft"),
    )


def token_status_badge(revoked: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        revoked,
        rx.badge(rx.icon("circle-slash", size=12), "Revoked", color_scheme="red", variant="soft"),
        rx.badge(rx.icon("circle-check", size=12), "Active", color_scheme="green", variant="soft"),
    )


# A cluster's status as the last sync left it (models/cluster.py CLUSTER_STATUSES).
_CLUSTER_STATUSES = {
    "healthy": ("circle-check", "Healthy", "green"),
    "degraded": ("triangle-alert", "Degraded", "amber"),
    "unreachable": ("unplug", "Unreachable", "red"),
    "auth_failed": ("lock-keyhole", "Auth failed", "red"),
    "error": ("circle-x", "Error", "red"),
    "pending": ("clock", "Pending", "gray"),
}


def cluster_status_badge(status: rx.Var[str], size: str = "2") -> rx.Component:
    return rx.match(
        status,
        *[
            (key, rx.badge(rx.icon(icon, size=12), label, color_scheme=colour, variant="soft", size=size))
            for key, (icon, label, colour) in _CLUSTER_STATUSES.items()
        ],
        rx.badge(rx.icon("circle-help", size=12), status, color_scheme="gray", variant="soft", size=size),
    )


def environment_badge(environment: rx.Var[str]) -> rx.Component:
    return rx.badge(
        environment,
        color_scheme=rx.match(environment, ("production", "indigo"), ("staging", "cyan"), "gray"),
        variant="outline",
        radius="full",
    )


def warning_badge(
    icon: str, label: rx.Var[str] | str, *, hint: rx.Var[str] | str, colour: rx.Var[str] | str = "amber"
) -> rx.Component:
    """A caution worth seeing at a glance (insecure TLS, a certificate running out), explained on hover."""
    return rx.tooltip(
        rx.badge(rx.icon(icon, size=12), label, color_scheme=colour, variant="surface", tab_index=0),
        content=hint,
    )
