"""The cost arithmetic alone, no database: each expectation worked out by hand (cost-model.md)."""

import datetime as dt

import pytest

from kube_console.costs.math import (
    BUILT_IN_PRICES,
    GIB,
    NamespaceHourSums,
    add_months,
    ceil_day,
    ceil_hour,
    ceil_month,
    covered_seconds,
    floor_month,
    idle_line,
    month_end_forecast,
    namespace_line,
    parse_utc_time,
    share_idle,
)
from kube_console.models import IDLE_NAMESPACE, UNALLOCATED

H = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)


def t(minutes: float) -> dt.datetime:
    return H + dt.timedelta(minutes=minutes)


def dollars(value: float):
    return pytest.approx(value, abs=1e-6)


def test_each_sample_covers_until_the_next_one():
    assert covered_seconds([t(0), t(1), t(2)], H, 60) == [
        60,
        60,
        180,
    ]  # the last: 3 × 60 s, no next sample


def test_a_sample_before_the_hour_reaches_into_it_until_the_next_sample():
    # 09:58:30 covers [09:58:30, 10:01:00): 60 s of it inside 10:00-11:00.
    assert covered_seconds([t(-1.5), t(1)], H, 60) == [60, 180]


def test_a_gap_longer_than_three_intervals_is_not_filled():
    # 10:00 reaches 3 × 60 s, to 10:03; nothing covers 10:03-10:40.
    assert covered_seconds([t(0), t(40)], H, 60) == [180, 180]


def test_coverage_is_clipped_to_the_hour():
    # 10:58 would reach 11:01; only the 120 s up to 11:00 count. 09:50 reaches 09:53: nothing.
    assert covered_seconds([t(-10), t(58)], H, 60) == [0, 120]


def _sums(**figures) -> NamespaceHourSums:
    base = dict.fromkeys(
        (
            "cpu_request_core_hours",
            "cpu_usage_core_hours",
            "cpu_core_hours",
            "memory_request_byte_hours",
            "memory_usage_byte_hours",
            "memory_byte_hours",
            "storage_byte_hours",
            "network_bytes",
        ),
        0.0,
    )
    return NamespaceHourSums(
        namespace_id=1, namespace="shop", team="a", cost_center="cc", **(base | figures)
    )


def test_namespace_costs_are_quantity_times_price():
    sums = _sums(
        cpu_request_core_hours=1.0,
        cpu_usage_core_hours=1.5,
        cpu_core_hours=1.5,
        memory_request_byte_hours=2 * GIB,
        memory_usage_byte_hours=3 * GIB,
        memory_byte_hours=3 * GIB,
        storage_byte_hours=50 * GIB,
        network_bytes=4e9,
    )
    line = namespace_line(sums, BUILT_IN_PRICES, coverage=1.0, network_priced=True)
    assert line.cpu_cost == dollars(1.5 * 0.04)  # 0.06
    assert line.memory_cost == dollars(3 * 0.005)  # 0.015
    assert line.storage_cost == dollars(50 * 0.0001)  # 0.005
    assert line.network_gb == pytest.approx(4.0)
    assert line.network_cost == dollars(4 * 0.05)  # 0.20
    assert line.total_cost == dollars(0.06 + 0.015 + 0.005 + 0.20)
    assert (line.memory_request_gib_hours, line.memory_usage_gib_hours) == (2.0, 3.0)


def test_network_is_free_without_a_network_source():
    line = namespace_line(
        _sums(network_bytes=4e9), BUILT_IN_PRICES, coverage=1.0, network_priced=False
    )
    assert (line.network_gb, line.network_cost) == (0.0, 0.0)


def test_idle_is_capacity_cost_less_namespace_cost_and_negative_idle_is_kept_and_flagged():
    used = namespace_line(
        _sums(cpu_core_hours=3.0, memory_byte_hours=2 * GIB),
        BUILT_IN_PRICES,
        coverage=1.0,
        network_priced=False,
    )
    idle = idle_line(
        capacity_core_hours=2.0,
        capacity_memory_byte_hours=4 * GIB,
        namespaces=[used],
        prices=BUILT_IN_PRICES,
        coverage=1.0,
    )
    assert (idle.namespace, idle.team, idle.cost_center) == (
        IDLE_NAMESPACE,
        UNALLOCATED,
        UNALLOCATED,
    )
    assert idle.cpu_cost == dollars(2 * 0.04 - 3 * 0.04)  # -0.04: pods use more than the node holds
    assert idle.memory_cost == dollars(4 * 0.005 - 2 * 0.005)  # 0.01
    assert idle.total_cost == dollars(-0.03)
    assert (idle.cpu_core_hours, idle.memory_gib_hours) == (-1.0, 2.0)
    assert idle.negative_idle_hours == 1


