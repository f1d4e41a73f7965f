"""The project's fake Kubernetes API server and its cluster generator.

Real HTTPS with its own CA, bound to 127.0.0.1 only. The tests and benchmarks use it, and so
does the demo (`make demo`, kube_console/demo/): the console itself never imports it otherwise.

    from kube_console.fakekube import FakeKubeServer, generate_cluster
"""

from kube_console.fakekube.cluster import (
    CLUSTER_ADMIN,
    READ_ONLY,
    SECRETS_READER,
    FakeCluster,
    Fault,
    Rule,
)
from kube_console.fakekube.generator import HELM_SECRET_MARKER, PROVIDERS, generate_cluster
from kube_console.fakekube.server import (
    FakeKubeProcess,
    FakeKubeServer,
    LoggedRequest,
    silent_endpoint,
)

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
