"""Node prices set by an organization: price rules over node labels, its own catalogue rows,
and its spot factor per provider (cost-model.md, "Node prices")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow


class NodePriceRule(SQLModel, table=True):
    """Nodes whose labels hold every term of `selector` cost `price_per_hour` from `effective_from`."""

    __tablename__ = "node_price_rules"
    __table_args__ = (Index("ix_node_price_rules_org", "org_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE")
    selector: str = Field(max_length=2048)  # canonical "key=value,key2=value2"
    price_per_hour: float
    effective_from: dt.datetime = Field(sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL"
    )


class NodePriceCatalogueRow(SQLModel, table=True):
    """One row of the catalogue an organization uploaded; it wins over the shipped row."""

    __tablename__ = "node_price_catalogue_rows"
    __table_args__ = (
        UniqueConstraint(
            "org_id", "provider", "region", "instance_type", name="uq_node_price_catalogue_rows_key"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE")
    provider: str = Field(max_length=16)
    region: str = Field(max_length=64)
    instance_type: str = Field(max_length=128)
    vcpu: float
    memory_gib: float
    gpu_count: int = 0
    gpu_model: str = Field(default="", max_length=64)
    on_demand_hour: float
    source: str = Field(max_length=200)
    as_of: str = Field(max_length=10)  # YYYY-MM-DD, as written in the file
    uploaded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    uploaded_by_user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL"
    )


class NodePriceSpotFactor(SQLModel, table=True):
    """The fraction of the on-demand price a spot node of `provider` costs (absent: 0.35)."""

    __tablename__ = "node_price_spot_factors"

    org_id: int = Field(primary_key=True, foreign_key="organizations.id", ondelete="CASCADE")
    provider: str = Field(primary_key=True, max_length=16)
    factor: float
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL"
    )
