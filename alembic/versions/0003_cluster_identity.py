"""Cluster identity: the kube-system namespace UID and the API server's fingerprint

Revision ID: 0003_cluster_identity
Revises: 0002_auth_hardening
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_cluster_identity"
down_revision: str | None = "0002_auth_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled in by each cluster's next sync.
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kube_system_uid", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "endpoint_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True
            )
        )
        batch_op.create_index(
            "ix_clusters_org_kube_system_uid", ["org_id", "kube_system_uid"], unique=False
        )
        batch_op.create_index(
            "ix_clusters_org_endpoint", ["org_id", "endpoint_fingerprint"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clusters", schema=None) as batch_op:
        batch_op.drop_index("ix_clusters_org_endpoint")
        batch_op.drop_index("ix_clusters_org_kube_system_uid")
        batch_op.drop_column("endpoint_fingerprint")
        batch_op.drop_column("kube_system_uid")
