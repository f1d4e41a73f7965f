"""Deployment detail: replica health, each container's requests and limits, the workload's share
of its namespace's cost and the figures it rests on, and its pods."""

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
    label_chips,
    section,
)
from kube_console.components.explore_rows import namespace_link, pod_columns, pod_row
from kube_console.components.listing import paged_table
from kube_console.components.shell import empty_state
from kube_console.components.status_badges import workload_health_badge
from kube_console.components.tables import data_table, when
from kube_console.states.explore_view_models import ContainerLimitsRow
from kube_console.states.workload_detail import WorkloadDetailState

State = WorkloadDetailState


def _header() -> rx.Component:
    workload = State.workload
    return detail_header(
        breadcrumbs(
            ("Clusters", routes.CLUSTERS),
            (workload.cluster_name, routes.cluster(workload.cluster_id)),
            (
                workload.namespace,
                rx.cond(
                    workload.namespace_id,
                    routes.namespace(workload.namespace_id),
                    routes.cluster(workload.cluster_id),
                ),
            ),
            (workload.name, ""),
        ),
        [
            rx.heading(workload.name, size="6", as_="h2"),
            workload_health_badge(workload.health),
            deleted_badge(workload.deleted_at),
        ],
        rx.text(
            workload.kind,
            " in ",
            namespace_link(workload.namespace, workload.namespace_id),
            " · created ",
            when(workload.created_at, never="at an unknown time"),
            size="2",
            color=rx.color("gray", 11),
        ),
        state=State,
    )


def _replicas() -> rx.Component:
    workload = State.workload
    return rx.grid(
        figure_card("Desired", workload.desired.to_string(), icon="target"),
        figure_card("Ready", workload.ready.to_string(), icon="circle-check"),
        figure_card("Available", workload.available.to_string(), icon="activity"),
        figure_card("Up to date", workload.updated.to_string(), icon="refresh-cw"),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="3",
        width="100%",
    )


def _container(container: ObjectVar[ContainerLimitsRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(container.name, weight="medium"),
                rx.code(container.image, variant="ghost", size="1", overflow_wrap="anywhere"),
                spacing="1",
            ),
            max_width="24rem",
        ),
        rx.table.cell(container.cpu_request, text_align="right"),
        rx.table.cell(container.cpu_limit, text_align="right"),
        rx.table.cell(container.memory_request, text_align="right"),
        rx.table.cell(container.memory_limit, text_align="right"),
        align="center",
    )


def _containers() -> rx.Component:
    return section(
        "Containers",
        data_table(
            [
                "Container",
                *[
                    (name, "right")
                    for name in ("CPU request", "CPU limit", "Memory request", "Memory limit")
                ],
            ],
            rx.foreach(State.workload.containers, _container),
            "Containers",
            actions=False,
            size="1",
            variant="ghost",
        ),
        rx.text(
            "Per replica, from the pod template. “—” means the container sets none.",
            size="1",
            color=rx.color("gray", 11),
        ),
    )


def _cost_share() -> rx.Component:
    workload = State.workload
    return section(
        "Share of the namespace's cost",
        rx.hstack(
            rx.text(workload.cost, as_="div", size="7", weight="bold"),
            rx.text(
                workload.share_of_namespace,
                " of ",
                workload.namespace_cost,
                size="2",
                color=rx.color("gray", 11),
            ),
            align="baseline",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(
            workload.month, " so far, by its pods' allocation", size="1", color=rx.color("gray", 11)
        ),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label("CPU allocated"), rx.data_list.value(workload.cpu_share)
            ),
            rx.data_list.item(
                rx.data_list.label("Memory allocated"), rx.data_list.value(workload.memory_share)
            ),
            rx.data_list.item(
                rx.data_list.label("Pods counted"),
                rx.data_list.value(workload.pods_counted.to_string()),
            ),
            size="2",
        ),
        rx.text(
            "Allocation is max(request, usage) per container, now. The share applies to the namespace's CPU and memory cost this month.",
            size="1",
            color=rx.color("gray", 11),
        ),
    )


def _pods() -> rx.Component:
    workload = State.workload
    all_pods = (
        routes.PODS
        + "?cluster="
        + workload.cluster_id.to_string()
        + rx.cond(workload.namespace_id, "&namespace=" + workload.namespace_id.to_string(), "")
        + "&owner_kind="
        + workload.kind
        + "&owner="
        + workload.name
    )
    return section(
        "Pods",
        paged_table(
            pod_columns(with_place=False, with_owner=False),
            State.pods,
            lambda row: pod_row(row, with_place=False, with_owner=False),
            State.position,
            label="Pods",
            noun="pods",
            when_empty=empty_state("box", "No pods", "This workload runs no pods right now."),
        ),
        actions=rx.link("Open in the pod list", href=all_pods, size="2"),
    )


def workload_detail_page() -> rx.Component:
    workload = State.workload
    return detail_frame(
        "Workload",
        State,
        loaded=workload,
        missing=("Workload", "Back to clusters", routes.CLUSTERS),
        content=[
            _header(),
            _replicas(),
            _containers(),
            rx.grid(
                _cost_share(),
                section(
                    "Labels and selector",
                    rx.text("Labels", size="1", weight="bold", color=rx.color("gray", 11)),
                    label_chips(workload.labels),
                    rx.text("Selector", size="1", weight="bold", color=rx.color("gray", 11)),
                    label_chips(workload.selector, empty="No selector"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            _pods(),
        ],
    )
