"""Price sheets and computed costs: hourly rows per namespace, their daily and monthly rollups,
and each cluster's cost watermark. cost-model.md defines every figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from kube_console.costs.names import IDLE_NAMESPACE, UNALLOCATED
from kube_console.db import UTCDateTime, utcnow


class PriceSheet(SQLModel, table=True):
    """Unit prices in force from `effective_from`: per cluster when cluster_id is set, else the org default."""

    __tablename__ = "price_sheets"
    __table_args__ = (Index("ix_price_sheets_lookup", "org_id", "cluster_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE")
    cluster_id: int | None = Field(default=None, foreign_key="clusters.id", ondelete="CASCADE")
    effective_from: dt.datetime = Field(sa_type=UTCDateTime)
    currency: str = Field(default="USD", max_length=8)
    cpu_core_hour: float = 0.04
    memory_gib_hour: float = 0.005
    gpu_hour: float = Field(default=0.95, sa_column_kwargs={"server_default": "0.95"})
    storage_gib_hour: float = 0.0001
    network_gb: float = 0.05
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="users.id", ondelete="SET NULL"
    )


def _figure() -> Any:
    # Zero on the server too: rows written before a figure existed read zero.
    return Field(default=0.0, sa_column_kwargs={"server_default": "0"})


class CostFigures(SQLModel):
    """The figures of one (namespace, period, team, cost-center) cost row of a cluster.

    A row is keyed by namespace_id: a namespace deleted and created again under its name is
    another namespace, and its rows never merge with the old one's. The name is kept for
    display. Idle rows (namespace IDLE_NAMESPACE) have no namespace_id: one per cluster-period.
    """

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE")
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    namespace_id: int | None = Field(default=None, foreign_key="namespaces.id", ondelete="SET NULL")
    namespace: str = Field(max_length=253)  # IDLE_NAMESPACE for the idle row
    team: str = Field(default=UNALLOCATED, max_length=253)
    cost_center: str = Field(default=UNALLOCATED, max_length=253)
    hours: float = 0.0  # clock hours this row spans (1 for an hourly row)
    covered_hours: float = 0.0  # Σ covered seconds / 3600 over those hours
    cpu_request_core_hours: float = 0.0
    cpu_usage_core_hours: float = 0.0
    cpu_core_hours: float = 0.0  # allocated: Σ max(request, usage)
    memory_request_gib_hours: float = 0.0
    memory_usage_gib_hours: float = 0.0
    memory_gib_hours: float = 0.0
    gpu_hours: float = _figure()  # Σ GPU requests × covered hours (GPUs have no usage figure)
    storage_gib_hours: float = 0.0
    network_gb: float = 0.0
    cpu_cost: float = 0.0
    memory_cost: float = 0.0
    gpu_cost: float = _figure()
    storage_cost: float = 0.0
    network_cost: float = 0.0
    total_cost: float = 0.0
    currency: str = Field(default="USD", max_length=8)
    network_source: str = Field(default="none", max_length=32)
    # Idle rows only: hours whose idle came out negative (pods using more than the nodes
    # hold); the figures are kept as computed, never clamped, and this flags them.
    negative_idle_hours: int = 0
    # Requests over the samples that had usage figures (metrics.k8s.io): the denominator of
    # efficiency, so hours without usage data never read as 0 % efficient.
    cpu_metered_request_core_hours: float = _figure()
    memory_metered_request_gib_hours: float = _figure()
    # Idle shared per cluster-hour in proportion to the namespaces' CPU and memory cost
    # (cost-model.md "Idle"), summed like the other figures so a day or a month shares exactly
    # what its hours do. A namespace row holds what it receives; the idle row minus what it gave
    # away (all of it, or nothing when no namespace of the hour had a cost to carry it by).
    idle_cpu_share: float = _figure()
    idle_memory_share: float = _figure()
    idle_gpu_share: float = _figure()
    idle_cpu_share_core_hours: float = _figure()
    idle_memory_share_gib_hours: float = _figure()
    idle_gpu_share_hours: float = _figure()


def _cost_indexes(table: str, period: str) -> tuple:
    idle_only = text(f"namespace = '{IDLE_NAMESPACE}'")
    return (
        UniqueConstraint(
            "cluster_id", "namespace_id", period, "team", "cost_center", name=f"uq_{table}_row"
        ),
        # NULL namespace_ids never collide in the key above: one idle row per cluster-period.
        Index(
            f"uq_{table}_idle",
            "cluster_id",
            period,
            unique=True,
            sqlite_where=idle_only,
            postgresql_where=idle_only,
        ),
        Index(f"ix_{table}_org_period", "org_id", period),
        Index(f"ix_{table}_org_team", "org_id", "team", period),
        Index(f"ix_{table}_org_cost_center", "org_id", "cost_center", period),
        Index(f"ix_{table}_namespace", "namespace_id", period),
        # The cost job replaces and rolls up one cluster's period at a time.
        Index(f"ix_{table}_cluster_period", "cluster_id", period),
    )


class CostHourly(CostFigures, table=True):
    __tablename__ = "cost_hourly"
    __table_args__ = _cost_indexes("cost_hourly", "hour_start")

    hour_start: dt.datetime = Field(sa_type=UTCDateTime)
    price_sheet_id: int | None = Field(
        default=None, foreign_key="price_sheets.id", ondelete="SET NULL"
    )


class CostDaily(CostFigures, table=True):
    __tablename__ = "cost_daily"
    __table_args__ = _cost_indexes("cost_daily", "day")

    day: dt.date = Field(sa_type=Date)


class CostMonthly(CostFigures, table=True):
    __tablename__ = "cost_monthly"
    __table_args__ = _cost_indexes("cost_monthly", "month")

    month: dt.date = Field(sa_type=Date)  # the first day of the month


class CostProvisional(CostFigures, table=True):
    """The open hour priced from its samples so far: the
    figures of an hourly row over [hour_start, through), one set per cluster, replaced on each
    refresh and deleted when the hour's own rows are computed. Never rolled up or forecast."""

    __tablename__ = "cost_provisional"
    __table_args__ = (
        Index("ix_cost_provisional_cluster", "cluster_id", "hour_start"),
        Index("ix_cost_provisional_org", "org_id", "hour_start"),
    )

    hour_start: dt.datetime = Field(sa_type=UTCDateTime)
    through: dt.datetime = Field(sa_type=UTCDateTime)  # now, when priced: coverage ends there
    price_sheet_id: int | None = Field(
        default=None, foreign_key="price_sheets.id", ondelete="SET NULL"
    )


