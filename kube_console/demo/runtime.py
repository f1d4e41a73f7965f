"""The demo inside the console's process: the fake API server, the demo built before the console
serves, and the older history filled in behind it.

Registered as the app's first lifespan task when KUBE_CONSOLE_DEMO is on, so the scheduler
starts after the demo's recent hours are in place and the first page already has data.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import AsyncIterator

from kube_console.db import session_scope, utcnow
from kube_console.fakekube.server import FakeKubeServer
from kube_console.security.keyring import get_keyring
from kube_console.settings import Settings, get_settings

from .build import DemoFailed, DemoParts, DemoReady, backfill, prepare_demo
from .fleet import Workload, demo_clusters

log = logging.getLogger(__name__)

HISTORY_DAYS = 30
LIVE_USAGE_EVERY_SECONDS = 300  # the fake clusters' metrics follow the clock while it serves


def say(text: str) -> None:
    print(text, flush=True)


def check_demo_settings(settings: Settings) -> None:
    if not settings.demo:
        raise DemoFailed("the demo runs only with KUBE_CONSOLE_DEMO=1 (make demo)")
    if not settings.allow_loopback_clusters:
        raise DemoFailed(
            "the demo's clusters are served on 127.0.0.1: it needs KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS=1 "
            "(make demo sets both)"
        )


@contextlib.asynccontextmanager
async def demo_lifespan() -> AsyncIterator[None]:
    settings = get_settings()
    check_demo_settings(settings)
    keyring = get_keyring()
    clusters = demo_clusters()
    workload = Workload(clusters)
    server = FakeKubeServer().start()  # 127.0.0.1 only
    for cluster in clusters:
        server.add_cluster(cluster)
    say(
        f"kube-console demo: {len(clusters)} clusters served by the built-in fake API server at {server.base_url}"
    )
    common = DemoParts(
        open_session=session_scope,
        settings=settings,
        keyring=keyring,
        clusters=clusters,
        workload=workload,
    )
    ready = await asyncio.to_thread(
        functools.partial(prepare_demo, server=server, days=HISTORY_DAYS, say=say, **common)
    )
    _announce(ready, settings)
    stop = threading.Event()
    worker = threading.Thread(
        target=_fill_in_and_follow, args=(ready, common, stop), name="demo-history", daemon=True
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        await asyncio.to_thread(worker.join, 30)
        server.stop()


def _fill_in_and_follow(ready: DemoReady, common: DemoParts, stop: threading.Event) -> None:
    try:
        backfill(ready, days=HISTORY_DAYS, say=say, should_stop=stop.is_set, **common)
    except Exception:
        log.exception("the demo's older history could not be filled in")
    workload = common["workload"]
    while True:
        workload.set_hour(utcnow())
        if stop.wait(LIVE_USAGE_EVERY_SECONDS):
            return


def _announce(ready: DemoReady, settings: Settings) -> None:
    state = "built" if ready.built else "reused and brought up to date"
    say(
        "\n".join(
            [
                "",
                "=" * 72,
                f"kube-console DEMO ({state}: {settings.database_url.removeprefix('sqlite:///')})",
                "Demo data only: every cluster is served by the built-in fake API server.",
                f"  Sign in at {settings.allowed_origin}/login",
                f"  e-mail:   {ready.email}",
                f"  password: {ready.password}   (demo only; a new one on every start)",
                f"The last day is there now; the {HISTORY_DAYS} days before it fill in over the next minutes.",
                "=" * 72,
                "",
            ]
        )
    )
