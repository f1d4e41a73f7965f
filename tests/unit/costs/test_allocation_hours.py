"""Settling samples' per-node allocation into hours (costs/allocation_hours.py) changes no figure:
the cost job gives the same rows from settled hours as from every sample's rows, on both
databases. Sync interval 60 s."""

import dataclasses
import datetime as dt

import pytest
from sqlmodel import select

from kube_console.costs.allocation_hours import covered_hours, settle_previous_sample
from kube_console.costs.engine import LINE_FIELDS, price_open_hours, run_cost_pass
from kube_console.models import (
    CostHourly,
    CostProvisional,
    NamespaceHour,
    NamespaceNodeHour,
    NamespaceNodeSample,
    NodeHourPrice,
    UsageSnapshot,
)
from kube_console.settings import Settings
from tests.support.usage import GIB, Figures, UsageWriter, at, every, session_factory
from tests.unit.costs.test_node_costs import A, B, C  # on-demand m5.large, spot m5.xlarge, g5

INTERVAL = 60
SETTINGS = Settings(sync_interval_seconds=INTERVAL, sample_retention_days=14)
# Every figure of a cost row: settling moves the namespace figures into hours as well.
FIGURES = tuple(
    name for name in LINE_FIELDS if name not in ("namespace_id", "namespace", "team", "cost_center")
)


def _timeline(until: dt.datetime) -> list[tuple[dt.datetime, dict[str, Figures]]]:
    """From 09:58:30 every minute: web moves from team a to team b at 10:20 and onto B; a gap
    from 10:40:30 to 10:50:30 (more than three intervals); ml holds the GPU of C throughout.
    Web uses more than it requests, holds a volume and sends bytes; ml sends nothing measured."""
    ml = Figures(cpu_request=2, memory_request=8 * GIB, gpu=1, on={"C": (2, 8 * GIB, 1)})
    times = every(at(9, 58, 30), at(10, 40, 31), INTERVAL) + every(
        at(10, 50, 30), at(11, 1), INTERVAL
    )
    timeline = []
    for moment in times:
        if moment >= until:
            break
        web = (
            Figures(cpu_request=1, memory_request=2 * GIB, team="a", on={"A": (1, 2 * GIB, 0)})
            if moment < at(10, 20)
            else Figures(
                cpu_request=3,
                memory_request=6 * GIB,
                team="b",
                on={"A": (1, 2 * GIB, 0), "B": (2, 4 * GIB, 0)},
            )
        )
        web = dataclasses.replace(
            web,
            cpu_usage=web.cpu_request * 1.3,
            memory_usage=web.memory_request // 2,
            storage=5 * GIB,
            network=7_000_000 + moment.minute,
            cost_center="shop",
        )
        timeline.append((moment, {"web": web, "ml": ml, "queued": Figures(cpu_request=0.5)}))
    return timeline


def _sampled(session, make, org, *, settle: bool, until: dt.datetime):
    cluster = make.cluster(org, name=f"settled-{settle}", provider="eks")
    usage = UsageWriter(session, cluster)
    for moment, namespaces in _timeline(until):
        # metrics.k8s.io answers nothing from 10:05 to 10:10: those samples count no usage
        metrics = not at(10, 5) <= moment < at(10, 10)
        usage.snapshot(
            moment, namespaces=namespaces, nodes={"A": A, "B": B, "C": C}, metrics=metrics
        )
        if settle:  # as each sync does after writing its sample
            settle_previous_sample(
                session, cluster_id=cluster.id, sampled_at=moment, interval_seconds=INTERVAL
            )
            session.commit()
    return cluster


def _figures(session, model, cluster) -> dict[tuple, tuple]:
    session.expire_all()
    rows = session.exec(select(model).where(model.cluster_id == cluster.id)).all()
    return {
        (row.hour_start, row.namespace, row.team, row.cost_center): tuple(
            getattr(row, name) for name in FIGURES
        )
        for row in rows
    }


def _same(settled: dict[tuple, tuple], weighed: dict[tuple, tuple]) -> None:
    assert settled.keys() == weighed.keys()
    for key, figures in weighed.items():
        assert settled[key] == pytest.approx(figures, abs=1e-9), key


def test_settled_hours_price_as_every_sample_does(session, engine, make):
    org = make.org()
    weighed = _sampled(session, make, org, settle=False, until=at(12))
    settled = _sampled(session, make, org, settle=True, until=at(12))

    run_cost_pass(open_session=session_factory(engine), settings=SETTINGS, now=at(11, 5))

    figures = _figures(session, CostHourly, weighed)
    assert {(hour, namespace, team) for hour, namespace, team, _ in figures} >= {
        (at(10), "web", "a"),
        (at(10), "web", "b"),
    }  # the label change splits web's hour
    _same(_figures(session, CostHourly, settled), figures)
    prices = [
        {
            (row.hour_start, row.node): (row.price_per_hour, row.covered_hours)
            for row in session.exec(
                select(NodeHourPrice).where(NodeHourPrice.cluster_id == cluster.id)
            )
        }
        for cluster in (weighed, settled)
    ]
    assert prices[1] == prices[0]
    # Left unsettled: the sample before the gap (its reach ends it) and the latest one.
    pending = session.exec(
        select(UsageSnapshot.sampled_at)
        .join(NamespaceNodeSample, NamespaceNodeSample.snapshot_id == UsageSnapshot.id)
        .where(UsageSnapshot.cluster_id == settled.id)
        .distinct()
    ).all()
    assert sorted(pending) == [at(10, 40, 30), at(11, 0, 30)]
    # Those two are the samples whose namespace figures the job still reads from the samples.
    unmarked = session.exec(
        select(UsageSnapshot.sampled_at).where(
            UsageSnapshot.cluster_id == settled.id, UsageSnapshot.namespaces_settled.is_(False)
        )
    ).all()
    assert sorted(unmarked) == sorted(pending)


