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
