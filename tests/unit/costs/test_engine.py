"""The hourly cost job, scenario by scenario, each figure worked out by hand from cost-model.md.

Samples are written as a sync writes them (tests/support/usage.py). The sync interval is 60 s,
so a sample reaches at most 3 × 60 s = 180 s ahead. Built-in prices: $0.04 per core-hour,
$0.005 per GiB-hour, $0.0001 per storage GiB-hour, $0.05 per GB.
"""

import datetime as dt

import pytest
from sqlmodel import select

from kube_console.costs import engine as costs
from kube_console.costs.engine import run_cost_pass
from kube_console.costs.inventory_costs import namespace_cost_breakdown
from kube_console.costs.math import GIB
from kube_console.costs.samples import label_value, namespace_figures, usage_by_container
from kube_console.kube.objects import ContainerUsage, PodContainer, PodRecord, PodUsage
from kube_console.models import IDLE_NAMESPACE, CostDaily, CostHourly, CostMonthly, CostRun
from kube_console.services.inventory import LabelKeys
from kube_console.settings import Settings
from tests.support.usage import Figures, UsageWriter, at, every, session_factory

SETTINGS = Settings(sync_interval_seconds=60, sample_retention_days=14)
NODE = {"node-1": (8, 32 * GIB)}  # 8 cores, 32 GiB: $0.32 + $0.16 an hour of capacity


def dollars(value: float):
    return pytest.approx(value, abs=1e-6)


def compute(engine, now, settings=SETTINGS, **options):
    return run_cost_pass(
        open_session=session_factory(engine), settings=settings, now=now, **options
    )


def hourly(session, cluster, hour=None) -> dict[tuple[str, str], CostHourly]:
    session.expire_all()
    query = select(CostHourly).where(CostHourly.cluster_id == cluster.id)
    if hour is not None:
        query = query.where(CostHourly.hour_start == hour)
    return {(row.namespace, row.team): row for row in session.exec(query)}


def one_hour(session, make, namespaces, nodes=NODE, times=None):
    """A cluster sampled every minute through 10:00-11:00 (plus 11:00), costed at 11:05."""
    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        times or every(at(10), at(11, 1), 60), namespaces=namespaces, nodes=nodes
    )
    return cluster


def test_requests_only(session, engine, make):
    cluster = one_hour(
        session,
        make,
        {
            "shop": Figures(
                cpu_request=2,
                memory_request=4 * GIB,
                storage=100 * GIB,
                team="web",
                cost_center="cc-1",
            )
        },
    )
    [outcome] = compute(engine, at(11, 5))
    assert (outcome.hours_computed, outcome.rows_written, outcome.error) == (1, 2, "")
    rows = hourly(session, cluster)
    shop = rows["shop", "web"]
    assert (shop.hour_start, shop.cost_center, shop.hours, shop.covered_hours) == (
        at(10),
        "cc-1",
        1.0,
        1.0,
    )
    assert (shop.cpu_request_core_hours, shop.cpu_usage_core_hours, shop.cpu_core_hours) == (
        2.0,
        0.0,
        2.0,
    )
    assert (shop.memory_request_gib_hours, shop.memory_gib_hours, shop.storage_gib_hours) == (
        4.0,
        4.0,
        100.0,
    )
    assert shop.cpu_cost == dollars(2 * 0.04)  # 2 cores × 1 h × $0.04
    assert shop.memory_cost == dollars(4 * 0.005)  # 4 GiB × 1 h × $0.005
    assert shop.storage_cost == dollars(100 * 0.0001)  # 100 GiB × 1 h × $0.0001
    assert (shop.network_gb, shop.network_cost, shop.network_source) == (0.0, 0.0, "none")
    assert shop.total_cost == dollars(0.08 + 0.02 + 0.01)
    idle = rows[IDLE_NAMESPACE, "unallocated"]
    assert idle.cpu_cost == dollars(8 * 0.04 - 0.08)  # 0.24
    assert idle.memory_cost == dollars(32 * 0.005 - 0.02)  # 0.14
    assert idle.total_cost == dollars(0.38)
    assert (idle.covered_hours, idle.negative_idle_hours, idle.namespace_id) == (1.0, 0, None)


