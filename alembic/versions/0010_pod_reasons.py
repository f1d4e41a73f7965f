"""Pod reasons (why a pod is pending or failing) and Helm release revision history

Revision ID: 0010_pod_reasons
Revises: 0009_temporary_password
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_pod_reasons"
down_revision: str | None = "0009_temporary_password"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pods") as batch:
        batch.add_column(
            sa.Column(
                "status_reason",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(
            sa.Column(
                "status_message",
                sqlmodel.sql.sqltypes.AutoString(length=1024),
                nullable=False,
                server_default="",
            )
        )
        batch.create_index("ix_pods_cluster_reason", ["cluster_id", "status_reason"], unique=False)
    with op.batch_alter_table("helm_releases") as batch:
        batch.add_column(
            sa.Column(
                "description",
                sqlmodel.sql.sqltypes.AutoString(length=512),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(sa.Column("history", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("helm_releases") as batch:
        batch.drop_column("history")
        batch.drop_column("description")
    with op.batch_alter_table("pods") as batch:
        batch.drop_index("ix_pods_cluster_reason")
        batch.drop_column("status_message")
        batch.drop_column("status_reason")
