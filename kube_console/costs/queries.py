"""Cost views: the one report behind the costs page, the REST API and the CSV export, plus the
filter pickers and the overview's month-to-date cards.

The database does the summing: every figure is a GROUP BY over the table that matches the
step (hourly rows, or the daily and monthly rollups), through the org's indexes; Python only
shapes the aggregated rows. Idle is hidden, kept as its own groups, or shared onto the
namespaces of its cluster: the cost job shares each cluster-hour's idle in proportion to their
CPU and memory cost and stores the shares, which the rollups sum, so a view shares exactly what
its hours do whatever its step.

A namespace group is a namespace of one cluster: grouping by namespace keys groups by cluster
too, and each group shows its cluster (`key_dimensions`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, TypedDict, get_args

from sqlalchemy import Float, and_, case, func, literal, select
from sqlmodel import Session, col

from kube_console.costs.columns import Column, table_columns
from kube_console.costs.figures import (
    COST_FIGURES,
    GRAINS,
    IDLE_SHARES,
    RESOURCES,
    SHARED_BY,
    STEPS,
    SUMMED_FIGURES,
    Grain,
)
from kube_console.costs.math import (
    DAY,
    HOUR,
    add_months,
    ceil_day,
    ceil_hour,
    ceil_month,
    floor_day,
    floor_hour,
    floor_month,
    month_end_forecast,
    parse_utc_time,
    ratio,
)
from kube_console.costs.records import (
    ClusterOption,
    CostFilterOptions,
    CostGroup,
    CostMathLine,
    CostOverview,
    CostQuery,
    CostReport,
    CostSeries,
    CostSlice,
    CostTable,
    CostTrendPoint,
    ProvisionalCost,
)
from kube_console.db import utcnow
from kube_console.errors import FieldError, ValidationFailed
from kube_console.models import IDLE_NAMESPACE, Cluster, CostDaily, CostMonthly, CostProvisional
from kube_console.services.csv_text import Figure, csv_text
from kube_console.services.prices import resolve_prices

CostWindow = Literal["24h", "7d", "30d", "mtd", "last_month", "custom"]
WINDOWS: tuple[CostWindow, ...] = get_args(CostWindow)
Dimension = Literal["cluster", "namespace", "team", "cost_center"]
DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
# The buckets of a series: the grains the cost tables are kept in (costs/figures.py STEPS).
Step = Literal["hour", "day", "month"]
IDLE_MODES = ("hide", "separate", "share")
MAX_BUCKETS = {"hour": 31 * 24, "day": 400, "month": 120}
# A custom window lies within the cost rollups the console keeps, 13 months (this one and the 12
# before it), and may end a little ahead, so a whole month can be chosen while it runs.
KEPT_MONTHS = 13
MAX_AHEAD = 31 * DAY
MAX_FILTER_VALUES = 200  # values of one filter, as the REST API takes them
MAX_SERIES = 100  # groups charted on their own
FORECAST_DAYS = 7
IDLE_LABEL = "Idle"
# Below a nano-dollar, an idle group with idle shared is the rounding of what it gave away.
SHARED_AWAY = 1e-9
# Figures summed per group: the stored ones (total_cost is recomputed from its parts, with the
# idle shared onto a group when idle = share).
MEASURES = tuple(name for name in SUMMED_FIGURES if name != "total_cost")
COST_MEASURES = (*COST_FIGURES, *IDLE_SHARES)


def key_dimensions(group_by: Sequence[str]) -> tuple[str, ...]:
    """The dimensions a view's groups are keyed by: its own, and a namespace's cluster after the
    namespace (names repeat across clusters: kube-system of each is its own group)."""
    if "namespace" not in group_by or "cluster" in group_by:
        return tuple(group_by)
    position = list(group_by).index("namespace") + 1
    return (*group_by[:position], "cluster", *group_by[position:])


@dataclasses.dataclass(frozen=True)
class Window:
    """[start, end) aligned to the step; data_end is where closed hours stop inside it.
    reaches_open_hour: the view asked for goes up to now, so the open hour so far belongs beside
    it, even when the window holds no closed hour of today (00:30) or of the month (the 1st)."""

    start: dt.datetime
    end: dt.datetime
    data_end: dt.datetime
    reaches_open_hour: bool


def _floor(step: str, moment: dt.datetime) -> dt.datetime:
    return {"hour": floor_hour, "day": floor_day, "month": floor_month}[step](moment)


def _ceil(step: str, moment: dt.datetime) -> dt.datetime:
    return {"hour": ceil_hour, "day": ceil_day, "month": ceil_month}[step](moment)


def _advance(step: str, moment: dt.datetime) -> dt.datetime:
    return add_months(moment, 1) if step == "month" else moment + (HOUR if step == "hour" else DAY)


def bucket_count(step: str, start: dt.datetime, end: dt.datetime) -> int:
    """How many buckets of `step` [start, end) holds (start aligned to the step), by arithmetic:
    nothing is built, however long the window."""
    if end <= start:
        return 0
    if step == "month":
        months = (end.year - start.year) * 12 + end.month - start.month
        return months + (add_months(start, months) < end)
    return -(-(end - start) // (HOUR if step == "hour" else DAY))


def _check_bucket_count(step: str, start: dt.datetime, end: dt.datetime) -> None:
    if bucket_count(step, start, end) > MAX_BUCKETS[step]:
        raise ValidationFailed.one(
            "step", f"too many {step}s in this window; choose a coarser step"
        )


def buckets(step: str, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The starts of the buckets of [start, end); refused, before any is built, past the step's
    cap."""
    _check_bucket_count(step, start, end)
    found, moment = [], start
    while moment < end:
        found.append(moment)
        moment = _advance(step, moment)
    return found


