"""The overview dashboard's state: this month's cards, the breakdowns with their links and
colours, the daily trend and the fleet's health (tests/support/costed_fleet.py describes the
fleet: $0.36 an hour across prod and stage, idle included)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from kube_console.components.charts import IDLE_COLOR, color_book
from kube_console.models import Cluster
from kube_console.states.costs import CostsState
from kube_console.states.overview import OverviewState
from tests.support.costed_fleet import build_fleet
from tests.support.reflex_events import EventDriver
from tests.unit.states.conftest import signed_in

NOW = dt.datetime(2026, 3, 3, 6, 30, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    monkeypatch.setattr("kube_console.states.overview.utcnow", lambda: NOW)
    monkeypatch.setattr("kube_console.states.costs.utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def member_token(console_db, session, engine, make, frozen_now) -> str:
    org = make.org("acme")
    build_fleet(session, engine, org, now=NOW, days=3)
    return signed_in(session, make.user(org))


def _bars(bars) -> list[tuple[str, str, str]]:
    return [(bar.label, bar.detail, bar.cost) for bar in bars]


@pytest.mark.anyio
async def test_the_month_cards_add_up_the_hours_of_this_month(member_token):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open("/")
        overview = await tab.state(OverviewState)

        # 1 Mar 00:00 to 3 Mar 06:00 is 54 hours at $0.36
        assert overview.month == "March 2026" and overview.month_to_date == "$19.44"
        # + the mean of 28 Feb, 1 and 2 Mar ($8.64 a day) × the 28.75 days left
        assert (overview.forecast, overview.forecast_days) == ("$267.84", 3)
        # nothing was costed in the first days of February to compare with
        assert (overview.change.text, overview.last_month_same_days) == ("new", "$0.00")


@pytest.mark.anyio
async def test_breakdowns_link_to_their_costs_and_keep_the_costs_pages_colours(member_token):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open("/")
        overview = await tab.state(OverviewState)

        assert _bars(overview.teams) == [
            ("Idle capacity", "", "$9.99"),
            ("data", "", "$5.40"),
            ("web", "", "$4.05"),
        ]
        assert [bar.href for bar in overview.teams] == [
            "/costs?window=mtd&group_by=team",
            "/costs?window=mtd&group_by=team&team=data",
            "/costs?window=mtd&group_by=team&team=web",
        ]
        assert _bars(overview.cost_centers)[1:] == [("cc-2", "", "$5.40"), ("cc-1", "", "$4.05")]
        assert _bars(overview.namespaces) == [
            ("search", "prod", "$5.40"),
            ("shop", "prod", "$2.70"),
            ("shop", "stage", "$1.35"),
        ]
        assert overview.namespaces[0].href == (
            "/costs?window=mtd&group_by=namespace&cluster=prod&namespace=search"
        )
        assert [bar.width for bar in overview.teams] == ["100.0%", "54.1%", "40.5%"]
        # A namespace is one of a cluster: shop of prod and of stage have colours of their own,
        # the ones the costs page gives them.
        assert len({bar.color for bar in overview.namespaces}) == 3
        await tab.open(overview.namespaces[2].href)
        costs = await tab.state(CostsState)
        assert [(trace.name, trace.marker.color) for trace in costs.chart.data] == [
            ("shop · stage", overview.namespaces[2].color)
        ]

        await tab.open(overview.teams[2].href)  # the card's link opens the same team, same colour
        costs = await tab.state(CostsState)
        assert [(trace.name, trace.marker.color) for trace in costs.chart.data] == [
            ("web", overview.teams[2].color)
        ]
        teams = color_book(["team=data", "team=web"])
        assert [bar.color for bar in overview.teams] == [
            IDLE_COLOR,
            teams["team=data"],
            teams["team=web"],
        ]


@pytest.mark.anyio
async def test_the_trend_has_thirty_days_and_the_fleet_cards_count_the_clusters(member_token):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open("/")
        overview = await tab.state(OverviewState)

        [bars] = overview.trend.data
        assert len(bars.y) == 30 and bars.x0 == "2026-02-02"
        assert list(bars.y[-4:]) == [8.64, 8.64, 8.64, 2.16]  # today so far: 6 hours
        assert overview.trend_total == "$28.08"
        assert (overview.clusters_healthy, overview.clusters_total) == (2, 2)
        assert (overview.nodes_ready, overview.nodes_total) == (2, 2)
        assert overview.pods_running == 6
        assert [(row.name, row.status, row.nodes) for row in overview.health] == [
            ("prod", "healthy", "1 of 1 ready"),
            ("stage", "healthy", "1 of 1 ready"),
        ]
        assert [row.month_to_date_cost for row in overview.health] == ["$12.96", "$6.48"]


@pytest.mark.anyio
async def test_clusters_with_problems_are_listed_first_and_counted(
    console_db, session, engine, make, frozen_now
):
    org = make.org("acme")
    build_fleet(session, engine, org, now=NOW, days=1)
    make.cluster(org, name="edge", status="unreachable", node_count=3, ready_node_count=0)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, make.user(org)))
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert [row.name for row in overview.health] == ["edge", "prod", "stage"]
        assert [row.healthy for row in overview.health] == [False, True, True]
        assert (overview.clusters_healthy, overview.clusters_total) == (2, 3)
        assert (overview.nodes_ready, overview.nodes_total) == (2, 5)


@pytest.mark.anyio
async def test_the_timer_reloads_only_while_the_tab_is_visible(member_token, session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open("/")
        assert (await tab.state(OverviewState)).clusters_healthy == 2

        prod = session.exec(select(Cluster).where(Cluster.name == "prod")).one()
        prod.status = "degraded"
        session.add(prod)
        session.commit()
        await tab.fire(OverviewState.refresh, visible=False)
        assert (await tab.state(OverviewState)).clusters_healthy == 2
        await tab.fire(OverviewState.refresh, visible=True)
        assert (await tab.state(OverviewState)).clusters_healthy == 1


@pytest.mark.anyio
async def test_without_clusters_or_costs_the_overview_says_so(
    console_db, session, make, frozen_now
):
    org = make.org("new")
    member = make.user(org)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, member))
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert overview.loaded and not overview.has_clusters

        make.cluster(org, name="fresh", status="healthy", last_success_at=NOW)
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert overview.has_clusters and not overview.has_costs and overview.synced
        assert overview.first_costs_by == "2026-03-03T07:05:00+00:00"
        assert overview.month_to_date == "" and overview.teams == []


@pytest.mark.anyio
async def test_fleet_figures_and_health_rows_are_marked_stale_past_two_sync_intervals(
    console_db, session, engine, make, frozen_now
):
    org = make.org("acme")
    build_fleet(session, engine, org, now=NOW, days=1)
    for cluster in session.exec(select(Cluster).where(Cluster.org_id == org.id)).all():
        cluster.last_success_at = cluster.last_sync_at = NOW - dt.timedelta(seconds=20)
        session.add(cluster)
    # Unreachable: its last attempt was a second ago, its data (and "4 ready") is 7 minutes old.
    make.cluster(
        org,
        name="edge",
        status="unreachable",
        node_count=4,
        ready_node_count=4,
        last_sync_at=NOW - dt.timedelta(seconds=1),
        last_success_at=NOW - dt.timedelta(minutes=7),
    )
    session.commit()
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, make.user(org)))
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert [(row.name, row.stale) for row in overview.health] == [
            ("edge", True),
            ("prod", False),
            ("stage", False),
        ]
        assert overview.stale_clusters == 1
        assert overview.stale_hint == (
            "1 of 3 clusters' figures are from a sync more than 1 min 00 s ago: edge"
        )
        assert "2 sync intervals" in overview.health[0].stale_hint


@pytest.mark.anyio
async def test_the_open_hour_so_far_is_shown_as_provisional_beside_the_closed_month(
    member_token, engine
):
    """Issue 13 item 5: 06:00-06:30 of the fleet's $0.36 an hour, apart from the month."""
    from kube_console.costs.engine import price_open_hours
    from kube_console.settings import Settings
    from tests.support.usage import session_factory

    async with EventDriver() as driver:
        tab = driver.tab(session_token=member_token)
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert overview.provisional == ""  # not priced yet: nothing shown

        price_open_hours(
            open_session=session_factory(engine),
            settings=Settings(sync_interval_seconds=3600),
            now=NOW,
        )
        await tab.open("/")
        overview = await tab.state(OverviewState)
        assert overview.provisional == "$0.18"
        assert overview.provisional_span == "06:00–06:30 UTC"
        assert overview.provisional_closes == "07:00 UTC"
        assert overview.month_to_date == "$19.44"  # the closed hours alone
