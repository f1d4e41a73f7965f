"""Admin → Workers: which process leads the scheduler, how its jobs went, and each cluster's last sync."""

from __future__ import annotations

import reflex as rx

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
from kube_console.dto import ClusterSyncStats, SchedulerJobSummary, WorkerRunRow
from kube_console.states.admin_workers import WorkersState

JOB_TITLES = {"sync": "Cluster sync", "cost": "Cost computation", "prune": "Pruning old data"}
JOB_ICONS = {"sync": "refresh-cw", "cost": "chart-column", "prune": "scissors"}
RUN_JOBS = {
    "sync": "Sync pass",
    "sync_cluster": "Cluster sync",
    "cost": "Costs",
    "prune": "Pruning",
}


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="3", as_="h2"), *children, spacing="3", width="100%")


def _leader_state() -> rx.Component:
    status = WorkersState.status
    return rx.cond(
        status.alive,
        rx.badge(
            rx.icon("circle-check", size=12),
            "Leading",
            color_scheme="green",
            variant="soft",
            size="2",
        ),
        rx.badge(
            rx.icon("circle-alert", size=12),
            "No heartbeat",
            color_scheme="red",
            variant="soft",
            size="2",
        ),
    )


def _leader_fact(label: str, value: rx.Component | rx.Var | str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(label, min_width="120px"), rx.data_list.value(value)
    )


def _leader_panel() -> rx.Component:
    status = WorkersState.status
    return rx.card(
        rx.hstack(
            rx.center(
                rx.icon("crown", size=20, color=rx.color("accent", 11)),
                width="40px",
                height="40px",
                min_width="40px",
                border_radius="50%",
                background=rx.color("accent", 3),
            ),
            rx.vstack(
                rx.hstack(
                    rx.text("Leader", size="2", color=rx.color("gray", 10), weight="medium"),
                    _leader_state(),
                    spacing="2",
                    align="center",
                ),
                rx.code(status.leader_process, size="3", variant="ghost", weight="bold"),
                rx.text(WorkersState.schedule, size="1", color=rx.color("gray", 10)),
                spacing="1",
            ),
            rx.spacer(),
            rx.data_list.root(
                _leader_fact("Leading since", when(status.leader_since)),
                _leader_fact("Last heartbeat", when(status.heartbeat_at)),
                _leader_fact(
                    "Running now",
                    rx.cond(
                        status.running_job,
                        rx.badge(
                            rx.spinner(size="1"),
                            status.running_job,
                            color_scheme="blue",
                            variant="soft",
                        ),
                        rx.text("Nothing (waiting for the next tick)", color=rx.color("gray", 10)),
                    ),
                ),
                size="2",
                spacing="2",
            ),
            align="center",
            spacing="4",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        size="3",
        role="region",
        aria_label="Scheduler leader",
    )


def _job_figure(label: str, value: rx.Var, colour: str = "gray") -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color=rx.color("gray", 10)),
        rx.text(
            value,
            size="5",
            weight="bold",
            class_name="numeric",
            color=rx.color(colour, 12),
            text_align="left",
        ),
        spacing="0",
    )


def _job_card(job: SchedulerJobSummary) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.match(
                    job.job,
                    *[
                        (key, rx.icon(icon, size=16, color=rx.color("accent", 11)))
                        for key, icon in JOB_ICONS.items()
                    ],
                    rx.icon("activity", size=16, color=rx.color("accent", 11)),
                ),
                rx.text(rx.match(job.job, *JOB_TITLES.items(), job.job), weight="bold", size="3"),
                rx.spacer(),
                rx.cond(
                    job.running,
                    rx.badge(rx.spinner(size="1"), "Running", color_scheme="blue", variant="soft"),
                ),
                align="center",
                width="100%",
            ),
            rx.hstack(
                _job_figure("Runs", job.runs.to_string()),
                _job_figure("Succeeded", job.succeeded.to_string(), "green"),
                _job_figure(
                    "Failed", job.failed.to_string(), rx.cond(job.failed > 0, "red", "gray")
                ),
                spacing="5",
            ),
            rx.cond(
                job.last_started_at,
                rx.text(
                    "Last run ",
                    when(job.last_started_at),
                    ", took ",
                    duration(job.last_duration_ms),
                    size="1",
                    color=rx.color("gray", 10),
                ),
                rx.text("Not run yet by this leader", size="1", color=rx.color("gray", 10)),
            ),
            rx.cond(
                job.last_error,
                rx.text(job.last_error, size="1", color=rx.color("red", 11), role="alert"),
            ),
            spacing="3",
        ),
        aria_label=rx.match(job.job, *JOB_TITLES.items(), job.job),
    )


def _cluster_row(cluster: ClusterSyncStats) -> rx.Component:
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
        rx.table.cell(
            rx.cond(cluster.backoff_until, rx.moment(cluster.backoff_until, from_now=True), ""),
            white_space="nowrap",
        ),
        align="center",
    )


def _clusters_table() -> rx.Component:
    return record_table(
        [
            ("Cluster", "left"),
            ("Status", "left"),
            ("Last sync", "left"),
            ("Duration", "right"),
            ("Syncs", "left"),
            ("Error", "left"),
            ("Next try", "left"),
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


def _run_row(run: WorkerRunRow) -> rx.Component:
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


def _status() -> rx.Component:
    return rx.cond(
        WorkersState.status.leader_process,
        rx.fragment(
            _leader_panel(),
            _section(
                "Jobs",
                rx.grid(
                    rx.foreach(WorkersState.jobs, _job_card),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        empty_state(
            "activity",
            "No scheduler has reported yet",
            "The scheduler starts with the console and reports here on its first tick. If this stays empty, "
            "check KUBE_CONSOLE_RUN_WORKERS, the encryption keys, and the server log.",
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
                        "The scheduler that syncs clusters and works out costs: which process leads, and how its runs went.",
                        updated_ago(WorkersState.loaded_at),
                    ),
                    _status(),
                    _section("Clusters", _clusters_table()),
                    _section("Recent runs", _runs_table()),
                    auto_refresh(WorkersState.refresh),
                ),
                loading_rows(),
            ),
        ),
    )
