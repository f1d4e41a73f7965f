"""Price sheets: validation, history per scope, the lookup order, and recomputing on request."""

import math

import pytest
from sqlmodel import select

from kube_console.costs.engine import recompute_costs, request_recompute, run_cost_pass
from kube_console.errors import ValidationFailed
from kube_console.models import CostHourly, CostRun
from kube_console.security.authz import NotFound
from kube_console.services.prices import create_price_sheet, list_price_sheets, resolve_prices
from kube_console.settings import Settings
from tests.support.usage import Figures, UsageWriter, at, every, session_factory

SETTINGS = Settings(sync_interval_seconds=60, sample_retention_days=14)
PRICES = {
    "cpu_core_hour": 0.05,
    "memory_gib_hour": 0.006,
    "storage_gib_hour": 0.0002,
    "network_gb": 0.09,
}


def sheet(session, org, effective_from, cluster=None, **changes):
    row = create_price_sheet(
        session=session,
        org_id=org.id,
        cluster_id=cluster.id if cluster else None,
        effective_from=effective_from,
        **(PRICES | changes),
    )
    session.commit()
    return row


def test_without_sheets_the_built_in_defaults_apply(session, make):
    org = make.org()
    prices = resolve_prices(
        session=session, org_id=org.id, cluster_id=make.cluster(org).id, at=at(10)
    )
    assert (prices.source, prices.sheet_id, prices.currency) == ("built-in", 0, "USD")
    assert (
        prices.cpu_core_hour,
        prices.memory_gib_hour,
        prices.gpu_hour,
        prices.storage_gib_hour,
        prices.network_gb,
    ) == (
        0.04,
        0.005,
        0.95,
        0.0001,
        0.05,
    )


def test_lookup_order_is_cluster_then_org_default_then_built_in(session, make):
    org = make.org()
    cluster, other = make.cluster(org), make.cluster(org)
    org_sheet = sheet(session, org, at(8), cpu_core_hour=0.10)
    cluster_sheet = sheet(session, org, at(9), cluster, cpu_core_hour=0.20)

    def source(cluster_id, moment):
        found = resolve_prices(session=session, org_id=org.id, cluster_id=cluster_id, at=moment)
        return found.source, found.sheet_id, found.cpu_core_hour

    assert source(cluster.id, at(7)) == ("built-in", 0, 0.04)
    assert source(cluster.id, at(8)) == (
        "org",
        org_sheet.id,
        0.10,
    )  # the cluster's sheet is not in force yet
    assert source(cluster.id, at(9)) == ("cluster", cluster_sheet.id, 0.20)
    assert source(other.id, at(9)) == ("org", org_sheet.id, 0.10)
    assert source(None, at(9)) == ("org", org_sheet.id, 0.10)


def test_an_hour_is_priced_with_the_sheet_in_force_at_its_start(session, make):
    org = make.org()
    sheet(session, org, at(10, 30), cpu_core_hour=0.30)
    assert resolve_prices(session=session, org_id=org.id, at=at(10, 45)).source == "built-in"
    assert resolve_prices(session=session, org_id=org.id, at=at(11)).cpu_core_hour == 0.30


def test_history_lists_each_scope_newest_first_and_marks_the_one_in_force(session, make):
    org = make.org()
    cluster = make.cluster(org)
    old, current, future = (sheet(session, org, moment) for moment in (at(8), at(9), at(12)))
    sheet(session, org, at(9), cluster)
    history = list_price_sheets(session=session, org_id=org.id, now=at(10))
    assert [row.id for row in history] == [future.id, current.id, old.id]
    assert [row.in_force for row in history] == [False, True, False]
    assert {row.scope for row in history} == {"org"}
    [cluster_row] = list_price_sheets(
        session=session, org_id=org.id, cluster_id=cluster.id, now=at(10)
    )
    assert (cluster_row.scope, cluster_row.cluster_id, cluster_row.in_force) == (
        "cluster",
        cluster.id,
        True,
    )


def test_every_bad_field_is_named(session, make):
    org = make.org()
    with pytest.raises(ValidationFailed) as refused:
        create_price_sheet(
            session=session,
            org_id=org.id,
            effective_from="next tuesday",
            cpu_core_hour=-0.01,
            memory_gib_hour=math.nan,
            storage_gib_hour=math.inf,
            network_gb="a lot",
            currency="dollars",
        )
    assert set(refused.value.by_field()) == {
        "effective_from",
        "cpu_core_hour",
        "memory_gib_hour",
        "storage_gib_hour",
        "network_gb",
        "currency",
    }


def test_form_strings_are_accepted_and_the_currency_is_upper_cased(session, make):
    org = make.org()
    row = create_price_sheet(
        session=session,
        org_id=org.id,
        effective_from="2026-03-10T10:00",
        cpu_core_hour="0.031",
        memory_gib_hour="0",
        storage_gib_hour="0.0001",
        network_gb="0.02",
        currency="eur",
    )
    assert (row.effective_from, row.cpu_core_hour, row.memory_gib_hour, row.currency) == (
        at(10).isoformat(),
        0.031,
        0.0,
        "EUR",
    )


