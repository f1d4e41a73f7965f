"""The costs page: the view the URL names, the cost report behind it, and the table, chart, math
and CSV made from that report.

The URL is the view. `load`, the page's on_load, reads the query string, so a shared link, a
reload and the back button all show the same view. A filter change builds the new URL and
navigates there, which runs `load` again; a new sort reuses the report already loaded.

The report stays on the server (`_report`); the browser gets one page of formatted rows, the
chart's few series and the totals (performance.md: a page's state stays under 200 KB).
Handlers that show more of the loaded report (another page, a row's math, the CSV) are
guarded like the load, so a tab signed out since gets nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from kube_console import routes
from kube_console.clock import utcnow
from kube_console.components.charts import (
    ChartTable,
    Series,
    color_book,
    empty_figure,
    figure_table,
    series_color,
    stacked_costs_figure,
)
from kube_console.costs import queries as cost_queries
from kube_console.costs.columns import DIMENSION_TITLES, SORTABLE_FIELDS, Column
from kube_console.costs.columns import table_columns as spec_columns
from kube_console.costs.figures import RESOURCES, STEPS
from kube_console.costs.math import GIB, floor_hour
from kube_console.costs.node_price_sources import node_price_summary
from kube_console.costs.records import (
    CostFilterOptions,
    CostGroup,
    CostQuery,
    CostReport,
    ProvisionalCost,
)
from kube_console.errors import ValidationFailed
from kube_console.formatting import (
    UNKNOWN,
    format_bytes,
    format_cores,
    format_money,
    format_percent,
    format_unit_price,
)
from kube_console.security.authz import Action
from kube_console.services import explore
from kube_console.services.paging import PageRequest
from kube_console.settings import get_settings
from kube_console.states.cost_view_models import (
    CostCell,
    CostColumn,
    CostMathRow,
    CostTableRow,
    FilterChip,
    PickerOption,
)
from kube_console.states.guard import current_context, guarded, in_thread, ui_only

DEFAULT_QUERY = CostQuery()
DEFAULT_SORT = "-cost"
PAGE_SIZE = 25
PICKER_LIMIT = 50  # options listed at once; typing narrows them
COVERAGE_FLOOR = 0.95
NATURAL_STEP = {
    "24h": "hour",
    "7d": "day",
    "30d": "day",
    "mtd": "day",
    "last_month": "day",
    "custom": "day",
}
WINDOW_TITLES = {
    "24h": "24 h",
    "7d": "7 days",
    "30d": "30 days",
    "mtd": "Month to date",
    "last_month": "Last month",
    "custom": "Custom",
}
STEP_WORDS = {"hour": "Hourly", "day": "Daily", "month": "Monthly"}
FILTERS = {  # URL parameter and chip title of each filter dimension
    "cluster": "Cluster",
    "cost_center": "Cost center",
    "team": "Team",
    "namespace": "Namespace",
}
FILTER_FIELDS = {
    "cluster": "clusters",
    "cost_center": "cost_centers",
    "team": "teams",
    "namespace": "namespaces",
}


@dataclasses.dataclass(frozen=True)
class CostView:
    """What the URL names: the report's query (clusters by name) and the table's sort."""

    window: str = DEFAULT_QUERY.window
    start: str = ""
    end: str = ""
    step: str = NATURAL_STEP[DEFAULT_QUERY.window]
    group_by: tuple[str, ...] = DEFAULT_QUERY.group_by
    idle: str = DEFAULT_QUERY.idle
    clusters: tuple[str, ...] = ()
    cost_centers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT

    def link(self) -> str:
        """This view's URL; values at their defaults stay out of it."""
        custom = self.window == "custom"
        return routes.costs(
            window="" if self.window == DEFAULT_QUERY.window else self.window,
            start=self.start if custom else "",
            end=self.end if custom else "",
            step="" if self.step == NATURAL_STEP[self.window] else self.step,
            group_by=() if self.group_by == DEFAULT_QUERY.group_by else self.group_by,
            idle="" if self.idle == DEFAULT_QUERY.idle else self.idle,
            clusters=self.clusters,
            cost_centers=self.cost_centers,
            teams=self.teams,
            namespaces=self.namespaces,
            sort="" if self.sort == DEFAULT_SORT else self.sort,
        )

    def same_report(self, other: CostView) -> bool:
        return dataclasses.replace(self, sort=DEFAULT_SORT) == dataclasses.replace(
            other, sort=DEFAULT_SORT
        )


