"""A namespace's cost by resource per hour, day or month, read on 10 Mar 2026 at 12:30 UTC.

Hourly: 48 buckets, 8 Mar 13:00 to 10 Mar 12:00; daily: 30, 9 Feb to 10 Mar; monthly: 12,
April 2025 to March 2026. Rows just before each window must stay out, and so must the cluster's
idle row and another namespace's rows.
"""

import datetime as dt

import pytest

from kube_console.costs.inventory_costs import namespace_cost_breakdown
from kube_console.errors import ValidationFailed
from kube_console.models import CostDaily, CostHourly, CostMonthly
from kube_console.security.authz import NotFound

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
def shop(session, make):
    org = make.org()
    cluster = make.cluster(org)
    shop, other = make.namespace(cluster, name="shop"), make.namespace(cluster, name="other")

    def cost(
        model, period, when, namespace, *, cpu, memory=0.0, storage=0.0, network=0.0, team="web"
    ):
        session.add(
            model(
                org_id=org.id,
                cluster_id=cluster.id,
                namespace_id=namespace.id if namespace else None,
                namespace=namespace.name if namespace else "__idle__",
                team=team,
                currency="EUR",
                cpu_cost=cpu,
                memory_cost=memory,
                storage_cost=storage,
                network_cost=network,
                total_cost=cpu + memory + storage + network,
                **{period: when},
            )
        )

    hour = dt.datetime(2026, 3, 10, 11, tzinfo=UTC)
    cost(CostHourly, "hour_start", hour, shop, cpu=1.0, memory=0.5, storage=0.1, network=0.2)
    cost(
        CostHourly, "hour_start", hour, shop, cpu=0.5, team="data"
    )  # the same hour, split by a label change
    cost(CostHourly, "hour_start", dt.datetime(2026, 3, 8, 13, tzinfo=UTC), shop, cpu=2.0)
    cost(CostHourly, "hour_start", dt.datetime(2026, 3, 8, 12, tzinfo=UTC), shop, cpu=50.0)
    cost(CostHourly, "hour_start", hour, None, cpu=9.0)
    cost(CostHourly, "hour_start", hour, other, cpu=9.0)
    cost(CostDaily, "day", dt.date(2026, 3, 10), shop, cpu=10.0, memory=4.0)
    cost(CostDaily, "day", dt.date(2026, 2, 9), shop, cpu=1.0)
    cost(CostDaily, "day", dt.date(2026, 2, 8), shop, cpu=70.0)
    cost(CostMonthly, "month", dt.date(2026, 3, 1), shop, cpu=100.0, storage=3.0)
    cost(CostMonthly, "month", dt.date(2025, 4, 1), shop, cpu=20.0)
    cost(CostMonthly, "month", dt.date(2025, 3, 1), shop, cpu=80.0)
    session.commit()
    return org, shop


def test_hourly_breakdown_by_resource(session, shop):
    org, namespace = shop
    breakdown = namespace_cost_breakdown(
        session=session, org_id=org.id, namespace_id=namespace.id, step="hour", now=NOW
    )
    assert (len(breakdown.buckets), breakdown.buckets[0], breakdown.buckets[-1]) == (
        48,
        "2026-03-08T13:00:00+00:00",
        "2026-03-10T12:00:00+00:00",
    )
    assert (breakdown.start, breakdown.end, breakdown.currency) == (
        "2026-03-08T13:00:00+00:00",
        "2026-03-10T13:00:00+00:00",
        "EUR",
    )
    at_11 = breakdown.buckets.index("2026-03-10T11:00:00+00:00")
    assert (breakdown.cpu_cost[at_11], breakdown.memory_cost[at_11]) == (1.5, 0.5)
    assert (breakdown.storage_cost[at_11], breakdown.network_cost[at_11]) == (0.1, 0.2)
    assert breakdown.total_cost[at_11] == pytest.approx(2.3)
    assert (breakdown.cpu_cost[0], breakdown.total_cost[-1]) == (2.0, 0.0)
    assert breakdown.window_cost == pytest.approx(4.3)


def test_daily_and_monthly_breakdowns(session, shop):
    org, namespace = shop
    daily = namespace_cost_breakdown(
        session=session, org_id=org.id, namespace_id=namespace.id, step="day", now=NOW
    )
    assert (len(daily.buckets), daily.buckets[0], daily.buckets[-1]) == (
        30,
        "2026-02-09",
        "2026-03-10",
    )
    assert (daily.cpu_cost[0], daily.cpu_cost[-1], daily.memory_cost[-1], daily.window_cost) == (
        1.0,
        10.0,
        4.0,
        15.0,
    )
    monthly = namespace_cost_breakdown(
        session=session, org_id=org.id, namespace_id=namespace.id, step="month", now=NOW
    )
    assert (len(monthly.buckets), monthly.buckets[0], monthly.buckets[-1]) == (
        12,
        "2025-04-01",
        "2026-03-01",
    )
    assert (monthly.cpu_cost[0], monthly.storage_cost[-1], monthly.window_cost) == (
        20.0,
        3.0,
        123.0,
    )


def test_a_namespace_without_costs_has_zeros_in_dollars(session, make, shop):
    org, _ = shop
    quiet = make.namespace(make.cluster(org))
    breakdown = namespace_cost_breakdown(
        session=session, org_id=org.id, namespace_id=quiet.id, step="month", now=NOW
    )
    assert (breakdown.total_cost, breakdown.currency) == ([0.0] * 12, "USD")


def test_an_unknown_step_and_another_orgs_namespace_are_refused(session, make, shop):
    org, namespace = shop
    with pytest.raises(ValidationFailed) as failure:
        namespace_cost_breakdown(
            session=session, org_id=org.id, namespace_id=namespace.id, step="week", now=NOW
        )
    assert "step" in failure.value.by_field()
    with pytest.raises(NotFound):
        namespace_cost_breakdown(
            session=session, org_id=make.org().id, namespace_id=namespace.id, now=NOW
        )