def kept_since(now: dt.datetime) -> dt.datetime:
    """The start of the oldest month whose costs the console keeps."""
    return add_months(floor_month(now), 1 - KEPT_MONTHS)


def _day_text(moment: dt.datetime) -> str:
    return moment.date().isoformat()


def _custom_bound(
    field: str, text: str, errors: list[FieldError], *, earliest: dt.datetime, latest: dt.datetime
) -> dt.datetime | None:
    """One bound of a custom window, or None with the reason in `errors`.

    Checked against [earliest, latest] before anything is aligned or counted, so a time at
    the edge of the calendar (year 1, year 9999) is a clear refusal, not an overflow.
    """
    if not text:
        errors.append(FieldError(field, "is needed for a custom window"))
        return None
    try:
        moment = parse_utc_time(text)
    except ValueError:
        errors.append(
            FieldError(field, "must be a date or time, such as 2026-11-01 or 2026-11-01T12:00Z")
        )
        return None
    if moment < earliest:
        errors.append(
            FieldError(
                field,
                f"must not be before {_day_text(earliest)}: costs are kept for "
                f"{KEPT_MONTHS} months",
            )
        )
        return None
    if moment > latest:
        errors.append(
            FieldError(
                field,
                f"must not be after {_day_text(latest)}, {MAX_AHEAD.days} days ahead",
            )
        )
        return None
    return moment


def resolve_window(query: CostQuery, now: dt.datetime) -> Window:
    """The window a query names, aligned outward to whole steps and cut at the last closed hour.

    Day-based presets (7d, 30d, month-to-date) end with today, which holds the hours closed so
    far; 24h is the last 24 closed hours.
    """
    closed_until, today = floor_hour(now), floor_day(now)
    this_month = floor_month(now)
    start, end = {
        "24h": (closed_until - 24 * HOUR, closed_until),
        "7d": (today - 6 * DAY, today + DAY),
        "30d": (today - 29 * DAY, today + DAY),
        "mtd": (this_month, today + DAY),
        "last_month": (add_months(this_month, -1), this_month),
        "custom": (None, None),
    }[query.window]
    if query.window == "custom":
        errors: list[FieldError] = []
        kept = {"earliest": kept_since(now), "latest": now + MAX_AHEAD}
        start, end = (
            _custom_bound("start", query.start, errors, **kept),
            _custom_bound("end", query.end, errors, **kept),
        )
        if start and end and start >= end:
            errors.append(FieldError("end", "must be after the start"))
        if errors:
            raise ValidationFailed(errors)
    assert start is not None and end is not None  # a preset, or a custom window checked above
    # 24h ends where the open hour starts, a day-based preset at 00:30 holds no hour of today
    # yet: both still run up to now. A custom window reaches it only if it ends past its start.
    reaches_open_hour = query.window in {"24h", "7d", "30d", "mtd"} or end > closed_until
    start, end = (
        _floor(query.step, start),
        min(_ceil(query.step, end), _ceil(query.step, closed_until)),
    )
    end = max(start, end)
    _check_bucket_count(query.step, start, end)
    return Window(
        start=start,
        end=end,
        data_end=max(start, min(end, closed_until)),
        reaches_open_hour=reaches_open_hour,
    )


def previous_window(window: Window, step: str) -> tuple[dt.datetime, dt.datetime]:
    """The equal period just before (whole months for a monthly step); a window still filling is
    compared with the same elapsed time of it, like for like."""
    if step == "month":
        start = add_months(window.start, -bucket_count("month", window.start, window.end))
    else:
        start = window.start - (window.end - window.start)
    if window.data_end == window.end:
        return start, window.start
    return start, min(start + (window.data_end - window.start), window.start)