def _listed(text: str) -> tuple[str, ...]:
    values = [value.strip() for value in text.split(",")]
    return tuple(dict.fromkeys(value for value in values if value))


def view_from_query(params: Mapping[str, str]) -> tuple[CostView, list[str]]:
    """The view a query string names, and the parameters it had to ignore (shown on the page)."""
    ignored: list[str] = []

    def choice(name: str, allowed: Sequence[str], default: str) -> str:
        value = params.get(name, "")
        if value and value not in allowed:
            ignored.append(f"{name}={value}")
            return default
        return value or default

    custom_bounds = bool(params.get("from") or params.get("to"))
    window = choice(
        "window", cost_queries.WINDOWS, "custom" if custom_bounds else DEFAULT_QUERY.window
    )
    if custom_bounds and window != "custom":
        ignored.append("from and to (they need window=custom)")
    group_by = _listed(params.get("group_by", ""))
    if group_by and (len(group_by) > 2 or not set(group_by) <= set(cost_queries.DIMENSIONS)):
        ignored.append(f"group_by={params['group_by']}")
        group_by = ()
    return (
        CostView(
            window=window,
            start=params.get("from", "") if window == "custom" else "",
            end=params.get("to", "") if window == "custom" else "",
            step=choice("step", STEPS, NATURAL_STEP[window]),
            group_by=group_by or DEFAULT_QUERY.group_by,
            idle=choice("idle", cost_queries.IDLE_MODES, DEFAULT_QUERY.idle),
            clusters=_listed(params.get("cluster", "")),
            cost_centers=_listed(params.get("cost_center", "")),
            teams=_listed(params.get("team", "")),
            namespaces=_listed(params.get("namespace", "")),
            sort=params.get("sort", "") or DEFAULT_SORT,
        ),
        ignored,
    )


def _spec(report: CostReport) -> list[Column]:
    return spec_columns(report.dimensions, report.idle)


def column_keys(report: CostReport) -> list[str]:
    return [column.key for column in _spec(report)]


def table_columns(report: CostReport) -> list[CostColumn]:
    """The table's columns: the CSV's header, word for word, each with the key it sorts by."""
    return [
        CostColumn(
            key=column.key, title=column.header(report.currency), numeric=column.kind != "dimension"
        )
        for column in _spec(report)
    ]


def change_cell(change: float | None, current: float, previous: float) -> CostCell:
    if change is None:
        return CostCell(text="new" if current and not previous else UNKNOWN, tone="muted")
    if round(change, 3) == 0:
        return CostCell(text="0%", tone="muted")
    arrow, tone = ("▲", "up") if change > 0 else ("▼", "down")
    return CostCell(text=f"{arrow} {format_percent(abs(change))}", tone=tone)


NO_USAGE_DATA = "no usage data"


def efficiency_cell(efficiency: float | None, usage_data_share: float | None) -> CostCell:
    """Usage ÷ request; unknown ("no usage data") where no hour of the requests had usage."""
    if efficiency is None and usage_data_share == 0:
        return CostCell(text=NO_USAGE_DATA, tone="muted")
    return CostCell(text=format_percent(efficiency))


def _figure_cell(
    column: Column, figures: CostGroup | CostReport, report: CostReport, *, total: bool
) -> CostCell:
    """One figure of a group (or of the total row), as the column's kind reads it."""
    value = getattr(figures, column.field) if column.kind != "share" else None
    if column.kind == "share":
        share = (
            figures.share if isinstance(figures, CostGroup) else (1.0 if report.groups else None)
        )
        return CostCell(text=format_percent(share))
    if column.kind == "change":
        return change_cell(value, figures.total_cost, figures.previous_cost)
    if column.kind == "efficiency":
        return efficiency_cell(value, getattr(figures, column.usage_data_share))
    if column.kind == "coverage":
        low = value is not None and value < COVERAGE_FLOOR
        return CostCell(text=format_percent(value), tone="warn" if low else "")
    tone = "muted" if column.muted or (column.kind == "part" and not value and not total) else ""
    if column.key == "cost" and value is not None and value < 0 and not total:
        tone = "bad"
    return CostCell(text=format_money(value, report.currency), tone=tone)


def table_row(group: CostGroup, report: CostReport, color: str) -> CostTableRow:
    cells = [
        CostCell(text=group.values[column.field])
        if column.kind == "dimension"
        else _figure_cell(column, group, report, total=False)
        for column in _spec(report)
    ]
    share = max(0.0, min(1.0, group.share or 0.0))
    return CostTableRow(
        key=group.key,
        label=group.label,
        color=color,
        idle=group.idle,
        cells=cells,
        share_width=f"{share * 100:.1f}%",
        low_coverage=group.coverage is not None and group.coverage < COVERAGE_FLOOR,
        negative_idle_hours=group.negative_idle_hours,
    )