def test_usage_above_request_is_charged_at_usage(session, engine, make):
    cluster = one_hour(
        session,
        make,
        {
            "shop": Figures(
                cpu_request=1, cpu_usage=1.5, memory_request=2 * GIB, memory_usage=3 * GIB
            )
        },
    )
    compute(engine, at(11, 5))
    shop = hourly(session, cluster)["shop", "unallocated"]
    assert (shop.cpu_request_core_hours, shop.cpu_usage_core_hours, shop.cpu_core_hours) == (
        1.0,
        1.5,
        1.5,
    )
    assert (shop.memory_request_gib_hours, shop.memory_usage_gib_hours, shop.memory_gib_hours) == (
        2.0,
        3.0,
        3.0,
    )
    assert shop.cpu_cost == dollars(1.5 * 0.04)  # 0.06
    assert shop.memory_cost == dollars(3 * 0.005)  # 0.015
    assert shop.total_cost == dollars(0.075)


def test_a_container_with_no_request_counts_its_usage(session, engine, make):
    pod = PodRecord(
        uid="p1",
        namespace="shop",
        name="web-1",
        phase="Running",
        node_name="node-1",
        containers=[
            PodContainer(name="app", cpu_request_cores=0.5, memory_request_bytes=GIB),
            PodContainer(name="sidecar"),  # no request at all
        ],
    )
    usage = PodUsage(
        namespace="shop",
        name="web-1",
        containers=[
            ContainerUsage(name="app", cpu_cores=0.2, memory_bytes=GIB // 2),
            ContainerUsage(name="sidecar", cpu_cores=0.3, memory_bytes=2 * GIB),
        ],
    )
    sync = namespace_figures([pod], [], usage_by_container([usage]))["shop"]
    # app: max(0.5, 0.2) = 0.5 core, max(1, 0.5) = 1 GiB; sidecar: its usage, 0.3 core and 2 GiB.
    assert (sync.cpu_request_cores, sync.cpu_usage_cores, sync.cpu_alloc_cores) == (0.5, 0.5, 0.8)
    assert sync.memory_alloc_bytes == 3 * GIB
    cluster = one_hour(
        session,
        make,
        {
            "shop": Figures(
                cpu_request=sync.cpu_request_cores,
                cpu_usage=sync.cpu_usage_cores,
                cpu_alloc=sync.cpu_alloc_cores,
                memory_request=sync.memory_request_bytes,
                memory_usage=sync.memory_usage_bytes,
                memory_alloc=sync.memory_alloc_bytes,
                team=label_value(
                    {"team": "web"}, LabelKeys(team=["team"], cost_center=["cost-center"]).team
                ),
            )
        },
    )
    compute(engine, at(11, 5))
    shop = hourly(session, cluster)["shop", "web"]
    assert shop.cpu_cost == dollars(0.8 * 0.04)  # 0.032
    assert shop.memory_cost == dollars(3 * 0.005)  # 0.015
    assert shop.total_cost == dollars(0.047)


def test_a_pod_running_half_the_hour_costs_half(session, engine, make):
    cluster = make.cluster(make.org())
    usage = UsageWriter(session, cluster)
    # batch runs 10:00-10:29 (30 samples); from 10:30 the samples no longer list it.
    usage.steady(
        every(at(10), at(10, 30), 60),
        namespaces={"batch": Figures(cpu_request=2, memory_request=2 * GIB)},
        nodes=NODE,
    )
    usage.steady(every(at(10, 30), at(11, 1), 60), namespaces={}, nodes=NODE)
    compute(engine, at(11, 5))
    batch = hourly(session, cluster)["batch", "unallocated"]
    assert batch.cpu_core_hours == pytest.approx(2 * 1800 / 3600)  # 1 core-hour
    assert batch.cpu_cost == dollars(1 * 0.04)
    assert batch.memory_cost == dollars(2 * 0.5 * 0.005)  # 1 GiB-hour
    assert batch.total_cost == dollars(0.045)
    assert batch.covered_hours == 1.0  # the cluster was watched all hour


def test_a_label_change_inside_the_hour_splits_the_row_by_the_samples_labels(session, engine, make):
    cluster = make.cluster(make.org())
    usage = UsageWriter(session, cluster)
    usage.steady(
        every(at(10), at(10, 20), 60),
        namespaces={"shop": Figures(cpu_request=3, team="a", cost_center="x")},
        nodes=NODE,
    )
    usage.steady(
        every(at(10, 20), at(11, 1), 60),
        namespaces={"shop": Figures(cpu_request=3, team="b", cost_center="y")},
        nodes=NODE,
    )
    compute(engine, at(11, 5))
    rows = hourly(session, cluster)
    assert set(rows) == {("shop", "a"), ("shop", "b"), (IDLE_NAMESPACE, "unallocated")}
    assert (rows["shop", "a"].cost_center, rows["shop", "b"].cost_center) == ("x", "y")
    assert rows["shop", "a"].cpu_cost == dollars(3 * 1200 / 3600 * 0.04)  # 1 core-hour: 0.04
    assert rows["shop", "b"].cpu_cost == dollars(3 * 2400 / 3600 * 0.04)  # 2 core-hours: 0.08
    assert rows[IDLE_NAMESPACE, "unallocated"].cpu_cost == dollars(8 * 0.04 - 0.12)


def test_negative_idle_is_kept_as_computed_and_flagged(session, engine, make):
    cluster = one_hour(
        session,
        make,
        {"hungry": Figures(cpu_request=1, cpu_usage=3, memory_request=2 * GIB)},
        nodes={"small": (2, 4 * GIB)},
    )
    compute(engine, at(11, 5))
    idle = hourly(session, cluster)[IDLE_NAMESPACE, "unallocated"]
    assert idle.cpu_cost == dollars(2 * 0.04 - 3 * 0.04)  # -0.04
    assert idle.memory_cost == dollars(4 * 0.005 - 2 * 0.005)  # 0.01
    assert idle.total_cost == dollars(-0.03)
    assert idle.negative_idle_hours == 1
    session.expire_all()
    daily = session.exec(select(CostDaily).where(CostDaily.namespace == IDLE_NAMESPACE)).one()
    assert (daily.total_cost, daily.negative_idle_hours) == (dollars(-0.03), 1)


def test_missing_samples_lower_coverage(session, engine, make):
    # Every minute 10:00-10:14, nothing until 10:40, then every minute to 10:59.
    times = every(at(10), at(10, 15), 60) + every(at(10, 40), at(11), 60)
    cluster = one_hour(
        session, make, {"shop": Figures(cpu_request=1)}, nodes={"n": (4, 0)}, times=times
    )
    compute(engine, at(11, 5))
    rows = hourly(session, cluster)
    # 14 samples × 60 s, then 10:14 reaches only 180 s (to 10:17), then 20 × 60 s: 2,220 s.
    covered = (14 * 60 + 180 + 20 * 60) / 3600
    shop, idle = rows["shop", "unallocated"], rows[IDLE_NAMESPACE, "unallocated"]
    assert shop.covered_hours == pytest.approx(covered) == idle.covered_hours
    assert shop.cpu_cost == dollars(1 * covered * 0.04)  # 0.0246667
    assert idle.cpu_cost == dollars(4 * covered * 0.04 - 1 * covered * 0.04)  # 0.074


def test_network_is_charged_only_with_a_network_source(session, engine, make):
    org = make.org()
    plain, measured = make.cluster(org), make.cluster(org, network_source="cni")
    for cluster in (plain, measured):
        UsageWriter(session, cluster).steady(
            every(at(10), at(11), 600),
            namespaces={"shop": Figures(network=500_000_000)},
            nodes=NODE,
        )
    compute(engine, at(11, 5))
    assert hourly(session, plain)["shop", "unallocated"].network_cost == 0.0
    shop = hourly(session, measured)["shop", "unallocated"]
    assert (shop.network_gb, shop.network_source) == (
        pytest.approx(6 * 0.5),
        "cni",
    )  # 6 samples × 0.5 GB
    assert shop.network_cost == dollars(3 * 0.05)


def test_a_price_change_applies_from_the_hour_it_is_in_force(session, engine, make):
    from kube_console.services.prices import create_price_sheet

    org = make.org()
    cluster = make.cluster(org)
    UsageWriter(session, cluster).steady(
        every(at(10), at(13, 1), 60),
        namespaces={"shop": Figures(cpu_request=1)},
        nodes={"n": (1, 0)},
    )
    prices = {"memory_gib_hour": 0.005, "storage_gib_hour": 0.0001, "network_gb": 0.05}
    org_sheet = create_price_sheet(
        session=session,
        org_id=org.id,
        effective_from=at(11),
        cpu_core_hour=0.10,
        currency="EUR",
        **prices,
    )
    cluster_sheet = create_price_sheet(
        session=session,
        org_id=org.id,
        cluster_id=cluster.id,
        effective_from=at(11, 30),
        cpu_core_hour=0.20,
        **prices,
    )
    session.commit()
    compute(engine, at(13, 5))
    by_hour = {
        hour: hourly(session, cluster, hour)["shop", "unallocated"]
        for hour in (at(10), at(11), at(12))
    }
    assert by_hour[at(10)].cpu_cost == dollars(0.04)  # built-in: no sheet in force at 10:00
    assert (by_hour[at(10)].price_sheet_id, by_hour[at(10)].currency) == (None, "USD")
    assert by_hour[at(11)].cpu_cost == dollars(0.10)  # the org sheet, in force from 11:00
    assert (by_hour[at(11)].price_sheet_id, by_hour[at(11)].currency) == (org_sheet.id, "EUR")
    assert by_hour[at(12)].cpu_cost == dollars(
        0.20
    )  # the cluster's sheet, in force at 12:00 (from 11:30)
    assert by_hour[at(12)].price_sheet_id == cluster_sheet.id


def _snapshot_of_costs(session):
    session.expire_all()
    tables = []
    for model in (CostHourly, CostDaily, CostMonthly):
        rows = [row.model_dump(exclude={"id"}) for row in session.exec(select(model))]
        tables.append(
            sorted(rows, key=lambda row: sorted((key, str(value)) for key, value in row.items()))
        )
    return tables


def test_a_rerun_changes_nothing(session, engine, make):
    cluster = make.cluster(make.org())
    usage = UsageWriter(session, cluster)
    usage.steady(
        every(at(10), at(10, 20), 60),
        namespaces={"shop": Figures(cpu_request=1.3, team="a")},
        nodes=NODE,
    )
    usage.steady(
        every(at(10, 25), at(13), 60),
        namespaces={"shop": Figures(cpu_request=0.7, team="b")},
        nodes=NODE,
    )
    compute(engine, at(13, 5))
    first = _snapshot_of_costs(session)
    assert (
        len(first[0]) == 3 * 2 + 1
    )  # 10:00 has two label rows, then one per hour, and an idle row each hour
    again = compute(engine, at(13, 5))
    assert again[0].hours_computed == 0  # nothing new is closed
    [rerun] = compute(engine, at(13, 5), start=at(10))
    assert rerun.hours_computed == 3
    assert _snapshot_of_costs(session) == first


def test_six_hours_of_outage_are_backfilled_in_order_on_the_next_run(session, engine, make):
    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        every(at(10), at(17), 180), namespaces={"shop": Figures(cpu_request=1)}, nodes={"n": (2, 0)}
    )
    compute(engine, at(11, 5))  # the last run before the outage: hour 10
    progress = []
    [outcome] = compute(
        engine, at(17, 5), progress=lambda done, planned: progress.append((done, planned))
    )
    assert outcome.hours_computed == 6 and outcome.computed_until == at(17).isoformat()
    assert progress == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]
    session.expire_all()
    written = session.exec(
        select(CostHourly.hour_start).where(CostHourly.namespace == "shop").order_by(CostHourly.id)
    ).all()
    assert written == [at(hour) for hour in range(10, 17)]  # oldest first
    assert session.get(CostRun, cluster.id).computed_until == at(17)
    daily = session.exec(select(CostDaily).where(CostDaily.namespace == "shop")).one()
    assert (daily.day, daily.hours, daily.cpu_core_hours) == (at(0).date(), 7.0, pytest.approx(7.0))
    assert daily.cpu_cost == dollars(7 * 0.04)
    monthly = session.exec(select(CostMonthly).where(CostMonthly.namespace == IDLE_NAMESPACE)).one()
    assert (monthly.month, monthly.hours) == (dt.date(2026, 3, 1), 7.0)
    assert monthly.total_cost == dollars(7 * (2 * 0.04 - 0.04))