def span_parts(start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """[start, end) (whole hours) as the fewest rows to read: whole months, days, then hours."""
    if start >= end:
        return []
    first_day, last_day = ceil_day(start), floor_day(end)
    if first_day >= last_day:
        return [("hour", start, end)]
    parts = [("hour", start, first_day)] if start < first_day else []
    first_month, last_month = ceil_month(first_day), floor_month(last_day)
    if first_month < last_month:
        if first_day < first_month:
            parts.append(("day", first_day, first_month))
        parts.append(("month", first_month, last_month))
        if last_month < last_day:
            parts.append(("day", last_month, last_day))
    else:
        parts.append(("day", first_day, last_day))
    if last_day < end:
        parts.append(("hour", last_day, end))
    return parts


@dataclasses.dataclass(frozen=True)
class _Filters:
    clusters: tuple[int, ...] = ()
    cost_centers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()

    @property
    def on_labels(self) -> bool:
        return bool(self.cost_centers or self.teams or self.namespaces)


class _Scope(TypedDict):
    """Whose costs a report reads, grouped how: the arguments every query of a report shares."""

    org_id: int
    dims: Sequence[str]
    filters: _Filters
    idle: str


class _MonthSpan(TypedDict):
    org_id: int
    grain: Grain
    start: dt.datetime
    end: dt.datetime
    measures: Sequence[str]


class _Efficiency(TypedDict):
    cpu_efficiency: float | None
    cpu_usage_data_share: float | None
    memory_efficiency: float | None
    memory_usage_data_share: float | None


GroupKey = tuple[Any, ...]  # one value per dimension, then 1 for an idle group and 0 otherwise


@dataclasses.dataclass
class _Sums:
    figures: dict[str, float] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(MEASURES, 0.0)
    )

    def add(self, other: _Sums) -> None:
        for name, value in other.figures.items():
            self.figures[name] += value

    @property
    def total(self) -> float:
        return sum(self.figures[name] for name in COST_MEASURES)

    def __getitem__(self, name: str) -> float:
        return self.figures[name]


def _aggregate(
    session: Session,
    *,
    org_id: int,
    grain: Grain,
    start: dt.datetime,
    end: dt.datetime,
    dims: Sequence[str],
    filters: _Filters,
    idle: str,
    by_bucket: bool = False,
    fold: Sequence[GroupKey] | None = None,
    measures: Sequence[str] = MEASURES,
) -> list[tuple[GroupKey, Any, _Sums]]:
    """(group key, bucket or None, sums of `measures`) for the org's rows of `grain` in
    [start, end), summed in SQL.

    With `fold`, the key is instead (position of the row's group in `fold`,), or (-1,) for any
    other group: charted groups and "the rest" in one pass.
    """
    model, period = grain.model, grain.period
    shared = idle == "share"
    stored = {name for name in measures if shared or name not in IDLE_SHARES}
    if shared:
        stored |= {SHARED_BY[name] for name in measures if name in SHARED_BY}
    is_idle = case((model.namespace == IDLE_NAMESPACE, 1), else_=0)
    base = select(
        model.cluster_id,
        model.namespace,
        model.team,
        model.cost_center,
        period.label("bucket"),
        is_idle.label("is_idle"),
        *(getattr(model, name) for name in sorted(stored)),
    ).where(model.org_id == org_id, period >= grain.bound(start), period < grain.bound(end))
    if filters.clusters:
        base = base.where(model.cluster_id.in_(filters.clusters))
    if idle == "hide":
        base = base.where(model.namespace != IDLE_NAMESPACE)
    rows = base.subquery("cost_rows")
    measure = _shared_measure(rows) if shared else _unshared_measure(rows)
    # Label filters apply after sharing, so a filtered view keeps each namespace's full share;
    # idle itself belongs to no team, cost-center or namespace and drops out.
    conditions = [rows.c.is_idle == 0] if filters.on_labels else []
    if filters.teams:
        conditions.append(rows.c.team.in_(filters.teams))
    if filters.cost_centers:
        conditions.append(rows.c.cost_center.in_(filters.cost_centers))
    if filters.namespaces:
        conditions.append(rows.c.namespace.in_(filters.namespaces))
    if fold is None:
        dimension = {
            "cluster": rows.c.cluster_id,
            "namespace": rows.c.namespace,
            "team": case((rows.c.is_idle == 1, IDLE_NAMESPACE), else_=rows.c.team),
            "cost_center": case((rows.c.is_idle == 1, IDLE_NAMESPACE), else_=rows.c.cost_center),
        }
        keys = [dimension[name] for name in dims] + [rows.c.is_idle]
    else:
        keys = [
            case(
                *((_key_condition(rows, dims, key), position) for position, key in enumerate(fold)),
                else_=-1,
            )
        ]
    # Group keys are computed one level down, so GROUP BY names plain columns on every database.
    keyed = (
        select(
            *(key.label(f"k{index}") for index, key in enumerate(keys)),
            rows.c.bucket,
            *(measure(name).label(name) for name in measures),
        )
        .where(*conditions)
        .subquery("keyed")
    )
    key_columns = [keyed.c[f"k{index}"] for index in range(len(keys))]
    group_columns = key_columns + ([keyed.c.bucket] if by_bucket else [])
    summed = select(*group_columns, *(func.sum(keyed.c[name]) for name in measures)).group_by(
        *group_columns
    )
    found = []
    for row in session.execute(summed).all():
        key = tuple(row[: len(key_columns)])
        bucket = row[len(key_columns)] if by_bucket else None
        sums = _Sums()
        sums.figures.update(
            zip(measures, (float(value or 0.0) for value in row[len(group_columns) :]))
        )
        found.append((key, bucket, sums))
    return found