def total_cells(report: CostReport) -> list[CostCell]:
    columns = _spec(report)
    return [
        CostCell(text="Total" if position == 0 else "")
        if column.kind == "dimension"
        else _figure_cell(column, report, report, total=True)
        for position, column in enumerate(columns)
    ]


def sorted_groups(groups: Sequence[CostGroup], sort: str, dims: Sequence[str]) -> list[CostGroup]:
    """Groups in the order of a sort key ("-cost": most expensive first); unknown figures last."""
    descending, key = sort.startswith("-"), sort.lstrip("-")

    def value(group: CostGroup) -> Any:
        if key in dims:
            return group.values[key].lower()
        return getattr(group, SORTABLE_FIELDS[key])

    known = [group for group in groups if value(group) is not None]
    unknown = [group for group in groups if value(group) is None]
    return sorted(known, key=value, reverse=descending) + unknown


def _quantity(amount: float | None, unit: str) -> str:
    if amount is None:
        return UNKNOWN
    text = f"{amount:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if text != "0" or amount == 0 else f"<0.01 {unit}"


_RESOURCES = {resource.name: resource for resource in RESOURCES}


def math_rows(group: CostGroup, currency: str) -> list[CostMathRow]:
    """ "Show the math" for one group: per resource, the hourly averages, what was charged for,
    at what price, and the cost (over the view's closed hours)."""

    def average(value: float | None, resource: str) -> str:
        if value is None:
            return UNKNOWN
        if resource == "gpu":
            return _quantity(value, "GPUs")
        return format_cores(value) if resource == "cpu" else format_bytes(value * GIB)

    rows = []
    for line in group.math:
        resource = _RESOURCES[line.resource]
        unit = resource.price_unit
        rows.append(
            CostMathRow(
                resource=resource.title,
                average_request=average(line.average_request, line.resource),
                average_usage=average(line.average_usage, line.resource),
                average_allocated=average(line.average_allocated, line.resource),
                allocated=_quantity(line.allocated, line.unit),
                price=(
                    f"{format_unit_price(line.price, currency)} per {unit}"
                    if line.allocated
                    else UNKNOWN
                ),
                cost=format_money(line.cost, currency),
            )
        )
    return rows


def _day(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def period_text(start: str, end: str, step: str) -> str:
    """[start, end) as people read it: "1 Mar 2026 – 30 Mar 2026", or hours for hourly views."""
    first, last = dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end)
    if step == "hour":
        return f"{_day(first)} {first:%H:%M} – {_day(last)} {last:%H:%M} UTC"
    last -= dt.timedelta(days=1)
    return _day(first) if first.date() == last.date() else f"{_day(first)} – {_day(last)}"


def network_note(sources: Mapping[str, str], clusters: Sequence[str]) -> str:
    """Says which clusters' network traffic is not measured (their network cost is 0), or ""."""
    shown = clusters or sorted(sources)
    unmeasured = [name for name in shown if sources.get(name, "none") == "none"]
    if not unmeasured:
        return ""
    if len(unmeasured) == len(shown):
        return (
            "Network cost is zero because no network source is configured: traffic is not "
            "measured, so it is not charged."
        )
    return (
        f"Network traffic is not measured on {', '.join(unmeasured)} (no network source is "
        "configured), so their network cost is zero."
    )


def efficiency_note(report: CostReport) -> str:
    """What the view's efficiency rests on, when not on all of its requests."""
    share = report.cpu_usage_data_share
    if share is None or share >= 1:
        return ""
    if share == 0:
        return (
            "No usage data: no cluster in this view reports usage (metrics.k8s.io), so "
            "efficiency is unknown."
        )
    return (
        f"Over the hours with usage data: {format_percent(share)} of the requested CPU. "
        "Clusters without metrics.k8s.io have none."
    )


def provisional_figures(found: ProvisionalCost | None) -> tuple[str, str, str]:
    """The open hour so far as shown: (cost, "06:00–06:30 UTC", "07:00 UTC"), or blanks."""
    if found is None:
        return "", "", ""
    start, through, end = (
        dt.datetime.fromisoformat(moment)
        for moment in (found.hour_start, found.through, found.hour_end)
    )
    return (
        format_money(found.total_cost, found.currency),
        f"{start:%H:%M}–{through:%H:%M} UTC",
        f"{end:%H:%M} UTC",
    )


