"""The app's database sessions, for the faces (states, API routes, CLI) that call services.

Faces never open sessions themselves: a service entry point that runs several units of work
takes `open_session` (the app's, by default), one that runs in the caller's transaction is
called through `in_app_session`, and an API route receives its session from the
`request_session` dependency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result
from sqlmodel import Session

from kube_console import db

OpenSession = Callable[[], AbstractContextManager[Session]]
T = TypeVar("T")


def open_app_session() -> AbstractContextManager[Session]:
    """One unit of work on the app's database: commits on success, rolls back on error."""
    return db.session_scope()


def in_app_session(function: Callable[..., T], /, **kwargs: Any) -> T:
    """`function(session=..., **kwargs)` in a unit of work of its own."""
    with open_app_session() as session:
        return function(session=session, **kwargs)


def request_session() -> Iterator[Session]:
    """A FastAPI dependency: the request's unit of work, committed before the response is sent."""
    with open_app_session() as session:
        yield session


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by `Session.execute` changed (its result is a
    cursor's, though typed as any statement's)."""
    return cast(CursorResult[Any], result).rowcount
