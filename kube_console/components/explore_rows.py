"""The rows of the drill-down tables, with their columns: each name links one level down, each
figure carries its unit, each status its words, each time its exact value on hover."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.listing import Column
from kube_console.components.resource_bars import meter
from kube_console.components.status_badges import (
    helm_status_badge,
    node_status_badge,
    pod_phase_badge,
    spot_badge,
    workload_health_badge,
)
from kube_console.components.tables import when
from kube_console.states.explore_view_models import (
    HelmTableRow,
    NamespaceTableRow,
    NodeTableRow,
    PodTableRow,
    PvcTableRow,
    WorkloadTableRow,
)


def _muted(text: rx.Var | str) -> rx.Component:
    return rx.text(text, size="1", color=rx.color("gray", 11))


def _figure(text: rx.Var | str) -> rx.Component:
    return rx.table.cell(text, text_align="right", white_space="nowrap")


def _name_link(text: rx.Var[str], href: rx.Var[str] | str) -> rx.Component:
    return rx.table.row_header_cell(
        rx.link(text, href=href, weight="medium", overflow_wrap="anywhere"),
        min_width="12rem",
    )


def namespace_link(name: rx.Var[str], namespace_id: rx.Var[int]) -> rx.Component:
    """The namespace's page, or just its name when it is not synced (id 0)."""
    return rx.cond(
        namespace_id,
        rx.link(name, href=routes.namespace(namespace_id), overflow_wrap="anywhere"),
        rx.text(name, as_="span"),
    )


def cluster_link(name: rx.Var[str], cluster_id: rx.Var[int]) -> rx.Component:
    return rx.link(name, href=routes.cluster(cluster_id), white_space="nowrap")


def _age(created_at: rx.Var[str]) -> rx.Component:
    return rx.table.cell(when(created_at, never="—"), white_space="nowrap")


NAMESPACE_COLUMNS = [
    Column("Namespace", "name"),
    Column("Team · cost center", "team"),
    Column("Pods running", "pods", numeric=True),
    Column("CPU requested", "cpu_request", numeric=True),
    Column("Memory requested", "memory_request", numeric=True),
    Column("Cost this month", "cost", numeric=True),
    Column("Age", "age"),
]


def _requested_and_used(requested: rx.Var[str], used: rx.Var[str]) -> rx.Component:
    """A request, with what is used of it under it."""
    return rx.table.cell(
        rx.vstack(
            rx.text(requested, size="2"),
            rx.text("used ", used, size="1", color=rx.color("gray", 11)),
            spacing="0",
            align="end",
        ),
        white_space="nowrap",
    )


def namespace_row(row: ObjectVar[NamespaceTableRow]) -> rx.Component:
    return rx.table.row(
        _name_link(row.name, routes.namespace(row.id)),
        rx.table.cell(
            rx.vstack(rx.text(row.team, size="2"), _muted(row.cost_center), spacing="0"),
        ),
        _figure(row.pods),
        _requested_and_used(row.cpu_request, row.cpu_usage),
        _requested_and_used(row.memory_request, row.memory_usage),
        _figure(rx.text(row.cost, weight="medium")),
        _age(row.created_at),
        align="center",
    )


NODE_COLUMNS = [
    Column("Node", "name"),
    Column("Status", "status"),
    Column("Instance", "instance_type"),
    Column("Allocatable", "cpu_allocatable", numeric=True),
    Column("Price / hour", numeric=True),
    Column("CPU req.", "cpu_requested"),
    Column("Mem. req.", "memory_requested"),
    Column("CPU used", "cpu_used"),
    Column("Mem. used", "memory_used"),
    Column("Pods", "pods", numeric=True),
    Column("Age", "age"),
]


def _figure_over_note(figure: rx.Var[str], note: rx.Var[str], **cell: Any) -> rx.Component:
    """A right-aligned figure with a quieter line under it (memory under cores, a source)."""
    return rx.table.cell(
        rx.vstack(rx.text(figure, size="2"), _muted(note), spacing="0", align="end"), **cell
    )