def test_an_exactly_full_node_is_not_flagged_negative():
    used = namespace_line(
        _sums(cpu_core_hours=0.1 + 0.2), BUILT_IN_PRICES, coverage=1.0, network_priced=False
    )
    idle = idle_line(
        capacity_core_hours=0.3,
        capacity_memory_byte_hours=0,
        namespaces=[used],
        prices=BUILT_IN_PRICES,
        coverage=1.0,
    )
    assert idle.negative_idle_hours == 0


def test_idle_is_shared_by_each_resources_cost_and_what_none_can_carry_stays_idle():
    def line(cpu: float, memory_gib: float):
        return namespace_line(
            _sums(cpu_core_hours=cpu, memory_byte_hours=memory_gib * GIB),
            BUILT_IN_PRICES,
            coverage=1.0,
            network_priced=False,
        )

    # a: 1 core, 2 GiB ($0.04 + $0.01); b: 2 cores, no memory ($0.08). Node: 6 cores, 12 GiB.
    a, b = line(1, 2), line(2, 0)
    idle = idle_line(
        capacity_core_hours=6,
        capacity_memory_byte_hours=12 * GIB,
        namespaces=[a, b],
        prices=BUILT_IN_PRICES,
        coverage=1.0,
    )
    shared_a, shared_b, shared_idle = share_idle([a, b], idle)
    # Idle CPU: 3 cores, $0.12, split 1 : 2 by CPU cost. Idle memory: 10 GiB, $0.05, all onto a.
    assert (shared_a.idle_cpu_share, shared_b.idle_cpu_share) == (dollars(0.04), dollars(0.08))
    assert (shared_a.idle_cpu_share_core_hours, shared_b.idle_cpu_share_core_hours) == (
        pytest.approx(1.0),
        pytest.approx(2.0),
    )
    assert (shared_a.idle_memory_share, shared_b.idle_memory_share) == (dollars(0.05), 0.0)
    assert shared_a.idle_memory_share_gib_hours == pytest.approx(10.0)
    assert (shared_idle.idle_cpu_share, shared_idle.idle_memory_share) == (
        dollars(-0.12),
        dollars(-0.05),
    )
    assert (shared_idle.idle_cpu_share_core_hours, shared_idle.idle_memory_share_gib_hours) == (
        pytest.approx(-3.0),
        pytest.approx(-10.0),
    )
    assert (shared_a.cpu_cost, shared_idle.cpu_cost) == (a.cpu_cost, idle.cpu_cost)  # kept apart

    # With no memory cost in the hour, its idle memory has nothing to go by: it stays idle.
    cpu_only, shared_idle = share_idle([b], idle)
    assert (cpu_only.idle_cpu_share, cpu_only.idle_memory_share) == (dollars(0.12), 0.0)
    assert (shared_idle.idle_cpu_share, shared_idle.idle_memory_share) == (dollars(-0.12), 0.0)
    assert share_idle([], idle) == [idle]


def test_forecast_adds_the_mean_of_the_recent_days_for_each_remaining_day():
    # 100 so far; 7 days cost 70 → 10 a day; 12.5 days left → 100 + 125.
    assert (
        month_end_forecast(month_to_date=100, recent_total=70, recent_days=7, remaining_days=12.5)
        == 225
    )
    # Only 2 days of history: their mean, 15 a day.
    assert (
        month_end_forecast(month_to_date=30, recent_total=30, recent_days=2, remaining_days=10)
        == 180
    )
    assert (
        month_end_forecast(month_to_date=5, recent_total=0, recent_days=0, remaining_days=10) == 5
    )


def test_calendar_helpers():
    assert ceil_hour(t(0)) == H and ceil_hour(t(1)) == H + dt.timedelta(hours=1)
    assert ceil_day(H) == dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    assert floor_month(H) == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert ceil_month(H) == dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    assert add_months(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), -1) == dt.datetime(
        2025, 12, 1, tzinfo=dt.UTC
    )
    assert add_months(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), 2) == dt.datetime(
        2027, 1, 1, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-10", dt.datetime(2026, 3, 10, tzinfo=dt.UTC)),
        ("2026-03-10T10:30", dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC)),
        ("2026-03-10T12:30+02:00", dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC)),
        ("2026-03-10T10:30Z", dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC)),
    ],
)
def test_times_are_read_as_utc(text, expected):
    assert parse_utc_time(text) == expected


@pytest.mark.parametrize("text", ["0001-01-01T00:00+05:00", "9999-12-31T23:00-05:00"])
def test_a_time_that_is_no_utc_time_is_refused_as_such(text):
    with pytest.raises(ValueError, match="out of range"):  # not an OverflowError: callers say why
        parse_utc_time(text)
