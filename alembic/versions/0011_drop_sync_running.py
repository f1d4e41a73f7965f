"""Drop clusters.sync_running: nothing read or wrote it (syncs are leased, see lease_owner)

Revision ID: 0011_drop_sync_running
Revises: 0010_pod_reasons
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_drop_sync_running"
down_revision: str | None = "0010_pod_reasons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# No batch mode: on SQLite it would copy and drop the clusters table, and with foreign keys
# on, dropping it cascades to every row that references a cluster. SQLite (3.35 and later)
# and PostgreSQL both drop a plain column in place.
def upgrade() -> None:
    op.drop_column("clusters", "sync_running")


def downgrade() -> None:
    op.add_column(
        "clusters",
        sa.Column("sync_running", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
