"""Benchmarks (performance.md). Their fake API servers listen on 127.0.0.1, and every client
the console builds checks its connections against the settings' address policy, so they run
as a single-node setup with loopback clusters allowed would."""

import os

os.environ.setdefault("KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS", "1")
