"""Syncs asked for through the API, carried out in this process's small pool of threads.

The run is recorded first (services/workers.request_sync) and followed by GET /k8s/runs/{id};
the thread only calls the sync job, the way the Sync now button does.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading

from kube_console.db import session_scope
from kube_console.security.keyring import Keyring
from kube_console.settings import get_settings
from kube_console.workers.leader import process_name
from kube_console.workers.sync_job import run_requested_sync

log = logging.getLogger(__name__)


class RequestedSyncs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: set[concurrent.futures.Future[object]] = set()

    def start(self, *, run_id: int, cluster_id: int, keyring: Keyring) -> None:
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=get_settings().sync_batch_size, thread_name_prefix="api-sync"
                )
            future = self._pool.submit(self._run, run_id, cluster_id, keyring)
            self._pending.add(future)
        future.add_done_callback(self._forget)

    @staticmethod
    def _run(run_id: int, cluster_id: int, keyring: Keyring) -> None:
        try:
            run_requested_sync(
                run_id=run_id,
                cluster_id=cluster_id,
                keyring=keyring,
                settings=get_settings(),
                open_session=session_scope,
                process=process_name(),
            )
        except Exception:  # the run stays as it was recorded; the log says why
            log.exception("requested sync run %d of cluster %d failed", run_id, cluster_id)

    def _forget(self, future: concurrent.futures.Future[object]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait(self, timeout: float = 60.0) -> None:
        """Block until every sync started so far has finished (tests, and shutdown)."""
        with self._lock:
            pending = list(self._pending)
        concurrent.futures.wait(pending, timeout=timeout)


requested_syncs = RequestedSyncs()