def first_costs_by(now: dt.datetime, cost_interval_seconds: int) -> dt.datetime:
    """When the cost job will have priced the hour open now, at the latest: it prices hours
    once they have closed, at minute 5 of every hour by default, else every interval."""
    closes = floor_hour(now) + dt.timedelta(hours=1)
    if cost_interval_seconds == 3600:
        return closes + dt.timedelta(minutes=5)
    return closes + dt.timedelta(seconds=cost_interval_seconds)


_FIELD_TITLES = {"start": "the first day", "end": "the last day"}


def _problem(invalid: ValidationFailed) -> str:
    """The service's refusal as one sentence: "the last day must be after the start"."""
    return "; ".join(
        f"{_FIELD_TITLES[error.field]} {error.message}"
        if error.field in _FIELD_TITLES
        else error.message
        for error in invalid.errors
    )


def _report_query(view: CostView, cluster_ids: Mapping[str, int]) -> CostQuery:
    return CostQuery(
        window=view.window,
        start=view.start,
        end=view.end,
        step=view.step,
        group_by=view.group_by,
        clusters=tuple(cluster_ids[name] for name in view.clusters if name in cluster_ids),
        cost_centers=view.cost_centers,
        teams=view.teams,
        namespaces=view.namespaces,
        idle=view.idle,
    )


@dataclasses.dataclass(frozen=True)
class _Loaded:
    options: CostFilterOptions
    query: CostQuery | None = None
    report: CostReport | None = None
    network_sources: Mapping[str, str] = dataclasses.field(default_factory=dict)
    unknown_clusters: tuple[str, ...] = ()
    synced: bool = False  # a cluster has synced at least once
    problem: str = ""  # why the view's report could not be made


def _load_costs(*, session: Session, org_id: int, view: CostView, now: dt.datetime) -> _Loaded:
    options = cost_queries.filter_options(session=session, org_id=org_id)
    if not options.namespaces:  # nothing costed yet: is a first hour on its way?
        clusters = explore.list_cluster_rows(
            session=session, org_id=org_id, request=PageRequest(limit=500), now=now
        ).rows
        return _Loaded(options=options, synced=any(row.last_success_at for row in clusters))
    ids = {cluster.name: cluster.id for cluster in options.clusters}
    query = _report_query(view, ids)
    unknown = tuple(name for name in view.clusters if name not in ids)
    try:
        report = cost_queries.cost_report(session=session, org_id=org_id, query=query, now=now)
    except ValidationFailed as invalid:
        return _Loaded(
            options=options, unknown_clusters=unknown, synced=True, problem=_problem(invalid)
        )
    return _Loaded(
        options=options,
        query=query,
        report=report,
        network_sources=cost_queries.network_sources(session=session, org_id=org_id),
        unknown_clusters=unknown,
        synced=True,
    )


