"""Atomic counters that ration password checks (rows of `login_throttle`, keyed by a hash).

Two kinds of counter, both reserved *before* the password is checked, in a single upsert
that the database applies atomically (a row lock on PostgreSQL, the write lock on
SQLite): concurrent attempts each see the count the one before left, so 40 of them at once
check no more passwords than one after the other would.

- A *streak* slows one guesser down: after `free` failures, each attempt must wait twice as
  long as the last, up to `max_delay`. A success forgets the streak; so does a day of quiet.
- A *budget* allows `limit` attempts per window (fixed, starting with the first attempt).
  A success gives its attempt back.

Each function writes inside the caller's transaction; the caller commits the reservation
before checking the password, so that the next attempt sees it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BindParameter, ColumnElement, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from kube_console.db import UTCDateTime, table_of
from kube_console.models import LoginThrottle

STREAK_MEMORY = dt.timedelta(days=1)

_table = table_of(LoginThrottle)
_key, _failures = _table.c.key_hash, _table.c.failures
_started, _locked_until = _table.c.window_started_at, _table.c.locked_until


# A typed bind, so SQLite stores it like every other timestamp.
def _at(moment: dt.datetime) -> BindParameter[dt.datetime]:
    return literal(moment, UTCDateTime())


def _count_attempt(
    session: Session,
    key: str,
    *,
    first: dict[str, object],
    then: dict[str, object],
    only_if: ColumnElement[bool],
) -> int | None:
    """Insert `key`'s row as `first`, or, where `only_if` holds for it, update it to `then`, in
    one statement; the row's new count, or None when `only_if` refused."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_table)
    statement = insert.values(key_hash=key, failures=1, **first).on_conflict_do_update(
        index_elements=[_key], set_=then, where=only_if
    )
    return session.execute(statement.returning(_failures)).scalar()


def streak_delay(failures: int, *, free: int, max_delay: dt.timedelta) -> dt.timedelta:
    """How long the attempt after `failures` failures waits: nothing, then 1 s, 2 s, 4 s, …"""
    if failures < free:
        return dt.timedelta(0)
    doublings = min(failures - free, 30)  # 2**30 s is far beyond any sane cap
    return min(dt.timedelta(seconds=2**doublings), max_delay)


def reserve_streak_attempt(
    session: Session, key: str, *, now: dt.datetime, free: int, max_delay: dt.timedelta
) -> dt.timedelta | None:
    """Count one attempt of the guesser `key`; None when it may go ahead, else how long to wait.

    The attempt is counted as a failure up front; `forget_streak` undoes that on success.
    """
    over = or_(_locked_until.is_(None), _locked_until <= now - STREAK_MEMORY)
    failures = _count_attempt(
        session,
        key,
        first={"window_started_at": now, "locked_until": now},
        then={
            "failures": case((over, 1), else_=_failures + 1),
            "window_started_at": case((over, _at(now)), else_=_started),
            "locked_until": _at(now),  # replaced just below, while the row is still locked
        },
        only_if=or_(_locked_until.is_(None), _locked_until <= now),
    )
    if failures is None:
        locked_until: dt.datetime = session.execute(
            select(_locked_until).where(_key == key)
        ).scalar_one()
        return locked_until - now
    delay = streak_delay(failures, free=free, max_delay=max_delay)
    session.execute(update(_table).where(_key == key).values(locked_until=now + delay))
    return None


def forget_streak(session: Session, key: str) -> None:
    session.execute(delete(_table).where(_key == key))


def reserve_budget_attempt(
    session: Session, key: str, *, now: dt.datetime, limit: int, window: dt.timedelta
) -> dt.timedelta | None:
    """Spend one attempt of `key`'s budget; None when it may go ahead, else how long until the
    window ends."""
    expired = _started <= now - window
    spent = _count_attempt(
        session,
        key,
        first={"window_started_at": now, "locked_until": None},
        then={
            "failures": case((expired, 1), else_=_failures + 1),
            "window_started_at": case((expired, _at(now)), else_=_started),
        },
        only_if=or_(expired, _failures < limit),
    )
    if spent is not None:
        return None
    started: dt.datetime = session.execute(select(_started).where(_key == key)).scalar_one()
    return started + window - now


def refund_budget_attempt(session: Session, key: str) -> None:
    session.execute(update(_table).where(_key == key, _failures > 0).values(failures=_failures - 1))
