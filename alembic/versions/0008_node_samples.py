"""Samples per (namespace, node), node label sets, GPU capacity and allocation, node-hour prices

Revision ID: 0008_node_samples
Revises: 0007_gpu_figures
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kube_console.db

revision: str = "0008_node_samples"
down_revision: str | None = "0007_gpu_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _zero() -> sa.Column:
    return sa.Column("capacity_gpus", sa.Float(), nullable=False, server_default="0")


def upgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.add_column(_zero())
        batch.add_column(sa.Column("gpu_model", sa.String(length=128), nullable=True))
    op.create_table(
        "node_label_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("namespace_usage_samples") as batch:
        batch.add_column(sa.Column("gpu_alloc", sa.Float(), nullable=False, server_default="0"))
    with op.batch_alter_table("node_usage_samples") as batch:
        batch.add_column(_zero())
        batch.add_column(sa.Column("label_set_id", sa.Integer(), nullable=True))
        batch.create_index("ix_node_usage_samples_label_set_id", ["label_set_id"])
        batch.create_foreign_key(
            "fk_node_usage_samples_label_set_id",
            "node_label_sets",
            ["label_set_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_table(
        "namespace_node_samples",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("namespace_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("cpu_alloc_cores", sa.Float(), nullable=False),
        sa.Column("memory_alloc_bytes", sa.BigInteger(), nullable=False),
        sa.Column("gpu_alloc", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["usage_snapshots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "namespace_id", "node_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "node_hour_prices",
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("hour_start", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=253), nullable=False),
        sa.Column("price_per_hour", sa.Float(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("covered_hours", sa.Float(), nullable=False),
        sa.Column("cpu_per_core", sa.Float(), nullable=False),
        sa.Column("memory_per_gib", sa.Float(), nullable=False),
        sa.Column("gpu_per_gpu", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["clusters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["node_id"], ["nodes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cluster_id", "hour_start", "node_id"),
    )
    op.create_index("ix_node_hour_prices_node", "node_hour_prices", ["node_id", "hour_start"])


def downgrade() -> None:
    op.drop_index("ix_node_hour_prices_node", table_name="node_hour_prices")
    op.drop_table("node_hour_prices")
    op.drop_table("namespace_node_samples")
    with op.batch_alter_table("node_usage_samples") as batch:
        batch.drop_constraint("fk_node_usage_samples_label_set_id", type_="foreignkey")
        batch.drop_index("ix_node_usage_samples_label_set_id")
        batch.drop_column("label_set_id")
        batch.drop_column("capacity_gpus")
    with op.batch_alter_table("namespace_usage_samples") as batch:
        batch.drop_column("gpu_alloc")
    op.drop_table("node_label_sets")
    with op.batch_alter_table("nodes") as batch:
        batch.drop_column("gpu_model")
        batch.drop_column("capacity_gpus")
