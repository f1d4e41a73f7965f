"""Electing the one process that runs the jobs, re-checked on every tick.

PostgreSQL: `pg_try_advisory_lock` on a dedicated connection; the lock lives exactly as long
as that connection, so a killed leader frees it and the next tick of another process takes
over. SQLite: an exclusive `flock` on a file beside the database, which the kernel releases
when the holding process dies (several web workers may share one SQLite file).
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Protocol

import psycopg
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# An arbitrary constant shared by every kube-console process: "kubecons" in ASCII.
ADVISORY_LOCK_KEY = 0x6B756265636F6E73


class LeaderLock(Protocol):
    def holds(self) -> bool: ...

    def release(self) -> None: ...


class PostgresLeaderLock:
    def __init__(self, sqlalchemy_url: str):
        url = make_url(sqlalchemy_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._connection: psycopg.Connection | None = None
        self._held = False

    def holds(self) -> bool:
        try:
            if self._connection is None or self._connection.closed:
                self._held = False
                self._connection = psycopg.connect(self._dsn, autocommit=True, connect_timeout=5)
            if self._held:
                self._connection.execute("SELECT 1")  # still ours only while this connection lives
            else:
                row = self._connection.execute(
                    "SELECT pg_try_advisory_lock(%s)", (ADVISORY_LOCK_KEY,)
                ).fetchone()
                self._held = bool(row and row[0])
        except psycopg.Error as error:
            log.warning("leader check failed, not running jobs this tick: %s", error)
            self._drop_connection()
        return self._held

    def _drop_connection(self) -> None:
        self._held = False
        if self._connection is not None:
            try:
                self._connection.close()
            except psycopg.Error:
                pass
        self._connection = None

    def release(self) -> None:
        if self._connection is not None and self._held:
            try:
                self._connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
            except psycopg.Error:
                pass
        self._drop_connection()


class FileLeaderLock:
    def __init__(self, path: Path):
        self._path = path
        self._handle: IO[str] | None = None

    def holds(self) -> bool:
        if self._handle is not None:
            return True
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = self._path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def leader_lock_for(database_url: str) -> LeaderLock:
    if database_url.startswith("postgresql"):
        return PostgresLeaderLock(database_url)
    database_file = Path(database_url.removeprefix("sqlite:///"))
    return FileLeaderLock(database_file.with_name(database_file.name + ".scheduler.lock"))


def process_name() -> str:
    return f"{os.uname().nodename}:{os.getpid()}"
