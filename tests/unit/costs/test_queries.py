"""The cost report, the CSV export, the filter pickers and the overview cards, on one costed fleet.

The fleet is sampled once an hour (sync interval 3,600 s, so one sample covers its hour) from
28 Feb 00:00 to 3 Mar 05:00 UTC, costed by the hourly job, and read at 3 Mar 06:30: the last
closed hour is 05:00-06:00. Built-in prices: $0.04 per core-hour, $0.005 per GiB-hour.

org "acme":
  prod  (node 4 cores, 16 GiB: $0.16 + $0.08 = $0.24 an hour)
    shop   team web,  cost-center cc-1: 1 core (uses 0.5), 2 GiB (uses 1) → $0.04 + $0.01 = $0.05/h
    search team data, cost-center cc-2: 2 cores (uses 2), 4 GiB (uses 4) → $0.08 + $0.02 = $0.10/h,
           from 1 Mar only
    idle: 28 Feb $0.12 + $0.07 = $0.19/h; from 1 Mar $0.04 + $0.05 = $0.09/h
  stage (node 2 cores, 8 GiB: $0.08 + $0.04 = $0.12 an hour)
    shop   team web, cost-center cc-1: 0.5 core (uses 0.25), 1 GiB (uses 0.5)
           → $0.02 + $0.005 = $0.025/h
    idle: $0.06 + $0.035 = $0.095/h
    no samples 2 Mar 12:00-17:00: the 11:00 sample reaches 3 h, to 14:00, so 14:00-18:00 (4 hours)
    are uncovered and cost nothing
org "rival": cluster rival, shop (team web, cc-1), 10 cores on a 10-core node: $0.40/h, no idle.
"""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kube_console.costs.engine import run_cost_pass
from kube_console.costs.math import GIB
from kube_console.costs.queries import (
    MAX_BUCKETS,
    Window,
    bucket_count,
    buckets,
    cost_overview,
    cost_report,
    cost_table,
    export_csv,
    filter_options,
    previous_window,
    resolve_window,
    span_parts,
)
from kube_console.costs.records import CostQuery
from kube_console.errors import ValidationFailed
from kube_console.models import Cluster, CostHourly, Organization
from kube_console.settings import Settings
from tests.conftest import _empty_all_tables
from tests.support.usage import Figures, UsageWriter, every, session_factory

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 3, 6, 30, tzinfo=UTC)
FEB_28, MAR_1 = dt.datetime(2026, 2, 28, tzinfo=UTC), dt.datetime(2026, 3, 1, tzinfo=UTC)
CLOSED = dt.datetime(2026, 3, 3, 6, tzinfo=UTC)
HOURLY = 3600
HOUR = dt.timedelta(hours=1)
# Month-to-date: 1 Mar 00:00-3 Mar 06:00 is 54 hours, 50 of them covered on stage.
MTD_HOURS, MTD_STAGE_HOURS = 54, 50

PROD_SHOP = Figures(
    cpu_request=1,
    cpu_usage=0.5,
    memory_request=2 * GIB,
    memory_usage=GIB,
    team="web",
    cost_center="cc-1",
)
SEARCH = Figures(
    cpu_request=2,
    cpu_usage=2,
    memory_request=4 * GIB,
    memory_usage=4 * GIB,
    team="data",
    cost_center="cc-2",
)
STAGE_SHOP = Figures(
    cpu_request=0.5,
    cpu_usage=0.25,
    memory_request=GIB,
    memory_usage=GIB // 2,
    team="web",
    cost_center="cc-1",
)


def dollars(value: float):
    return pytest.approx(value, abs=1e-6)


