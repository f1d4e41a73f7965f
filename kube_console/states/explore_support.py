"""What the drill-down pages share: reading the object id and the table's sort, filters and page
from the URL, the links that change them, and dropping what the previous page loaded.

The URL is the one place a page's position lives: sort headers, pagination and tabs are links,
filters redirect, and every navigation runs the page's on_load, which reads the URL again. So
a page can be bookmarked, shared and reloaded, and the back button walks back through it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import logging
import math
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import plotly.graph_objects as go
import reflex as rx

from kube_console import routes
from kube_console.components.charts import ChartTable, empty_figure, figure_table
from kube_console.components.live import REFRESH_SECONDS
from kube_console.errors import ValidationFailed
from kube_console.security.authz import Action, NotFound
from kube_console.services.explore import POD_SORTS, ListSorts
from kube_console.services.paging import MAX_PAGE, Page, PageRequest
from kube_console.states.explore_view_models import Choice, ListPosition
from kube_console.states.guard import guarded, ui_only

log = logging.getLogger(__name__)

PAGE_SIZE = 50
ALL = "all"  # a filter select's "no filter" value: Radix selects take no empty value
_LARGEST_ID = 2**63 - 1  # beyond a BIGINT primary key: no object has it


def _bounded_number(text: str, largest: int) -> int | None:
    """`text` as a number from 1 to `largest`, or None. Its length is checked first: Python
    refuses to read an int of more than 4,300 digits, and a URL can hold many more."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(largest)):
        return None
    number = int(text)
    return number if 0 < number <= largest else None


def _as_id(text: str) -> int | None:
    return _bounded_number(text, _LARGEST_ID)


def id_in_path(path: str) -> int | None:
    """The object id a detail URL ends with (/pods/42 -> 42); None when it is not an id, so
    /pods/abc or /pods/-1 reads as "not found" instead of failing."""
    return _as_id(path.rstrip("/").rsplit("/", 1)[-1])


def url_of(state: rx.State) -> tuple[str, dict[str, str]]:
    """The path and query parameters of the page the event was sent from."""
    url = state.router.url
    return url.path.rstrip("/") or "/", routes.page_query(url.query_parameters)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def id_parameter(query: Mapping[str, str], name: str) -> int | None:
    """An id a filter names in the URL (`?cluster=3`); ValidationFailed when it is not one."""
    text = query.get(name, "")
    if not text:
        return None
    number = _as_id(text)
    if number is None:
        raise ValidationFailed.one(name, f"{text!r} is not an id")
    return number