def test_two_sheets_of_one_scope_cannot_start_at_the_same_time(session, make):
    org = make.org()
    sheet(session, org, at(10))
    with pytest.raises(ValidationFailed) as refused:
        sheet(session, org, at(10))
    assert "effective_from" in refused.value.by_field()
    sheet(session, org, at(10), make.cluster(org))  # another scope may


def test_another_orgs_cluster_is_not_found(session, make):
    mine, theirs = make.org(), make.org()
    foreign = make.cluster(theirs)
    with pytest.raises(NotFound):
        sheet(session, mine, at(10), foreign)
    with pytest.raises(NotFound):
        resolve_prices(session=session, org_id=mine.id, cluster_id=foreign.id, at=at(10))
    with pytest.raises(NotFound):
        request_recompute(
            session=session,
            org_id=mine.id,
            cluster_id=foreign.id,
            since=at(10),
            settings=SETTINGS,
            now=at(12),
        )


def _costed_cluster(session, make, org, name):
    """A cluster with one core requested, fully sampled 10:00-13:00."""
    cluster = make.cluster(org, name=name)
    UsageWriter(session, cluster).steady(
        every(at(10), at(13), 180), namespaces={"shop": Figures(cpu_request=1)}
    )
    return cluster


def test_recompute_moves_only_this_orgs_watermarks_back(session, engine, make):
    mine, theirs = make.org(), make.org()
    clusters = [
        _costed_cluster(session, make, org, name)
        for org, name in ((mine, "a"), (mine, "b"), (theirs, "c"))
    ]
    run_cost_pass(open_session=session_factory(engine), settings=SETTINGS, now=at(13, 5))
    scheduled = request_recompute(
        session=session, org_id=mine.id, since="2026-03-10T11:20", settings=SETTINGS, now=at(13, 5)
    )
    session.commit()
    assert (scheduled.clusters, scheduled.requested_from) == (2, at(11).isoformat())
    session.expire_all()
    assert [session.get(CostRun, cluster.id).computed_until for cluster in clusters] == [
        at(11),
        at(11),
        at(13),
    ]


def test_recompute_cannot_start_in_the_future_nor_before_the_samples_kept(session, make):
    org = make.org()
    with pytest.raises(ValidationFailed) as refused:
        request_recompute(
            session=session, org_id=org.id, since=at(14), settings=SETTINGS, now=at(13)
        )
    assert "since" in refused.value.by_field()
    scheduled = request_recompute(
        session=session, org_id=org.id, since=at(10, day=-30), settings=SETTINGS, now=at(13)
    )
    # 14 days of samples: 13:00 on 24 Feb + the 3 minutes a sample reaches back, rounded up: 14:00.
    assert scheduled.recomputable_from == at(14, day=-14).isoformat()


def test_recompute_now_applies_a_backdated_price_sheet_and_reports_progress(session, engine, make):
    org = make.org()
    cluster = _costed_cluster(session, make, org, "a")
    run_cost_pass(open_session=session_factory(engine), settings=SETTINGS, now=at(13, 5))
    sheet(
        session, org, at(11), cpu_core_hour=0.10
    )  # backdated: computed hours keep their prices...

    def cpu_cost(hour):
        session.expire_all()
        return session.exec(
            select(CostHourly.cpu_cost).where(
                CostHourly.cluster_id == cluster.id,
                CostHourly.namespace == "shop",
                CostHourly.hour_start == hour,
            )
        ).one()

    assert cpu_cost(at(12)) == pytest.approx(0.04)
    progress = []
    [outcome] = recompute_costs(
        open_session=session_factory(engine),
        org_id=org.id,
        since=at(11),
        settings=SETTINGS,
        progress=lambda done, planned: progress.append((done, planned)),
        now=at(13, 5),
    )
    assert (outcome.hours_computed, progress) == (2, [(1, 2), (2, 2)])
    assert [cpu_cost(hour) for hour in (at(10), at(11), at(12))] == [
        pytest.approx(0.04),
        pytest.approx(0.10),  # ...until an admin recomputes them
        pytest.approx(0.10),
    ]


def test_the_gpu_price_is_kept_listed_and_in_force(session, make):
    org = make.org()
    row = sheet(session, org, at(10), gpu_hour="2.48")
    assert row.gpu_hour == 2.48
    assert [listed.gpu_hour for listed in list_price_sheets(session=session, org_id=org.id)] == [
        2.48
    ]
    assert resolve_prices(session=session, org_id=org.id, at=at(11)).gpu_hour == 2.48


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must be a number"),
        ("two dollars", "must be a number"),
        (-1, "must be a finite number, zero or more"),
        (math.inf, "must be a finite number, zero or more"),
        (2_000_000, "must be at most 1,000,000"),
    ],
)
def test_a_bad_gpu_price_is_named_with_a_clear_message(session, make, value, message):
    org = make.org()
    with pytest.raises(ValidationFailed) as refused:
        sheet(session, org, at(10), gpu_hour=value)
    assert refused.value.by_field() == {"gpu_hour": message}
