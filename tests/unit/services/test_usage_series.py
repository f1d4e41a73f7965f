"""Usage over time bucketed in SQL, and a namespace's efficiency with its right-sizing hint.

Read at 10 Mar 2026 12:02:30 UTC. The 24-hour window has 288 five-minute buckets, the last
starting at 12:00; the 7-day window 168 hourly ones, the last starting at 12:00.

Samples of cluster prod (nodes n1: 4 cores / 3.5 allocatable, 16 GiB; n2: 2 cores, 8 GiB):
  11:50:00  metrics   n1 uses 1.0 core, n2 0.5;  a requests 1.0 (uses 0.5), b 0.5 (uses 0.1)
  11:52:30  metrics   n1 uses 2.0 cores, n2 0.5; a requests 2.0 (uses 1.0), b runs nothing
  12:01:00  no metrics (usage unknown);          a requests 1.0
and one at 12:04:59 the day before, just outside the 24-hour window.
"""

import datetime as dt

import pytest

from kube_console.errors import ValidationFailed
from kube_console.security.authz import NotFound
from kube_console.services.usage_series import (
    cluster_usage_series,
    namespace_efficiency,
    namespace_usage_series,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 12, 2, 30, tzinfo=UTC)
GIB = 2**30


def at(hour, minute, second=0, day=10):
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def prod(make):
    org = make.org()
    cluster = make.cluster(org, name="prod")
    a, b = make.namespace(cluster, name="a"), make.namespace(cluster, name="b")
    n1, n2 = make.node(cluster, name="n1"), make.node(cluster, name="n2")

    def nodes(n1_used, n2_used):
        return {
            n1.id: {
                "capacity_cpu_cores": 4.0,
                "allocatable_cpu_cores": 3.5,
                "capacity_memory_bytes": 16 * GIB,
                "allocatable_memory_bytes": 15 * GIB,
                "cpu_usage_cores": n1_used,
                "memory_usage_bytes": None if n1_used is None else 4 * GIB,
            },
            n2.id: {
                "capacity_cpu_cores": 2.0,
                "allocatable_cpu_cores": 2.0,
                "capacity_memory_bytes": 8 * GIB,
                "allocatable_memory_bytes": 8 * GIB,
                "cpu_usage_cores": n2_used,
                "memory_usage_bytes": None if n2_used is None else 2 * GIB,
            },
        }

    make.usage_snapshot(
        cluster,
        at(11, 50),
        namespaces={
            a.id: {
                "cpu_request_cores": 1.0,
                "cpu_usage_cores": 0.5,
                "memory_request_bytes": GIB,
                "memory_usage_bytes": GIB // 2,
                "network_bytes": 1000,
            },
            b.id: {"cpu_request_cores": 0.5, "cpu_usage_cores": 0.1, "network_bytes": 500},
        },
        nodes=nodes(1.0, 0.5),
    )
    make.usage_snapshot(
        cluster,
        at(11, 52, 30),
        namespaces={
            a.id: {
                "cpu_request_cores": 2.0,
                "cpu_usage_cores": 1.0,
                "memory_request_bytes": 3 * GIB,
                "memory_usage_bytes": GIB,
            }
        },
        nodes=nodes(2.0, 0.5),
    )
    make.usage_snapshot(
        cluster,
        at(12, 1),
        namespaces={a.id: {"cpu_request_cores": 1.0}},
        nodes=nodes(None, None),
        metrics_available=False,
    )
    make.usage_snapshot(
        cluster,
        at(12, 4, 59, day=9),
        namespaces={a.id: {"cpu_request_cores": 99.0}},
        nodes=nodes(9.0, 9.0),
    )
    other = make.cluster(org, name="other")
    make.usage_snapshot(
        other, at(11, 50), namespaces={make.namespace(other).id: {"cpu_request_cores": 50.0}}
    )
    return org, cluster, a, b


