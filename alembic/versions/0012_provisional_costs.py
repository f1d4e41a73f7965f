"""The open hour's provisional costs (issue 13 item 5): cost_provisional

Revision ID: 0012_provisional_costs
Revises: 0011_drop_sync_running
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kube_console.db

revision: str = "0012_provisional_costs"
down_revision: str | None = "0011_drop_sync_running"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLOATS = (
    "hours",
    "covered_hours",
    "cpu_request_core_hours",
    "cpu_usage_core_hours",
    "cpu_core_hours",
    "memory_request_gib_hours",
    "memory_usage_gib_hours",
    "memory_gib_hours",
    "storage_gib_hours",
    "network_gb",
    "cpu_cost",
    "memory_cost",
    "storage_cost",
    "network_cost",
    "total_cost",
)
ZERO_DEFAULT_FLOATS = (
    "gpu_hours",
    "gpu_cost",
    "cpu_metered_request_core_hours",
    "memory_metered_request_gib_hours",
    "idle_cpu_share",
    "idle_memory_share",
    "idle_gpu_share",
    "idle_cpu_share_core_hours",
    "idle_memory_share_gib_hours",
    "idle_gpu_share_hours",
)


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "cost_provisional",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=True),
        sa.Column("namespace", text(length=253), nullable=False),
        sa.Column("team", text(length=253), nullable=False),
        sa.Column("cost_center", text(length=253), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in FLOATS),
        *(
            sa.Column(name, sa.Float(), nullable=False, server_default="0")
            for name in ZERO_DEFAULT_FLOATS
        ),
        sa.Column("currency", text(length=8), nullable=False),
        sa.Column("network_source", text(length=32), nullable=False),
        sa.Column("negative_idle_hours", sa.Integer(), nullable=False),
        sa.Column("hour_start", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("through", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("price_sheet_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["namespace_id"], ["namespaces.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["price_sheet_id"], ["price_sheets.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cost_provisional") as batch:
        batch.create_index(
            "ix_cost_provisional_cluster", ["cluster_id", "hour_start"], unique=False
        )
        batch.create_index("ix_cost_provisional_org", ["org_id", "hour_start"], unique=False)


def downgrade() -> None:
    op.drop_table("cost_provisional")