def test_rollups_sum_hours_into_utc_days_and_months(session, engine, make):
    cluster = make.cluster(make.org())
    # 22:00 on 31 March to 02:00 on 1 April.
    UsageWriter(session, cluster).steady(
        every(at(22, day=21), at(2, day=22), 180),
        namespaces={"shop": Figures(cpu_request=1)},
        nodes={"n": (1, 0)},
    )
    compute(engine, at(2, 5, day=22))
    session.expire_all()
    days = {
        row.day: row for row in session.exec(select(CostDaily).where(CostDaily.namespace == "shop"))
    }
    months = {
        row.month: row
        for row in session.exec(select(CostMonthly).where(CostMonthly.namespace == "shop"))
    }
    assert {day: row.hours for day, row in days.items()} == {
        dt.date(2026, 3, 31): 2.0,
        dt.date(2026, 4, 1): 2.0,
    }
    assert {month: row.cpu_cost for month, row in months.items()} == {
        dt.date(2026, 3, 1): dollars(2 * 0.04),
        dt.date(2026, 4, 1): dollars(2 * 0.04),
    }


def test_a_failing_cluster_does_not_stop_the_others(session, engine, make, monkeypatch):
    org = make.org()
    broken, healthy = make.cluster(org, name="broken"), make.cluster(org, name="healthy")
    for cluster in (broken, healthy):
        UsageWriter(session, cluster).steady(
            every(at(10), at(11), 180), namespaces={"shop": Figures(cpu_request=1)}
        )
    real = costs._hour_lines

    def failing(session, cluster_id, *args, **kwargs):
        if cluster_id == broken.id:
            raise RuntimeError("disk full")
        return real(session, cluster_id, *args, **kwargs)

    monkeypatch.setattr(costs, "_hour_lines", failing)
    outcomes = {outcome.cluster_name: outcome for outcome in compute(engine, at(11, 5))}
    assert (
        outcomes["broken"].error == "RuntimeError: disk full"
        and outcomes["broken"].hours_computed == 0
    )
    assert outcomes["healthy"].ok and outcomes["healthy"].hours_computed == 1
    session.expire_all()
    assert session.get(CostRun, broken.id).last_error == "RuntimeError: disk full"
    assert session.get(CostRun, broken.id).computed_until is None
    assert hourly(session, healthy)["shop", "unallocated"].cpu_cost == dollars(0.04)


