"""Usage samples written by every successful sync: the figures cost-model.md prices.

A `UsageSnapshot` marks one sync time of one cluster; its namespace and node rows hold
aggregated figures (never pod rows), so the hourly cost job never rescans pods.
Samples are kept `sample_retention_days` and then pruned with their snapshot.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime


class UsageSnapshot(SQLModel, table=True):
    __tablename__ = "usage_snapshots"
    __table_args__ = (UniqueConstraint("cluster_id", "sampled_at", name="uq_usage_snapshots_cluster_time"),)

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    sampled_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    metrics_available: bool = False


class NamespaceUsageSample(SQLModel, table=True):
    __tablename__ = "namespace_usage_samples"
    __table_args__ = (
        Index("ix_ns_samples_cluster_time", "cluster_id", "sampled_at"),
        Index("ix_ns_samples_namespace_time", "namespace_id", "sampled_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="usage_snapshots.id", ondelete="CASCADE", index=True)
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    namespace_id: int = Field(foreign_key="namespaces.id", ondelete="CASCADE")
    namespace: str = Field(max_length=253)
    sampled_at: dt.datetime = Field(sa_type=UTCDateTime)
    team: str = Field(max_length=253)
    cost_center: str = Field(max_length=253)
    pods_running: int = 0
    cpu_request_cores: float = 0.0
    cpu_usage_cores: float = 0.0
    cpu_alloc_cores: float = 0.0  # Σ max(request, usage) per container
    memory_request_bytes: int = Field(default=0, sa_type=BigInteger)
    memory_usage_bytes: int = Field(default=0, sa_type=BigInteger)
    memory_alloc_bytes: int = Field(default=0, sa_type=BigInteger)
    storage_bytes: int = Field(default=0, sa_type=BigInteger)
    network_bytes: int | None = Field(default=None, sa_type=BigInteger)  # None: no network source


class NodeUsageSample(SQLModel, table=True):
    __tablename__ = "node_usage_samples"
    __table_args__ = (Index("ix_node_samples_cluster_time", "cluster_id", "sampled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="usage_snapshots.id", ondelete="CASCADE", index=True)
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    node_id: int = Field(foreign_key="nodes.id", ondelete="CASCADE", index=True)
    node: str = Field(max_length=253)
    sampled_at: dt.datetime = Field(sa_type=UTCDateTime)
    capacity_cpu_cores: float = 0.0
    capacity_memory_bytes: int = Field(default=0, sa_type=BigInteger)
    allocatable_cpu_cores: float = 0.0
    allocatable_memory_bytes: int = Field(default=0, sa_type=BigInteger)
    cpu_usage_cores: float | None = None
    memory_usage_bytes: int | None = Field(default=None, sa_type=BigInteger)
