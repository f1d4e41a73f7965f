"""Database engine, sessions, a portable UTC timestamp type and the dialect-aware upsert.

SQLite is the embedded default and PostgreSQL the production database; everything here
works on both. SQLite connections get `PRAGMA foreign_keys=ON` (so deletes cascade)
plus WAL and a busy timeout, because the scheduler writes while pages read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from kube_console.settings import get_settings


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes in and out, on SQLite (which has no zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _ensure_sqlite_directory(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    """An engine for `url` with the console's connection settings."""
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_unpooled_engine(url: str) -> Engine:
    """An engine that holds no connection between uses (for one-off maintenance tasks)."""
    if url.startswith("sqlite"):
        _ensure_sqlite_directory(url)
    engine = create_engine(url, poolclass=NullPool)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _on_sqlite_connect)
    return engine


@functools.cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextlib.contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on error, always closes."""
    session = Session(engine or get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upsert(
    session: Session,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert `rows`, or update the columns in `update` where `key` already exists.

    `update` defaults to every column given except the key. Rows are sent in chunks so
    one statement stays under the drivers' parameter limits.
    """
    if not rows:
        return
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = list(rows[0].keys())
    update_columns = list(update) if update is not None else [c for c in columns if c not in key]
    chunk = max(1, 30000 // len(columns))  # both drivers cap bound parameters near 32k
    for start in range(0, len(rows), chunk):
        statement = insert(table).values(list(rows[start : start + chunk]))
        if update_columns:
            statement = statement.on_conflict_do_update(
                index_elements=list(key),
                set_={name: statement.excluded[name] for name in update_columns},
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=list(key))
        session.execute(statement)
