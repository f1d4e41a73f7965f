"""Initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kube_console.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
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
    op.create_table(
        "clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("environment", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("provider_name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("metrics_available", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("health", sa.JSON(), nullable=False),
        sa.Column("api_latency_ms", sa.Float(), nullable=True),
        sa.Column("node_count", sa.Integer(), nullable=False),
        sa.Column("ready_node_count", sa.Integer(), nullable=False),
        sa.Column("namespace_count", sa.Integer(), nullable=False),
        sa.Column("pod_count", sa.Integer(), nullable=False),
        sa.Column("running_pod_count", sa.Integer(), nullable=False),
        sa.Column("credential_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("credential_key_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("server_host", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("credential_user", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("credential_kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column(
            "certificate_expires_at", kube_console.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("insecure_tls_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("permission_warnings", sa.JSON(), nullable=False),
        sa.Column("last_sync_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sync_duration_ms", sa.Float(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("syncs_total", sa.Integer(), nullable=False),
        sa.Column("syncs_failed", sa.Integer(), nullable=False),
        sa.Column("consecutive_auth_failures", sa.Integer(), nullable=False),
        sa.Column("backoff_until", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sync_running", sa.Boolean(), nullable=False),
        sa.Column("network_source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "name", name="uq_clusters_org_name"),
    )
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clusters_credential_key_id"), ["credential_key_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_clusters_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clusters_status"), ["status"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("token_prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cost_runs",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("computed_until", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("hours_last_run", sa.Integer(), nullable=False),
        sa.Column("duration_ms_last_run", sa.Float(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id"),
    )
    op.create_table(
        "namespaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("cost_center", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_namespaces_cluster_uid"),
    )
    with op.batch_alter_table("namespaces", schema=None) as batch_op:
        batch_op.create_index(
            "ix_namespaces_cluster_live", ["cluster_id", "deleted_at"], unique=False
        )
        batch_op.create_index("ix_namespaces_name", ["name"], unique=False)

    op.create_table(
        "nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("provider_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("capacity_cpu_cores", sa.Float(), nullable=False),
        sa.Column("capacity_memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("capacity_pods", sa.Integer(), nullable=False),
        sa.Column("capacity_ephemeral_bytes", sa.BigInteger(), nullable=False),
        sa.Column("allocatable_cpu_cores", sa.Float(), nullable=False),
        sa.Column("allocatable_memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("allocatable_pods", sa.Integer(), nullable=False),
        sa.Column("allocatable_ephemeral_bytes", sa.BigInteger(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("ready", sa.Boolean(), nullable=False),
        sa.Column("unschedulable", sa.Boolean(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("taints", sa.JSON(), nullable=False),
        sa.Column("instance_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("spot", sa.Boolean(), nullable=False),
        sa.Column("kubelet_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("os_image", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("operating_system", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("architecture", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column(
            "container_runtime", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False
        ),
        sa.Column("cpu_usage_cores", sa.Float(), nullable=True),
        sa.Column("memory_usage_bytes", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_nodes_cluster_uid"),
    )
    with op.batch_alter_table("nodes", schema=None) as batch_op:
        batch_op.create_index("ix_nodes_cluster_live", ["cluster_id", "deleted_at"], unique=False)
        batch_op.create_index("ix_nodes_name", ["name"], unique=False)

    op.create_table(
        "price_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("effective_from", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("cpu_core_hour", sa.Float(), nullable=False),
        sa.Column("memory_gib_hour", sa.Float(), nullable=False),
        sa.Column("storage_gib_hour", sa.Float(), nullable=False),
        sa.Column("network_gb", sa.Float(), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("price_sheets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_price_sheets_lookup", ["org_id", "cluster_id", "effective_from"], unique=False
        )

    op.create_table(
        "usage_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("sampled_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("metrics_available", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "sampled_at", name="uq_usage_snapshots_cluster_time"),
    )
    with op.batch_alter_table("usage_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_snapshots_sampled_at"), ["sampled_at"], unique=False
        )

    op.create_table(
        "worker_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requested_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False),
        sa.Column("items_failed", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("process", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("worker_runs", schema=None) as batch_op:
        batch_op.create_index("ix_worker_runs_job_started", ["job", "started_at"], unique=False)
        batch_op.create_index("ix_worker_runs_org", ["org_id", "started_at"], unique=False)

    op.create_table(
        "cost_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("cost_center", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("covered_hours", sa.Float(), nullable=False),
        sa.Column("cpu_request_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_usage_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_core_hours", sa.Float(), nullable=False),
        sa.Column("memory_request_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_usage_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_gib_hours", sa.Float(), nullable=False),
        sa.Column("storage_gib_hours", sa.Float(), nullable=False),
        sa.Column("network_gb", sa.Float(), nullable=False),
        sa.Column("cpu_cost", sa.Float(), nullable=False),
        sa.Column("memory_cost", sa.Float(), nullable=False),
        sa.Column("storage_cost", sa.Float(), nullable=False),
        sa.Column("network_cost", sa.Float(), nullable=False),
        sa.Column("total_cost", sa.Float(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("network_source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("negative_idle_hours", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "cluster_id", "namespace", "day", "team", "cost_center", name="uq_cost_daily_row"
        ),
    )
    with op.batch_alter_table("cost_daily", schema=None) as batch_op:
        batch_op.create_index("ix_cost_daily_cluster_period", ["cluster_id", "day"], unique=False)
        batch_op.create_index("ix_cost_daily_namespace", ["namespace_id", "day"], unique=False)
        batch_op.create_index(
            "ix_cost_daily_org_cost_center", ["org_id", "cost_center", "day"], unique=False
        )
        batch_op.create_index("ix_cost_daily_org_period", ["org_id", "day"], unique=False)
        batch_op.create_index("ix_cost_daily_org_team", ["org_id", "team", "day"], unique=False)

    op.create_table(
        "cost_hourly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("cost_center", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("covered_hours", sa.Float(), nullable=False),
        sa.Column("cpu_request_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_usage_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_core_hours", sa.Float(), nullable=False),
        sa.Column("memory_request_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_usage_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_gib_hours", sa.Float(), nullable=False),
        sa.Column("storage_gib_hours", sa.Float(), nullable=False),
        sa.Column("network_gb", sa.Float(), nullable=False),
        sa.Column("cpu_cost", sa.Float(), nullable=False),
        sa.Column("memory_cost", sa.Float(), nullable=False),
        sa.Column("storage_cost", sa.Float(), nullable=False),
        sa.Column("network_cost", sa.Float(), nullable=False),
        sa.Column("total_cost", sa.Float(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("network_source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("negative_idle_hours", sa.Integer(), nullable=False),
        sa.Column("hour_start", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("price_sheet_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["price_sheet_id"], ["price_sheets.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "cluster_id",
            "namespace",
            "hour_start",
            "team",
            "cost_center",
            name="uq_cost_hourly_row",
        ),
    )
    with op.batch_alter_table("cost_hourly", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cost_hourly_cluster_period", ["cluster_id", "hour_start"], unique=False
        )
        batch_op.create_index(
            "ix_cost_hourly_namespace", ["namespace_id", "hour_start"], unique=False
        )
        batch_op.create_index(
            "ix_cost_hourly_org_cost_center", ["org_id", "cost_center", "hour_start"], unique=False
        )
        batch_op.create_index("ix_cost_hourly_org_period", ["org_id", "hour_start"], unique=False)
        batch_op.create_index(
            "ix_cost_hourly_org_team", ["org_id", "team", "hour_start"], unique=False
        )

    op.create_table(
        "cost_monthly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("cost_center", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("covered_hours", sa.Float(), nullable=False),
        sa.Column("cpu_request_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_usage_core_hours", sa.Float(), nullable=False),
        sa.Column("cpu_core_hours", sa.Float(), nullable=False),
        sa.Column("memory_request_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_usage_gib_hours", sa.Float(), nullable=False),
        sa.Column("memory_gib_hours", sa.Float(), nullable=False),
        sa.Column("storage_gib_hours", sa.Float(), nullable=False),
        sa.Column("network_gb", sa.Float(), nullable=False),
        sa.Column("cpu_cost", sa.Float(), nullable=False),
        sa.Column("memory_cost", sa.Float(), nullable=False),
        sa.Column("storage_cost", sa.Float(), nullable=False),
        sa.Column("network_cost", sa.Float(), nullable=False),
        sa.Column("total_cost", sa.Float(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("network_source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("negative_idle_hours", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "cluster_id", "namespace", "month", "team", "cost_center", name="uq_cost_monthly_row"
        ),
    )
    with op.batch_alter_table("cost_monthly", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cost_monthly_cluster_period", ["cluster_id", "month"], unique=False
        )
        batch_op.create_index("ix_cost_monthly_namespace", ["namespace_id", "month"], unique=False)
        batch_op.create_index(
            "ix_cost_monthly_org_cost_center", ["org_id", "cost_center", "month"], unique=False
        )
        batch_op.create_index("ix_cost_monthly_org_period", ["org_id", "month"], unique=False)
        batch_op.create_index("ix_cost_monthly_org_team", ["org_id", "team", "month"], unique=False)

    op.create_table(
        "helm_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("secret_uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("chart", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("chart_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("app_version", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("updated_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_helm_releases_cluster_uid"),
    )
    with op.batch_alter_table("helm_releases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_helm_releases_cluster_live", ["cluster_id", "deleted_at"], unique=False
        )
        batch_op.create_index("ix_helm_releases_name", ["name"], unique=False)
        batch_op.create_index("ix_helm_releases_status", ["cluster_id", "status"], unique=False)

    op.create_table(
        "namespace_usage_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=False),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("sampled_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("cost_center", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("pods_running", sa.Integer(), nullable=False),
        sa.Column("cpu_request_cores", sa.Float(), nullable=False),
        sa.Column("cpu_usage_cores", sa.Float(), nullable=False),
        sa.Column("cpu_alloc_cores", sa.Float(), nullable=False),
        sa.Column("memory_request_bytes", sa.BigInteger(), nullable=False),
        sa.Column("memory_usage_bytes", sa.BigInteger(), nullable=False),
        sa.Column("memory_alloc_bytes", sa.BigInteger(), nullable=False),
        sa.Column("storage_bytes", sa.BigInteger(), nullable=False),
        sa.Column("network_bytes", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["snapshot_id"], ["usage_snapshots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("namespace_usage_samples", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_namespace_usage_samples_snapshot_id"), ["snapshot_id"], unique=False
        )
        batch_op.create_index(
            "ix_ns_samples_cluster_time", ["cluster_id", "sampled_at"], unique=False
        )
        batch_op.create_index(
            "ix_ns_samples_namespace_time", ["namespace_id", "sampled_at"], unique=False
        )

    op.create_table(
        "node_usage_samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("node", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("sampled_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("capacity_cpu_cores", sa.Float(), nullable=False),
        sa.Column("capacity_memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("allocatable_cpu_cores", sa.Float(), nullable=False),
        sa.Column("allocatable_memory_bytes", sa.BigInteger(), nullable=False),
        sa.Column("cpu_usage_cores", sa.Float(), nullable=True),
        sa.Column("memory_usage_bytes", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["node_id"], ["nodes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["snapshot_id"], ["usage_snapshots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("node_usage_samples", schema=None) as batch_op:
        batch_op.create_index(
            "ix_node_samples_cluster_time", ["cluster_id", "sampled_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_node_usage_samples_node_id"), ["node_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_node_usage_samples_snapshot_id"), ["snapshot_id"], unique=False
        )

    op.create_table(
        "persistent_volume_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("storage_class", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requested_bytes", sa.BigInteger(), nullable=True),
        sa.Column("capacity_bytes", sa.BigInteger(), nullable=True),
        sa.Column("volume_name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
        sa.Column("access_modes", sa.JSON(), nullable=False),
        sa.Column("mounted_by", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_persistent_volume_claims_cluster_uid"),
    )
    with op.batch_alter_table("persistent_volume_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_persistent_volume_claims_cluster_live", ["cluster_id", "deleted_at"], unique=False
        )
        batch_op.create_index("ix_persistent_volume_claims_name", ["name"], unique=False)
        batch_op.create_index("ix_pvcs_namespace", ["namespace_id", "deleted_at"], unique=False)

    op.create_table(
        "workloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("replicas_desired", sa.Integer(), nullable=False),
        sa.Column("replicas_ready", sa.Integer(), nullable=False),
        sa.Column("replicas_available", sa.Integer(), nullable=False),
        sa.Column("replicas_updated", sa.Integer(), nullable=False),
        sa.Column("containers", sa.JSON(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("selector", sa.JSON(), nullable=False),
        sa.Column("cpu_request_cores", sa.Float(), nullable=False),
        sa.Column("memory_request_bytes", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_workloads_cluster_uid"),
    )
    with op.batch_alter_table("workloads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workloads_cluster_live", ["cluster_id", "deleted_at"], unique=False
        )
        batch_op.create_index("ix_workloads_name", ["name"], unique=False)
        batch_op.create_index("ix_workloads_namespace", ["namespace_id", "kind"], unique=False)

    op.create_table(
        "pods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("node_name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
        sa.Column("owner_kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("owner_name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=True),
        sa.Column("workload_id", sa.Integer(), nullable=True),
        sa.Column("containers", sa.JSON(), nullable=False),
        sa.Column("cpu_request_cores", sa.Float(), nullable=False),
        sa.Column("memory_request_bytes", sa.BigInteger(), nullable=False),
        sa.Column("cpu_limit_cores", sa.Float(), nullable=True),
        sa.Column("memory_limit_bytes", sa.BigInteger(), nullable=True),
        sa.Column("cpu_usage_cores", sa.Float(), nullable=True),
        sa.Column("memory_usage_bytes", sa.BigInteger(), nullable=True),
        sa.Column("container_usage", sa.JSON(), nullable=False),
        sa.Column("restarts", sa.Integer(), nullable=False),
        sa.Column("start_time", kube_console.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("qos_class", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("pvc_claims", sa.JSON(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["workload_id"], ["workloads.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "uid", name="uq_pods_cluster_uid"),
    )
    with op.batch_alter_table("pods", schema=None) as batch_op:
        batch_op.create_index("ix_pods_cluster_live", ["cluster_id", "deleted_at"], unique=False)
        batch_op.create_index("ix_pods_cluster_node", ["cluster_id", "node_name"], unique=False)
        batch_op.create_index("ix_pods_cluster_phase", ["cluster_id", "phase"], unique=False)
        batch_op.create_index("ix_pods_name", ["name"], unique=False)
        batch_op.create_index("ix_pods_namespace", ["namespace_id", "deleted_at"], unique=False)
        batch_op.create_index("ix_pods_workload", ["workload_id", "deleted_at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Pod name-prefix search can only walk a btree under the C collation (models/inventory.py).
        op.create_index("ix_pods_name_prefix", "pods", [sa.text('name COLLATE "C"')])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_pods_name_prefix", table_name="pods")
    with op.batch_alter_table("pods", schema=None) as batch_op:
        batch_op.drop_index("ix_pods_workload")
        batch_op.drop_index("ix_pods_namespace")
        batch_op.drop_index("ix_pods_name")
        batch_op.drop_index("ix_pods_cluster_phase")
        batch_op.drop_index("ix_pods_cluster_node")
        batch_op.drop_index("ix_pods_cluster_live")

    op.drop_table("pods")
    with op.batch_alter_table("workloads", schema=None) as batch_op:
        batch_op.drop_index("ix_workloads_namespace")
        batch_op.drop_index("ix_workloads_name")
        batch_op.drop_index("ix_workloads_cluster_live")

    op.drop_table("workloads")
    with op.batch_alter_table("persistent_volume_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_pvcs_namespace")
        batch_op.drop_index("ix_persistent_volume_claims_name")
        batch_op.drop_index("ix_persistent_volume_claims_cluster_live")

    op.drop_table("persistent_volume_claims")
    with op.batch_alter_table("node_usage_samples", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_node_usage_samples_snapshot_id"))
        batch_op.drop_index(batch_op.f("ix_node_usage_samples_node_id"))
        batch_op.drop_index("ix_node_samples_cluster_time")

    op.drop_table("node_usage_samples")
    with op.batch_alter_table("namespace_usage_samples", schema=None) as batch_op:
        batch_op.drop_index("ix_ns_samples_namespace_time")
        batch_op.drop_index("ix_ns_samples_cluster_time")
        batch_op.drop_index(batch_op.f("ix_namespace_usage_samples_snapshot_id"))

    op.drop_table("namespace_usage_samples")
    with op.batch_alter_table("helm_releases", schema=None) as batch_op:
        batch_op.drop_index("ix_helm_releases_status")
        batch_op.drop_index("ix_helm_releases_name")
        batch_op.drop_index("ix_helm_releases_cluster_live")

    op.drop_table("helm_releases")
    with op.batch_alter_table("cost_monthly", schema=None) as batch_op:
        batch_op.drop_index("ix_cost_monthly_org_team")
        batch_op.drop_index("ix_cost_monthly_org_period")
        batch_op.drop_index("ix_cost_monthly_org_cost_center")
        batch_op.drop_index("ix_cost_monthly_namespace")
        batch_op.drop_index("ix_cost_monthly_cluster_period")

    op.drop_table("cost_monthly")
    with op.batch_alter_table("cost_hourly", schema=None) as batch_op:
        batch_op.drop_index("ix_cost_hourly_org_team")
        batch_op.drop_index("ix_cost_hourly_org_period")
        batch_op.drop_index("ix_cost_hourly_org_cost_center")
        batch_op.drop_index("ix_cost_hourly_namespace")
        batch_op.drop_index("ix_cost_hourly_cluster_period")

    op.drop_table("cost_hourly")
    with op.batch_alter_table("cost_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_cost_daily_org_team")
        batch_op.drop_index("ix_cost_daily_org_period")
        batch_op.drop_index("ix_cost_daily_org_cost_center")
        batch_op.drop_index("ix_cost_daily_namespace")
        batch_op.drop_index("ix_cost_daily_cluster_period")

    op.drop_table("cost_daily")
    with op.batch_alter_table("worker_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_worker_runs_org")
        batch_op.drop_index("ix_worker_runs_job_started")

    op.drop_table("worker_runs")
    with op.batch_alter_table("usage_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_usage_snapshots_sampled_at"))

    op.drop_table("usage_snapshots")
    with op.batch_alter_table("price_sheets", schema=None) as batch_op:
        batch_op.drop_index("ix_price_sheets_lookup")

    op.drop_table("price_sheets")
    with op.batch_alter_table("nodes", schema=None) as batch_op:
        batch_op.drop_index("ix_nodes_name")
        batch_op.drop_index("ix_nodes_cluster_live")

    op.drop_table("nodes")
    with op.batch_alter_table("namespaces", schema=None) as batch_op:
        batch_op.drop_index("ix_namespaces_name")
        batch_op.drop_index("ix_namespaces_cluster_live")

    op.drop_table("namespaces")
    op.drop_table("cost_runs")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_user_id"))

    op.drop_table("auth_sessions")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_tokens_org_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_org_id"))

    op.drop_table("users")
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clusters_status"))
        batch_op.drop_index(batch_op.f("ix_clusters_org_id"))
        batch_op.drop_index(batch_op.f("ix_clusters_credential_key_id"))

    op.drop_table("clusters")
    op.drop_table("scheduler_leader")
    op.drop_table("organizations")
    op.drop_table("login_throttle")
