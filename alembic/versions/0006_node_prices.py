"""Node prices: rules, organization catalogue rows, spot factors

Revision ID: 0006_node_prices
Revises: 0005_cost_fixes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import kube_console.db

revision: str = "0006_node_prices"
down_revision: str | None = "0005_cost_fixes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "node_price_catalogue_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("instance_type", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("vcpu", sa.Float(), nullable=False),
        sa.Column("memory_gib", sa.Float(), nullable=False),
        sa.Column("gpu_count", sa.Integer(), nullable=False),
        sa.Column("gpu_model", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("on_demand_hour", sa.Float(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("as_of", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("uploaded_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "org_id", "provider", "region", "instance_type", name="uq_node_price_catalogue_rows_key"
        ),
    )
    op.create_table(
        "node_price_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("selector", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("price_per_hour", sa.Float(), nullable=False),
        sa.Column("effective_from", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("node_price_rules", schema=None) as batch_op:
        batch_op.create_index("ix_node_price_rules_org", ["org_id", "effective_from"], unique=False)

    op.create_table(
        "node_price_spot_factors",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("factor", sa.Float(), nullable=False),
        sa.Column("updated_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("org_id", "provider"),
    )


def downgrade() -> None:
    op.drop_table("node_price_spot_factors")
    with op.batch_alter_table("node_price_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_node_price_rules_org")

    op.drop_table("node_price_rules")
    op.drop_table("node_price_catalogue_rows")