def _page_number(value: object) -> int | None:
    """The page an event asks for, as sent by any browser (the table clamps it to its pages), or
    None when it names none: a digit string is read only when short, infinity never."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 9:
        return int(value)
    return None


def _day_after(day: str) -> str:
    """The exclusive end of a window whose last day is `day` ("" when it is no day)."""
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return ""


def _inclusive_last_day(end: str) -> str:
    """The last day a [start, end) window touches, for a date input that includes it."""
    moment = dt.datetime.fromisoformat(end) - dt.timedelta(microseconds=1)
    return moment.date().isoformat()


class CostsState(rx.State):
    # The view, as the URL names it.
    window: str = DEFAULT_QUERY.window
    step: str = NATURAL_STEP[DEFAULT_QUERY.window]
    group_by: list[str] = list(DEFAULT_QUERY.group_by)
    idle: str = DEFAULT_QUERY.idle
    clusters: list[str] = []
    cost_centers: list[str] = []
    teams: list[str] = []
    namespaces: list[str] = []
    sort: str = DEFAULT_SORT
    custom_start: str = ""  # the date inputs of a custom window, both days included
    custom_end: str = ""
    ignored: list[str] = []  # URL parameters the page could not use

    loading: bool = False
    loaded: bool = False
    has_clusters: bool = False
    has_costs: bool = False
    synced: bool = False
    first_costs_by: str = ""
    problem: str = ""

    currency: str = "USD"
    total: str = ""
    total_change: CostCell = CostCell(text="")
    previous_total: str = ""
    period: str = ""
    closed_hours: str = ""
    # The open hour so far for the view's filters, or "".
    provisional: str = ""
    provisional_span: str = ""
    provisional_closes: str = ""
    forecast: str = ""
    forecast_days: int = 0
    cpu_efficiency: str = ""
    memory_efficiency: str = ""
    efficiency_note: str = ""
    coverage: str = ""
    coverage_low: bool = False
    negative_idle_hours: int = 0
    network_note: str = ""
    mixed_currency: bool = False
    chart: go.Figure = empty_figure()
    chart_title: str = ""

    @rx.var
    def chart_table(self) -> ChartTable:
        return figure_table(self.chart)

    columns: list[CostColumn] = []
    rows: list[CostTableRow] = []
    totals: list[CostCell] = []
    group_count: int = 0
    page: int = 1
    page_count: int = 1

    cluster_options: list[str] = []
    picker: str = ""  # the filter whose picker is open
    picker_search: str = ""
    picker_options: list[PickerOption] = []
    picker_more: int = 0  # matches beyond the ones listed

    math_open: bool = False
    math_title: str = ""
    math_rows: list[CostMathRow] = []
    math_total: str = ""
    math_notes: list[str] = []
    math_node_prices: list[str] = []  # the node prices in force now on the group's clusters

    _loaded_view: CostView | None = None  # the view `_report` was loaded for
    _report: CostReport | None = None
    _query: CostQuery | None = None
    _as_of: dt.datetime | None = None
    _options: CostFilterOptions | None = None
    _colors: dict[str, str] = {}
    _generation: int = 0

    # ------------------------------------------------------------ the view and its URL

    def _current_view(self) -> CostView:
        """The view shown; a custom window's bounds are those of its date inputs."""
        custom = self.window == "custom"
        return CostView(
            window=self.window,
            start=self.custom_start if custom else "",
            end=_day_after(self.custom_end) if custom else "",
            step=self.step,
            group_by=tuple(self.group_by),
            idle=self.idle,
            clusters=tuple(self.clusters),
            cost_centers=tuple(self.cost_centers),
            teams=tuple(self.teams),
            namespaces=tuple(self.namespaces),
            sort=self.sort,
        )

    def _show_view(self, view: CostView) -> None:
        self.window, self.step, self.idle, self.sort = view.window, view.step, view.idle, view.sort
        self.group_by = list(view.group_by)
        self.clusters, self.cost_centers = list(view.clusters), list(view.cost_centers)
        self.teams, self.namespaces = list(view.teams), list(view.namespaces)

    def _go(self, view: CostView) -> Any:
        """Show `view` at once and navigate to its URL, which loads it (and makes a history entry)."""
        self._show_view(view)
        self.loading = True
        return rx.redirect(view.link())

    @ui_only
    def choose_window(self, window: str):
        if window not in cost_queries.WINDOWS:
            return None
        if window == "custom":  # shown at once; applied with its dates
            self.window = window
            return None
        view = self._current_view()
        return self._go(
            dataclasses.replace(view, window=window, start="", end="", step=NATURAL_STEP[window])
        )

    @ui_only
    def custom_start_chosen(self, day: str):
        self.custom_start = day

    @ui_only
    def custom_end_chosen(self, day: str):
        self.custom_end = day

    @ui_only
    def apply_custom_range(self):
        try:
            first = dt.date.fromisoformat(self.custom_start)
            last = dt.date.fromisoformat(self.custom_end)
        except ValueError:
            self.problem = "Choose both days of the custom window."
            return None
        if last < first:
            self.problem = "The custom window's last day comes before its first."
            return None
        return self._go(dataclasses.replace(self._current_view(), window="custom"))

    @ui_only
    def choose_step(self, step: str):
        if step in STEPS:
            return self._go(dataclasses.replace(self._current_view(), step=step))
        return None

    @ui_only
    def choose_idle(self, idle: str):
        if idle in cost_queries.IDLE_MODES:
            return self._go(dataclasses.replace(self._current_view(), idle=idle))
        return None

    @ui_only
    def choose_group(self, position: int, dimension: str):
        """Group by `dimension` first (position 0) or second (1); "none" drops the second."""
        dims = list(self.group_by)
        if position == 0 and dimension in cost_queries.DIMENSIONS:
            dims = [dimension] + [name for name in dims[1:] if name != dimension]
        elif position == 1 and dimension == "none":
            dims = dims[:1]
        elif position == 1 and dimension in cost_queries.DIMENSIONS and dimension != dims[0]:
            dims = [dims[0], dimension]
        else:
            return None
        sort = self.sort if self.sort.lstrip("-") not in cost_queries.DIMENSIONS else DEFAULT_SORT
        return self._go(dataclasses.replace(self._current_view(), group_by=tuple(dims), sort=sort))

    @ui_only
    def toggle_filter(self, dimension: str, value: str):
        if dimension not in FILTERS:
            return None
        field = FILTER_FIELDS[dimension]
        chosen = list(getattr(self, field))
        chosen = [item for item in chosen if item != value] if value in chosen else [*chosen, value]
        self.picker_options = [
            PickerOption(value=option.value, selected=option.selected != (option.value == value))
            for option in self.picker_options
        ]
        changes: dict[str, Any] = {field: tuple(chosen)}  # the filter's field of CostView
        return self._go(dataclasses.replace(self._current_view(), **changes))

    @ui_only
    def clear_filters(self):
        view = dataclasses.replace(
            self._current_view(), clusters=(), cost_centers=(), teams=(), namespaces=()
        )
        self.picker_options = [
            PickerOption(value=option.value, selected=False) for option in self.picker_options
        ]
        return self._go(view)

    @ui_only
    def sort_by(self, key: str):
        """Sort by a column; again on the same column reverses it. Figures sort largest first."""
        current = self.sort.lstrip("-")
        if key == current:
            sort = key if self.sort.startswith("-") else f"-{key}"
        elif key in cost_queries.key_dimensions(self.group_by):
            sort = key
        elif key in SORTABLE_FIELDS:
            sort = f"-{key}"
        else:
            return None
        return self._go(dataclasses.replace(self._current_view(), sort=sort))

    # ------------------------------------------------------------ loading

    @rx.var
    def chips(self) -> list[FilterChip]:
        # Each list is named here, not looked up by name: Reflex finds a computed var's
        # dependencies in its code.
        chosen = {
            "cluster": self.clusters,
            "cost_center": self.cost_centers,
            "team": self.teams,
            "namespace": self.namespaces,
        }
        return [
            FilterChip(dimension=dimension, title=FILTERS[dimension], value=value)
            for dimension, values in chosen.items()
            for value in values
        ]

    @guarded(Action.READ)
    async def load(self):
        view, ignored = view_from_query(routes.page_query(self.router.url.query_parameters))
        async with self:
            self._generation += 1
            generation = self._generation
            self._show_view(view)
            self.ignored, self.math_open = ignored, False
            if self._report is not None and self._last_loaded(view):
                self._show_rows(page=1)
                self.loading = False
                return
            self.loading, self.problem = True, ""
        now = utcnow()
        try:
            loaded = await in_thread(
                _load_costs, org_id=current_context().org_id, view=view, now=now
            )
        except SQLAlchemyError as failure:
            async with self:
                if generation == self._generation:
                    self.problem = (
                        f"the database did not answer ({type(failure).__name__}). "
                        "Try again in a moment."
                    )
                    self.loading = False
            return
        async with self:
            if generation != self._generation:
                return  # a newer view was asked for meanwhile; its load shows it
            self._apply(loaded, view, now)

    def _last_loaded(self, view: CostView) -> bool:
        return self._loaded_view is not None and self._loaded_view.same_report(view)

    def _apply(self, loaded: _Loaded, view: CostView, now: dt.datetime) -> None:
        self._options, self._query, self._as_of = loaded.options, loaded.query, now
        self._report, self._loaded_view = loaded.report, view
        self.cluster_options = [cluster.name for cluster in loaded.options.clusters]
        self.has_clusters = bool(loaded.options.clusters)
        self.has_costs = bool(loaded.options.namespaces)
        self.synced, self.problem = loaded.synced, loaded.problem
        self.first_costs_by = (
            first_costs_by(now, get_settings().cost_interval_seconds).isoformat()
            if loaded.synced
            else ""
        )
        self.ignored = self.ignored + [
            f"cluster={name} (no such cluster)" for name in loaded.unknown_clusters
        ]
        self.loading, self.loaded = False, True
        if loaded.report is None:
            self._clear_figures()
            return
        report = loaded.report
        charted = [item.key for item in report.series if not item.idle and item.key != "other"]
        self._colors = group_colors(loaded.options, report.group_by, charted)
        self.currency = report.currency
        self.mixed_currency = report.currency == "mixed"
        self.total = format_money(report.total_cost, report.currency)
        self.total_change = change_cell(report.change, report.total_cost, report.previous_cost)
        self.previous_total = format_money(report.previous_cost, report.currency)
        self.period = period_text(report.start, report.end, report.step)
        self.closed_hours = _quantity(report.hours, "closed hours")
        self.provisional, self.provisional_span, self.provisional_closes = provisional_figures(
            report.provisional
        )
        self.forecast = format_money(report.forecast_cost, report.currency)
        self.forecast_days = report.forecast_days
        self.cpu_efficiency = format_percent(report.cpu_efficiency)
        self.memory_efficiency = format_percent(report.memory_efficiency)
        self.efficiency_note = efficiency_note(report)
        self.coverage = format_percent(report.coverage)
        self.coverage_low = report.coverage is not None and report.coverage < COVERAGE_FLOOR
        self.negative_idle_hours = report.negative_idle_hours
        self.network_note = network_note(loaded.network_sources, view.clusters)
        self.chart = stacked_costs_figure(
            buckets=report.buckets,
            step=report.step,
            series=[
                Series(
                    key=item.key,
                    label=item.label,
                    values=item.values,
                    kind="idle" if item.idle else "other" if item.key == "other" else "group",
                )
                for item in report.series
            ],
            currency=report.currency,
            colors=self._colors,
        )
        titles = [DIMENSION_TITLES[name].lower() for name in report.dimensions]
        self.chart_title = f"{STEP_WORDS[report.step]} cost by {' and '.join(titles)}"
        self.columns = table_columns(report)
        self.totals = total_cells(report)
        self.group_count = len(report.groups)
        self.custom_start = report.start[:10]
        self.custom_end = _inclusive_last_day(report.end)
        self._show_rows(page=1)

    def _clear_figures(self) -> None:
        self._report = self._query = None
        self._loaded_view = None
        self.rows, self.totals, self.columns, self.group_count = [], [], [], 0
        self.chart = empty_figure()
        self.page, self.page_count = 1, 1
        self.provisional = self.provisional_span = self.provisional_closes = ""

    def _show_rows(self, *, page: int) -> None:
        report = self._report
        if report is None:
            return
        if self.sort.lstrip("-") not in column_keys(report):
            self.ignored = [*self.ignored, f"sort={self.sort}"]
            self.sort = DEFAULT_SORT
        ordered = sorted_groups(report.groups, self.sort, report.dimensions)
        self.page_count = max(1, -(-len(ordered) // PAGE_SIZE))
        self.page = max(1, min(page, self.page_count))
        first = (self.page - 1) * PAGE_SIZE
        self.rows = [
            table_row(group, report, chart_color(group, self._colors))
            for group in ordered[first : first + PAGE_SIZE]
        ]

    @rx.var
    def row_range(self) -> str:
        if not self.group_count:
            return ""
        first = (self.page - 1) * PAGE_SIZE + 1
        last = min(self.page * PAGE_SIZE, self.group_count)
        return f"{first:,}–{last:,} of {self.group_count:,}"

    @guarded(Action.READ)
    async def go_to_page(self, page: int):
        number = _page_number(page)
        if number is None:
            return
        async with self:
            self._show_rows(page=number)

    # ------------------------------------------------------------ filter pickers

    def _matches(self, dimension: str, search: str) -> None:
        options = self._options
        values: list[str] = []
        if options is not None:
            values = {
                "cluster": [cluster.name for cluster in options.clusters],
                "cost_center": options.cost_centers,
                "team": options.teams,
                "namespace": options.namespaces,
            }[dimension]
        chosen = set(getattr(self, FILTER_FIELDS[dimension]))
        needle = search.strip().lower()
        found = [value for value in values if needle in value.lower()]
        found.sort(key=lambda value: value not in chosen)  # chosen first, else in name order
        self.picker_options = [
            PickerOption(value=value, selected=value in chosen) for value in found[:PICKER_LIMIT]
        ]
        self.picker_more = max(0, len(found) - PICKER_LIMIT)

    @guarded(Action.READ)
    async def picker_changed(self, dimension: str, open: bool):
        async with self:
            if not open or dimension not in FILTERS:
                self.picker, self.picker_options, self.picker_more = "", [], 0
                return
            self.picker, self.picker_search = dimension, ""
            self._matches(dimension, "")

    @guarded(Action.READ)
    async def search_picker(self, text: str):
        async with self:
            if self.picker in FILTERS:
                self.picker_search = text
                self._matches(self.picker, text)

    # ------------------------------------------------------------ the math and the CSV

    @guarded(Action.READ)
    async def show_math(self, key: str):
        async with self:
            report = self._report
            group = (
                next((group for group in report.groups if group.key == key), None)
                if report
                else None
            )
            if report is None or group is None:
                return rx.toast.error(
                    "That row is not in the loaded costs any more. Reload the page."
                )
            self.math_title = group.label
            self.math_rows = math_rows(group, report.currency)
            self.math_total = format_money(group.total_cost, report.currency)
            self.math_notes = _math_notes(group, report)
            self.math_node_prices = []
            self.math_open = True
            clusters = math_clusters(group, self._query, self._options)
        phrases = await in_thread(
            node_price_summary, org_id=current_context().org_id, cluster_ids=clusters
        )
        async with self:
            if self.math_open and self.math_title == group.label:
                self.math_node_prices = phrases

    @ui_only
    def math_dialog_changed(self, open: bool):
        self.math_open = open

    @guarded(Action.READ)
    async def download_csv(self):
        async with self:
            query, as_of, view = self._query, self._as_of, self._loaded_view
        if query is None or view is None:
            return rx.toast.error("There are no costs in this view to download.")
        text = await in_thread(
            cost_queries.export_csv, org_id=current_context().org_id, query=query, now=as_of
        )
        name = f"costs-{view.window}-{view.step}-by-{'-'.join(view.group_by)}.csv".replace("_", "-")
        return rx.download(data=text, filename=name, mime_type="text/csv")


def namespace_group_key(cluster_id: int, namespace: str) -> str:
    """The key of a namespace's group in a view by namespace."""
    return cost_queries.group_key(
        cost_queries.key_dimensions(("namespace",)), (namespace, cluster_id, 0)
    )


def group_colors(
    options: CostFilterOptions, group_by: Sequence[str], charted: Sequence[str] = ()
) -> dict[str, str]:
    """The colours of a view's groups, handed out over every value their dimension can take,
    so a team has its colour whatever the filters; a namespace is one of a cluster, so each
    namespace group has its own. Pairs (team and cluster, say) are no one's colour: they are
    handed out over the groups `charted`, so none two on the chart share one."""
    if tuple(group_by) == ("namespace",):
        return color_book(
            namespace_group_key(cluster_id, name) for cluster_id, name in options.namespace_groups
        )
    if len(group_by) != 1:
        return color_book(charted)
    dimension = group_by[0]
    values = {
        "cluster": [str(cluster.id) for cluster in options.clusters],
        "team": options.teams,
        "cost_center": options.cost_centers,
    }[dimension]
    return color_book(f"{dimension}={value}" for value in values)


def chart_color(group: CostGroup, colors: Mapping[str, str]) -> str:
    """The colour of a group's row: the one its series has on the chart."""
    kind = "idle" if group.idle else "group"
    return series_color(Series(key=group.key, label=group.label, values=(), kind=kind), colors)


def math_clusters(
    group: CostGroup, query: CostQuery | None, options: CostFilterOptions | None
) -> tuple[int, ...]:
    """The clusters a group's costs come from: its own cluster, else the view's clusters."""
    clusters = options.clusters if options else []
    name = group.values.get("cluster")
    if name is not None:
        return tuple(cluster.id for cluster in clusters if cluster.name == name)
    if query is not None and query.clusters:
        return tuple(query.clusters)
    return tuple(cluster.id for cluster in clusters)


def _math_notes(group: CostGroup, report: CostReport) -> list[str]:
    notes = [
        (
            "Allocated = the larger of request and usage, container by container, over the "
            "hours the syncs covered; cost = allocated × the price in force each hour."
        )
    ]
    if group.idle:
        notes.append(
            "Idle is node capacity that no namespace was allocated: capacity × price − the "
            "namespaces' cost, per cluster and hour."
        )
    if group.cpu_usage_data_share == 0:
        notes.append(
            "No usage data for these hours: the cluster does not report usage (metrics.k8s.io), "
            "so efficiency is unknown and the allocation is the request."
        )
    if group.negative_idle_hours:
        notes.append(
            f"Idle came out negative in {group.negative_idle_hours} hours: pods used more than "
            "the nodes' capacity. It is kept as computed, not clamped to zero."
        )
    if group.idle_share_cost:
        parts = ", ".join(
            f"{_RESOURCES[line.resource].title} {format_money(line.idle_share, report.currency)}"
            for line in group.math
            if line.idle_share
        )
        notes.append(
            f"Includes {format_money(group.idle_share_cost, report.currency)} of idle shared "
            f"onto this group ({parts}), each resource's idle in proportion to its cost of it."
        )
    if group.coverage is not None and group.coverage < COVERAGE_FLOOR:
        notes.append(
            f"Syncs covered {format_percent(group.coverage)} of these hours: uncovered time is "
            "not charged, so this is lower than what really ran."
        )
    return notes
