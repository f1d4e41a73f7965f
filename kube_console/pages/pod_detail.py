"""Pod detail: its containers (state, restarts, requests, limits, usage), the node it runs on,
what owns it, its age, labels and volume claims."""

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
from kube_console.components.explore_rows import cluster_link, namespace_link, owner_link
from kube_console.components.status_badges import container_state_badge, pod_phase_badge
from kube_console.components.tables import data_table, when
from kube_console.states.explore_view_models import ContainerStatusView
from kube_console.states.pod_detail import PodDetailState

State = PodDetailState


def _header() -> rx.Component:
    pod = State.pod
    return detail_header(
        breadcrumbs(
            ("Clusters", routes.CLUSTERS),
            (pod.cluster_name, routes.cluster(pod.cluster_id)),
            (
                pod.namespace,
                rx.cond(
                    pod.namespace_id,
                    routes.namespace(pod.namespace_id),
                    routes.cluster(pod.cluster_id),
                ),
            ),
            (
                "Pods",
                routes.PODS
                + "?cluster="
                + pod.cluster_id.to_string()
                + rx.cond(pod.namespace_id, "&namespace=" + pod.namespace_id.to_string(), ""),
            ),
            (pod.name, ""),
        ),
        [
            rx.heading(pod.name, size="6", as_="h2", overflow_wrap="anywhere"),
            pod_phase_badge(pod.phase),
            deleted_badge(pod.deleted_at),
        ],
        rx.text(
            "Pod in ",
            namespace_link(pod.namespace, pod.namespace_id),
            " on ",
            cluster_link(pod.cluster_name, pod.cluster_id),
            " · created ",
            when(pod.created_at, never="at an unknown time"),
            size="2",
            color=rx.color("gray", 11),
        ),
        state=State,
    )


def _reason() -> rx.Component:
    """Why the pod is pending or failing, as the cluster said it."""
    pod = State.pod
    return rx.cond(
        pod.reason,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert", size=16)),
            rx.callout.text(
                rx.text(pod.reason, weight="bold"),
                rx.cond(pod.reason_message, rx.text(": " + pod.reason_message)),
            ),
            color_scheme="amber",
            variant="surface",
            role="status",
            width="100%",
        ),
    )


def _figures() -> rx.Component:
    pod = State.pod
    return rx.grid(
        figure_card("Containers ready", pod.ready, icon="circle-check"),
        figure_card(
            "Restarts",
            rx.text(
                pod.restarts.to_string(),
                color=rx.cond(pod.restarts > 0, rx.color("amber", 11), "inherit"),
            ),
            icon="rotate-ccw",
        ),
        figure_card(
            "CPU used / requested",
            pod.cpu_usage + " / " + pod.cpu_request,
            hint="limit: " + pod.cpu_limit,
            icon="cpu",
        ),
        figure_card(
            "Memory used / requested",
            pod.memory_usage + " / " + pod.memory_request,
            hint="limit: " + pod.memory_limit,
            icon="memory-stick",
        ),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="3",
        width="100%",
    )


def _placement() -> rx.Component:
    pod = State.pod
    on_node = routes.PODS + "?cluster=" + pod.cluster_id.to_string() + "&node=" + pod.node
    return section(
        "Where it runs",
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label("Node"),
                rx.data_list.value(
                    rx.cond(
                        pod.node,
                        rx.link(
                            pod.node,
                            href=on_node,
                            title="Pods on this node",
                            overflow_wrap="anywhere",
                        ),
                        rx.text("Not scheduled yet", color=rx.color("gray", 11)),
                    )
                ),
            ),
            rx.data_list.item(
                rx.data_list.label("Owner"),
                rx.data_list.value(owner_link(pod.owner_kind, pod.owner_name, pod.workload_id)),
            ),
            rx.data_list.item(
                rx.data_list.label("Namespace"),
                rx.data_list.value(namespace_link(pod.namespace, pod.namespace_id)),
            ),
            rx.data_list.item(
                rx.data_list.label("Cluster"),
                rx.data_list.value(cluster_link(pod.cluster_name, pod.cluster_id)),
            ),
            rx.data_list.item(rx.data_list.label("QoS class"), rx.data_list.value(pod.qos_class)),
            rx.data_list.item(
                rx.data_list.label("Started"),
                rx.data_list.value(when(pod.start_time, never="Not started")),
            ),
            rx.data_list.item(
                rx.data_list.label("Created"), rx.data_list.value(when(pod.created_at, never="—"))
            ),
            size="2",
        ),
    )


def _claims_and_labels() -> rx.Component:
    pod = State.pod
    return section(
        "Labels and volume claims",
        label_chips(pod.labels),
        rx.text("Volume claims", size="1", weight="bold", color=rx.color("gray", 11)),
        rx.cond(
            pod.pvc_claims.length() > 0,
            rx.flex(
                rx.foreach(
                    pod.pvc_claims,
                    lambda claim: rx.badge(
                        rx.icon("hard-drive", size=12), claim, variant="soft", color_scheme="gray"
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.text("None", size="2", color=rx.color("gray", 11)),
        ),
    )


def _figures_cell(used: rx.Var[str], request: rx.Var[str], limit: rx.Var[str]) -> rx.Component:
    return rx.table.cell(
        rx.vstack(
            rx.text(used, " used", size="2"),
            rx.text("request ", request, " · limit ", limit, size="1", color=rx.color("gray", 11)),
            spacing="0",
            align="end",
        ),
        white_space="nowrap",
    )


def _container(container: ObjectVar[ContainerStatusView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(container.name, weight="medium"),
                rx.code(container.image, variant="ghost", size="1", overflow_wrap="anywhere"),
                spacing="1",
            ),
            max_width="22rem",
        ),
        rx.table.cell(
            rx.vstack(
                container_state_badge(container.state, container.running),
                rx.cond(
                    container.last_state,
                    rx.text(
                        "last run: " + container.last_state,
                        size="1",
                        color=rx.color("gray", 11),
                        white_space="nowrap",
                    ),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(rx.cond(container.ready, "Yes", "No")),
        rx.table.cell(
            rx.text(
                container.restarts.to_string(),
                color=rx.cond(container.restarts > 0, rx.color("amber", 11), "inherit"),
            ),
            text_align="right",
        ),
        _figures_cell(container.cpu_usage, container.cpu_request, container.cpu_limit),
        _figures_cell(container.memory_usage, container.memory_request, container.memory_limit),
        align="center",
    )


def _containers() -> rx.Component:
    return section(
        "Containers",
        data_table(
            [
                "Container",
                "State",
                "Ready",
                ("Restarts", "right"),
                ("CPU", "right"),
                ("Memory", "right"),
            ],
            rx.foreach(State.pod.containers, _container),
            "Containers",
            actions=False,
            size="1",
            variant="ghost",
        ),
    )


def pod_detail_page() -> rx.Component:
    return detail_frame(
        "Pod",
        State,
        loaded=State.pod,
        missing=("Pod", "Back to pods", routes.PODS),
        content=[
            _header(),
            _reason(),
            _figures(),
            _containers(),
            rx.grid(
                _placement(),
                _claims_and_labels(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ],
    )
