"""First-run setup guarded by a singleton row; sign-in throttle counters start afresh

Revision ID: 0002_auth_hardening
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kube_console.db

revision: str = "0002_auth_hardening"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "first_run_setup",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", kube_console.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_first_run_setup_singleton"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    # A console already set up records it: its first user's organization.
    op.execute(
        "INSERT INTO first_run_setup (id, org_id, completed_at) "
        "SELECT 1, org_id, created_at FROM users WHERE id = (SELECT MIN(id) FROM users)"
    )
    # The counters were per e-mail and per client; they are now per (e-mail, client) and per
    # client under new keys. The old rows, lockouts included, would only linger.
    op.execute("DELETE FROM login_throttle")


def downgrade() -> None:
    op.drop_table("first_run_setup")
    op.execute("DELETE FROM login_throttle")
