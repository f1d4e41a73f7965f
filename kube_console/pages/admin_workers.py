"""Admin → Workers: the worker processes that sync this organization's clusters, each
cluster's schedule (next sync, last duration, which process synced it), and recent runs."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from kube_console import routes
from kube_console.components.badges import cluster_status_badge
from kube_console.components.figures import duration
from kube_console.components.live import auto_refresh, updated_ago
from kube_console.components.shell import (
    empty_state,
    loading_rows,
    page_frame,
    page_header,
    refusal_panel,
)
from kube_console.components.tables import record_table, when
from kube_console.services.workers import ClusterSyncStats, WorkerProcessRow, WorkerRunRow
from kube_console.states.admin_workers import WorkersState

RUN_JOBS = {
    "sync": "Sync pass",
    "sync_cluster": "Cluster sync",
    "cost": "Costs",
    "prune": "Pruning",
}


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="3", as_="h2"), *children, spacing="3", width="100%")


def _process_state(process: ObjectVar[WorkerProcessRow]) -> rx.Component:
    return rx.cond(
        process.alive,
        rx.cond(
            process.leader,
            rx.badge(rx.icon("crown", size=12), "Leader", color_scheme="green", variant="soft"),
            rx.badge(
                rx.icon("circle-check", size=12), "Syncing", color_scheme="green", variant="soft"
            ),
        ),
        rx.badge(
            rx.icon("circle-alert", size=12), "No heartbeat", color_scheme="red", variant="soft"
        ),
    )


def _process_clusters(process: ObjectVar[WorkerProcessRow]) -> rx.Component:
    return rx.cond(
        process.clusters_count > 0,
        rx.vstack(
            rx.text(
                process.clusters_count.to_string(),
                rx.cond(
                    process.syncing_now > 0,
                    rx.text(
                        " (" + process.syncing_now.to_string() + " syncing now)",
                        as_="span",
                        color=rx.color("blue", 11),
                    ),
                ),
                size="2",
            ),
            rx.text(
                process.clusters.join(", "),
                rx.cond(process.clusters_count > process.clusters.length(), ", …", ""),
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="0",
        ),
        rx.text("None", color=rx.color("gray", 11)),
    )


def _process_row(process: ObjectVar[WorkerProcessRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.code(process.name, variant="ghost", weight="medium"), white_space="nowrap"
        ),
        rx.table.cell(_process_state(process)),
        rx.table.cell(when(process.started_at), white_space="nowrap"),
        rx.table.cell(when(process.heartbeat_at), white_space="nowrap"),
        rx.table.cell(process.sync_threads.to_string(), class_name="numeric"),
        rx.table.cell(_process_clusters(process), min_width="12rem", max_width="28rem"),
        align="center",
    )


def _processes_table() -> rx.Component:
    return record_table(
        [
            ("Process", "left"),
            ("State", "left"),
            ("Started", "left"),
            ("Last heartbeat", "left"),
            ("Threads", "right"),
            ("Your clusters it synced last", "left"),
        ],
        WorkersState.status.processes,
        _process_row,
        label="Worker processes",
        empty="",
    )


def _cluster_row(cluster: ObjectVar[ClusterSyncStats]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(cluster.name, href=routes.cluster(cluster.cluster_id), weight="medium"),
            white_space="nowrap",
        ),
        rx.table.cell(cluster_status_badge(cluster.status, size="1")),
        rx.table.cell(when(cluster.last_sync_at, never="Not synced yet"), white_space="nowrap"),
        rx.table.cell(
            rx.cond(cluster.last_sync_at, duration(cluster.last_sync_duration_ms), "—"),
            class_name="numeric",
        ),
        rx.table.cell(
            cluster.syncs_total.to_string(),
            rx.cond(
                cluster.syncs_failed > 0,
                rx.text(
                    " (" + cluster.syncs_failed.to_string() + " failed)",
                    as_="span",
                    color=rx.color("red", 11),
                ),
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.cond(
                cluster.last_error,
                rx.text(
                    cluster.last_error,
                    size="1",
                    color=rx.cond(
                        cluster.status == "degraded", rx.color("amber", 11), rx.color("red", 11)
                    ),
                    title=cluster.last_error,
                    style={
                        "display": "-webkit-box",
                        "WebkitLineClamp": "2",
                        "WebkitBoxOrient": "vertical",
                        "overflow": "hidden",
                    },
                ),
                rx.text("—", color=rx.color("gray", 9)),
            ),
            min_width="12rem",
            max_width="28rem",
        ),
        rx.table.cell(_next_sync(cluster), white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                cluster.synced_by,
                rx.code(cluster.synced_by, variant="ghost", size="1"),
                rx.text("—", color=rx.color("gray", 9)),
            ),
            white_space="nowrap",
        ),
        align="center",
    )


def _next_sync(cluster: ObjectVar[ClusterSyncStats]) -> rx.Component:
    return rx.cond(
        cluster.syncing,
        rx.badge(rx.spinner(size="1"), "Syncing now", color_scheme="blue", variant="soft"),
        rx.cond(
            cluster.next_sync_at,
            rx.moment(cluster.next_sync_at, from_now=True),
            rx.text("At its first interval", color=rx.color("gray", 11)),
        ),
    )


def _clusters_table() -> rx.Component:
    return record_table(
        [
            ("Cluster", "left"),
            ("Status", "left"),
            ("Last sync", "left"),
            ("Last duration", "right"),
            ("Syncs", "left"),
            ("Error", "left"),
            ("Next sync", "left"),
            ("Synced by", "left"),
        ],
        WorkersState.status.clusters,
        _cluster_row,
        label="Cluster syncs",
        empty="No clusters are registered yet.",
    )


def _run_status(status: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        (
            "succeeded",
            rx.badge(
                rx.icon("circle-check", size=12), "Succeeded", color_scheme="green", variant="soft"
            ),
        ),
        (
            "failed",
            rx.badge(rx.icon("circle-x", size=12), "Failed", color_scheme="red", variant="soft"),
        ),
        ("running", rx.badge(rx.spinner(size="1"), "Running", color_scheme="blue", variant="soft")),
        rx.badge(rx.icon("clock", size=12), "Queued", color_scheme="gray", variant="soft"),
    )


def _run_row(run: ObjectVar[WorkerRunRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(when(run.requested_at), white_space="nowrap"),
        rx.table.cell(
            rx.match(run.job, *RUN_JOBS.items(), run.job),
            rx.cond(
                run.cluster_id > 0,
                rx.text(
                    " · ",
                    WorkersState.cluster_names[run.cluster_id.to_string()],
                    as_="span",
                    color=rx.color("gray", 11),
                ),
            ),
            white_space="nowrap",
        ),
        rx.table.cell(rx.badge(run.trigger, variant="outline", color_scheme="gray")),
        rx.table.cell(_run_status(run.status)),
        rx.table.cell(
            rx.cond(run.finished_at, duration(run.duration_ms), "—"), class_name="numeric"
        ),
        rx.table.cell(
            run.items_done.to_string() + " / " + run.items_total.to_string(),
            rx.cond(
                run.items_failed > 0,
                rx.text(
                    " (" + run.items_failed.to_string() + " failed)",
                    as_="span",
                    color=rx.color("red", 11),
                ),
            ),
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.text(
                run.error,
                size="1",
                color=rx.color("red", 11),
                title=run.error,
                style={"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"},
            ),
            max_width="22rem",
        ),
        align="center",
    )


def _runs_table() -> rx.Component:
    return record_table(
        [
            ("Asked", "left"),
            ("Job", "left"),
            ("Trigger", "left"),
            ("Status", "left"),
            ("Duration", "right"),
            ("Items", "left"),
            ("Error", "left"),
        ],
        WorkersState.status.recent_runs,
        _run_row,
        label="Recent runs",
        empty="No runs recorded in the last 14 days.",
        size="1",
    )


def _processes() -> rx.Component:
    return rx.cond(
        WorkersState.status.processes.length() > 0,
        rx.vstack(
            rx.text(WorkersState.schedule, size="2", color=rx.color("gray", 11)),
            _processes_table(),
            spacing="2",
            width="100%",
        ),
        empty_state(
            "activity",
            "No worker process has reported yet",
            "Workers start with the console (or with `python -m kube_console worker`) and report here "
            "within seconds. If this stays empty, check KUBE_CONSOLE_RUN_WORKERS, the encryption keys, "
            "and the server log.",
        ),
    )


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
                        "The worker processes that sync your clusters and work out costs, "
                        "and when each cluster is synced next.",
                        updated_ago(WorkersState.loaded_at),
                    ),
                    _section("Worker processes", _processes()),
                    _section("Clusters", _clusters_table()),
                    _section("Recent runs", _runs_table()),
                    auto_refresh(WorkersState.refresh),
                ),
                loading_rows(),
            ),
        ),
    )
