"""A registered Kubernetes cluster: identity, detected facts, sync state and its encrypted credential."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow


class Cluster(SQLModel, table=True):
    __tablename__ = "clusters"
    __table_args__ = (
        UniqueConstraint("org_id", "name", name="uq_clusters_org_name"),
        Index("ix_clusters_org_kube_system_uid", "org_id", "kube_system_uid"),
        Index("ix_clusters_org_endpoint", "org_id", "endpoint_fingerprint"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=63)
    environment: str = Field(default="production", max_length=16)

    # Detected at registration and refreshed by every sync.
    provider: str = Field(default="unknown", max_length=32)
    provider_name: str = Field(default="", max_length=64)
    version: str = Field(default="", max_length=64)
    metrics_available: bool = False

    status: str = Field(default="pending", max_length=16, index=True)
    health: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    api_latency_ms: float | None = None
    node_count: int = 0
    ready_node_count: int = 0
    namespace_count: int = 0
    pod_count: int = 0
    running_pod_count: int = 0

    # The credential: canonical accepted fields, encrypted and bound to (org_id, id).
    credential_ciphertext: bytes | None = Field(default=None, sa_type=LargeBinary)
    credential_key_id: str | None = Field(default=None, max_length=32, index=True)
    server_host: str = Field(default="", max_length=255)
    credential_user: str = Field(default="", max_length=255)
    credential_kind: str = Field(default="", max_length=32)
    certificate_expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    insecure_tls_acknowledged: bool = False
    permission_warnings: list[str] = Field(default_factory=list, sa_type=JSON)

    # Which Kubernetes cluster this is (services/cluster_identity.py): the UID of its
    # kube-system namespace, and a digest of the API server's URL and CA.
    kube_system_uid: str | None = Field(default=None, max_length=128)
    endpoint_fingerprint: str | None = Field(default=None, max_length=64)

    # Sync bookkeeping, read by the Workers page and the scheduler's back-off.
    last_sync_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_success_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_sync_duration_ms: float | None = None
    last_error: str | None = None
    syncs_total: int = 0
    syncs_failed: int = 0
    consecutive_auth_failures: int = 0
    backoff_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    # The sync schedule (services/sync_scheduling.py). A worker process claims a cluster when
    # `next_sync_at` has come by taking its lease; the lease runs out unless renewed, so a
    # killed worker's clusters return to the others. After a sync the lease is let go
    # (`lease_expires_at` cleared) and `lease_owner` stays, saying which process synced it last.
    next_sync_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    lease_owner: str | None = Field(default=None, max_length=128)
    lease_expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)

    # Prices are referenced from the other side: PriceSheet rows with this cluster_id
    # override the org's default sheet (cost-model.md, "Lookup order").
    network_source: str = Field(default="none", max_length=32)

    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
