"""Usage samples written by every successful sync: the figures cost-model.md prices.

A `UsageSnapshot` marks one sync time of one cluster; its namespace and node rows hold
aggregated figures (never pod rows), so the hourly cost job never rescans pods.
Samples are kept `sample_retention_days` and then pruned with their snapshot.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime


class UsageSnapshot(SQLModel, table=True):
    __tablename__ = "usage_snapshots"
    __table_args__ = (
        UniqueConstraint("cluster_id", "sampled_at", name="uq_usage_snapshots_cluster_time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    sampled_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    metrics_available: bool = False
    # Its namespace figures are added to `NamespaceHour` (the next sync settled it): the cost
    # job reads them there, no longer from its namespace rows.
    namespaces_settled: bool = False


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
    gpu_alloc: float = Field(
        default=0.0, sa_column_kwargs={"server_default": "0"}
    )  # Σ GPU requests
    storage_bytes: int = Field(default=0, sa_type=BigInteger)
    network_bytes: int | None = Field(default=None, sa_type=BigInteger)  # None: no network source


class NamespaceNodeSample(SQLModel, table=True):
    """A namespace's allocation on one node at one sync (cost-model.md "Node prices",
    Allocation): one row per namespace and node its counted pods run on, never per pod.

    Kept only until the sample's coverage is known: the next sync of the cluster moves the
    rows into `NamespaceNodeHour` (allocation × covered seconds) and deletes them. Rows of a
    snapshot nobody settled (the cluster's latest, or samples written before 0013) are read
    by the cost job with the snapshot's weight, as they always were.

    Allocation on no known node (a pod whose node is not listed) has no row: it is the
    namespace sample's total less its rows here, and is charged at the sheet's unit prices.
    The key leads with the snapshot, so an hour's rows are read (and pruned) by snapshot. The
    namespace and node ids carry no foreign key: rows go with their snapshot (pruned, or its
    cluster deleted), and keys into namespaces and nodes would need two more indexes on a
    table of millions of rows for the cascades to find them.
    """

    __tablename__ = "namespace_node_samples"
    # SQLite keeps the rows in key order (no rowid, no separate key index): an hour's rows are
    # a few contiguous ranges of the table.
    __table_args__ = {"sqlite_with_rowid": False}

    snapshot_id: int = Field(primary_key=True, foreign_key="usage_snapshots.id", ondelete="CASCADE")
    namespace_id: int = Field(primary_key=True)
    node_id: int = Field(primary_key=True)
    cpu_alloc_cores: float = 0.0
    memory_alloc_bytes: int = Field(default=0, sa_type=BigInteger)
    gpu_alloc: float = 0.0


class NamespaceNodeHour(SQLModel, table=True):
    """A namespace's allocation on one node over one cluster-hour: Σ allocation × covered
    seconds of the settled samples (cost-model.md "Node prices", Allocation), under the
    team and cost-center of the samples (a label change inside the hour splits it).

    Added to by the sync that settles a sample, in the sync's transaction and by key, so a
    sample counts once; the cost job reads an hour's rows instead of every sample's.
    """

    __tablename__ = "namespace_node_hours"
    # Each sync updates every row of its hour: free room on each page keeps those updates HOT
    # on PostgreSQL (no new index entry each time; old versions pruned within the page).
    __table_args__ = {"postgresql_with": {"fillfactor": 40}}

    cluster_id: int = Field(primary_key=True, foreign_key="clusters.id", ondelete="CASCADE")
    hour_start: dt.datetime = Field(primary_key=True, sa_type=UTCDateTime)
    namespace_id: int = Field(primary_key=True)
    team: str = Field(primary_key=True, max_length=253)
    cost_center: str = Field(primary_key=True, max_length=253)
    node_id: int = Field(primary_key=True)
    cpu_core_seconds: float = 0.0
    memory_byte_seconds: float = 0.0
    gpu_seconds: float = 0.0


class NamespaceHour(SQLModel, table=True):
    """A namespace's figures over one cluster-hour: Σ figure × covered seconds of the settled
    samples (cost-model.md "Hourly cost per namespace"), under the team and cost-center of the
    samples (a label change inside the hour splits it); network bytes of the samples taken
    inside the hour. The metered requests count samples taken with usage figures only.

    Added to by the sync that settles a sample, as `NamespaceNodeHour` is; the cost job reads
    a row per namespace and hour instead of one per sample. The namespace samples stay (the
    usage charts read them).
    """

    __tablename__ = "namespace_hours"
    __table_args__ = {"postgresql_with": {"fillfactor": 40}}  # HOT updates, as NamespaceNodeHour

    cluster_id: int = Field(primary_key=True, foreign_key="clusters.id", ondelete="CASCADE")
    hour_start: dt.datetime = Field(primary_key=True, sa_type=UTCDateTime)
    namespace_id: int = Field(primary_key=True)
    team: str = Field(primary_key=True, max_length=253)
    cost_center: str = Field(primary_key=True, max_length=253)
    namespace: str = Field(max_length=253)
    cpu_request_core_seconds: float = 0.0
    cpu_usage_core_seconds: float = 0.0
    cpu_alloc_core_seconds: float = 0.0
    memory_request_byte_seconds: float = 0.0
    memory_usage_byte_seconds: float = 0.0
    memory_alloc_byte_seconds: float = 0.0
    storage_byte_seconds: float = 0.0
    cpu_metered_request_core_seconds: float = 0.0
    memory_metered_request_byte_seconds: float = 0.0
    network_bytes: float = 0.0
    gpu_seconds: float = 0.0


class NodeLabelSet(SQLModel, table=True):
    """A node's labels as some sample saw them, stored once and referenced by every node
    sample with the same labels (they change rarely: one row per node and label change, not
    a JSON copy per node per sync)."""

    __tablename__ = "node_label_sets"

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=32, unique=True)  # blake2b-128 of the sorted labels, hex
    labels: dict[str, str] = Field(default_factory=dict, sa_type=JSON)


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
    capacity_gpus: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})
    # The node's labels at this sync: what node price rules and the catalogue match on.
    label_set_id: int | None = Field(
        default=None, foreign_key="node_label_sets.id", ondelete="RESTRICT", index=True
    )