def _build_fleet(engine) -> dict:
    _empty_all_tables(engine)
    with Session(engine, expire_on_commit=False) as session:
        acme, rival_org = Organization(name="acme"), Organization(name="rival")
        session.add_all([acme, rival_org])
        session.commit()
        prod, stage, rival = (
            Cluster(org_id=acme.id, name="prod"),
            Cluster(org_id=acme.id, name="stage"),
            Cluster(org_id=rival_org.id, name="rival"),
        )
        session.add_all([prod, stage, rival])
        session.commit()
        usage = UsageWriter(session, prod)
        usage.steady(
            every(FEB_28, MAR_1, HOURLY),
            namespaces={"shop": PROD_SHOP},
            nodes={"p1": (4, 16 * GIB)},
        )
        usage.steady(
            every(MAR_1, CLOSED, HOURLY),
            namespaces={"shop": PROD_SHOP, "search": SEARCH},
            nodes={"p1": (4, 16 * GIB)},
        )
        gap_start, gap_end = (
            dt.datetime(2026, 3, 2, 12, tzinfo=UTC),
            dt.datetime(2026, 3, 2, 18, tzinfo=UTC),
        )
        stage_times = [
            moment for moment in every(FEB_28, CLOSED, HOURLY) if not gap_start <= moment < gap_end
        ]
        UsageWriter(session, stage).steady(
            stage_times, namespaces={"shop": STAGE_SHOP}, nodes={"s1": (2, 8 * GIB)}
        )
        UsageWriter(session, rival).steady(
            every(FEB_28, CLOSED, HOURLY),
            namespaces={"shop": Figures(cpu_request=10, team="web", cost_center="cc-1")},
            nodes={"r1": (10, 0)},
        )
    outcomes = run_cost_pass(
        open_session=session_factory(engine),
        settings=Settings(sync_interval_seconds=HOURLY),
        now=NOW,
    )
    assert [outcome.hours_computed for outcome in outcomes] == [78, 78, 78]
    return {
        "acme": acme.id,
        "rival": rival_org.id,
        "prod": prod,
        "stage": stage,
        "rival_cluster": rival,
    }


def _fingerprint(engine) -> tuple:
    with Session(engine) as session:
        return (
            session.execute(select(func.count(), func.max(CostHourly.id))).one(),
            session.execute(select(Organization.name).order_by(Organization.id)).scalars().all(),
        )


_FLEETS: dict[str, tuple[tuple, dict]] = {}


@pytest.fixture
def fleet(_session_engine):
    """The fleet, costed once per database; built again if another test emptied the tables."""
    engine = _session_engine
    key = str(engine.url)
    if key not in _FLEETS or _fingerprint(engine) != _FLEETS[key][0]:
        built = _build_fleet(engine)
        _FLEETS[key] = (_fingerprint(engine), built)
    with Session(engine, expire_on_commit=False) as session:
        yield {"session": session, **_FLEETS[key][1]}


def report(fleet, org="acme", **query):
    return cost_report(
        session=fleet["session"], org_id=fleet[org], query=CostQuery(**query), now=NOW
    )


def totals(result) -> dict[str, float]:
    return {group.label: group.total_cost for group in result.groups}


def expect(**figures):
    return {
        label.replace("__", " · ").replace("_", " "): dollars(value)
        for label, value in figures.items()
    }


def test_24h_by_namespace_with_idle_separate(fleet):
    result = report(fleet, window="24h", step="hour", group_by=("namespace",))
    # 2 Mar 06:00-3 Mar 06:00: stage's 4 uncovered hours fall inside. A namespace is one of a
    # cluster: shop of prod and shop of stage are two groups, and so is each cluster's idle.
    assert totals(result) == expect(
        Idle__prod=0.09 * 24,  # 2.16
        Idle__stage=0.095 * 20,  # 1.90
        search__prod=0.10 * 24,  # 2.40
        shop__prod=0.05 * 24,  # 1.20
        shop__stage=0.025 * 20,  # 0.50
    )
    assert result.total_cost == dollars(0.24 * 24 + 0.12 * 20)  # idle included: the capacity, 8.16
    assert (result.start, result.end, result.hours) == (
        "2026-03-02T06:00:00+00:00",
        CLOSED.isoformat(),
        24,
    )
    assert len(result.buckets) == 24 and result.buckets[0] == "2026-03-02T06:00:00+00:00"
    # Previous 24 hours, 1 Mar 06:00-2 Mar 06:00, all covered.
    groups = {group.label: group for group in result.groups}
    assert groups["shop · stage"].previous_cost == dollars(0.025 * 24)  # 0.60
    assert groups["shop · stage"].change == pytest.approx((0.50 - 0.60) / 0.60)
    assert groups["shop · prod"].change == pytest.approx(0.0)
    assert groups["search · prod"].change == pytest.approx(0.0)
    assert result.previous_cost == dollars(0.36 * 24)
    assert result.change == pytest.approx((8.16 - 8.64) / 8.64)
    assert groups["shop · prod"].share == pytest.approx(1.20 / 8.16)
    # Coverage: 48 cluster-hours, 4 of them unwatched.
    assert result.coverage == pytest.approx(44 / 48)
    assert groups["Idle · stage"].coverage == pytest.approx(20 / 24)
    assert groups["Idle · prod"].coverage == 1.0 == groups["shop · stage"].coverage
    # Efficiency: usage / request = 0.5 × 24 / 1 × 24 on prod, 0.25 × 20 / 0.5 × 20 on stage.
    assert groups["shop · prod"].cpu_efficiency == pytest.approx(0.5)
    assert groups["shop · stage"].cpu_efficiency == pytest.approx(0.5)
    assert (
        groups["search · prod"].cpu_efficiency
        == pytest.approx(1.0)
        == groups["search · prod"].memory_efficiency
    )