def choice_parameter(query: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    """A filter value that must be one of `allowed` ("" when the URL does not set it)."""
    value = query.get(name, "")
    if value and value not in allowed:
        raise ValidationFailed.one(name, f"{value!r} is not one of: {', '.join(allowed)}")
    return value


@dataclasses.dataclass(frozen=True)
class ListSpec:
    """A table's sorts (the keys its service accepts), the one it starts with, and which sorts
    read best largest first (figures and costs)."""

    sorts: tuple[str, ...]
    default_sort: str = "name"
    descending_first: frozenset[str] = frozenset()
    page_size: int = PAGE_SIZE

    @classmethod
    def of(cls, sorts: ListSorts, *, without: tuple[str, ...] = ()) -> ListSpec:
        """The table of a list the service sorts by `sorts`, less the columns it does not show
        (a namespace's pods have no namespace or cluster column)."""
        keys = tuple(key for key in sorts.keys if key not in without)
        return cls(sorts=keys, descending_first=sorts.descending_first & frozenset(keys))

    def request(self, query: Mapping[str, str]) -> PageRequest:
        """The page the URL asks for; ValidationFailed names what in it is not possible."""
        sort = query.get("sort", "") or self.default_sort
        if sort not in self.sorts:
            raise ValidationFailed.one("sort", f"{sort!r} is not a column this table sorts by")
        order = query.get("order", "")
        if order not in ("", "asc", "desc"):
            raise ValidationFailed.one("order", "must be asc or desc")
        page_text = query.get("page", "") or "1"
        page = _bounded_number(page_text, MAX_PAGE)
        if page is None:
            raise ValidationFailed.one("page", f"{page_text[:20]!r} is not a page number")
        descending = order == "desc" if order else sort in self.descending_first
        return PageRequest(sort=sort, descending=descending, limit=self.page_size, page=page)

    def position(self, page: Page[Any], path: str, query: Mapping[str, str]) -> ListPosition:
        """Where `page` stands in its list, with the links to re-sort and turn pages."""
        total = page.total or 0
        page_count = max(1, math.ceil(total / page.limit))
        first = (page.page - 1) * page.limit + 1 if page.rows else 0

        def sorted_by(key: str) -> str:
            descending = not page.descending if key == page.sort else key in self.descending_first
            changes = {"sort": key, "order": "desc" if descending else "asc", "page": None}
            return routes.with_query(path, {**query, **changes})

        def on_page(number: int) -> str:
            return routes.with_query(path, {**query, "page": number if number > 1 else None})

        return ListPosition(
            sort=page.sort,
            descending=page.descending,
            page=page.page,
            page_count=page_count,
            total=total,
            summary=f"{first:,}–{first + len(page.rows) - 1:,} of {total:,}" if page.rows else "",
            sort_hrefs={key: sorted_by(key) for key in self.sorts},
            previous_href=on_page(page.page - 1) if page.page > 1 else "",
            next_href=on_page(page.page + 1) if page.page < page_count else "",
            first_href=on_page(1),
        )


# The pods of one namespace or workload: no namespace or cluster column to sort by.
PODS_IN_A_NAMESPACE = ListSpec.of(POD_SORTS, without=("namespace", "cluster"))


def choices(pairs: list[tuple[int, str]]) -> list[Choice]:
    """A filter select's options for (id, name) pairs."""
    return [Choice(value=str(row_id), label=name) for row_id, name in pairs]


def filtered_href(path: str, query: Mapping[str, str], **changes: str | None) -> str:
    """The URL with some filters changed: back to the first page, sort kept."""
    return routes.with_query(path, {**query, **changes, "page": None})


EMPTY_POSITION = ListPosition(
    sort="",
    descending=False,
    page=1,
    page_count=1,
    total=0,
    summary="",
    sort_hrefs={},
    previous_href="",
    next_href="",
    first_href="",
)

Updates = dict[str, Any]
T = TypeVar("T")


def tabbed_page(
    path: str, query: Mapping[str, str], tabs: tuple[str, ...], *, names: str
) -> tuple[int, str, Updates]:
    """What a detail page with tabs reads first: the id its path names (NotFound "no such
    <names>" when it names none), the tab the query asks for (else the first), and the updates
    every tab shows: that tab and the links to each."""
    object_id = id_in_path(path)
    if object_id is None:
        raise NotFound(f"no such {names}")
    tab = choice_parameter(query, "tab", tabs) or tabs[0]
    links = {name: routes.with_query(path, {"tab": name}) for name in tabs}
    return object_id, tab, {"tab": tab, "tab_hrefs": links}


async def off_the_loop(read: Callable[..., T], /, **kwargs: Any) -> T:
    """A service's page read (it opens its own session) in a worker thread: it blocks."""
    return await asyncio.to_thread(functools.partial(read, **kwargs))


class DrilldownPage(rx.State, mixin=True):
    """A page that shows what the URL names: loading it, refreshing it, or saying why it can't.

    `view` is "loading" until the first answer, then "ready", "missing" (no such object in the
    caller's org, or not an id at all), "invalid" (the URL asks for a sort or filter the page
    can't do; `problem` says which) or "failed" (reading failed: the error is logged). A
    subclass reads its data in `_read`.
    """

    view: str = "loading"
    problem: str = ""
    refreshing: bool = False
    updated_at: str = ""
    search_text: str = ""  # the table's text filter, `?q=`
    _wanted: str = ""  # the URL whose answer the page waits for; older answers are dropped
    _started_at: float = 0.0  # when the latest read started (epoch seconds)

    def _page_key(self, path: str, query: Mapping[str, str]) -> str:
        """What must change for the page to start blank: by default the object (its path)."""
        return path

    async def _read(self, path: str, query: dict[str, str], *, first: bool) -> Updates:
        """The page's data as var updates; raises NotFound or ValidationFailed. `first` is
        false on a refresh, when what never changes (filter choices) need not be read again."""
        raise NotImplementedError

    async def _show(self, *, first: bool) -> None:
        path, query = url_of(self)
        wanted = routes.with_query(path, {**query})
        async with self:
            if first:
                await forget_other_pages(self)
                if self._page_key(path, query) != self._page_key(*_split(self._wanted)):
                    self.reset()
            self._wanted, self.refreshing, self._started_at = wanted, True, time.time()
        try:
            updates = await self._read(path, query, first=first)
            updates |= {"view": "ready", "problem": "", "search_text": query.get("q", "")}
        except NotFound:
            updates = {"view": "missing", "problem": ""}
        except ValidationFailed as invalid:
            updates = {"view": "invalid", "problem": str(invalid)}
        except Exception:
            # The database or a bug: say so on the page instead of leaving it loading forever.
            log.exception("reading %s failed", wanted)
            updates = {"view": "failed", "problem": ""}
        async with self:
            if self._wanted != wanted:
                return  # the browser moved on while this was read
            for name, value in updates.items():
                setattr(self, name, value)
            self.refreshing, self.updated_at = False, now_iso()

    @guarded(Action.READ)
    async def load(self):
        """on_load: what the URL names, from the top."""
        await self._show(first=True)

    @guarded(Action.READ)
    async def refresh(self, visible: bool):
        """The 30-second timer: the same page of the same rows again, while the tab is seen.

        The timer also fires as the page mounts, when its on_load is already reading: a tick
        that comes while a read runs, or soon after one started, is skipped."""
        recent = time.time() - self._started_at < REFRESH_SECONDS / 2
        if visible and self.view == "ready" and not self.refreshing and not recent:
            await self._show(first=False)

    def _filter_changes(self, name: str, value: str) -> dict[str, str | None]:
        """The URL parameters that change when filter `name` becomes `value` ("" clears it)."""
        return {name: value or None}

    @ui_only
    def filter_chosen(self, name: str, value: str):
        """A filter select changed: the same page with it in the URL (a new history entry)."""
        path, query = url_of(self)
        changes = self._filter_changes(name, "" if value == ALL else value)
        return rx.redirect(filtered_href(path, query, **changes))

    @ui_only
    def search_typed(self, text: str):
        """The text filter changed (after a pause in typing): replace the URL as one types."""
        self.search_text = text
        path, query = url_of(self)
        return rx.redirect(filtered_href(path, query, q=text.strip() or None), replace=True)


def _split(url: str) -> tuple[str, dict[str, str]]:
    path, _, query = url.partition("?")
    return path, routes.page_query(dict(parse_qsl(query)))


async def forget_other_pages(state: rx.State) -> None:
    """Empty the other drill-down pages' states (call it under `async with state`).

    Reflex keeps every state of a browser tab for as long as the tab lives, and sends all of
    it on each reconnect: without this, a tab that went through a cluster, a namespace and a
    pod would carry all three pages' rows from then on.
    """
    for page_state in rx.State.get_substates():
        if issubclass(page_state, DrilldownPage) and not isinstance(state, page_state):
            other = await state.get_state(page_state)
            if other.view != "loading" or other._wanted:
                other.reset()


class UsageCharts(rx.State, mixin=True):
    """CPU and memory over a 24-hour or 7-day window (components/drilldown.py usage_over_time),
    each chart with its figures as a table for screen readers and keyboards."""

    window: str = "24h"
    window_hrefs: dict[str, str] = {}
    cpu_chart: go.Figure = empty_figure()
    memory_chart: go.Figure = empty_figure()
    has_samples: bool = False

    @rx.var
    def cpu_chart_table(self) -> ChartTable:
        return figure_table(self.cpu_chart)

    @rx.var
    def memory_chart_table(self) -> ChartTable:
        return figure_table(self.memory_chart)
