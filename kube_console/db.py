"""Database engine, sessions, a portable UTC timestamp type and the dialect-aware upsert.

SQLite is the embedded default and PostgreSQL the production database; everything here
works on both. SQLite connections get `PRAGMA foreign_keys=ON` (so deletes cascade)
plus WAL and a busy timeout, because the scheduler writes while pages read. The SQLite file
holds every credential's ciphertext and every token's hash: it is created readable by the
console's user only (security/private_files.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import DateTime, Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from kube_console import clock
from kube_console.security.private_files import private_sqlite_file
from kube_console.settings import get_settings


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes in and out, on SQLite (which has no zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        if offset:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


utcnow = clock.utcnow  # where the services have long found it

# JSON columns are written on every sync for thousands of rows: orjson is several times faster.
_JSON_CODEC: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Deleted rows (a deleted cluster's credential among them) are overwritten, not left in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        private_sqlite_file(Path(database))


def make_engine(url: str) -> Engine:
    """An engine for `url` with the console's connection settings."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, **_JSON_CODEC
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, **_JSON_CODEC)


def make_unpooled_engine(url: str) -> Engine:
    """An engine that holds no connection between uses (for one-off maintenance tasks)."""
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
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


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for the bulk statements that bypass the ORM."""
    # SQLAlchemy's declarative mapping gives every table=True class its __table__ when the
    # class is created; SQLModel declares no such attribute for type checkers.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def upsert(
    session: Session,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert `rows`, or update the columns in `update` where `key` already exists.

    `update` defaults to every column given except the key. The statement is compiled
    once and executed for all rows (executemany): a single multi-row VALUES statement
    would be recompiled for every new row count, which costs more than the writes.
    """
    if not rows:
        return
    table = table_of(model)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    update_columns = list(update) if update is not None else [c for c in rows[0] if c not in key]
    statement = insert(table)
    if update_columns:
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: statement.excluded[name] for name in update_columns},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(key))
    session.execute(statement, list(rows))
