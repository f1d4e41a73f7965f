"""The console's SQL tables (plain SQLModel, table=True). No logic beyond columns, keys and indexes."""

from kube_console.cluster_terms import CLUSTER_STATUSES, ENVIRONMENTS, FAILED_SYNC_STATUSES
from kube_console.models.cluster import Cluster
from kube_console.models.costs import (
    IDLE_NAMESPACE,
    UNALLOCATED,
    CostDaily,
    CostHourly,
    CostMonthly,
    CostProvisional,
    CostRun,
    NodeHourPrice,
    PriceSheet,
)
from kube_console.models.inventory import (
    HelmRelease,
    Namespace,
    Node,
    PersistentVolumeClaim,
    Pod,
    Workload,
)
from kube_console.models.node_prices import (
    NodePriceCatalogueRow,
    NodePriceRule,
    NodePriceSpotFactor,
)
from kube_console.models.org import (
    ROLES,
    TOKEN_ROLES,
    ApiToken,
    AuthSession,
    FirstRunSetup,
    LoginThrottle,
    Organization,
    User,
)
from kube_console.models.usage import (
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NamespaceUsageSample,
    NodeLabelSet,
    NodeUsageSample,
    UsageSnapshot,
)
from kube_console.models.worker import WorkerProcess, WorkerRun

__all__ = [
    "CLUSTER_STATUSES",
    "ENVIRONMENTS",
    "FAILED_SYNC_STATUSES",
    "IDLE_NAMESPACE",
    "ROLES",
    "TOKEN_ROLES",
    "UNALLOCATED",
    "ApiToken",
    "AuthSession",
    "Cluster",
    "CostDaily",
    "CostHourly",
    "CostMonthly",
    "CostProvisional",
    "CostRun",
    "FirstRunSetup",
    "HelmRelease",
    "LoginThrottle",
    "Namespace",
    "NamespaceHour",
    "NamespaceNodeHour",
    "NamespaceNodeSample",
    "NamespaceUsageSample",
    "Node",
    "NodeHourPrice",
    "NodeLabelSet",
    "NodePriceCatalogueRow",
    "NodePriceRule",
    "NodePriceSpotFactor",
    "NodeUsageSample",
    "Organization",
    "PersistentVolumeClaim",
    "Pod",
    "PriceSheet",
    "UsageSnapshot",
    "User",
    "WorkerProcess",
    "WorkerRun",
    "Workload",
]