def test_cluster_usage_in_five_minute_buckets_over_24_hours(session, prod):
    org, cluster, _, _ = prod
    series = cluster_usage_series(
        session=session, org_id=org.id, cluster_id=cluster.id, window="24h", now=NOW
    )
    assert (series.bucket_seconds, len(series.times)) == (300, 288)
    assert (series.times[0], series.times[-2], series.times[-1]) == (
        "2026-03-09T12:05:00+00:00",
        "2026-03-10T11:55:00+00:00",
        "2026-03-10T12:00:00+00:00",
    )
    at_11_50, at_12_00 = -3, -1
    assert (
        series.cpu_capacity_cores[at_11_50] == 6.0 and series.cpu_allocatable_cores[at_11_50] == 5.5
    )
    assert series.cpu_used_cores[at_11_50] == pytest.approx((1.5 + 2.5) / 2)
    assert series.memory_used_bytes[at_11_50] == 6 * GIB
    assert series.cpu_requested_cores[at_11_50] == pytest.approx((1.5 + 2.0) / 2)
    assert series.memory_requested_bytes[at_11_50] == pytest.approx((GIB + 3 * GIB) / 2)
    # 12:00 has one sample, without metrics: capacity and requests are known, usage is not.
    assert (series.cpu_capacity_cores[at_12_00], series.cpu_requested_cores[at_12_00]) == (6.0, 1.0)
    assert (series.cpu_used_cores[at_12_00], series.memory_used_bytes[at_12_00]) == (None, None)
    # Buckets without samples are gaps; the sample at 12:04:59 yesterday lies before the window.
    assert series.cpu_capacity_cores[-2] is None and series.cpu_requested_cores[0] is None
    assert sum(value is not None for value in series.cpu_capacity_cores) == 2
    assert (
        series.network_bytes[at_11_50],
        series.network_bytes[at_12_00],
        series.network_known,
    ) == (1500.0, None, True)


def test_cluster_usage_in_hourly_buckets_over_7_days(session, prod):
    org, cluster, _, _ = prod
    series = cluster_usage_series(
        session=session, org_id=org.id, cluster_id=cluster.id, window="7d", now=NOW
    )
    assert (series.bucket_seconds, len(series.times), series.times[-1]) == (
        3600,
        168,
        "2026-03-10T12:00:00+00:00",
    )
    assert series.times[0] == "2026-03-03T13:00:00+00:00"
    at_11, at_12, yesterday_12 = -2, -1, -25
    assert series.cpu_used_cores[at_11] == pytest.approx(2.0)
    assert series.cpu_requested_cores[at_11] == pytest.approx(1.75)
    assert series.cpu_used_cores[at_12] is None
    assert (
        series.cpu_requested_cores[yesterday_12] == 99.0
        and series.cpu_used_cores[yesterday_12] == 18.0
    )


def test_namespace_usage_against_requests(session, prod):
    org, _, a, b = prod
    series = namespace_usage_series(
        session=session, org_id=org.id, namespace_id=a.id, window="24h", now=NOW
    )
    assert (series.cpu_request_cores[-3], series.cpu_usage_cores[-3]) == (1.5, 0.75)
    assert (series.memory_request_bytes[-3], series.memory_usage_bytes[-3]) == (2 * GIB, 0.75 * GIB)
    assert (series.cpu_request_cores[-1], series.cpu_usage_cores[-1]) == (1.0, None)
    assert series.cpu_request_cores[-2] is None
    assert (series.network_bytes[-3], series.network_known) == (1000.0, True)
    # b ran nothing at 11:52:30 and 12:01: those samples count zero for it.
    series = namespace_usage_series(
        session=session, org_id=org.id, namespace_id=b.id, window="24h", now=NOW
    )
    assert (series.cpu_request_cores[-3], series.cpu_usage_cores[-3]) == (0.25, pytest.approx(0.05))
    assert (series.cpu_request_cores[-1], series.cpu_usage_cores[-1]) == (0.0, None)


def test_an_unknown_window_and_another_orgs_ids_are_refused(session, make, prod):
    org, cluster, a, _ = prod
    with pytest.raises(ValidationFailed) as failure:
        cluster_usage_series(
            session=session, org_id=org.id, cluster_id=cluster.id, window="30d", now=NOW
        )
    assert "window" in failure.value.by_field()
    stranger = make.org()
    for attempt in (
        lambda: cluster_usage_series(
            session=session, org_id=stranger.id, cluster_id=cluster.id, now=NOW
        ),
        lambda: namespace_usage_series(
            session=session, org_id=stranger.id, namespace_id=a.id, now=NOW
        ),
        lambda: namespace_efficiency(
            session=session, org_id=stranger.id, namespace_id=a.id, now=NOW
        ),
    ):
        with pytest.raises(NotFound):
            attempt()


# ---------------------------------------------------------------- efficiency and right-sizing


@pytest.fixture
def week(make):
    """168 hourly samples with metrics over the last 7 days (at half past each hour) for namespace
    "api": 2 cores and 4 GiB requested, using 0.5 core (0.9 every tenth hour) and 3 GiB. At the
    sixth sample it ran no pods. Ten samples without metrics (usage reads 0) must not count."""
    org = make.org()
    cluster = make.cluster(org)
    api = make.namespace(cluster, name="api")
    first = NOW - dt.timedelta(days=7) + dt.timedelta(minutes=30)
    for hour in range(168):
        figures = {
            "cpu_request_cores": 2.0,
            "cpu_usage_cores": 0.9 if hour % 10 == 0 else 0.5,
            "memory_request_bytes": 4 * GIB,
            "memory_usage_bytes": 3 * GIB,
        }
        make.usage_snapshot(
            cluster,
            first + dt.timedelta(hours=hour),
            namespaces={} if hour == 5 else {api.id: figures},
        )
    for hour in range(10):
        make.usage_snapshot(
            cluster,
            first + dt.timedelta(hours=hour, minutes=15),
            namespaces={api.id: {"cpu_request_cores": 2.0, "memory_request_bytes": 4 * GIB}},
            metrics_available=False,
        )
    return org, api


