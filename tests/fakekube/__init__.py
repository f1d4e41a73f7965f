"""The fake Kubernetes API server, now kube_console/fakekube (the demo serves from it too),
under its old name: `tests.fakekube` and `tests.fakekube.<module>` are the very same modules,
so tests, benchmarks and their fixtures (tests/fakekube/plugin.py) import it either way.

    from tests.fakekube import FakeKubeProcess, generate_cluster
"""

import sys

from kube_console.fakekube import *
from kube_console.fakekube import __all__ as __all__
from kube_console.fakekube import builders, cluster, generator, pki, selectors, server

for _module in (builders, cluster, generator, pki, selectors, server):
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module
del _module