def test_hours_before_the_sample_retention_are_never_computed(session, engine, make):
    cluster = make.cluster(make.org())
    usage = UsageWriter(session, cluster)
    usage.steady([at(10), at(11)], namespaces={"shop": Figures(cpu_request=1)})  # 3 days before now
    usage.steady(
        every(at(10, day=3), at(12, day=3), 600), namespaces={"shop": Figures(cpu_request=1)}
    )
    one_day = Settings(sync_interval_seconds=60, sample_retention_days=1)
    [outcome] = compute(engine, at(12, 30, day=3), settings=one_day)
    # Samples are kept a day: from 12:30 on day 2, plus the 3 × 60 s a sample reaches back
    # into the next hour, rounded up to the hour: 13:00 on day 2 is the first hour kept whole.
    session.expire_all()
    first = session.exec(select(CostHourly.hour_start).order_by(CostHourly.hour_start)).first()
    assert first == at(13, day=2)
    assert outcome.hours_computed == 23  # 13:00 on day 2 to 12:00 on day 3


def test_an_explicit_range_recomputes_those_hours_only(session, engine, make):
    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        every(at(10), at(14), 600), namespaces={"shop": Figures(cpu_request=1)}
    )
    compute(engine, at(14, 5))
    [outcome] = compute(engine, at(14, 5), start=at(11), end=at(12, 30))
    assert outcome.hours_computed == 2  # 11:00 and 12:00
    session.expire_all()
    assert session.get(CostRun, cluster.id).computed_until == at(14)  # never moved back by a range


