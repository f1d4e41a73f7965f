"""Helm release detail: its current revision (chart, app version, status, Helm's description)
and every revision Helm keeps, newest first. Values are never read, so never shown."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.breadcrumbs import breadcrumbs
from kube_console.components.drilldown import (
    deleted_badge,
    detail_frame,
    detail_header,
    figure_card,
    section,
)
from kube_console.components.explore_rows import cluster_link, namespace_link
from kube_console.components.status_badges import helm_status_badge
from kube_console.components.tables import data_table, when
from kube_console.states.explore_view_models import HelmRevisionView
from kube_console.states.helm_release import HelmReleaseState

State = HelmReleaseState


def _header() -> rx.Component:
    release = State.release.release
    return detail_header(
        breadcrumbs(
            ("Helm releases", routes.HELM),
            (release.cluster_name, routes.HELM + "?cluster=" + release.cluster_id.to_string()),
            (release.name, ""),
        ),
        [
            rx.heading(release.name, size="6", as_="h2", overflow_wrap="anywhere"),
            helm_status_badge(release.status),
            deleted_badge(State.release.deleted_at, "Uninstalled"),
        ],
        rx.text(
            "Helm release in ",
            namespace_link(release.namespace, release.namespace_id),
            " on ",
            cluster_link(release.cluster_name, release.cluster_id),
            size="2",
            color=rx.color("gray", 11),
        ),
        state=State,
    )


def _figures() -> rx.Component:
    release = State.release.release
    return rx.grid(
        figure_card("Chart", release.chart + " " + release.chart_version, icon="package"),
        figure_card("App version", release.app_version, icon="tag"),
        figure_card("Revision", release.revision.to_string(), icon="history"),
        figure_card(
            "Updated",
            when(release.updated_at, never="—"),
            hint=State.release.description,
            icon="clock",
        ),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="3",
        width="100%",
    )


def _revision(revision: ObjectVar[HelmRevisionView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(revision.revision.to_string(), text_align="right"),
        rx.table.cell(helm_status_badge(revision.status)),
        rx.table.cell(rx.code(revision.chart, variant="ghost"), white_space="nowrap"),
        rx.table.cell(rx.code(revision.app_version, variant="ghost"), white_space="nowrap"),
        rx.table.cell(when(revision.updated_at, never="—"), white_space="nowrap"),
        rx.table.cell(rx.text(revision.description, overflow_wrap="anywhere")),
        align="center",
    )


def _history() -> rx.Component:
    return section(
        "Revision history",
        rx.cond(
            State.release.history.length() > 0,
            data_table(
                [
                    ("Revision", "right"),
                    "Status",
                    "Chart",
                    "App version",
                    "Updated",
                    "Description",
                ],
                rx.foreach(State.release.history, _revision),
                "Revision history, newest first",
                actions=False,
                size="1",
                variant="ghost",
            ),
            rx.text(
                "No history synced yet: it appears after the next sync.",
                size="2",
                color=rx.color("gray", 11),
            ),
        ),
    )


def helm_release_page() -> rx.Component:
    return detail_frame(
        "Helm release",
        State,
        loaded=State.release,
        missing=("Helm release", "Back to Helm releases", routes.HELM),
        content=[_header(), _figures(), _history()],
    )