def _key_condition(rows: Any, dims: Sequence[str], key: GroupKey) -> Any:
    """The rows of one group, on plain columns so the database can use its indexes."""
    idle = key[-1]
    parts = [rows.c.is_idle == idle]
    for name, value in zip(dims, key):
        if name == "cluster":
            parts.append(rows.c.cluster_id == value)
        elif not idle:  # idle rows show "__idle__" in every other dimension
            parts.append(rows.c[name] == value)
    return and_(*parts)


def _unshared_measure(rows: Any) -> Any:
    def measure(name: str) -> Any:
        return literal(0.0, Float) if name in IDLE_SHARES else rows.c[name]

    return measure


def _shared_measure(rows: Any) -> Any:
    """Idle shared per cluster-hour, as the cost job stored it: a namespace row adds what it
    received; an idle row keeps what no namespace could carry."""

    def measure(name: str) -> Any:
        if name in IDLE_SHARES:
            return rows.c[name] * (1 - rows.c.is_idle)
        if name in SHARED_BY:
            return rows.c[name] + rows.c[SHARED_BY[name]] * rows.c.is_idle
        return rows.c[name]

    return measure


def _validated(query: CostQuery) -> None:
    errors = []
    if query.window not in WINDOWS:
        errors.append(FieldError("window", f"must be one of {', '.join(WINDOWS)}"))
    if query.step not in STEPS:
        errors.append(FieldError("step", f"must be one of {', '.join(STEPS)}"))
    if query.idle not in IDLE_MODES:
        errors.append(FieldError("idle", f"must be one of {', '.join(IDLE_MODES)}"))
    group_by = tuple(query.group_by)
    if (
        not 1 <= len(group_by) <= 2
        or len(set(group_by)) != len(group_by)
        or not set(group_by) <= set(DIMENSIONS)
    ):
        errors.append(
            FieldError("group_by", f"must be one or two different of {', '.join(DIMENSIONS)}")
        )
    if not 1 <= query.series_limit <= MAX_SERIES:
        errors.append(FieldError("series_limit", f"must be from 1 to {MAX_SERIES}"))
    for field, values, words in (
        ("clusters", query.clusters, "clusters"),
        ("teams", query.teams, "teams"),
        ("cost_centers", query.cost_centers, "cost-centers"),
        ("namespaces", query.namespaces, "namespaces"),
    ):
        if len(values) > MAX_FILTER_VALUES:
            errors.append(FieldError(field, f"choose at most {MAX_FILTER_VALUES} {words} at once"))
    if errors:
        raise ValidationFailed(errors)


def _cluster_names(session: Session, org_id: int) -> dict[int, str]:
    return dict(
        session.execute(
            select(col(Cluster.id), col(Cluster.name)).where(col(Cluster.org_id) == org_id)
        ).all()
    )


def _group_values(dims: Sequence[str], key: GroupKey, names: dict[int, str]) -> dict[str, str]:
    """What each dimension shows; an idle group says so even when grouped by cluster alone."""
    values = {}
    for name, raw in zip(dims, key):
        if name == "cluster":
            values[name] = names.get(raw, f"#{raw}")
        else:
            values[name] = IDLE_LABEL if raw == IDLE_NAMESPACE else str(raw)
    if key[-1] and IDLE_LABEL not in values.values():
        values[dims[-1]] = f"{values[dims[-1]]} · {IDLE_LABEL}"
    return values


def group_key(dims: Sequence[str], key: GroupKey) -> str:
    """A group's stable id: "team=web|cluster=3", "namespace=shop|cluster=3", "...|idle"."""
    parts = [f"{name}={raw}" for name, raw in zip(dims, key)]
    return "|".join(parts + (["idle"] if key[-1] else []))


def _group_label(values: dict[str, str]) -> str:
    return " · ".join(values.values())


def _totals(rows: Sequence[tuple[GroupKey, Any, _Sums]]) -> dict[GroupKey, _Sums]:
    totals: dict[GroupKey, _Sums] = {}
    for key, _, sums in rows:
        totals.setdefault(key, _Sums()).add(sums)
    return totals


def _span_totals(
    session: Session,
    *,
    org_id: int,
    start: dt.datetime,
    end: dt.datetime,
    dims: Sequence[str],
    filters: _Filters,
    idle: str,
) -> dict[GroupKey, _Sums]:
    """Totals per group over any whole-hour span, read from months, days and hours as they fit."""
    rows = []
    for step, part_start, part_end in span_parts(start, end):
        rows += _aggregate(
            session,
            org_id=org_id,
            grain=GRAINS[step],
            start=part_start,
            end=part_end,
            dims=dims,
            filters=filters,
            idle=idle,
            measures=COST_MEASURES,
        )
    return _totals(rows)


@dataclasses.dataclass(frozen=True)
class _Forecast:
    by_group: dict[GroupKey, float]
    days: int