def test_a_recompute_after_a_price_rule_uses_the_settled_hours(session, engine, make):
    from kube_console.costs.node_prices import create_rule

    org = make.org()
    weighed = _sampled(session, make, org, settle=False, until=at(12))
    settled = _sampled(session, make, org, settle=True, until=at(12))
    open_session = session_factory(engine)
    run_cost_pass(open_session=open_session, settings=SETTINGS, now=at(11, 5))
    with open_session() as writer:
        create_rule(
            session=writer,
            org_id=org.id,
            selector="node.kubernetes.io/instance-type=m5.large",
            price_per_hour=0.5,
            effective_from=at(0),
        )

    run_cost_pass(open_session=open_session, settings=SETTINGS, now=at(11, 5), start=at(9))

    _same(_figures(session, CostHourly, settled), _figures(session, CostHourly, weighed))


def test_the_open_hour_prices_settled_and_pending_samples_alike(session, engine, make):
    org = make.org()
    weighed = _sampled(session, make, org, settle=False, until=at(10, 30))
    settled = _sampled(session, make, org, settle=True, until=at(10, 30))

    price_open_hours(open_session=session_factory(engine), settings=SETTINGS, now=at(10, 30))

    figures = _figures(session, CostProvisional, weighed)
    assert figures
    _same(_figures(session, CostProvisional, settled), figures)


def test_a_sample_is_settled_once(session, make):
    cluster = make.cluster(make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    web = {"web": Figures(cpu_request=2, on={"A": (2, GIB, 0)})}
    for moment in (at(9, 59, 30), at(10, 0, 30)):
        usage.snapshot(moment, namespaces=web, nodes={"A": A})

    moved = [
        settle_previous_sample(
            session, cluster_id=cluster.id, sampled_at=at(10, 0, 30), interval_seconds=INTERVAL
        )
        for _ in range(2)
    ]
    session.commit()

    assert moved == [1, 0]
    hours = {
        row.hour_start: (row.cpu_core_seconds, row.memory_byte_seconds, row.team)
        for row in session.exec(select(NamespaceNodeHour))
    }
    assert hours == {
        at(9): (60.0, 30.0 * GIB, "unallocated"),
        at(10): (60.0, 30.0 * GIB, "unallocated"),
    }
    namespace_hours = {
        row.hour_start: (row.namespace, row.cpu_request_core_seconds, row.cpu_alloc_core_seconds)
        for row in session.exec(select(NamespaceHour))
    }
    assert namespace_hours == {at(9): ("web", 60.0, 60.0), at(10): ("web", 60.0, 60.0)}


def test_covered_hours_split_a_sample_at_the_hour_and_stop_at_its_reach():
    assert covered_hours(at(9, 59, 30), at(10, 0, 30), INTERVAL) == [(at(9), 30.0), (at(10), 30.0)]
    assert covered_hours(at(10, 10), at(10, 40), INTERVAL) == [(at(10), 180.0)]
    assert covered_hours(at(9, 59), at(12), 3600) == [
        (at(9), 60.0),
        (at(10), 3600.0),
        (at(11), 3600.0),
    ]


def test_pruning_samples_takes_the_settled_hours_before_the_first_kept_hour(session, make):
    from kube_console.services.sync import prune_samples

    cluster = make.cluster(make.org(), provider="eks")
    usage = UsageWriter(session, cluster)
    web = {"web": Figures(cpu_request=2, on={"A": (2, GIB, 0)})}
    for moment in every(at(8), at(11), 20 * 60):
        usage.snapshot(moment, namespaces=web, nodes={"A": A})
        settle_previous_sample(
            session, cluster_id=cluster.id, sampled_at=moment, interval_seconds=20 * 60
        )
    session.commit()

    prune_samples(session=session, older_than=at(9, 30))
    session.commit()

    for model in (NamespaceHour, NamespaceNodeHour):
        hours = {row.hour_start for row in session.exec(select(model))}
        assert hours == {at(9), at(10)}, model


def test_a_sample_settled_while_the_hour_is_read_counts_once(session, make):
    """The job learns which samples are settled, then reads the hour; a sync settling one in
    between must not have it counted from the hour's rows and from its own."""
    from kube_console.costs.engine import _namespace_sums, _weights

    weighed = _sampled(session, make, make.org(), settle=False, until=at(10, 30))
    settled = _sampled(session, make, make.org(), settle=False, until=at(10, 30))
    stale = {}
    for cluster in (weighed, settled):
        weights, _, marked = _weights(session, cluster.id, at(10), INTERVAL)
        assert not marked
        stale[cluster.id] = weights
    for moment in every(at(9, 58, 30), at(10, 30), INTERVAL)[1:]:  # the syncs settle meanwhile
        settle_previous_sample(
            session, cluster_id=settled.id, sampled_at=moment, interval_seconds=INTERVAL
        )
    session.commit()

    sums = [
        _namespace_sums(session, cluster.id, at(10), stale[cluster.id], set())
        for cluster in (weighed, settled)
    ]

    lines = [[dataclasses.astuple(line)[1:] for line in lines] for lines in sums]
    assert [line[:3] for line in lines[1]] == [line[:3] for line in lines[0]]
    for settled_line, weighed_line in zip(*lines, strict=True):
        # byte-hours run to 10^10: the same figures to 1e-12 of their size, or 1e-9
        assert settled_line[3:] == pytest.approx(weighed_line[3:], rel=1e-12, abs=1e-9)
