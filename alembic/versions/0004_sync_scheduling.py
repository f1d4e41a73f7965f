"""Per-cluster sync schedule with leases, and a heartbeat row per worker process

Each cluster gets `next_sync_at` and a lease (`lease_owner`, `lease_expires_at`) that worker
processes claim; `worker_processes` replaces the single `scheduler_leader` row, since any
number of processes now share the syncs (the hourly jobs keep their elected leader).

Revision ID: 0004_sync_scheduling
Revises: 0003_cluster_identity
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kube_console.db

revision: str = "0004_sync_scheduling"
down_revision: str | None = "0003_cluster_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_processes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sync_threads", sa.Integer(), nullable=False),
        sa.Column("sync_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("cost_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("leader", sa.Boolean(), nullable=False),
        sa.Column("syncs_running", sa.Integer(), nullable=False),
        sa.Column("clusters_claimed", sa.Integer(), nullable=False),
        sa.Column("syncs_failed", sa.Integer(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.drop_table("scheduler_leader")
    with op.batch_alter_table("worker_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_worker_runs_cluster_status", ["cluster_id", "status"], unique=False
        )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_sync_at", kube_console.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lease_owner", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        batch_op.add_column(
            sa.Column("lease_expires_at", kube_console.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_clusters_next_sync_at"), ["next_sync_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusters_next_sync_at"))
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
        batch_op.drop_column("next_sync_at")
    with op.batch_alter_table("worker_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_worker_runs_cluster_status")
    op.create_table(
        "scheduler_leader",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("acquired_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sync_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("cost_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("running_job", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.drop_table("worker_processes")