def node_row(row: ObjectVar[NodeTableRow], cluster_id: rx.Var[int]) -> rx.Component:
    # Node names are DNS labels: safe in a query string as they are.
    pods_on_node = f"{routes.PODS}?cluster={cluster_id}&node={row.name}"
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row.name, weight="medium", size="2", overflow_wrap="anywhere"),
                rx.hstack(
                    _muted(row.roles),
                    rx.link("Pods on this node", href=pods_on_node, size="1"),
                    spacing="2",
                ),
                spacing="0",
            ),
            min_width="13rem",
        ),
        rx.table.cell(node_status_badge(row.ready, row.cordoned)),
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.text(row.instance_type, size="2"),
                    spot_badge(row.spot),
                    spacing="2",
                    align="center",
                ),
                _muted(row.zone),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        _figure_over_note(row.allocatable_cpu, row.allocatable_memory, white_space="nowrap"),
        _figure_over_note(row.price, row.price_source, title=row.price_source),
        rx.table.cell(meter(row.cpu_requested, row.cpu_requested_ratio)),
        rx.table.cell(meter(row.memory_requested, row.memory_requested_ratio)),
        rx.table.cell(meter(row.cpu_used, row.cpu_used_ratio)),
        rx.table.cell(meter(row.memory_used, row.memory_used_ratio)),
        _figure(row.pods),
        _age(row.created_at),
        align="center",
    )


def workload_columns(*, with_namespace: bool) -> list[Column]:
    return [
        Column("Workload", "name"),
        Column("Kind", "kind"),
        *([Column("Namespace", "namespace")] if with_namespace else []),
        Column("Ready", "ready"),
        Column("Available", numeric=True),
        Column("Up to date", numeric=True),
        Column("CPU request / replica", "cpu_request", numeric=True),
        Column("Memory request / replica", "memory_request", numeric=True),
        Column("Age", "age"),
    ]


def workload_row(row: ObjectVar[WorkloadTableRow], *, with_namespace: bool) -> rx.Component:
    return rx.table.row(
        _name_link(row.name, routes.workload(row.id)),
        rx.table.cell(_muted(row.kind)),
        *(
            [rx.table.cell(namespace_link(row.namespace, row.namespace_id))]
            if with_namespace
            else []
        ),
        rx.table.cell(
            rx.hstack(
                rx.text(row.ready, weight="medium", white_space="nowrap"),
                workload_health_badge(row.health),
                spacing="2",
                align="center",
            )
        ),
        _figure(row.available.to_string()),
        _figure(row.updated.to_string()),
        _figure(row.cpu_request),
        _figure(row.memory_request),
        _age(row.created_at),
        align="center",
    )


def pod_columns(*, with_place: bool, with_owner: bool = True) -> list[Column]:
    """`with_place`: each pod's namespace and cluster under its name, for lists spanning them;
    `with_owner`: its owner, for lists of more than one workload's pods."""
    return [
        Column("Pod", "name"),
        Column("Phase", "phase"),
        Column("Restarts", "restarts", numeric=True),
        Column("Node", "node"),
        *([Column("Owner")] if with_owner else []),
        Column("CPU requested", "cpu_request", numeric=True),
        Column("Memory requested", "memory_request", numeric=True),
        Column("Age", "age"),
    ]


def owner_link(kind: rx.Var[str], name: rx.Var[str], workload_id: rx.Var[int]) -> rx.Component:
    """The owning workload's page when it is synced, else its kind and name; "None" for a bare pod."""
    label = rx.vstack(_muted(kind), rx.text(name, size="2", white_space="nowrap"), spacing="0")
    return rx.cond(
        workload_id,
        rx.link(label, href=routes.workload(workload_id)),
        rx.cond(name, label, _muted("None")),
    )