def _forecast(
    session: Session,
    *,
    org_id: int,
    dims: Sequence[str],
    filters: _Filters,
    idle: str,
    now: dt.datetime,
) -> _Forecast:
    """cost-model.md "Forecast": month-to-date + mean daily cost of the last 7 complete days
    × the days left."""
    closed_until, today, this_month = floor_hour(now), floor_day(now), floor_month(now)
    month_rows = _aggregate(
        session,
        org_id=org_id,
        grain=GRAINS["month"],
        start=this_month,
        end=add_months(this_month, 1),
        dims=dims,
        filters=filters,
        idle=idle,
        measures=COST_MEASURES,
    )
    recent_start = today - FORECAST_DAYS * DAY
    recent_rows = _aggregate(
        session,
        org_id=org_id,
        grain=GRAINS["day"],
        start=recent_start,
        end=today,
        dims=dims,
        filters=filters,
        idle=idle,
        measures=COST_MEASURES,
    )
    days_with_costs = select(func.count(func.distinct(col(CostDaily.day)))).where(
        col(CostDaily.org_id) == org_id,
        col(CostDaily.day) >= recent_start.date(),
        col(CostDaily.day) < today.date(),
    )
    if filters.clusters:
        days_with_costs = days_with_costs.where(col(CostDaily.cluster_id).in_(filters.clusters))
    days = int(session.execute(days_with_costs).scalar() or 0)
    remaining_days = (add_months(this_month, 1) - closed_until) / DAY
    month_to_date = {key: sums.total for key, sums in _totals(month_rows).items()}
    recent = {key: sums.total for key, sums in _totals(recent_rows).items()}
    return _Forecast(
        by_group={
            key: month_end_forecast(
                month_to_date=month_to_date.get(key, 0.0),
                recent_total=recent.get(key, 0.0),
                recent_days=days,
                remaining_days=remaining_days,
            )
            for key in month_to_date.keys() | recent.keys()
        },
        days=days,
    )


def _average(amount: float, hours: float) -> float | None:
    return amount / hours if hours else None


def math_lines(sums: _Sums, hours: float) -> list[CostMathLine]:
    """Show the math for one group: per resource, hours, averages, amount, price and cost."""
    lines = []
    for resource in RESOURCES:
        amount = sums[resource.amount]
        lines.append(
            CostMathLine(
                resource=resource.name,
                unit=resource.unit,
                hours=hours,
                average_request=_average(sums[resource.request], hours)
                if resource.request
                else None,
                average_usage=_average(sums[resource.usage], hours) if resource.usage else None,
                average_allocated=_average(amount, hours) if resource.per_hour else None,
                allocated=amount,
                price=sums[resource.cost] / amount if amount else 0.0,
                cost=sums[resource.cost],
                idle_share=sums[resource.idle_share] if resource.idle_share else 0.0,
            )
        )
    return lines


def _iso(moment: dt.datetime | dt.date) -> str:
    return moment.isoformat()


def _bucket_iso(step: str, bucket: dt.datetime | dt.date) -> str:
    """Hour buckets as ISO instants, day and month buckets as ISO dates (as rollups store them)."""
    if isinstance(bucket, dt.datetime) and step != "hour":
        bucket = bucket.date()
    return _iso(bucket)


def _costed_hours(
    session: Session, *, org_id: int, grain: Grain, window: Window, clusters: Sequence[int]
) -> float:
    """The most hours any of `clusters` was costed in the window (its idle rows, one per
    cluster-hour, carry them): how long the longest-lived of them has figures there."""
    model = grain.model
    per_cluster = (
        select(func.sum(model.hours).label("hours"))
        .where(
            model.org_id == org_id,
            model.cluster_id.in_(clusters),
            model.namespace == IDLE_NAMESPACE,
            grain.period >= grain.bound(window.start),
            grain.period < grain.bound(window.end),
        )
        .group_by(model.cluster_id)
        .subquery()
    )
    return float(session.execute(select(func.max(per_cluster.c.hours))).scalar() or 0.0)


def _coverage_and_currency(
    session: Session, *, org_id: int, grain: Grain, window: Window, clusters: Sequence[int]
) -> tuple[float | None, str]:
    """Coverage over the window's cluster-hours (one idle row each) and the rows' currency."""
    model = grain.model
    # The idle rows are read straight off their partial unique index (cluster_id, period).
    query = select(
        func.sum(model.covered_hours),
        func.sum(model.hours),
        func.min(model.currency),
        func.max(model.currency),
    ).where(
        model.org_id == org_id,
        model.cluster_id.in_(clusters),
        model.namespace == IDLE_NAMESPACE,
        grain.period >= grain.bound(window.start),
        grain.period < grain.bound(window.end),
    )
    covered, hours, lowest, highest = session.execute(query).one()
    if lowest is None:
        currency = resolve_prices(session=session, org_id=org_id, at=window.data_end).currency
    else:
        currency = lowest if lowest == highest else "mixed"
    return ratio(covered or 0.0, hours or 0.0), currency


