"""The overview dashboard: this month's cost, forecast and change, cost by team, cost center and
namespace, 30 days of daily cost, and the fleet's health, reloaded while the tab is visible.

Every cost card links to the costs page filtered to what it shows (routes.costs), and each
team, cost center and namespace keeps the colour the costs page's chart gives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import plotly.graph_objects as go
import reflex as rx
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from kube_console import routes
from kube_console.clock import utcnow
from kube_console.components.charts import (
    IDLE_COLOR,
    OTHER_COLOR,
    ChartTable,
    color_for,
    daily_trend_figure,
    empty_figure,
    figure_table,
)
from kube_console.costs import queries as cost_queries
from kube_console.costs.records import CostFilterOptions, CostOverview, CostSlice, ProvisionalCost
from kube_console.formatting import format_money
from kube_console.security.authz import Action
from kube_console.services import explore
from kube_console.services.explore_records import ClusterRow
from kube_console.services.freshness import (
    STALE_AFTER_INTERVALS,
    Freshness,
    exact_age,
    freshness,
    stale_hint,
)
from kube_console.services.paging import MAX_LIMIT, PageRequest
from kube_console.settings import get_settings
from kube_console.states.cost_view_models import CostBar, CostCell
from kube_console.states.costs import (
    change_cell,
    first_costs_by,
    group_colors,
    namespace_group_key,
    provisional_figures,
)
from kube_console.states.guard import current_context, guarded, in_thread


@dataclasses.dataclass(frozen=True, kw_only=True)
class ClusterHealthRow:
    name: str
    status: str
    healthy: bool
    environment: str
    nodes: str  # "3 of 4 ready"
    running_pods: int
    last_success_at: str
    month_to_date_cost: str
    stale: bool  # its figures are older than two sync intervals (services/freshness.py)
    stale_hint: str


BREAKDOWN_BARS = 8  # the largest teams or cost centers; the rest add up to one bar
HEALTH_ROWS = 8  # clusters listed, those with problems first


@dataclasses.dataclass(frozen=True)
class _Overview:
    clusters: list[ClusterRow]
    options: CostFilterOptions  # every group the costs can have, for their colours
    costs: CostOverview | None  # None until the first hour is costed
    provisional: ProvisionalCost | None = None  # the open hour so far, apart from the costs


def _load_overview(*, session: Session, org_id: int, now: dt.datetime) -> _Overview:
    clusters: list[ClusterRow] = []
    page = 1
    while True:
        found = explore.list_cluster_rows(
            session=session,
            org_id=org_id,
            request=PageRequest(limit=MAX_LIMIT, page=page),
            now=now,
        )
        clusters += found.rows
        if len(clusters) >= (found.total or 0) or not found.rows:
            break
        page += 1
    options = cost_queries.filter_options(session=session, org_id=org_id)
    provisional = cost_queries.provisional_cost(session=session, org_id=org_id, now=now)
    if not clusters or not options.namespaces:
        return _Overview(clusters=clusters, options=options, costs=None, provisional=provisional)
    return _Overview(
        clusters=clusters,
        options=options,
        costs=cost_queries.cost_overview(session=session, org_id=org_id, now=now),
        provisional=provisional,
    )


def _parts(key: str) -> dict[str, str]:
    """A group key ("cluster=3|namespace=shop", "team=__idle__|idle") as dimension → value."""
    return dict(part.split("=", 1) for part in key.split("|") if "=" in part)


def _is_idle(key: str) -> bool:
    return key.endswith("|idle")


def breakdown_bars(
    slices: list[CostSlice], dimension: str, currency: str, colors: dict[str, str]
) -> list[CostBar]:
    """The largest groups of one dimension as bars linking to their costs; idle in grey, and
    the rest as one "Other" bar."""
    shown, rest = slices[:BREAKDOWN_BARS], slices[BREAKDOWN_BARS:]
    amounts = [item.cost for item in shown] + ([sum(item.cost for item in rest)] if rest else [])
    largest = max((abs(amount) for amount in amounts), default=0.0) or 1.0
    bars = []
    for item in shown:
        idle = _is_idle(item.key)
        value = _parts(item.key).get(dimension, "")
        chosen = () if idle else (value,)
        bars.append(
            CostBar(
                key=item.key,
                label="Idle capacity" if idle else item.label,
                detail="",
                cost=format_money(item.cost, currency),
                width=f"{abs(item.cost) / largest * 100:.1f}%",
                color=IDLE_COLOR if idle else colors.get(item.key) or color_for(item.key),
                href=routes.costs(
                    window="mtd",
                    group_by=(dimension,),
                    teams=chosen if dimension == "team" else (),
                    cost_centers=chosen if dimension == "cost_center" else (),
                ),
                negative=item.cost < 0,
            )
        )
    if rest:
        amount = sum(item.cost for item in rest)
        bars.append(
            CostBar(
                key="other",
                label=f"Other ({len(rest)})",
                detail="",
                cost=format_money(amount, currency),
                width=f"{abs(amount) / largest * 100:.1f}%",
                color=OTHER_COLOR,
                href=routes.costs(window="mtd", group_by=(dimension,)),
                negative=amount < 0,
            )
        )
    return bars


def namespace_bars(
    slices: list[CostSlice], cluster_names: dict[int, str], currency: str, colors: dict[str, str]
) -> list[CostBar]:
    largest = max((abs(item.cost) for item in slices), default=0.0) or 1.0
    bars = []
    for item in slices:
        parts = _parts(item.key)
        cluster_id, namespace = int(parts["cluster"]), parts["namespace"]
        cluster = cluster_names.get(cluster_id, "")
        color_key = namespace_group_key(cluster_id, namespace)  # as the costs page keys it
        bars.append(
            CostBar(
                key=item.key,
                label=namespace,
                detail=cluster,
                cost=format_money(item.cost, currency),
                width=f"{abs(item.cost) / largest * 100:.1f}%",
                color=colors.get(color_key) or color_for(color_key),
                href=routes.costs(
                    window="mtd",
                    group_by=("namespace",),
                    clusters=(cluster,) if cluster else (),
                    namespaces=(namespace,),
                ),
                negative=item.cost < 0,
            )
        )
    return bars


def _freshness(row: ClusterRow, sync_interval_seconds: int, now: dt.datetime) -> Freshness:
    return freshness(
        last_success_at=row.last_success_at,
        status=row.status,
        sync_interval_seconds=sync_interval_seconds,
        now=now,
    )


def health_rows(
    clusters: list[ClusterRow], *, sync_interval_seconds: int, now: dt.datetime
) -> list[ClusterHealthRow]:
    ordered = sorted(clusters, key=lambda row: (row.status == "healthy", row.name))
    fresh = {row.id: _freshness(row, sync_interval_seconds, now) for row in ordered[:HEALTH_ROWS]}
    return [
        ClusterHealthRow(
            name=row.name,
            status=row.status,
            healthy=row.status == "healthy",
            environment=row.environment,
            nodes=f"{row.ready_node_count} of {row.node_count} ready",
            running_pods=row.running_pod_count,
            last_success_at=row.last_success_at,
            month_to_date_cost=format_money(row.month_to_date_cost, row.currency),
            stale=fresh[row.id].stale,
            stale_hint=stale_hint(fresh[row.id]),
        )
        for row in ordered[:HEALTH_ROWS]
    ]


class OverviewState(rx.State):
    loaded: bool = False
    problem: str = ""
    updated_at: str = ""

    has_clusters: bool = False
    clusters_total: int = 0
    clusters_healthy: int = 0
    nodes_total: int = 0
    nodes_ready: int = 0
    pods_total: int = 0
    pods_running: int = 0
    health: list[ClusterHealthRow] = []
    more_clusters: int = 0
    # The clusters whose figures (counted in the fleet's) are older than two sync intervals.
    stale_clusters: int = 0
    stale_hint: str = ""

    has_costs: bool = False
    synced: bool = False
    first_costs_by: str = ""
    month: str = ""  # "March 2026"
    month_to_date: str = ""
    forecast: str = ""
    forecast_days: int = 0
    change: CostCell = CostCell(text="")
    last_month_same_days: str = ""
    trend: go.Figure = empty_figure()
    trend_total: str = ""

    @rx.var
    def trend_table(self) -> ChartTable:
        return figure_table(self.trend, bucket_title="Day", value_title="Cost")

    teams: list[CostBar] = []
    cost_centers: list[CostBar] = []
    namespaces: list[CostBar] = []
    # The open hour so far: "" until it is priced.
    provisional: str = ""
    provisional_span: str = ""  # "06:00–06:30 UTC"
    provisional_closes: str = ""  # "07:00 UTC"

    async def _reload(self) -> None:
        now = utcnow()
        try:
            found = await in_thread(_load_overview, org_id=current_context().org_id, now=now)
        except SQLAlchemyError as failure:
            async with self:
                self.problem = (
                    f"The database did not answer ({type(failure).__name__}); "
                    "the figures below may be out of date."
                )
                self.loaded = True
            return
        async with self:
            self._show(found, now)

    def _show(self, found: _Overview, now: dt.datetime) -> None:
        clusters = found.clusters
        self.loaded, self.problem, self.updated_at = True, "", now.isoformat()
        self.has_clusters = bool(clusters)
        self.clusters_total = len(clusters)
        self.clusters_healthy = sum(row.status == "healthy" for row in clusters)
        self.nodes_total = sum(row.node_count for row in clusters)
        self.nodes_ready = sum(row.ready_node_count for row in clusters)
        self.pods_total = sum(row.pod_count for row in clusters)
        self.pods_running = sum(row.running_pod_count for row in clusters)
        interval = get_settings().sync_interval_seconds
        self.health = health_rows(clusters, sync_interval_seconds=interval, now=now)
        stale = [row.name for row in clusters if _freshness(row, interval, now).stale]
        self.stale_clusters = len(stale)
        self.stale_hint = (
            f"{len(stale)} of {len(clusters)} clusters' figures are from a sync more than "
            f"{exact_age(STALE_AFTER_INTERVALS * interval)} ago: {', '.join(stale[:5])}"
            f"{', …' if len(stale) > 5 else ''}"
            if stale
            else ""
        )
        self.more_clusters = max(0, len(clusters) - HEALTH_ROWS)
        self.synced = any(row.last_success_at for row in clusters)
        self.first_costs_by = first_costs_by(now, get_settings().cost_interval_seconds).isoformat()
        self._show_provisional(found.provisional)
        costs = found.costs
        self.has_costs = costs is not None
        if costs is None:
            self.teams, self.cost_centers, self.namespaces = [], [], []
            self.trend = empty_figure()
            return
        currency = costs.currency
        self.month = f"{now:%B %Y}"
        self.month_to_date = format_money(costs.month_to_date_cost, currency)
        self.forecast = format_money(costs.forecast_cost, currency)
        self.forecast_days = costs.forecast_days
        self.change = change_cell(
            costs.change_vs_last_month,
            costs.month_to_date_cost,
            costs.last_month_same_period_cost,
        )
        self.last_month_same_days = format_money(costs.last_month_same_period_cost, currency)
        self.trend = daily_trend_figure(
            days=[point.day for point in costs.daily_trend],
            costs=[point.cost for point in costs.daily_trend],
            currency=currency,
        )
        self.trend_total = format_money(sum(point.cost for point in costs.daily_trend), currency)
        options = found.options
        self.teams = breakdown_bars(
            costs.by_team, "team", currency, group_colors(options, ("team",))
        )
        self.cost_centers = breakdown_bars(
            costs.by_cost_center, "cost_center", currency, group_colors(options, ("cost_center",))
        )
        names = {row.id: row.name for row in clusters}
        self.namespaces = namespace_bars(
            costs.top_namespaces, names, currency, group_colors(options, ("namespace",))
        )

    def _show_provisional(self, found: ProvisionalCost | None) -> None:
        self.provisional, self.provisional_span, self.provisional_closes = provisional_figures(
            found
        )

    @guarded(Action.READ)
    async def load(self):
        await self._reload()

    @guarded(Action.READ)
    async def refresh(self, visible: bool):
        """The page's timer: reload while the tab is visible (auto_refresh)."""
        if visible:
            await self._reload()
