"""The project's fake Kubernetes API server, its cluster generator and its pytest fixtures.

Importable from plain scripts (benchmarks) as well as from tests:

    from tests.fakekube import FakeKubeProcess, generate_cluster
"""

from tests.fakekube.cluster import (
    CLUSTER_ADMIN,
    READ_ONLY,
    SECRETS_READER,
    FakeCluster,
    Fault,
    Rule,
)
from tests.fakekube.generator import HELM_SECRET_MARKER, PROVIDERS, generate_cluster
from tests.fakekube.server import FakeKubeProcess, FakeKubeServer, LoggedRequest, silent_endpoint

__all__ = [
    "CLUSTER_ADMIN",
    "HELM_SECRET_MARKER",
    "PROVIDERS",
    "READ_ONLY",
    "SECRETS_READER",
    "FakeCluster",
    "FakeKubeProcess",
    "FakeKubeServer",
    "Fault",
    "LoggedRequest",
    "Rule",
    "generate_cluster",
    "silent_endpoint",
]