def test_show_the_math(fleet):
    result = report(fleet, window="24h", step="hour", group_by=("namespace",))
    search = next(group for group in result.groups if group.label == "search · prod")
    cpu, memory, gpu, storage, network = search.math
    assert (cpu.resource, cpu.unit, cpu.hours) == ("cpu", "core-hours", 24)
    assert (gpu.resource, gpu.unit, gpu.allocated, gpu.cost) == ("gpu", "GPU-hours", 0.0, 0.0)
    assert (cpu.average_request, cpu.average_usage, cpu.average_allocated) == (
        pytest.approx(2),
        pytest.approx(2),
        pytest.approx(2),
    )
    assert (cpu.allocated, cpu.price, cpu.cost) == (
        pytest.approx(48),
        pytest.approx(0.04),
        dollars(48 * 0.04),
    )
    assert (memory.unit, memory.average_request, memory.allocated) == (
        "GiB-hours",
        pytest.approx(4),
        pytest.approx(96),
    )
    assert (memory.price, memory.cost) == (pytest.approx(0.005), dollars(96 * 0.005))
    assert (storage.allocated, storage.cost, network.cost) == (0.0, 0.0, 0.0)
    assert cpu.cost + memory.cost == dollars(search.total_cost)


def test_show_the_math_averages_over_the_hours_the_clusters_were_costed_not_the_whole_window(fleet):
    # 30 days back from 3 Mar reach 2 Feb; the fleet was costed from 28 Feb 00:00 to 3 Mar
    # 06:00 only: 78 hours (prod, the longest-lived cluster), not 30 days' 702.
    result = report(fleet, window="30d", step="day", group_by=("namespace",))
    shop = next(group for group in result.groups if group.label == "shop · prod")
    cpu = shop.math[0]
    assert cpu.hours == 78
    assert cpu.average_request == pytest.approx(1)  # 1 core requested all along
    assert cpu.average_allocated == pytest.approx(1)


MTD_BY = {
    "cluster": expect(prod=0.05 * 54 + 0.10 * 54, stage=0.025 * MTD_STAGE_HOURS),  # 8.10, 1.25
    "namespace": expect(
        search__prod=0.10 * 54, shop__prod=0.05 * 54, shop__stage=0.025 * 50
    ),  # 5.40, 2.70, 1.25
    "team": expect(data=5.40, web=3.95),
    "cost_center": {"cc-2": dollars(5.40), "cc-1": dollars(3.95)},
}


@pytest.mark.parametrize("dimension", list(MTD_BY))
def test_every_group_by_sums_the_same_month(fleet, dimension):
    result = report(fleet, window="mtd", step="day", group_by=(dimension,), idle="hide")
    assert totals(result) == MTD_BY[dimension]
    assert result.total_cost == dollars(9.35)
    assert result.buckets == ["2026-03-01", "2026-03-02", "2026-03-03"]


def test_two_dimensions(fleet):
    result = report(fleet, window="mtd", step="day", group_by=("team", "cluster"), idle="hide")
    assert totals(result) == expect(data__prod=5.40, web__prod=0.05 * 54, web__stage=0.025 * 50)
    assert {group.key for group in result.groups} == {
        f"team=data|cluster={fleet['prod'].id}",
        f"team=web|cluster={fleet['prod'].id}",
        f"team=web|cluster={fleet['stage'].id}",
    }


def test_day_series_stack_to_the_totals(fleet):
    result = report(fleet, window="mtd", step="day", group_by=("team",), idle="hide")
    series = {line.label: line.values for line in result.series}
    assert series["web"] == [
        dollars(0.075 * 24),  # 1 Mar: 1.80
        dollars(0.05 * 24 + 0.025 * 20),  # 2 Mar: 1.70
        dollars(0.075 * 6),  # 3 Mar, 6 hours so far: 0.45
    ]
    assert series["data"] == [dollars(2.40), dollars(2.40), dollars(0.60)]


