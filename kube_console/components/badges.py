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
            (
                key,
                rx.badge(
                    rx.icon(icon, size=12), label, color_scheme=colour, variant="soft", size=size
                ),
            )
            for key, (icon, label, colour) in _CLUSTER_STATUSES.items()
        ],
        rx.badge(
            rx.icon("circle-help", size=12), status, color_scheme="gray", variant="soft", size=size
        ),
    )


def environment_badge(environment: rx.Var[str]) -> rx.Component:
    return rx.badge(
        environment,
        color_scheme=rx.match(environment, ("production", "indigo"), ("staging", "cyan"), "gray"),
        variant="outline",
        radius="full",
    )


def hint_badge(
    icon: str,
    label: rx.Var[str] | str,
    *,
    hint: rx.Var[str] | str,
    colour: rx.Var[str] | str = "amber",
    variant: str = "surface",
    size: str = "2",
) -> rx.Component:
    """A badge with a tooltip that explains it. The badge takes focus, so the tooltip opens
    from the keyboard as well as on hover, and screen readers read it as the description."""
    return rx.tooltip(
        rx.badge(
            rx.icon(icon, size=12),
            label,
            color_scheme=colour,
            variant=variant,
            size=size,
            tab_index=0,
        ),
        content=hint,
    )


def warning_badge(
    icon: str,
    label: rx.Var[str] | str,
    *,
    hint: rx.Var[str] | str,
    colour: rx.Var[str] | str = "amber",
) -> rx.Component:
    """A caution worth seeing at a glance (insecure TLS, a certificate running out), explained on hover."""
    return hint_badge(icon, label, hint=hint, colour=colour)


def info_tip(topic: str, text: str) -> rx.Component:
    """An (i) button that shows `text` in a tooltip on hover or focus, named after its topic."""
    return rx.tooltip(
        rx.icon_button(
            rx.icon("info", size=14),
            variant="ghost",
            color_scheme="gray",
            size="1",
            type="button",
            aria_label=f"About {topic}",
        ),
        content=text,
    )