def test_a_namespace_created_again_under_its_name_never_merges_with_the_old_one(
    session, engine, make
):
    # "shop" requests 2 cores 10:00-10:29, is deleted, and a new "shop" (a new uid) requests
    # 1 core from 10:30 on, through the next day. Samples every minute, each covering 60 s.
    cluster = make.cluster(make.org())
    usage = UsageWriter(session, cluster)
    usage.steady(
        every(at(10), at(10, 30), 60), namespaces={"shop": Figures(cpu_request=2)}, nodes=NODE
    )
    old_id = usage.namespace_id("shop")
    new_id = usage.recreate("shop", deleted_at=at(10, 30))
    usage.steady(
        every(at(10, 30), at(12, 1), 60), namespaces={"shop": Figures(cpu_request=1)}, nodes=NODE
    )
    compute(engine, at(12, 5))
    session.expire_all()
    ten = {
        row.namespace_id: row
        for row in session.exec(
            select(CostHourly).where(
                CostHourly.hour_start == at(10), CostHourly.namespace == "shop"
            )
        )
    }
    assert set(ten) == {old_id, new_id}
    # The old one: 2 cores × 1,800 s = 1 core-hour, $0.04; the new one: 1 × 1,800 s, $0.02.
    assert (ten[old_id].cpu_core_hours, ten[old_id].cpu_cost) == (1.0, dollars(0.04))
    assert (ten[new_id].cpu_core_hours, ten[new_id].cpu_cost) == (0.5, dollars(0.02))
    # The day and the month keep them apart too: the new one adds 11:00, a whole core-hour.
    for model, period in ((CostDaily, CostDaily.day), (CostMonthly, CostMonthly.month)):
        rows = {
            row.namespace_id: row
            for row in session.exec(select(model).where(model.namespace == "shop"))
        }
        assert {namespace_id: row.cpu_cost for namespace_id, row in rows.items()} == {
            old_id: dollars(0.04),
            new_id: dollars(0.02 + 0.04),
        }, period
        assert (rows[old_id].hours, rows[new_id].hours) == (1.0, 2.0)
    # Idle: 8 cores × 2 h less 1 + 0.5 + 1 core-hours.
    idle = session.exec(select(CostDaily).where(CostDaily.namespace == IDLE_NAMESPACE)).one()
    assert (idle.namespace_id, idle.cpu_cost) == (None, dollars((16 - 2.5) * 0.04))
    # What a namespace's own page reads, by its id.
    for namespace_id, cost in ((old_id, 0.04), (new_id, 0.06)):
        breakdown = namespace_cost_breakdown(
            session=session,
            org_id=cluster.org_id,
            namespace_id=namespace_id,
            step="day",
            now=at(12, 5),
        )
        assert breakdown.window_cost == dollars(cost)


