"""Parameters every REST route shares: ids, paging, and turning a service page into a response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Path, Query

from kube_console.api.schemas import Page
from kube_console.services.paging import MAX_LIMIT, PageRequest
from kube_console.services.paging import Page as ServicePage

# Ids are 32-bit in the database; a larger one can't name anything.
ID_MAX = 2**31 - 1

Id = Annotated[int, Path(ge=1, le=ID_MAX, description="the object's id")]
RunId = Annotated[
    int, Path(ge=1, le=ID_MAX, description="the run's id, as POST .../sync returned it")
]
OptionalIdFilter = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page, 1 to {MAX_LIMIT}")]
Cursor = Annotated[
    str,
    Query(max_length=2000, description="the previous page's next_cursor; omit for the first page"),
]
DEFAULT_LIMIT = 50

PageT = TypeVar("PageT", bound=Page)


def page_request(limit: int, cursor: str) -> PageRequest:
    """Lists are read in their default order (name, then id), a keyset cursor at a time."""
    return PageRequest(limit=limit, cursor=cursor)


def as_page(page_model: type[PageT], item: Callable[[Any], Any], page: ServicePage[Any]) -> PageT:
    return page_model(items=[item(row) for row in page.rows], next_cursor=page.next_cursor or None)