def cost_report(
    *, session: Session, org_id: int, query: CostQuery, now: dt.datetime | None = None
) -> CostReport:
    """The costs of `org_id` for one view: series, totals, shares, change, efficiency, coverage,
    forecast and the math behind each group."""
    _validated(query)
    now = now or utcnow()
    window = resolve_window(query, now)
    grain, dims = GRAINS[query.step], key_dimensions(query.group_by)
    filters = _Filters(
        clusters=tuple(query.clusters),
        cost_centers=tuple(query.cost_centers),
        teams=tuple(query.teams),
        namespaces=tuple(query.namespaces),
    )
    scope = _Scope(org_id=org_id, dims=dims, filters=filters, idle=query.idle)
    totals = _totals(_aggregate(session, grain=grain, start=window.start, end=window.end, **scope))
    if query.idle == "share":  # idle the namespaces carried in full leaves nothing to show
        totals = {
            key: sums
            for key, sums in totals.items()
            if not key[-1] or any(abs(sums[m]) > SHARED_AWAY for m in COST_MEASURES)
        }
    previous_start, previous_end = previous_window(window, query.step)
    previous = _span_totals(session, start=previous_start, end=previous_end, **scope)
    forecast = _forecast(session, now=now, **scope)
    names = _cluster_names(session, org_id)
    coverage, currency = _coverage_and_currency(
        session,
        org_id=org_id,
        grain=grain,
        window=window,
        clusters=filters.clusters or tuple(names),
    )
    window_hours = (window.data_end - window.start) / HOUR
    costed = _costed_hours(
        session,
        org_id=org_id,
        grain=grain,
        window=window,
        clusters=filters.clusters or tuple(names),
    )
    # Show the math averages over the hours there are figures for: a cluster an hour old
    # averages over that hour, not over the 700 of a 30-day window.
    hours = min(window_hours, costed) if costed else window_hours

    ordered = sorted(totals, key=lambda key: (-totals[key].total, group_key(dims, key)))
    grand = _Sums()
    for sums in totals.values():
        grand.add(sums)
    previous_grand = sum(sums.total for sums in previous.values())
    groups = []
    for key in ordered:
        sums, values = totals[key], _group_values(dims, key, names)
        previous_cost = previous[key].total if key in previous else 0.0
        groups.append(
            CostGroup(
                key=group_key(dims, key),
                label=_group_label(values),
                values=values,
                idle=bool(key[-1]),
                total_cost=sums.total,
                **_by_resource(sums),
                share=ratio(sums.total, grand.total),
                previous_cost=previous_cost,
                change=_change(sums.total, previous_cost),
                **_efficiency(sums),
                coverage=ratio(sums["covered_hours"], sums["hours"]),
                forecast_cost=forecast.by_group.get(key, 0.0),
                negative_idle_hours=int(sums["negative_idle_hours"]),
                math=math_lines(sums, hours),
            )
        )
    bucket_starts = buckets(query.step, window.start, window.end)
    return CostReport(
        window=query.window,
        step=query.step,
        group_by=list(query.group_by),
        dimensions=list(dims),
        idle=query.idle,
        start=_iso(window.start),
        end=_iso(window.end),
        previous_start=_iso(previous_start),
        previous_end=_iso(previous_end),
        hours=hours,
        currency=currency,
        buckets=[_bucket_iso(query.step, bucket) for bucket in bucket_starts],
        series=_series(
            session, query=query, window=window, ordered=ordered, groups=groups, **scope
        ),
        groups=groups,
        total_cost=grand.total,
        **_by_resource(grand),
        previous_cost=previous_grand,
        change=_change(grand.total, previous_grand),
        **_efficiency(grand),
        coverage=coverage,
        forecast_cost=sum(forecast.by_group.values()),
        forecast_days=forecast.days,
        negative_idle_hours=int(grand["negative_idle_hours"]),
        # The open hour so far, for views that reach into it: apart, never in the figures above.
        provisional=provisional_cost(
            session=session,
            org_id=org_id,
            now=now,
            clusters=filters.clusters,
            teams=filters.teams,
            cost_centers=filters.cost_centers,
            namespaces=filters.namespaces,
            idle=query.idle,
        )
        if window.reaches_open_hour
        else None,
    )


def _by_resource(sums: _Sums) -> dict[str, float]:
    """Each resource's cost, the idle shared onto it, and the GPU-hours."""
    return {
        **{name: sums[name] for name in COST_FIGURES},
        "idle_share_cost": sum(sums[name] for name in IDLE_SHARES),
        "gpu_hours": sums["gpu_hours"],
    }


def _efficiency(sums: _Sums) -> _Efficiency:
    """Usage ÷ request over the hours with usage data (metrics.k8s.io), and the share of the
    requests those hours hold: 0 means no usage data, so efficiency is unknown, never 0 %."""
    cpu_metered = sums["cpu_metered_request_core_hours"]
    memory_metered = sums["memory_metered_request_gib_hours"]
    return _Efficiency(
        cpu_efficiency=ratio(sums["cpu_usage_core_hours"], cpu_metered),
        cpu_usage_data_share=ratio(cpu_metered, sums["cpu_request_core_hours"]),
        memory_efficiency=ratio(sums["memory_usage_gib_hours"], memory_metered),
        memory_usage_data_share=ratio(memory_metered, sums["memory_request_gib_hours"]),
    )


def _change(current: float, previous: float) -> float | None:
    return (current - previous) / abs(previous) if previous else None