def test_the_open_hour_is_priced_provisionally_and_replaced_by_the_closed_hour(
    session, engine, make
):
    """Issue 13 item 5: the open hour is priced from the samples so far with the closed hour's
    formula, its coverage clipped at now, in rows of its own, replaced on each refresh, gone
    once the hour closes, and never in the hourly rows, the rollups or the watermark."""
    from kube_console.costs.engine import price_open_hours
    from kube_console.models import CostProvisional

    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        every(at(10), at(10, 30, 1), 60),  # 10:00 .. 10:30, one a minute
        namespaces={"shop": Figures(cpu_request=2)},
        nodes={"n": (4, 0)},
    )

    def provisional():
        session.expire_all()
        return {
            row.namespace: row
            for row in session.exec(
                select(CostProvisional).where(CostProvisional.cluster_id == cluster.id)
            )
        }

    # At 10:20 the samples so far cover 10:00-10:20 (the 10:20 sample covers nothing yet).
    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=at(10, 20))
    rows = provisional()
    assert set(rows) == {"shop", IDLE_NAMESPACE}
    shop, idle = rows["shop"], rows[IDLE_NAMESPACE]
    assert (shop.hour_start, shop.through) == (at(10), at(10, 20))
    assert shop.covered_hours == pytest.approx(20 / 60) == idle.covered_hours
    assert shop.cpu_cost == dollars(2 * 20 / 60 * 0.04)  # 2 cores × 1/3 h × $0.04
    assert idle.cpu_cost == dollars((4 - 2) * 20 / 60 * 0.04)

    # Refreshed at 10:30: replaced, never added to.
    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=at(10, 30))
    rows = provisional()
    assert len(rows) == 2 and len(session.exec(select(CostProvisional)).all()) == 2
    assert rows["shop"].through == at(10, 30)
    assert rows["shop"].cpu_cost == dollars(2 * 0.5 * 0.04)
    # Nothing provisional reaches the closed figures.
    assert hourly(session, cluster) == {}
    assert session.exec(select(CostDaily)).all() == session.exec(select(CostMonthly)).all() == []
    assert session.get(CostRun, cluster.id) is None

    # The hour closes: its computed rows replace the provisional ones.
    compute(engine, at(11, 5))
    assert provisional() == {}
    assert hourly(session, cluster, at(10))["shop", "unallocated"].covered_hours == pytest.approx(
        (30 * 60 + 180) / 3600
    )


