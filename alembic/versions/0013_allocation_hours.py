"""Allocation-seconds per (cluster, hour, namespace, owner labels, node): namespace_node_hours

Each sync now settles the previous sample's per-(namespace, node) rows into these hours and
deletes them, so the cost job reads an hour's rows instead of every sample's (issue 12).

Existing data needs no conversion: the per-sample rows already stored stay as samples not
settled, which the cost job reads with their snapshot's weight exactly as before, so figures and
recomputes of the hours they cover are unchanged; they go with their snapshots when pruned.
The first sync after the upgrade settles only the sample right before it.

Revision ID: 0013_allocation_hours
Revises: 0012_provisional_costs
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kube_console.db

revision: str = "0013_allocation_hours"
down_revision: str | None = "0012_provisional_costs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "namespace_node_hours",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("hour_start", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(length=253), nullable=False),
        sa.Column("cost_center", sa.String(length=253), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("cpu_core_seconds", sa.Float(), nullable=False),
        sa.Column("memory_byte_seconds", sa.Float(), nullable=False),
        sa.Column("gpu_seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(
            "cluster_id", "hour_start", "namespace_id", "team", "cost_center", "node_id"
        ),
        postgresql_with={"fillfactor": 40},
    )


def downgrade() -> None:
    # The settled seconds have no per-sample form to go back to: hours settled before the
    # downgrade can no longer be recomputed per node (their stored figures stay).
    op.drop_table("namespace_node_hours")
