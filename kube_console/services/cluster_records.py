"""What the cluster service returns: a kubeconfig's test, a cluster's card, what deleting it
removes. Times are ISO 8601 UTC strings ("" when unknown).
"""

from __future__ import annotations

from kube_console.records import IsoTime, described, record


@record
class ConnectionReport:
    """The result of testing a kubeconfig, shown before it is saved (never the secret)."""

    server_host: str
    user_name: str
    credential_kind: str
    certificate_expires_at: str
    version: str
    provider: str
    provider_name: str
    node_count: int
    namespace_count: int
    pod_count: int
    metrics_available: bool
    insecure_tls: bool
    warnings: list[str]


@record
class ClusterCard:
    id: int
    name: str
    environment: str
    provider: str
    provider_name: str
    version: str
    status: str
    node_count: int
    ready_node_count: int
    namespace_count: int
    pod_count: int
    running_pod_count: int
    last_sync_at: IsoTime
    last_success_at: IsoTime
    last_sync_duration_ms: float
    last_error: str
    api_latency_ms: float
    metrics_available: bool
    insecure_tls: bool = described("insecure-skip-tls-verify was acknowledged at registration")
    server_host: str
    credential_user: str
    credential_kind: str
    certificate_expires_at: IsoTime
    permission_warnings: list[str]
    backoff_until: IsoTime
    data_stale: bool  # the last sync failed: the data shown is from last_success_at
    duplicate_of: str  # the other registrations of this same cluster in the org, "" if none


@record
class DeletionPreview:
    cluster_id: int
    name: str
    namespaces: int
    nodes: int
    workloads: int
    pods: int
    pvcs: int
    helm_releases: int
    usage_samples: int
    cost_rows: int
