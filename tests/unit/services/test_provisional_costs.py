"""The open hour so far (issue 13 item 5), as the Overview and the cost report show it.

The fleet of tests/support/costed_fleet.py ($0.36 an hour: prod $0.24, stage $0.12) is sampled
hourly up to 05:00 and read at 06:30: the 05:00 samples reach three hours, so 06:00-06:30 is
covered and the open hour so far costs half an hour's figures.
"""

import datetime as dt

import pytest

from kube_console.costs.engine import price_open_hours
from kube_console.costs.queries import cost_overview, provisional_cost
from kube_console.settings import Settings
from tests.support.costed_fleet import HOURLY, build_fleet
from tests.support.usage import session_factory

NOW = dt.datetime(2026, 3, 3, 6, 30, tzinfo=dt.UTC)
SETTINGS = Settings(sync_interval_seconds=HOURLY, sample_retention_days=5)


def dollars(value: float):
    return pytest.approx(value, abs=1e-9)


def test_the_open_hour_so_far_is_apart_from_the_closed_figures(session, engine, make):
    acme, rival = make.org("acme"), make.org("rival")
    fleet = build_fleet(session, engine, acme, now=NOW, days=3)
    closed = cost_overview(session=session, org_id=acme.id, now=NOW)
    assert closed.provisional is None  # not priced yet

    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=NOW)
    so_far = provisional_cost(session=session, org_id=acme.id, now=NOW)
    assert so_far is not None
    assert (so_far.hour_start, so_far.hour_end, so_far.through) == (
        "2026-03-03T06:00:00+00:00",
        "2026-03-03T07:00:00+00:00",
        "2026-03-03T06:30:00+00:00",
    )
    assert so_far.total_cost == dollars(0.36 / 2)
    assert so_far.by_resource["cpu_cost"] == dollars((0.16 + 0.08) / 2)
    assert so_far.by_resource["memory_cost"] == dollars((0.08 + 0.04) / 2)
    prod = provisional_cost(session=session, org_id=acme.id, now=NOW, clusters=[fleet["prod"].id])
    assert prod is not None and prod.total_cost == dollars(0.24 / 2)

    # The overview shows it beside the month, which holds the closed hours only.
    overview = cost_overview(session=session, org_id=acme.id, now=NOW)
    assert overview.provisional == so_far
    assert overview.month_to_date_cost == closed.month_to_date_cost
    assert overview.forecast_cost == closed.forecast_cost
    # Another organization sees none of it; an hour that has closed is never shown.
    assert provisional_cost(session=session, org_id=rival.id, now=NOW) is None
    later = NOW + dt.timedelta(hours=1)
    assert provisional_cost(session=session, org_id=acme.id, now=later) is None


def test_the_cost_report_carries_the_open_hour_in_a_block_of_its_own(session, engine, make):
    from kube_console.api.schemas import CostReportModel
    from kube_console.costs.queries import cost_report
    from kube_console.costs.records import CostQuery

    fleet = build_fleet(session, engine, make.org("acme"), now=NOW, days=3)
    org_id = fleet["prod"].org_id
    closed = cost_report(session=session, org_id=org_id, query=CostQuery(window="7d"), now=NOW)
    assert closed.provisional is None
    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=NOW)

    report = cost_report(session=session, org_id=org_id, query=CostQuery(window="7d"), now=NOW)
    assert report.total_cost == closed.total_cost  # never mixed into the closed figures
    assert report.provisional is not None and report.provisional.total_cost == dollars(0.18)
    prod = cost_report(
        session=session,
        org_id=org_id,
        query=CostQuery(window="7d", clusters=(fleet["prod"].id,)),
        now=NOW,
    )
    assert prod.provisional is not None and prod.provisional.total_cost == dollars(0.12)
    # Idle hidden: the namespaces' own costs alone (prod $0.15 + stage $0.025 an hour).
    hidden = cost_report(
        session=session, org_id=org_id, query=CostQuery(window="7d", idle="hide"), now=NOW
    )
    assert hidden.provisional is not None
    assert hidden.provisional.total_cost == dollars((0.15 + 0.025) / 2)
    # A window that ends before the open hour has none.
    past = cost_report(
        session=session,
        org_id=org_id,
        query=CostQuery(window="custom", start="2026-03-01", end="2026-03-02"),
        now=NOW,
    )
    assert past.provisional is None

    wire = CostReportModel.build(report).model_dump(mode="json")
    assert wire["provisional"]["hour_start"] == "2026-03-03T06:00:00Z"
    assert wire["provisional"]["through"] == "2026-03-03T06:30:00Z"
    assert wire["provisional"]["total_cost"] == dollars(0.18)
    assert wire["provisional"]["cpu_cost"] == dollars(0.12)
    assert wire["total_cost"] == dollars(closed.total_cost)


def test_every_view_that_ends_now_carries_the_open_hour_even_the_first_of_a_day(
    session, engine, make
):
    """At 00:30 the day-step views hold no closed hour of today, and at 00:30 on the first of
    a month the month to date holds none at all: the open hour so far is shown all the same."""
    from kube_console.costs.queries import cost_report
    from kube_console.costs.records import CostQuery

    first_of_month = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)
    fleet = build_fleet(session, engine, make.org("acme"), now=first_of_month, days=3)
    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=first_of_month)

    def provisional(window: str, step: str, start: str = "", end: str = ""):
        query = CostQuery(window=window, step=step, start=start, end=end)
        report = cost_report(
            session=session, org_id=fleet["prod"].org_id, query=query, now=first_of_month
        )
        return report.provisional and report.provisional.hour_start

    views = [("24h", "hour"), ("24h", "day")] + [
        (window, step) for window in ("7d", "30d", "mtd") for step in ("hour", "day", "month")
    ]
    assert {view: provisional(*view) for view in views} == dict.fromkeys(
        views, "2026-03-01T00:00:00+00:00"
    )
    assert provisional("last_month", "day") is None
    # A custom window has the open hour beside it if it runs past the start of that hour.
    assert provisional("custom", "day", "2026-02-25", "2026-03-01") is None
    assert provisional("custom", "day", "2026-02-25", "2026-03-02") == "2026-03-01T00:00:00+00:00"