def test_the_monthly_step_reads_the_same_month(fleet):
    result = report(fleet, window="mtd", step="month", group_by=("team",), idle="hide")
    assert result.buckets == ["2026-03-01"]
    assert totals(result) == MTD_BY["team"]


def test_idle_modes(fleet):
    hidden = report(fleet, window="mtd", group_by=("cluster",), idle="hide")
    separate = report(fleet, window="mtd", group_by=("cluster",), idle="separate")
    shared = report(fleet, window="mtd", group_by=("cluster",), idle="share")
    assert totals(hidden) == MTD_BY["cluster"]
    assert totals(separate) == MTD_BY["cluster"] | expect(
        prod__Idle=0.09 * 54,  # 4.86
        stage__Idle=0.095 * 50,  # 4.75
    )
    assert [group.idle for group in separate.groups if "Idle" in group.label] == [True, True]
    # Shared, each cluster carries its whole capacity: prod 0.24 × 54, stage 0.12 × 50.
    assert totals(shared) == expect(prod=12.96, stage=6.00)
    assert shared.total_cost == dollars(separate.total_cost)


def test_shared_idle_follows_cpu_and_memory_cost_separately(fleet):
    result = report(fleet, window="mtd", group_by=("namespace", "cluster"), idle="share")
    # prod each hour: idle cpu $0.04 split 0.04 : 0.08 (shop : search),
    # idle memory $0.05 split 0.01 : 0.02.
    #   shop 0.05 + 0.04 × 1/3 + 0.05 × 1/3 = 0.08; search 0.10 + 0.04 × 2/3 + 0.05 × 2/3 = 0.16.
    # stage: shop carries all of its idle, 0.025 + 0.095 = 0.12 an hour covered.
    assert totals(result) == expect(
        shop__prod=0.08 * 54, search__prod=0.16 * 54, shop__stage=0.12 * 50
    )
    shop = next(group for group in result.groups if group.label == "shop · prod")
    assert shop.idle_share_cost == dollars((0.04 / 3 + 0.05 / 3) * 54)
    assert shop.cpu_cost == dollars(0.04 * 54)  # its own cost is still shown apart


def test_filters(fleet):
    prod, stage = fleet["prod"].id, fleet["stage"].id

    def filtered(**filters):
        return totals(report(fleet, window="mtd", group_by=("namespace",), **filters))

    assert filtered(clusters=(prod,)) == expect(
        search__prod=5.40, shop__prod=2.70, Idle__prod=0.09 * 54
    )
    # idle belongs to no team
    assert filtered(teams=("web",)) == expect(shop__prod=2.70, shop__stage=1.25)
    assert filtered(cost_centers=("cc-2",)) == expect(search__prod=5.40)
    assert filtered(namespaces=("shop",), clusters=(stage,)) == expect(shop__stage=1.25)
    assert filtered(teams=("web", "data"), cost_centers=("cc-1",)) == expect(
        shop__prod=2.70, shop__stage=1.25
    )
    # Shared idle is spread before filtering: web keeps its full share.
    assert totals(
        report(fleet, window="mtd", group_by=("team",), idle="share", teams=("web",))
    ) == expect(web=0.08 * 54 + 0.12 * 50)


def test_forecast_rests_on_the_complete_days_there_are(fleet):
    result = report(fleet, window="mtd", group_by=("team",), idle="hide")
    # Complete days in the last 7: 28 Feb, 1 Mar, 2 Mar. Days left: 1 Apr − 3 Mar 06:00 = 28.75.
    assert result.forecast_days == 3
    web = next(group for group in result.groups if group.label == "web")
    data = next(group for group in result.groups if group.label == "data")
    web_daily = (0.075 * 24 + 0.075 * 24 + (0.05 * 24 + 0.025 * 20)) / 3  # (1.80 + 1.80 + 1.70) / 3
    assert web.forecast_cost == dollars(3.95 + web_daily * 28.75)
    assert data.forecast_cost == dollars(5.40 + (0 + 2.40 + 2.40) / 3 * 28.75)  # 51.40
    assert result.forecast_cost == dollars(web.forecast_cost + data.forecast_cost)


