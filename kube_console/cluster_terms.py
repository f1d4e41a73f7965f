"""The words a cluster is described in, shared by the tables, the services and the faces."""

from __future__ import annotations

from typing import Literal, get_args

# pending: registered, not synced yet; healthy / degraded: last sync worked (degraded = some
# kinds or health checks failed); unreachable / auth_failed / error: the last sync failed.
ClusterStatus = Literal["pending", "healthy", "degraded", "unreachable", "auth_failed", "error"]
CLUSTER_STATUSES: tuple[ClusterStatus, ...] = get_args(ClusterStatus)
# The statuses of a failed last sync: the inventory shown is that of `last_success_at`.
FAILED_SYNC_STATUSES = ("unreachable", "auth_failed", "error")
EnvironmentName = Literal["production", "staging", "development", "test", "other"]
ENVIRONMENTS: tuple[EnvironmentName, ...] = get_args(EnvironmentName)
