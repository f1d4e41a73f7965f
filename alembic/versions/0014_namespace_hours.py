"""Namespace figures × covered seconds per (cluster, hour, namespace, owner labels): namespace_hours

Each sync now also settles the previous sample's namespace figures into these hours and marks
its snapshot `namespaces_settled`, so the cost job reads a row per namespace and hour instead
of one per sample (issue 12). The namespace samples themselves stay: the usage charts read them.

Existing data needs no conversion: snapshots stored before are not marked, so the cost job
reads their namespace rows with their weight exactly as before.

Revision ID: 0014_namespace_hours
Revises: 0013_allocation_hours
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kube_console.db

revision: str = "0014_namespace_hours"
down_revision: str | None = "0013_allocation_hours"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    "cpu_request_core_seconds",
    "cpu_usage_core_seconds",
    "cpu_alloc_core_seconds",
    "memory_request_byte_seconds",
    "memory_usage_byte_seconds",
    "memory_alloc_byte_seconds",
    "storage_byte_seconds",
    "cpu_metered_request_core_seconds",
    "memory_metered_request_byte_seconds",
    "network_bytes",
    "gpu_seconds",
)


def upgrade() -> None:
    op.create_table(
        "namespace_hours",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("hour_start", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=253), nullable=False),
        sa.Column("cost_center", sa.String(length=253), nullable=False),
        sa.Column("namespace", sa.String(length=253), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in FIGURES),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "hour_start", "namespace_id", "team", "cost_center"),
        postgresql_with={"fillfactor": 40},
    )
    with op.batch_alter_table("usage_snapshots") as batch:
        batch.add_column(
            sa.Column("namespaces_settled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    # Settled hours have no per-sample form to go back to, but their samples are all still
    # there: unmarked, the cost job reads them again as before.
    with op.batch_alter_table("usage_snapshots") as batch:
        batch.drop_column("namespaces_settled")
    op.drop_table("namespace_hours")
