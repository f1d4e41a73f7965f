"""Job runs and the scheduler's leader record, for the Workers page and the sync-run API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow

RUN_STATUSES = ("queued", "running", "succeeded", "failed")


class WorkerRun(SQLModel, table=True):
    """One run of a job: a scheduled sync pass, a cost run, a prune, or a sync someone asked for."""

    __tablename__ = "worker_runs"
    __table_args__ = (
        Index("ix_worker_runs_job_started", "job", "started_at"),
        Index("ix_worker_runs_org", "org_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)  # sync | cost | prune | sync_cluster
    trigger: str = Field(default="schedule", max_length=16)  # schedule | manual | api | registration | cli
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


class SchedulerLeader(SQLModel, table=True):
    """The process currently running the jobs (one row), refreshed on every tick."""

    __tablename__ = "scheduler_leader"

    id: int = Field(default=1, primary_key=True)
    process: str = Field(max_length=128)
    acquired_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    heartbeat_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sync_interval_seconds: int = 30
    cost_interval_seconds: int = 3600
    running_job: str | None = Field(default=None, max_length=32)
    stats: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # the leader's job stats