def test_low_cpu_usage_gets_a_right_sizing_hint_with_its_figures(session, week):
    org, api = week
    efficiency = namespace_efficiency(session=session, org_id=org.id, namespace_id=api.id, now=NOW)
    assert (efficiency.samples, efficiency.window_days) == (168, 7)
    assert efficiency.days_of_data == pytest.approx(7 - 0.5 / 24)
    cpu = efficiency.cpu
    # 167 samples request 2 cores, one (no pods) 0; usage: 150 × 0.5, 17 × 0.9, 1 × 0.
    assert cpu.average_request == pytest.approx(334 / 168)
    assert cpu.average_usage == pytest.approx((150 * 0.5 + 17 * 0.9) / 168)
    assert cpu.efficiency == pytest.approx(cpu.average_usage / cpu.average_request)
    assert cpu.p95_usage == 0.9  # nearest rank: the 160th of 168 values in order
    assert cpu.suggested_request == pytest.approx(1.08)  # 0.9 × 1.2
    assert cpu.hint == (
        "CPU requests average 1.99 cores but usage averages 538 m (27%) over 7.0 days. "
        "A request near 1.08 cores (p95 usage 900 m + 20%) would fit."
    )
    memory = efficiency.memory
    assert (memory.average_request, memory.p95_usage) == (
        pytest.approx(167 * 4 * GIB / 168),
        3 * GIB,
    )
    assert memory.efficiency == pytest.approx(0.75)
    assert (memory.suggested_request, memory.hint) == (None, "")


def test_no_hint_from_less_than_a_day_or_without_metrics(session, make, week):
    org, api = week
    early = NOW - dt.timedelta(days=7) + dt.timedelta(hours=12)
    efficiency = namespace_efficiency(
        session=session, org_id=org.id, namespace_id=api.id, now=early
    )
    assert efficiency.days_of_data < 1 and efficiency.cpu.efficiency < 0.5
    assert (efficiency.cpu.suggested_request, efficiency.cpu.hint) == (None, "")
    quiet = make.namespace(make.cluster(org))
    nothing = namespace_efficiency(session=session, org_id=org.id, namespace_id=quiet.id, now=NOW)
    assert (nothing.samples, nothing.days_of_data, nothing.cpu.efficiency, nothing.cpu.hint) == (
        0,
        0.0,
        None,
        "",
    )


def test_a_memory_hint_rounds_up_to_whole_mebibytes(session, make):
    org = make.org()
    cluster = make.cluster(org)
    cache = make.namespace(cluster, name="cache")
    for hour in range(48):
        make.usage_snapshot(
            cluster,
            NOW - dt.timedelta(hours=hour + 1),
            namespaces={
                cache.id: {"memory_request_bytes": 8 * GIB, "memory_usage_bytes": 1000 * 2**20 + 1}
            },
        )
    memory = namespace_efficiency(
        session=session, org_id=org.id, namespace_id=cache.id, now=NOW
    ).memory
    assert memory.suggested_request == 1201 * 2**20  # (1000 MiB + 1 byte) × 1.2, up to a whole MiB
    assert "A request near 1.2 GiB" in memory.hint


def test_without_usage_data_efficiency_is_unknown_and_the_hint_says_why(session, make):
    # A cluster without metrics.k8s.io: batch asks 400 m and 512 MiB at each of 48 hourly syncs.
    org = make.org()
    cluster = make.cluster(org)
    batch = make.namespace(cluster, name="batch")
    for hour in range(48):
        make.usage_snapshot(
            cluster,
            NOW - dt.timedelta(hours=hour + 1),
            namespaces={batch.id: {"cpu_request_cores": 0.4, "memory_request_bytes": 512 * 2**20}},
            metrics_available=False,
        )
    efficiency = namespace_efficiency(
        session=session, org_id=org.id, namespace_id=batch.id, now=NOW
    )
    assert (efficiency.samples, efficiency.samples_without_usage) == (0, 48)
    cpu, memory = efficiency.cpu, efficiency.memory
    # What it asks is known; what it uses is not, so neither is its efficiency.
    assert (cpu.average_request, cpu.efficiency, cpu.hint) == (pytest.approx(0.4), None, "")
    assert (memory.average_request, memory.efficiency) == (512 * 2**20, None)