def test_last_month_and_the_previous_period_read_across_tables(fleet):
    result = report(fleet, window="last_month", group_by=("cluster",))
    assert totals(result) == expect(
        prod=0.05 * 24, prod__Idle=0.19 * 24, stage=0.025 * 24, stage__Idle=0.095 * 24
    )
    month = report(fleet, window="mtd", group_by=("team",), idle="hide")
    # [1 Mar, 4 Mar) has run 54 hours; before it: 26 Feb 00:00-28 Feb 06:00, 6 hours of it costed.
    assert (month.previous_start, month.previous_end) == (
        "2026-02-26T00:00:00+00:00",
        "2026-02-28T06:00:00+00:00",
    )
    web = next(group for group in month.groups if group.label == "web")
    assert web.previous_cost == dollars(0.075 * 6)
    assert web.change == pytest.approx((3.95 - 0.45) / 0.45)


def test_another_orgs_data_never_appears(fleet):
    acme = report(fleet, window="mtd", group_by=("namespace",))
    assert totals(acme)["shop · prod"] == dollars(2.70)  # not rival's 0.40 an hour
    rival = report(fleet, org="rival", window="mtd", group_by=("namespace",))
    assert totals(rival) == expect(shop__rival=0.40 * 54, Idle__rival=0.0)
    foreign = report(
        fleet, window="mtd", group_by=("namespace",), clusters=(fleet["rival_cluster"].id,)
    )
    assert (foreign.groups, foreign.total_cost, foreign.series) == ([], 0.0, [])
    assert filter_options(session=fleet["session"], org_id=fleet["rival"]).namespaces == ["shop"]


def test_series_beyond_the_limit_add_up_to_other(fleet):
    result = report(fleet, window="24h", step="hour", group_by=("namespace",), series_limit=1)
    assert [line.label for line in result.series] == ["search · prod", "Other (4)"]
    other = result.series[1].values
    # 06:00: both clusters' idle and shop
    assert other[0] == dollars(0.09 + 0.095 + 0.05 + 0.025)
    assert other[8] == dollars(0.09 + 0.05)  # 14:00: stage unwatched


def test_csv_is_the_table_the_page_shows(fleet):
    query = CostQuery(window="mtd", group_by=("team", "cluster"), idle="share")
    table = cost_table(
        cost_report(session=fleet["session"], org_id=fleet["acme"], query=query, now=NOW)
    )
    exported = export_csv(session=fleet["session"], org_id=fleet["acme"], query=query, now=NOW)
    assert list(csv.reader(io.StringIO(exported))) == [table.columns, *table.rows]
    assert table.columns[:4] == ["Team", "Cluster", "Cost (USD)", "Share %"]
    assert "Idle share" in table.columns
    assert table.rows[0][:4] == ["data", "prod", "8.64", "45.6"]  # 0.16 × 54 of 18.96
    assert table.rows[-1][:3] == ["Total", "", "18.96"]


def test_filter_pickers(fleet):
    options = filter_options(session=fleet["session"], org_id=fleet["acme"])
    assert [(option.name) for option in options.clusters] == ["prod", "stage"]
    assert (options.teams, options.cost_centers, options.namespaces) == (
        ["data", "web"],
        ["cc-1", "cc-2"],
        ["search", "shop"],
    )


