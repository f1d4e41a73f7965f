"""The SQLite database, the directories made for it and Reflex's state store are the console's
user's only (reflex-rules.md, rule 2), under the usual umask 022 that would leave them
readable by every local user.

The state store is checked through rxconfig.py in a fresh interpreter, as every Reflex
process reads it before starting its state manager.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kube_console.db import make_engine, make_unpooled_engine
from kube_console.migrations import upgrade_to_head

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("make", [make_engine, make_unpooled_engine])
def test_a_new_sqlite_database_and_its_directories_are_the_owners_only(tmp_path: Path, make):
    srv = tmp_path / "srv"  # the operator's directory, where the console creates its own
    srv.mkdir(mode=0o755)
    data = srv / "data" / "console"
    database = data / "kube_console.db"
    engine = make(f"sqlite:///{database}")
    with engine.begin() as connection:  # WAL mode: the write goes to -wal, with -shm beside it
        connection.execute(text("CREATE TABLE secrets (value TEXT)"))
        connection.execute(text("INSERT INTO secrets VALUES ('gAAAAA-ciphertext')"))
        written = {path.name: mode(path) for path in data.iterdir()}
        assert written == {
            "kube_console.db": 0o600,
            "kube_console.db-wal": 0o600,
            "kube_console.db-shm": 0o600,
        }
    engine.dispose()
    assert (mode(data), mode(data.parent)) == (0o700, 0o700)
    assert mode(srv) == 0o755  # not the console's to change


def test_migrating_creates_the_database_readable_by_its_owner_only(tmp_path: Path):
    database = tmp_path / "data" / "kube_console.db"
    upgrade_to_head(f"sqlite:///{database}")
    assert (mode(database), mode(database.parent)) == (0o600, 0o700)


def test_a_database_left_readable_by_others_is_tightened_when_opened(tmp_path: Path, caplog):
    database = tmp_path / "kube_console.db"
    for name in ("kube_console.db", "kube_console.db-wal"):
        (tmp_path / name).write_bytes(b"")
        (tmp_path / name).chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert (mode(database), mode(tmp_path / "kube_console.db-wal")) == (0o600, 0o600)
    assert "was readable by others (mode 644); now 600" in caplog.text


def _load_rxconfig(states: Path, **env: str) -> None:
    environment = (
        {key: value for key, value in os.environ.items() if not key.startswith("KUBE_CONSOLE_")}
        | {"REFLEX_STATES_WORKDIR": str(states), "KUBE_CONSOLE_DATA_DIR": str(states.parent)}
        | env
    )
    subprocess.run(
        [sys.executable, "-c", "import rxconfig"], cwd=PROJECT_ROOT, env=environment, check=True
    )


def test_reflexs_state_store_is_created_for_the_owner_only(tmp_path: Path):
    states = tmp_path / "states"
    _load_rxconfig(states)
    assert mode(states) == 0o700


def test_a_state_store_left_readable_by_others_is_tightened(tmp_path: Path):
    states = tmp_path / "states"
    states.mkdir(mode=0o755)
    (states / "old.pkl").write_bytes(b"pickled state")
    _load_rxconfig(states)
    assert mode(states) == 0o700


def test_with_redis_there_is_no_state_store_directory(tmp_path: Path):
    states = tmp_path / "states"
    _load_rxconfig(states, KUBE_CONSOLE_REDIS_URL="redis://127.0.0.1:1/0")
    assert not states.exists()


def test_tightening_an_open_database_keeps_sqlite_s_locks(tmp_path):
    """Closing any descriptor of a file drops every POSIX lock this process holds on it, so
    private_sqlite_file must never open a database that already exists."""
    import sqlite3

    from kube_console.security.private_files import private_sqlite_file

    database = tmp_path / "console.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # this process holds the write lock
    holder.execute("INSERT INTO t VALUES (1)")

    private_sqlite_file(database)

    other_writer = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0);"
                " c.execute('BEGIN IMMEDIATE'); print('got the lock')"
            ),
            str(database),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    holder.execute("ROLLBACK")
    holder.close()
    assert "database is locked" in other_writer.stderr
    assert "got the lock" not in other_writer.stdout