def pod_row(
    row: ObjectVar[PodTableRow], *, with_place: bool, with_owner: bool = True
) -> rx.Component:
    pods_on_node = f"{routes.PODS}?cluster={row.cluster_id}&node={row.node}"
    name = rx.link(row.name, href=routes.pod(row.id), weight="medium", white_space="nowrap")
    if with_place:
        name = rx.vstack(
            name,
            rx.hstack(
                namespace_link(row.namespace, row.namespace_id),
                rx.text("·", aria_hidden="true"),
                cluster_link(row.cluster_name, row.cluster_id),
                spacing="1",
                font_size="var(--font-size-1)",
                color=rx.color("gray", 11),
            ),
            spacing="0",
        )
    return rx.table.row(
        rx.table.row_header_cell(name),
        rx.table.cell(
            rx.vstack(
                pod_phase_badge(row.phase),
                rx.cond(
                    row.reason,
                    rx.text(
                        row.reason,
                        size="1",
                        weight="medium",
                        color=rx.color("amber", 11),
                        title=rx.cond(row.reason_message, row.reason_message, row.reason),
                    ),
                    _muted(row.ready + " ready"),
                ),
                spacing="1",
            ),
            white_space="nowrap",
        ),
        _figure(
            rx.text(
                row.restarts.to_string(),
                color=rx.cond(row.restarts > 0, rx.color("amber", 11), "inherit"),
                weight=rx.cond(row.restarts > 0, "bold", "regular"),
            )
        ),
        rx.table.cell(
            rx.cond(
                row.node,
                rx.link(
                    row.node,
                    href=pods_on_node,
                    size="2",
                    title=row.node + ": pods on this node",
                    display="block",
                    max_width="11rem",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                ),
                _muted("Not scheduled"),
            ),
        ),
        *(
            [rx.table.cell(owner_link(row.owner_kind, row.owner_name, row.workload_id))]
            if with_owner
            else []
        ),
        _requested_and_used(row.cpu_request, row.cpu_usage),
        _requested_and_used(row.memory_request, row.memory_usage),
        _age(row.created_at),
        align="center",
    )


PVC_COLUMNS = [
    Column("Claim", "name"),
    Column("Phase", "phase"),
    Column("Storage class", "storage_class"),
    Column("Capacity", "capacity", numeric=True),
    Column("Access modes"),
    Column("Mounted by"),
    Column("Age", "age"),
]


def pvc_row(row: ObjectVar[PvcTableRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(row.name, weight="medium", overflow_wrap="anywhere")),
        rx.table.cell(
            rx.badge(
                rx.cond(row.phase == "Bound", rx.icon("link", size=12), rx.icon("clock", size=12)),
                row.phase,
                color_scheme=rx.cond(row.phase == "Bound", "green", "amber"),
                variant="soft",
            )
        ),
        rx.table.cell(row.storage_class),
        _figure(row.capacity),
        rx.table.cell(_muted(row.access_modes)),
        rx.table.cell(_muted(row.mounted_by), max_width="18rem", overflow_wrap="anywhere"),
        _age(row.created_at),
        align="center",
    )


def helm_columns(*, with_cluster: bool) -> list[Column]:
    return [
        Column("Release", "name"),
        Column("Namespace", "namespace"),
        *([Column("Cluster", "cluster")] if with_cluster else []),
        Column("Chart", "chart"),
        Column("Chart version"),
        Column("App version"),
        Column("Status", "status"),
        Column("Revision", "revision", numeric=True),
        Column("Updated", "updated"),
    ]


def helm_row(
    row: ObjectVar[HelmTableRow], *, with_cluster: bool, chart_href: rx.Var[str] | None = None
) -> rx.Component:
    """`chart_href`: where the chart name links (the list filtered by it), when it links."""
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                row.name, href=routes.helm_release(row.id), weight="medium", white_space="nowrap"
            )
        ),
        rx.table.cell(namespace_link(row.namespace, row.namespace_id)),
        *([rx.table.cell(cluster_link(row.cluster_name, row.cluster_id))] if with_cluster else []),
        rx.table.cell(
            rx.link(row.chart, href=chart_href, title="Only this chart")
            if chart_href is not None
            else rx.text(row.chart),
            white_space="nowrap",
        ),
        rx.table.cell(rx.code(row.chart_version, variant="ghost"), white_space="nowrap"),
        rx.table.cell(rx.code(row.app_version, variant="ghost"), white_space="nowrap"),
        rx.table.cell(helm_status_badge(row.status)),
        _figure(row.revision.to_string()),
        rx.table.cell(when(row.updated_at, never="—"), white_space="nowrap"),
        align="center",
    )