class NodeHourPrice(SQLModel, table=True):
    """What one node cost in one hour and where the price came from (cost-model.md, "Node
    prices": every node-hour stores its price source). Replaced with its hour's cost rows."""

    __tablename__ = "node_hour_prices"
    __table_args__ = (Index("ix_node_hour_prices_node", "node_id", "hour_start"),)

    cluster_id: int = Field(primary_key=True, foreign_key="clusters.id", ondelete="CASCADE")
    hour_start: dt.datetime = Field(primary_key=True, sa_type=UTCDateTime)
    node_id: int = Field(primary_key=True, foreign_key="nodes.id", ondelete="CASCADE")
    node: str = Field(max_length=253)
    price_per_hour: float
    source_kind: str = Field(max_length=16)  # "rule" | "catalogue" | "unit prices"
    source: str = Field(max_length=300)  # "rule #12: pool=gpu", "catalogue: aws us-east-1 m5.large"
    rule_id: int | None = None  # kept after the rule is deleted: history names what priced it
    covered_hours: float = 0.0
    cpu_per_core: float = 0.0
    memory_per_gib: float = 0.0
    gpu_per_gpu: float = 0.0


class CostRun(SQLModel, table=True):
    """Each cluster's watermark: every hour before `computed_until` has its cost rows."""

    __tablename__ = "cost_runs"

    cluster_id: int = Field(primary_key=True, foreign_key="clusters.id", ondelete="CASCADE")
    computed_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hours_last_run: int = 0
    duration_ms_last_run: float = 0.0
    last_error: str | None = None