def test_a_sync_prices_the_open_hour_when_it_has_no_provisional_figures_yet(session, engine, make):
    """A cluster registered at 06:33 shows its hour so far after its first sync, not five
    minutes later; later syncs leave the refreshing to the job (the rows exist)."""
    from kube_console.costs.engine import price_open_hour_of_a_new_cluster
    from kube_console.models import CostProvisional

    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        every(at(6, 33), at(6, 36), 60), namespaces={"shop": Figures(cpu_request=2)}
    )
    opener = session_factory(engine)
    assert price_open_hour_of_a_new_cluster(
        open_session=opener, settings=SETTINGS, cluster_id=cluster.id, now=at(6, 35)
    )
    session.expire_all()
    [shop] = [row for row in session.exec(select(CostProvisional)).all() if row.namespace == "shop"]
    assert (shop.hour_start, shop.through) == (at(6), at(6, 35))
    assert shop.covered_hours == pytest.approx(2 / 60)  # 06:33-06:35
    assert not price_open_hour_of_a_new_cluster(
        open_session=opener, settings=SETTINGS, cluster_id=cluster.id, now=at(6, 36)
    )
    session.expire_all()
    assert session.get(CostProvisional, shop.id).through == at(6, 35)  # left to the job


def test_a_sync_leaves_a_costed_clusters_new_hour_to_the_job(session, engine, make):
    """At the top of the hour no cluster has provisional rows for it; pricing each one's first
    sync of the hour would gather a fleet's cost work there, inside the sync workers."""
    from kube_console.costs.engine import price_open_hour_of_a_new_cluster
    from kube_console.models import CostProvisional

    cluster = make.cluster(make.org())
    UsageWriter(session, cluster).steady(
        every(at(5, 0), at(7, 2), 60), namespaces={"shop": Figures(cpu_request=2)}
    )
    compute(engine, at(7, 1))  # its closed hours are costed: it has a watermark
    opener = session_factory(engine)

    assert not price_open_hour_of_a_new_cluster(
        open_session=opener, settings=SETTINGS, cluster_id=cluster.id, now=at(7, 2)
    )
    session.expire_all()
    assert session.exec(select(CostProvisional)).all() == []