def _series(
    session: Session,
    *,
    query: CostQuery,
    window: Window,
    ordered: Sequence[GroupKey],
    groups: Sequence[CostGroup],
    org_id: int,
    dims: Sequence[str],
    filters: _Filters,
    idle: str,
) -> list[CostSeries]:
    """The most expensive groups bucket by bucket, and the rest as one "Other" series."""
    charted = list(ordered[: query.series_limit])
    if not charted:
        return []
    positions = {
        _bucket_iso(query.step, bucket): index
        for index, bucket in enumerate(buckets(query.step, window.start, window.end))
    }
    values = {position: [0.0] * len(positions) for position in range(-1, len(charted))}
    for (position,), bucket, sums in _aggregate(
        session,
        org_id=org_id,
        grain=GRAINS[query.step],
        start=window.start,
        end=window.end,
        dims=dims,
        filters=filters,
        idle=idle,
        by_bucket=True,
        fold=charted,
        measures=COST_MEASURES,
    ):
        values[position][positions[_bucket_iso(query.step, bucket)]] += sums.total
    label_of = {group.key: group.label for group in groups}
    series = [
        CostSeries(
            key=group_key(dims, key),
            label=label_of[group_key(dims, key)],
            idle=bool(key[-1]),
            values=values[position],
        )
        for position, key in enumerate(charted)
    ]
    if len(ordered) > len(charted):
        series.append(
            CostSeries(
                key="other",
                label=f"Other ({len(ordered) - len(charted)})",
                idle=False,
                values=values[-1],
            )
        )
    return series


def _money(value: float) -> str:
    return Figure(f"{value:.2f}")


def _percent(value: float | None) -> str:
    return "" if value is None else Figure(f"{value * 100:.1f}")


def _cell(column: Column, figures: CostGroup | CostReport, share: float | None) -> str:
    if column.kind == "dimension":
        return figures.values[column.field] if isinstance(figures, CostGroup) else ""
    if column.kind == "share":
        return _percent(share)
    value = getattr(figures, column.field)
    return _money(value) if column.kind in ("money", "part") else _percent(value)


def cost_table(report: CostReport) -> CostTable:
    """The table the costs page shows for a report, groups then a total row; the CSV export
    writes exactly this (costs/columns.py names its columns)."""
    columns = table_columns(report.dimensions, report.idle)
    rows = [[_cell(column, group, group.share) for column in columns] for group in report.groups]
    total = [_cell(column, report, 1.0 if report.groups else None) for column in columns]
    total[0] = "Total"
    rows.append(total)
    return CostTable(columns=[column.header(report.currency) for column in columns], rows=rows)


def export_csv(
    *, session: Session, org_id: int, query: CostQuery, now: dt.datetime | None = None
) -> str:
    """The page's cost table for `query`, as CSV text (labels neutralised, figures numbers)."""
    table = cost_table(cost_report(session=session, org_id=org_id, query=query, now=now))
    return csv_text([table.columns, *table.rows])


def filter_options(*, session: Session, org_id: int) -> CostFilterOptions:
    """What the cost filters can pick from: the org's clusters and every team, cost-center and
    namespace its cost rows have ever carried; and every namespace group (cluster, namespace)."""

    def distinct(*columns: Any) -> list[Any]:
        return list(
            session.execute(
                select(*columns)
                .where(
                    col(CostMonthly.org_id) == org_id, col(CostMonthly.namespace) != IDLE_NAMESPACE
                )
                .distinct()
                .order_by(*columns)
            ).all()
        )

    clusters = session.execute(
        select(col(Cluster.id), col(Cluster.name))
        .where(col(Cluster.org_id) == org_id)
        .order_by(col(Cluster.name))
    ).all()
    return CostFilterOptions(
        clusters=[ClusterOption(id=cluster_id, name=name) for cluster_id, name in clusters],
        teams=[team for (team,) in distinct(col(CostMonthly.team))],
        cost_centers=[cost_center for (cost_center,) in distinct(col(CostMonthly.cost_center))],
        namespaces=[name for (name,) in distinct(col(CostMonthly.namespace))],
        namespace_groups=[
            (cluster_id, name)
            for cluster_id, name in distinct(
                col(CostMonthly.cluster_id), col(CostMonthly.namespace)
            )
        ],
    )


def network_sources(*, session: Session, org_id: int) -> dict[str, str]:
    """Each cluster's network source, by cluster name: "none" where its traffic is not measured,
    so its network cost is zero (cost-model.md, "Samples")."""
    return dict(
        session.execute(
            select(col(Cluster.name), col(Cluster.network_source)).where(
                col(Cluster.org_id) == org_id
            )
        ).all()
    )


def _slices(
    totals: dict[GroupKey, _Sums],
    dims: Sequence[str],
    names: dict[int, str],
    limit: int | None = None,
) -> list[CostSlice]:
    ordered = sorted(totals, key=lambda key: (-totals[key].total, group_key(dims, key)))[:limit]
    return [
        CostSlice(
            key=group_key(dims, key),
            label=_group_label(_group_values(dims, key, names)),
            cost=totals[key].total,
        )
        for key in ordered
    ]


