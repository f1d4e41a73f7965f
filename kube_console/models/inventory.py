"""The synced inventory of each cluster: namespaces, nodes, workloads, pods, PVCs and Helm releases.

Every row is keyed by (cluster_id, uid), remembers when it was first and last seen, and is
soft-deleted (`deleted_at`) only after a complete, successful list of its kind no longer
contains it. Rows reach their organization through their cluster.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow


class InventoryRow(SQLModel):
    """Columns every synced object carries."""

    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="clusters.id", ondelete="CASCADE")
    uid: str = Field(max_length=128)
    name: str = Field(max_length=253)
    created_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)  # in the cluster
    first_seen: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # A digest of the synced fields (usage aside): a sync rewrites only rows whose digest changed.
    content_hash: str = Field(default="", max_length=16)


def _keys(table: str) -> tuple[Any, ...]:
    return (
        UniqueConstraint("cluster_id", "uid", name=f"uq_{table}_cluster_uid"),
        Index(f"ix_{table}_cluster_live", "cluster_id", "deleted_at"),
        Index(f"ix_{table}_name", "name"),
    )


class Namespace(InventoryRow, table=True):
    __tablename__ = "namespaces"
    __table_args__ = _keys("namespaces")

    labels: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    team: str = Field(default="unallocated", max_length=253)
    cost_center: str = Field(default="unallocated", max_length=253)
    phase: str = Field(default="Active", max_length=16)


class Node(InventoryRow, table=True):
    __tablename__ = "nodes"
    __table_args__ = _keys("nodes")

    labels: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    provider_id: str | None = Field(default=None, max_length=255)
    capacity_cpu_cores: float = 0.0
    capacity_memory_bytes: int = Field(default=0, sa_type=BigInteger)
    capacity_pods: int = 0
    capacity_ephemeral_bytes: int = Field(default=0, sa_type=BigInteger)
    allocatable_cpu_cores: float = 0.0
    allocatable_memory_bytes: int = Field(default=0, sa_type=BigInteger)
    allocatable_pods: int = 0
    allocatable_ephemeral_bytes: int = Field(default=0, sa_type=BigInteger)
    capacity_gpus: float = Field(default=0.0, sa_column_kwargs={"server_default": "0"})
    gpu_model: str | None = Field(default=None, max_length=128)
    conditions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    ready: bool = False
    unschedulable: bool = False
    roles: list[str] = Field(default_factory=list, sa_type=JSON)
    taints: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    instance_type: str | None = Field(default=None, max_length=64)
    region: str | None = Field(default=None, max_length=64)
    zone: str | None = Field(default=None, max_length=64)
    spot: bool = False
    kubelet_version: str = Field(default="", max_length=64)
    os_image: str = Field(default="", max_length=255)
    operating_system: str = Field(default="", max_length=32)
    architecture: str = Field(default="", max_length=32)
    container_runtime: str = Field(default="", max_length=128)
    cpu_usage_cores: float | None = None
    memory_usage_bytes: int | None = Field(default=None, sa_type=BigInteger)


class Workload(InventoryRow, table=True):
    """A Deployment, StatefulSet or DaemonSet (`kind`): what pods are resolved to as their owner."""

    __tablename__ = "workloads"
    __table_args__ = (
        *_keys("workloads"),
        Index("ix_workloads_namespace", "namespace_id", "kind"),
    )

    namespace_id: int | None = Field(default=None, foreign_key="namespaces.id", ondelete="SET NULL")
    namespace: str = Field(max_length=253)
    kind: str = Field(max_length=16)
    replicas_desired: int = 0
    replicas_ready: int = 0
    replicas_available: int = 0
    replicas_updated: int = 0
    containers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    labels: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    selector: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    cpu_request_cores: float = 0.0  # per replica, from the pod template
    memory_request_bytes: int = Field(default=0, sa_type=BigInteger)


class Pod(InventoryRow, table=True):
    __tablename__ = "pods"
    __table_args__ = (
        *_keys("pods"),
        Index("ix_pods_namespace", "namespace_id", "deleted_at"),
        Index("ix_pods_workload", "workload_id", "deleted_at"),
        Index("ix_pods_cluster_phase", "cluster_id", "phase"),
        Index("ix_pods_cluster_node", "cluster_id", "node_name"),
        Index("ix_pods_cluster_reason", "cluster_id", "status_reason"),
        # Name-prefix search (services/search.py) on PostgreSQL: LIKE 'abc%' can range-scan and
        # walk a btree in order only under the C collation. SQLite range-scans ix_pods_name.
        Index("ix_pods_name_prefix", text('name COLLATE "C"')).ddl_if(dialect="postgresql"),
    )

    namespace_id: int | None = Field(default=None, foreign_key="namespaces.id", ondelete="SET NULL")
    namespace: str = Field(max_length=253)
    phase: str = Field(default="Unknown", max_length=16)
    node_name: str | None = Field(default=None, max_length=253)
    owner_kind: str | None = Field(default=None, max_length=32)
    owner_name: str | None = Field(default=None, max_length=253)
    workload_id: int | None = Field(default=None, foreign_key="workloads.id", ondelete="SET NULL")
    containers: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    cpu_request_cores: float = 0.0
    memory_request_bytes: int = Field(default=0, sa_type=BigInteger)
    cpu_limit_cores: float | None = None
    memory_limit_bytes: int | None = Field(default=None, sa_type=BigInteger)
    cpu_usage_cores: float | None = None
    memory_usage_bytes: int | None = Field(default=None, sa_type=BigInteger)
    container_usage: dict[str, list[float | int | None]] = Field(
        default_factory=dict, sa_type=JSON
    )  # name -> [cores, bytes]
    restarts: int = 0
    start_time: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    qos_class: str | None = Field(default=None, max_length=16)
    pvc_claims: list[str] = Field(default_factory=list, sa_type=JSON)
    labels: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    # Why it is not running well ("Unschedulable", "CrashLoopBackOff", "OOMKilled"); "" if fine.
    status_reason: str = Field(default="", max_length=64)
    status_message: str = Field(default="", max_length=1024)


class PersistentVolumeClaim(InventoryRow, table=True):
    __tablename__ = "persistent_volume_claims"
    __table_args__ = (
        *_keys("persistent_volume_claims"),
        Index("ix_pvcs_namespace", "namespace_id", "deleted_at"),
    )

    namespace_id: int | None = Field(default=None, foreign_key="namespaces.id", ondelete="SET NULL")
    namespace: str = Field(max_length=253)
    storage_class: str | None = Field(default=None, max_length=253)
    phase: str = Field(default="Pending", max_length=16)
    requested_bytes: int | None = Field(default=None, sa_type=BigInteger)
    capacity_bytes: int | None = Field(default=None, sa_type=BigInteger)
    volume_name: str | None = Field(default=None, max_length=253)
    access_modes: list[str] = Field(default_factory=list, sa_type=JSON)
    mounted_by: list[str] = Field(default_factory=list, sa_type=JSON)  # pod names


class HelmRelease(InventoryRow, table=True):
    """The current (latest) revision of a Helm release; values are never stored.

    `uid` is the release's identity across revisions, "<namespace>/<name>": every revision
    lives in its own Secret, whose uid is kept in `secret_uid`.
    """

    __tablename__ = "helm_releases"
    __table_args__ = (
        *_keys("helm_releases"),
        Index("ix_helm_releases_status", "cluster_id", "status"),
    )

    namespace_id: int | None = Field(default=None, foreign_key="namespaces.id", ondelete="SET NULL")
    namespace: str = Field(max_length=253)
    secret_uid: str = Field(default="", max_length=128)
    revision: int = 0
    chart: str = Field(default="", max_length=253)
    chart_version: str = Field(default="", max_length=64)
    app_version: str = Field(default="", max_length=64)
    status: str = Field(default="unknown", max_length=32)
    updated_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    description: str = Field(default="", max_length=512)
    # Every revision Helm still keeps, newest first: revision, status, chart, chart_version,
    # app_version, updated_at (ISO) and description; never values.
    history: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
