"""Badges for what the drill-down pages list: a status is colour plus words plus an icon."""

from __future__ import annotations

import reflex as rx
from reflex.vars import StringVar

_POD_PHASES = {
    "Running": ("circle-play", "green"),
    "Pending": ("clock", "amber"),
    "Succeeded": ("circle-check", "blue"),
    "Failed": ("circle-x", "red"),
}
_WORKLOAD_HEALTH = {
    "healthy": ("circle-check", "Healthy", "green"),
    "progressing": ("loader", "Progressing", "blue"),
    "degraded": ("triangle-alert", "Degraded", "amber"),
    "down": ("circle-x", "Down", "red"),
    "scaled_down": ("circle-pause", "Scaled to zero", "gray"),
}
_HELM_STATUSES = {
    "deployed": ("circle-check", "green"),
    "failed": ("circle-x", "red"),
    "pending-install": ("clock", "amber"),
    "pending-upgrade": ("clock", "amber"),
    "pending-rollback": ("clock", "amber"),
    "superseded": ("history", "gray"),
    "uninstalling": ("trash-2", "gray"),
    "uninstalled": ("circle-slash", "gray"),
}


def _badge(icon: str, label: str | rx.Var, colour: str) -> rx.Component:
    return rx.badge(
        rx.icon(icon, size=12), label, color_scheme=colour, variant="soft", white_space="nowrap"
    )


def pod_phase_badge(phase: rx.Var[str]) -> rx.Component:
    return rx.match(
        phase,
        *[(name, _badge(icon, name, colour)) for name, (icon, colour) in _POD_PHASES.items()],
        _badge("circle-help", phase, "gray"),
    )


def workload_health_badge(health: rx.Var[str]) -> rx.Component:
    return rx.match(
        health,
        *[
            (key, _badge(icon, label, colour))
            for key, (icon, label, colour) in _WORKLOAD_HEALTH.items()
        ],
        _badge("circle-help", health, "gray"),
    )


def helm_status_badge(status: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        *[(name, _badge(icon, name, colour)) for name, (icon, colour) in _HELM_STATUSES.items()],
        _badge("circle-help", status, "gray"),
    )


def node_status_badge(ready: rx.Var[bool], cordoned: rx.Var[bool]) -> rx.Component:
    return rx.hstack(
        rx.cond(
            ready,
            _badge("circle-check", "Ready", "green"),
            _badge("circle-x", "Not ready", "red"),
        ),
        rx.cond(cordoned, _badge("ban", "Cordoned", "amber")),
        spacing="1",
        wrap="wrap",
    )


def check_badge(ok: rx.Var[bool], yes: str, no: str) -> rx.Component:
    return rx.cond(ok, _badge("circle-check", yes, "green"), _badge("circle-x", no, "red"))


def spot_badge(spot: rx.Var[bool]) -> rx.Component:
    """Spot capacity is flagged; on-demand, the usual case, goes unmarked."""
    return rx.cond(spot, _badge("zap", "Spot", "violet"))


def container_state_badge(state: StringVar, running: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        running,
        _badge("circle-play", state, "green"),
        rx.cond(
            state.contains("waiting"),
            _badge("clock", state, "amber"),
            _badge("circle-stop", state, "gray"),
        ),
    )