def cost_overview(*, session: Session, org_id: int, now: dt.datetime | None = None) -> CostOverview:
    """The overview's cards: month-to-date cost and forecast, change against the same span of last
    month, cost by team and by cost-center, the ten most expensive namespaces, and 30 days of
    daily cost."""
    now = now or utcnow()
    closed_until, today, this_month = floor_hour(now), floor_day(now), floor_month(now)
    names = _cluster_names(session, org_id)
    month = _MonthSpan(
        org_id=org_id,
        grain=GRAINS["month"],
        start=this_month,
        end=add_months(this_month, 1),
        measures=COST_MEASURES,
    )
    everyone = _Filters()
    by_team = _totals(
        _aggregate(session, dims=("team",), filters=everyone, idle="separate", **month)
    )
    by_cost_center = _totals(
        _aggregate(session, dims=("cost_center",), filters=everyone, idle="separate", **month)
    )
    namespaces = _totals(
        _aggregate(session, dims=("cluster", "namespace"), filters=everyone, idle="hide", **month)
    )
    forecast = _forecast(
        session, org_id=org_id, dims=(), filters=everyone, idle="separate", now=now
    )
    last_month = add_months(this_month, -1)
    same_span = _span_totals(
        session,
        org_id=org_id,
        start=last_month,
        end=min(last_month + (closed_until - this_month), this_month),
        dims=(),
        filters=everyone,
        idle="separate",
    )
    trend_start = today - 29 * DAY
    daily = _aggregate(
        session,
        org_id=org_id,
        grain=GRAINS["day"],
        start=trend_start,
        end=today + DAY,
        dims=(),
        filters=everyone,
        idle="separate",
        by_bucket=True,
        measures=COST_MEASURES,
    )
    per_day: dict[dt.date, float] = {}
    for _, day, sums in daily:
        per_day[day] = per_day.get(day, 0.0) + sums.total
    month_to_date = sum(sums.total for sums in by_team.values())
    previous = sum(sums.total for sums in same_span.values())
    _, currency = _coverage_and_currency(
        session,
        org_id=org_id,
        grain=GRAINS["month"],
        window=Window(
            start=this_month,
            end=add_months(this_month, 1),
            data_end=closed_until,
            reaches_open_hour=True,
        ),
        clusters=tuple(names),
    )
    return CostOverview(
        currency=currency,
        month_to_date_cost=month_to_date,
        forecast_cost=sum(forecast.by_group.values()),
        forecast_days=forecast.days,
        last_month_same_period_cost=previous,
        change_vs_last_month=_change(month_to_date, previous),
        by_team=_slices(by_team, ("team",), names),
        by_cost_center=_slices(by_cost_center, ("cost_center",), names),
        top_namespaces=_slices(namespaces, ("cluster", "namespace"), names, limit=10),
        daily_trend=[
            CostTrendPoint(day=_iso(day.date()), cost=per_day.get(day.date(), 0.0))
            for day in buckets("day", trend_start, today + DAY)
        ],
        provisional=provisional_cost(session=session, org_id=org_id, now=now),
    )


def provisional_cost(
    *,
    session: Session,
    org_id: int,
    now: dt.datetime | None = None,
    clusters: Sequence[int] = (),
    teams: Sequence[str] = (),
    cost_centers: Sequence[str] = (),
    namespaces: Sequence[str] = (),
    idle: str = "separate",
) -> ProvisionalCost | None:
    """The open hour so far for the org (cost_provisional), idle included (or left out with
    idle "hide"), or None when the open hour has no provisional rows yet: rows of an hour that
    has closed are never read. Label filters leave idle out, as they do for the closed figures."""
    now = now or utcnow()
    hour_start = floor_hour(now)
    rows = CostProvisional
    conditions = [col(rows.org_id) == org_id, col(rows.hour_start) == hour_start]
    if clusters:
        conditions.append(col(rows.cluster_id).in_(list(clusters)))
    for column, values in (
        (col(rows.team), teams),
        (col(rows.cost_center), cost_centers),
        (col(rows.namespace), namespaces),
    ):
        if values:
            conditions.append(column.in_(list(values)))
    if teams or cost_centers or namespaces or idle == "hide":
        conditions.append(col(rows.namespace) != IDLE_NAMESPACE)
    names = COST_FIGURES if idle == "hide" else (*COST_FIGURES, *IDLE_SHARES)
    found = session.execute(
        select(
            func.count(),
            func.min(rows.through),
            func.max(rows.currency),
            *(func.sum(getattr(rows, name)) for name in names),
        ).where(*conditions)
    ).one()
    count, through, currency, *sums = found
    if not count:
        return None
    figures = dict(zip(names, (float(value or 0.0) for value in sums)))
    return ProvisionalCost(
        hour_start=_iso(hour_start),
        hour_end=_iso(hour_start + HOUR),
        through=_iso(through),
        currency=currency or "USD",
        total_cost=sum(figures.values()),
        by_resource={
            **{name: figures[name] for name in COST_FIGURES},
            "idle_share_cost": sum(figures.get(name, 0.0) for name in IDLE_SHARES),
        },
    )