def test_overview_cards(fleet):
    overview = cost_overview(session=fleet["session"], org_id=fleet["acme"], now=NOW)
    month_to_date = 0.24 * 54 + 0.12 * 50  # 18.96
    assert overview.month_to_date_cost == dollars(month_to_date)
    daily = (0.36 * 24 + 0.36 * 24 + (0.36 * 24 - 0.12 * 4)) / 3  # 28 Feb, 1 Mar, 2 Mar: 8.48
    assert (overview.forecast_days, overview.forecast_cost) == (
        3,
        dollars(month_to_date + daily * 28.75),
    )
    assert (overview.last_month_same_period_cost, overview.change_vs_last_month) == (
        0.0,
        None,
    )  # 1-3 Feb: no data
    assert [(card.label, card.cost) for card in overview.by_team] == [
        ("Idle", dollars(0.09 * 54 + 0.095 * 50)),
        ("data", dollars(5.40)),
        ("web", dollars(3.95)),
    ]
    assert [card.label for card in overview.by_cost_center] == ["Idle", "cc-2", "cc-1"]
    assert [(card.label, card.cost) for card in overview.top_namespaces] == [
        ("prod · search", dollars(5.40)),
        ("prod · shop", dollars(2.70)),
        ("stage · shop", dollars(1.25)),
    ]
    trend = {point.day: point.cost for point in overview.daily_trend}
    assert len(trend) == 30 and min(trend) == "2026-02-02"
    assert (trend["2026-02-27"], trend["2026-02-28"], trend["2026-03-02"], trend["2026-03-03"]) == (
        0.0,
        dollars(8.64),
        dollars(8.16),
        dollars(0.36 * 6),
    )
    assert overview.currency == "USD"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        (CostQuery(window="fortnight", step="week", idle="some"), {"window", "step", "idle"}),
        (CostQuery(group_by=("team", "team")), {"group_by"}),
        (CostQuery(group_by=("team", "cluster", "namespace")), {"group_by"}),
        (CostQuery(window="custom", start="yesterday"), {"start", "end"}),
        (CostQuery(window="custom", start="2026-03-02", end="2026-03-01"), {"end"}),
        (CostQuery(window="custom", start="2025-06-01", end="2026-03-01", step="hour"), {"step"}),
        (CostQuery(window="custom", start="2025-02-28", end="2026-03-01"), {"start"}),
        (CostQuery(window="custom", start="2026-03-01", end="2026-04-03T06:31"), {"end"}),
        (
            CostQuery(window="custom", start="0001-01-01T00:00+05:00", end="9999-12-31"),
            {"start", "end"},
        ),
        (CostQuery(series_limit=101), {"series_limit"}),
        (CostQuery(teams=tuple(f"team-{index}" for index in range(201))), {"teams"}),
    ],
)
def test_bad_queries_name_their_fields(fleet, query, fields):
    with pytest.raises(ValidationFailed) as refused:
        cost_report(session=fleet["session"], org_id=fleet["acme"], query=query, now=NOW)
    assert set(refused.value.by_field()) == fields


