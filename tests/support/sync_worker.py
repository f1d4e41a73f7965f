"""A worker process's workers, run inside the test process: what carries out queued syncs.

    with running_workers():            # the process settings, keyring and database
        api.post(".../clusters/7/sync")  # queued; the workers here claim it within a tick

The hourly jobs never run here (the leader lock is never held).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from kube_console.db import session_scope
from kube_console.security.keyring import get_keyring
from kube_console.settings import get_settings
from kube_console.workers.scheduler import ConsoleScheduler


class NeverLeader:
    def holds(self) -> bool:
        return False

    def release(self) -> None:
        pass


@contextlib.contextmanager
def running_workers(
    *, process: str = "test-worker:1", open_session=session_scope, settings=None, keyring=None
) -> Iterator[ConsoleScheduler]:
    scheduler = ConsoleScheduler(
        settings=settings or get_settings(),
        keyring=keyring or get_keyring(),
        open_session=open_session,
        lock=NeverLeader(),
        process=process,
        tick_seconds=0.05,
    )
    scheduler.start()
    try:
        yield scheduler
    finally:
        scheduler.shutdown()
