"""Writing many rows of one table in one statement, without per-row work in SQLAlchemy.

On PostgreSQL the rows go as one array per column, unnested by the server: the cost job writes
a thousand rows of thirty columns an hour, which as an executemany spent most of its time
binding 30,000 parameters one by one. SQLite's executemany is already a loop in C.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import TypeDecorator, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row of `rows` (dicts with the same keys) into `table`."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    arrays = [
        bindparam(f"{name}_values", [row[name] for row in rows], type_=ARRAY(_stored(table, name)))
        for name in names
    ]
    unnested = func.unnest(*arrays).table_valued(*names).render_derived()
    session.execute(insert(table).from_select(names, select(*unnested.c)))


def _stored(table: Any, name: str) -> Any:
    """The column's type as the driver takes it (a decorator's own processing is per value:
    the callers pass what it would produce, such as aware UTC datetimes)."""
    column_type = table.c[name].type
    return column_type.impl if isinstance(column_type, TypeDecorator) else column_type
