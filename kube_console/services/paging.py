"""One page of a filtered list, sorted and cut in SQL: by page number with a total (the pages)
or after an opaque keyset cursor (the REST API).

A list hands over a query selecting the ids of its filtered rows and its sort whitelist. The
rows are ordered by (sort expression, id), so the order is total and stable; a page number
becomes an OFFSET, a cursor a `(sort value, id) > (v, i)` condition that reads no row twice and
skips none while rows before it come and go. The caller then loads its rows for those ids.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import DateTime, Float, Integer, Numeric, String, bindparam, func, select, tuple_
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session

from kube_console.errors import ValidationFailed

MAX_LIMIT = 500
MAX_PAGE = 100_000  # 50 million rows at the largest limit: beyond any list the console holds
# Sort values and ids in a cursor must fit the database's 64-bit integers, or binding them fails.
_INT64 = range(-(2**63), 2**63)
_CURSOR_VERSION = 1
_BAD_CURSOR = "is not a cursor this list handed out; start again from the first page"

RowT = TypeVar("RowT")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PageRequest:
    """Which page of a list to return; `page_of_ids` checks it and clamps the limit.

    The pages ask by page number and get a total back; the REST API passes the previous page's
    `next_cursor` as `cursor`, and then `page` is ignored and nothing is counted.
    """

    sort: str = ""  # one of the list's sort keys; "" means its default
    descending: bool = False
    limit: int = 50  # clamped to 1..500
    page: int = 1  # 1-based
    cursor: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Page(Generic[RowT]):
    rows: list[RowT]
    total: int | None  # rows matching the filters, all pages; None when paging by cursor
    page: int  # 0 when paging by cursor
    limit: int
    sort: str
    descending: bool
    next_cursor: str  # "" on the last page


@dataclasses.dataclass(frozen=True)
class SortOption:
    """A sortable column: an expression that is never NULL (wrap nullable ones in coalesce),
    and the outer join it needs, made only when this sort is chosen."""

    expression: ColumnElement[Any]
    outer_join: tuple[Any, Any] | None = None  # (target, on clause)


@dataclasses.dataclass(frozen=True)
class PageOfIds:
    """The ids of one page in order, and what the page reports besides its rows."""

    ids: list[int]
    total: int | None
    page: int
    limit: int
    sort: str
    descending: bool
    next_cursor: str

    def with_rows(self, rows_by_id: Mapping[int, RowT]) -> Page[RowT]:
        """The page with its rows in page order (ids whose row vanished meanwhile are dropped)."""
        return Page(
            rows=[rows_by_id[row_id] for row_id in self.ids if row_id in rows_by_id],
            total=self.total,
            page=self.page,
            limit=self.limit,
            sort=self.sort,
            descending=self.descending,
            next_cursor=self.next_cursor,
        )


def _value_kind(expression: ColumnElement[Any]) -> str:
    sql_type = expression.type
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    if isinstance(sql_type, DateTime):
        return "time"
    if isinstance(sql_type, Integer):
        return "int"
    if isinstance(sql_type, (Float, Numeric)):
        return "float"
    if isinstance(sql_type, String):
        return "str"
    raise TypeError(f"no cursor encoding for sort values of type {sql_type!r}")


def _encode_value(kind: str, value: Any) -> Any:
    if kind == "time":
        return value.isoformat()
    if kind == "int":
        return int(value)  # PostgreSQL sums integers as numeric
    if kind == "float":
        return float(value)
    return value


def _decode_value(kind: str, value: Any) -> Any:
    if kind == "time" and isinstance(value, str):
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return moment
    elif kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        if value in _INT64:
            return value
    elif kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    elif kind == "str" and isinstance(value, str):
        return value
    raise ValueError("cursor value does not fit the sort")


def _encode_cursor(
    *, list_name: str, sort: str, descending: bool, kind: str, value: Any, row_id: int
) -> str:
    payload = [_CURSOR_VERSION, list_name, sort, descending, _encode_value(kind, value), row_id]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def _decode_cursor(
    cursor: str, *, list_name: str, sort: str, descending: bool, kind: str
) -> tuple[Any, int]:
    """(sort value, id) after which the next page starts; ValidationFailed on `cursor` otherwise.

    The cursor only positions a page inside the caller's own, org-scoped query, so a forged
    one can reorder nothing it could not already read: checking its shape is enough.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, cursor_list, cursor_sort, cursor_descending, value, row_id = orjson.loads(raw)
        if (version, cursor_list) != (_CURSOR_VERSION, list_name):
            raise ValueError("cursor of another list")
        if not isinstance(row_id, int) or isinstance(row_id, bool) or row_id not in _INT64:
            raise ValueError("cursor id is not an id")
        decoded = _decode_value(kind, value)
    except (binascii.Error, orjson.JSONDecodeError, TypeError, ValueError):
        raise ValidationFailed.one("cursor", _BAD_CURSOR) from None
    if (cursor_sort, cursor_descending) != (sort, descending):
        raise ValidationFailed.one(
            "cursor", "was handed out for another sort order; keep the sort it came with"
        )
    return decoded, row_id


def page_of_ids(
    session: Session,
    ids: Select[Any],
    *,
    id_column: ColumnElement[int],
    request: PageRequest,
    sorts: Mapping[str, SortOption],
    default_sort: str,
    list_name: str,
) -> PageOfIds:
    """Sort, count and cut `ids` (a query selecting only `id_column`, filters applied) in SQL."""
    sort = request.sort or default_sort
    if sort not in sorts:
        raise ValidationFailed.one("sort", f"choose one of: {', '.join(sorted(sorts))}")
    option, descending = sorts[sort], request.descending
    limit = max(1, min(request.limit, MAX_LIMIT))
    kind = _value_kind(option.expression)

    statement = ids.add_columns(option.expression)
    if option.outer_join is not None:
        statement = statement.outerjoin(*option.outer_join)
    order = (option.expression, id_column)
    statement = statement.order_by(
        *(column.desc() if descending else column.asc() for column in order)
    )

    if request.cursor:
        value, after_id = _decode_cursor(
            request.cursor, list_name=list_name, sort=sort, descending=descending, kind=kind
        )
        position = tuple_(*order)
        bound = tuple_(
            bindparam(None, value, type_=option.expression.type),
            bindparam(None, after_id, type_=Integer),
        )
        statement = statement.where(position < bound if descending else position > bound)
        total, page = None, 0
    else:
        if request.page > MAX_PAGE:
            raise ValidationFailed.one("page", f"must be {MAX_PAGE:,} or less")
        total = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
        page = max(1, request.page)
        statement = statement.offset((page - 1) * limit)

    found: Sequence[Any] = []
    if total is None or (page - 1) * limit < total:  # a page past the end has no rows to read
        found = session.execute(statement.limit(limit + 1)).all()
    rows = found[:limit]
    next_cursor = ""
    if len(found) > limit:
        last_id, last_value = rows[-1][0], rows[-1][-1]
        next_cursor = _encode_cursor(
            list_name=list_name,
            sort=sort,
            descending=descending,
            kind=kind,
            value=last_value,
            row_id=last_id,
        )
    return PageOfIds(
        ids=[row[0] for row in rows],
        total=total,
        page=page,
        limit=limit,
        sort=sort,
        descending=descending,
        next_cursor=next_cursor,
    )
