"""The sync job: one pass over every cluster due, `sync_batch_size` clusters at a time.

Thin on purpose: it asks services which clusters are due and syncs each in its own thread
and transactions. Any failure of one cluster becomes that cluster's outcome; it never stops
the pass.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from kube_console.db import utcnow
from kube_console.security.keyring import Keyring
from kube_console.services import workers as worker_service
from kube_console.services.clusters import label_keys
from kube_console.services.sync import OpenSession, SyncOutcome, clusters_due, sync_cluster
from kube_console.settings import Settings

log = logging.getLogger(__name__)


def _sync_isolated(cluster_id: int, *, keyring: Keyring, settings: Settings, open_session: OpenSession) -> SyncOutcome:
    started = time.perf_counter()
    try:
        return sync_cluster(
            cluster_id=cluster_id, keyring=keyring, label_keys=label_keys(settings), open_session=open_session
        )
    except Exception as unexpected:
        log.exception("sync of cluster %d failed unexpectedly", cluster_id)
        return SyncOutcome(
            cluster_id,
            f"#{cluster_id}",
            "error",
            (time.perf_counter() - started) * 1000,
            error=f"unexpected error: {type(unexpected).__name__}",
        )


def run_sync_pass(
    *, keyring: Keyring, settings: Settings, open_session: OpenSession, cluster_ids: list[int] | None = None
) -> list[SyncOutcome]:
    """Sync the given clusters (default: every cluster due), in parallel batches."""
    if cluster_ids is None:
        with open_session() as session:
            cluster_ids = clusters_due(session=session, now=utcnow())
    if not cluster_ids:
        return []
    with ThreadPoolExecutor(max_workers=settings.sync_batch_size, thread_name_prefix="sync") as pool:
        return list(
            pool.map(
                lambda cluster_id: _sync_isolated(
                    cluster_id, keyring=keyring, settings=settings, open_session=open_session
                ),
                cluster_ids,
            )
        )


def run_requested_sync(
    *, run_id: int, cluster_id: int, keyring: Keyring, settings: Settings, open_session: OpenSession, process: str
) -> SyncOutcome:
    """Carry out a sync someone asked for (Sync now, the API, registration) and record its run."""
    with open_session() as session:
        worker_service.mark_running(session=session, run_id=run_id, process=process)
    outcome = _sync_isolated(cluster_id, keyring=keyring, settings=settings, open_session=open_session)
    with open_session() as session:
        worker_service.finish_run(
            session=session,
            run_id=run_id,
            items_done=1 if outcome.ok else 0,
            items_failed=0 if outcome.ok else 1,
            error=None if outcome.ok else outcome.error,
            details={"status": outcome.status, "pods": outcome.pods},
        )
    return outcome