def test_windows_align_to_the_step_and_stop_at_the_last_closed_hour():
    def window(**query):
        return resolve_window(CostQuery(**query), NOW)

    assert window(window="7d") == Window(
        start=dt.datetime(2026, 2, 25, tzinfo=UTC),
        end=dt.datetime(2026, 3, 4, tzinfo=UTC),
        data_end=CLOSED,
        reaches_open_hour=True,
    )
    assert window(window="24h", step="day").start == dt.datetime(2026, 3, 2, tzinfo=UTC)
    custom = window(window="custom", start="2026-03-01T10:30", end="2026-03-09", step="hour")
    assert (custom.start, custom.end) == (dt.datetime(2026, 3, 1, 10, tzinfo=UTC), CLOSED)
    assert previous_window(window(window="last_month", step="month"), "month") == (
        dt.datetime(2026, 1, 1, tzinfo=UTC),
        dt.datetime(2026, 2, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("step", "start", "end"),
    [
        ("hour", MAR_1, CLOSED),
        ("hour", MAR_1, MAR_1),
        ("day", FEB_28, CLOSED),  # the last day not whole
        ("day", dt.datetime(2025, 2, 1, tzinfo=UTC), MAR_1),  # 393 days
        ("month", dt.datetime(2016, 3, 1, tzinfo=UTC), MAR_1),
        ("month", dt.datetime(2025, 12, 1, tzinfo=UTC), CLOSED),  # the last month not whole
    ],
)
def test_buckets_are_counted_without_being_built(step, start, end):
    assert bucket_count(step, start, end) == len(buckets(step, start, end))


@pytest.mark.parametrize("step", ["hour", "day", "month"])
def test_too_many_buckets_are_refused_before_any_is_built(step):
    start = dt.datetime(1, 1, 1, tzinfo=UTC)
    end = dt.datetime(9999, 12, 1, tzinfo=UTC)
    assert bucket_count(step, start, end) > MAX_BUCKETS[step]
    with pytest.raises(ValidationFailed) as refused:
        buckets(step, start, end)
    assert list(refused.value.by_field()) == ["step"]


def test_a_span_is_read_from_whole_months_then_days_then_hours():
    start, end = dt.datetime(2026, 1, 30, 22, tzinfo=UTC), dt.datetime(2026, 4, 2, 3, tzinfo=UTC)
    assert span_parts(start, end) == [
        ("hour", start, dt.datetime(2026, 1, 31, tzinfo=UTC)),
        ("day", dt.datetime(2026, 1, 31, tzinfo=UTC), dt.datetime(2026, 2, 1, tzinfo=UTC)),
        ("month", dt.datetime(2026, 2, 1, tzinfo=UTC), dt.datetime(2026, 4, 1, tzinfo=UTC)),
        ("day", dt.datetime(2026, 4, 1, tzinfo=UTC), dt.datetime(2026, 4, 2, tzinfo=UTC)),
        ("hour", dt.datetime(2026, 4, 2, tzinfo=UTC), end),
    ]
    assert span_parts(start, start + dt.timedelta(hours=3)) == [
        ("hour", start, start + dt.timedelta(hours=3))
    ]


def _costed(engine) -> None:
    """The cost job over what the tests below sampled every 10 minutes."""
    run_cost_pass(
        open_session=session_factory(engine), settings=Settings(sync_interval_seconds=600), now=NOW
    )


def _on_1_march(session, org, *, start: str, end: str, **query):
    """The org's costs from `start` to `end` on 1 Mar (widened to whole steps)."""
    bounds = {"start": f"2026-03-01T{start}", "end": f"2026-03-01T{end}"}
    query = CostQuery(window="custom", **bounds, **query)
    return cost_report(session=session, org_id=org.id, query=query, now=NOW)


def _app_at_ten(session, make, *, node_cores: float) -> tuple[Organization, UsageWriter]:
    """Cluster "solo" of an org of its own, a node of `node_cores` cores (no memory); app asks
    1 core from 10:00 to 11:00 on 1 Mar."""
    org = make.org()
    usage = UsageWriter(session, make.cluster(org, name="solo"))
    usage.steady(
        every(MAR_1 + 10 * HOUR, MAR_1 + 11 * HOUR, 600),
        namespaces={"app": Figures(cpu_request=1)},
        nodes={"n": (node_cores, 0)},
    )
    return org, usage


# The tests below empty the tables the fleet lives in: it is built again after them.


def test_idle_no_namespace_can_carry_stays_idle_when_shared(session, engine, make):
    org, usage = _app_at_ten(session, make, node_cores=2)
    usage.steady(
        every(MAR_1 + 11 * HOUR, MAR_1 + 12 * HOUR, 600), namespaces={}, nodes={"n": (2, 0)}
    )
    _costed(engine)

    def shared(step):
        by_namespace = {"group_by": ("namespace",), "idle": "share"}
        return totals(
            _on_1_march(session, org, start="10:00", end="12:00", step=step, **by_namespace)
        )

    # By the hour: at 10:00 app carries the idle core ($0.04); at 11:00 nothing can carry 2 cores.
    assert shared("hour") == expect(app__solo=0.04 + 0.04, Idle__solo=2 * 0.04)
    # By the day (the window widens to all of 1 Mar) each hour is shared on its own: app carries
    # 10:00's idle only, and 11:00's idle and 12:00-12:20's (the 11:50 sample still reaches
    # 3 × 600 s) stay idle.
    assert shared("day") == expect(app__solo=0.04 + 0.04, Idle__solo=2 * 0.04 + 2 * 0.04 / 3)


def test_idle_is_shared_hour_by_hour_whatever_the_step(session, engine, make):
    # A 4-core node; app asks 1 core from 10:00, web 1 core from 11:00 to 12:00.
    #   10:00: idle 3 cores ($0.12), all onto app;
    #   11:00: idle 2 cores ($0.08), half onto app and half onto web.
    org, usage = _app_at_ten(session, make, node_cores=4)
    usage.steady(
        every(MAR_1 + 11 * HOUR, MAR_1 + 12 * HOUR, 600),
        namespaces={"app": Figures(cpu_request=1), "web": Figures(cpu_request=1)},
        nodes={"n": (4, 0)},
    )
    usage.snapshot(MAR_1 + 12 * HOUR, namespaces={}, nodes={})  # the cluster is empty from 12:00
    _costed(engine)
    app, web = 0.04 + 0.12 + 0.04 + 0.04, 0.04 + 0.04

    for step in ("hour", "day", "month"):
        result = _on_1_march(
            session,
            org,
            start="10:00",
            end="12:00",
            step=step,
            group_by=("namespace", "cluster"),
            idle="share",
        )
        assert totals(result) == expect(app__solo=app, web__solo=web), step
        shares = {group.label: group.idle_share_cost for group in result.groups}
        assert shares == expect(app__solo=0.12 + 0.04, web__solo=0.04), step
        [app_series, web_series] = sorted(result.series, key=lambda line: line.label)
        assert sum(app_series.values) == dollars(app) and sum(web_series.values) == dollars(web)
    by_cluster = CostQuery(window="mtd", step="day", group_by=("cluster",), idle="share")
    assert totals(cost_report(session=session, org_id=org.id, query=by_cluster, now=NOW)) == expect(
        solo=4 * 2 * 0.04
    )


def test_efficiency_over_hours_without_usage_data_is_unknown(session, engine, make):
    # "seen" reports usage (metrics.k8s.io): api asks 2 cores and 4 GiB, uses 1 core and 2 GiB.
    # "blind" has no metrics API: batch asks 400 m and 512 MiB, and its usage is unknown.
    org = make.org()
    seen, blind = make.cluster(org, name="seen"), make.cluster(org, name="blind")
    hour = every(MAR_1 + 10 * HOUR, MAR_1 + 11 * HOUR, 600)
    UsageWriter(session, seen).steady(
        hour,
        namespaces={
            "api": Figures(cpu_request=2, cpu_usage=1, memory_request=4 * GIB, memory_usage=2 * GIB)
        },
        nodes={"n": (4, 16 * GIB)},
    )
    UsageWriter(session, blind).steady(
        hour,
        namespaces={"batch": Figures(cpu_request=0.4, memory_request=GIB // 2)},
        nodes={"n": (4, 16 * GIB)},
        metrics=False,
    )
    _costed(engine)
    for step in ("hour", "day"):
        result = _on_1_march(
            session,
            org,
            start="10:00",
            end="11:00",
            step=step,
            group_by=("namespace", "cluster"),
            idle="hide",
        )
        groups = {group.label: group for group in result.groups}
        api, batch = groups["api · seen"], groups["batch · blind"]
        assert (api.cpu_efficiency, api.memory_efficiency) == (0.5, 0.5)
        assert (batch.cpu_efficiency, batch.memory_efficiency) == (None, None)
        # The fleet's efficiency rests on the hours with usage data: api's alone, not 1 / 2.4.
        assert (result.cpu_efficiency, result.memory_efficiency) == (0.5, 0.5)
        assert (api.cpu_usage_data_share, api.memory_usage_data_share) == (1.0, 1.0)
        assert (batch.cpu_usage_data_share, batch.memory_usage_data_share) == (0.0, 0.0)
        assert result.cpu_usage_data_share == pytest.approx(2 / 2.4)
        assert result.memory_usage_data_share == pytest.approx(4 / 4.5)
        batch_row = next(row for row in cost_table(result).rows if row[0] == "batch")
        efficiency = cost_table(result).columns.index("CPU efficiency %")
        assert batch_row[efficiency : efficiency + 2] == ["", ""]


def test_a_namespace_group_is_a_namespace_of_one_cluster(fleet):
    result = report(fleet, window="mtd", group_by=("namespace",), idle="hide")
    prod, stage = fleet["prod"].id, fleet["stage"].id
    assert (result.group_by, result.dimensions) == (["namespace"], ["namespace", "cluster"])
    assert {group.key: group.values for group in result.groups} == {
        f"namespace=search|cluster={prod}": {"namespace": "search", "cluster": "prod"},
        f"namespace=shop|cluster={prod}": {"namespace": "shop", "cluster": "prod"},
        f"namespace=shop|cluster={stage}": {"namespace": "shop", "cluster": "stage"},
    }
    table = cost_table(result)
    assert table.columns[:3] == ["Namespace", "Cluster", "Cost (USD)"]
    assert [row[:3] for row in table.rows] == [
        ["search", "prod", "5.40"],
        ["shop", "prod", "2.70"],
        ["shop", "stage", "1.25"],
        ["Total", "", "9.35"],
    ]
    by_team = report(fleet, window="mtd", group_by=("team", "namespace"), idle="hide")
    assert by_team.dimensions == ["team", "namespace", "cluster"]
    assert totals(by_team) == expect(
        data__search__prod=5.40, web__shop__prod=2.70, web__shop__stage=1.25
    )
    assert report(fleet, window="mtd", group_by=("namespace", "cluster")).dimensions == [
        "namespace",
        "cluster",
    ]
