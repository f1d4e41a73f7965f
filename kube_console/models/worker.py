"""Job runs and the processes running workers, for the Workers page and the sync-run API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow

RUN_STATUSES = ("queued", "running", "succeeded", "failed")


class WorkerRun(SQLModel, table=True):
    """One run of a job: a cost run, or a sync someone asked for (queued until a worker claims
    the cluster). Scheduled syncs leave no run: each cluster's row says how its last one went."""

    __tablename__ = "worker_runs"
    __table_args__ = (
        Index("ix_worker_runs_job_started", "job", "started_at"),
        Index("ix_worker_runs_org", "org_id", "started_at"),
        Index("ix_worker_runs_cluster_status", "cluster_id", "status"),  # a cluster's queued runs
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)  # sync_cluster | cost (sync: the passes of earlier versions)
    trigger: str = Field(
        default="schedule", max_length=16
    )  # schedule | manual | api | registration | cli
    org_id: int | None = Field(default=None, foreign_key="organizations.id", ondelete="CASCADE")
    cluster_id: int | None = Field(default=None, foreign_key="clusters.id", ondelete="CASCADE")
    status: str = Field(default="queued", max_length=16)
    requested_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    duration_ms: float | None = None
    items_total: int = 0
    items_done: int = 0
    items_failed: int = 0
    error: str | None = None
    process: str = Field(default="", max_length=128)  # host:pid that ran it
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class WorkerProcess(SQLModel, table=True):
    """A process running workers (`python -m kube_console worker`, or a web process with
    workers on), refreshed every few seconds by its own heartbeat. Its `name` is the owner
    written on the clusters it leases. The figures cover every organization: only the
    operator's CLI shows them whole; the Workers page shows an org admin their own clusters."""

    __tablename__ = "worker_processes"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)  # host:pid
    host: str = Field(max_length=255)
    pid: int
    started_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    heartbeat_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sync_threads: int = 1
    sync_interval_seconds: int = 30
    cost_interval_seconds: int = 3600
    leader: bool = False  # holds the lock of the hourly jobs (costs, pruning)
    syncs_running: int = 0
    clusters_claimed: int = 0  # since the process started
    syncs_failed: int = 0
    stats: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # the leader's job stats
