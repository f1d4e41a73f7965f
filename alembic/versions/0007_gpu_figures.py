"""GPU figures: a gpu price per GPU-hour on price sheets, GPU hours and costs on cost rows

Revision ID: 0007_gpu_figures
Revises: 0006_node_prices
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_gpu_figures"
down_revision: str | None = "0006_node_prices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COST_TABLES = ("cost_hourly", "cost_daily", "cost_monthly")
GPU_FIGURES = ("gpu_hours", "gpu_cost", "idle_gpu_share", "idle_gpu_share_hours")


def upgrade() -> None:
    with op.batch_alter_table("price_sheets") as batch:
        # cost-model.md "Prices": the built-in gpu price; existing sheets take it too.
        batch.add_column(sa.Column("gpu_hour", sa.Float(), nullable=False, server_default="0.95"))
    for table in COST_TABLES:
        with op.batch_alter_table(table) as batch:
            for name in GPU_FIGURES:
                batch.add_column(sa.Column(name, sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table in COST_TABLES:
        with op.batch_alter_table(table) as batch:
            for name in GPU_FIGURES:
                batch.drop_column(name)
    with op.batch_alter_table("price_sheets") as batch:
        batch.drop_column("gpu_hour")
