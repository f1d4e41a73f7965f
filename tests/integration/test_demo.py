"""`make demo`'s data: built through the intake, the sync and the cost job, from the fake API server.

A shortened history (2 days) keeps this quick; the demo itself replays 30.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kube_console.demo.build import DEMO_EMAIL, DEMO_ORG, DemoFailed, backfill, prepare_demo
from kube_console.demo.fleet import (
    EKS,
    GKE,
    GPU_NAMESPACE,
    GPU_NODE,
    K3S,
    SPOT_NODE,
    Workload,
    demo_clusters,
)
from kube_console.demo.runtime import check_demo_settings
from kube_console.models import Cluster, CostHourly, Node, Organization, UsageSnapshot, User
from kube_console.security.secrets import verify_password
from kube_console.settings import load_settings
from tests.fakekube.generator import generate_cluster
from tests.support.sync import sync_now

NOW = dt.datetime(2026, 3, 4, 10, 20, tzinfo=dt.UTC)  # a Wednesday
DAYS = 2


@pytest.fixture
def demo(fake_kube, open_session, settings, keyring):
    clusters = demo_clusters()
    for cluster in clusters:
        fake_kube.add_cluster(cluster)
    common = {
        "open_session": open_session,
        "settings": settings,
        "keyring": keyring,
        "clusters": clusters,
        "workload": Workload(clusters),
    }

    def build(now: dt.datetime = NOW):
        ready = prepare_demo(server=fake_kube, days=DAYS, now=now, say=lambda _: None, **common)
        backfill(ready, days=DAYS, say=lambda _: None, **common)
        return ready

    return build


def _per_cluster(session, model, column):
    query = (
        select(Cluster.name, column)
        .join(Cluster, Cluster.id == model.cluster_id)
        .group_by(Cluster.name)
    )
    return dict(session.execute(query).all())


def _demo_admin(session) -> User:
    return session.execute(select(User).where(User.email == DEMO_EMAIL)).scalar_one()


def test_the_demo_registers_each_cluster_through_the_intake_and_syncs_it(demo, open_session):
    ready = demo()

    with open_session() as session:
        org = session.execute(
            select(Organization).where(Organization.name == DEMO_ORG)
        ).scalar_one()
        clusters = {
            c.name: c
            for c in session.execute(select(Cluster).where(Cluster.org_id == org.id)).scalars()
        }
        assert "Demo" in org.name
        assert {name: (c.provider, c.status) for name, c in clusters.items()} == {
            EKS: ("eks", "healthy"),
            GKE: ("gke", "healthy"),
            K3S: ("k3s", "healthy"),
        }
        assert all(c.credential_ciphertext for c in clusters.values())  # encrypted by the intake
        assert not clusters[GKE].metrics_available and clusters[EKS].metrics_available
        nodes = {
            n.name: n
            for n in session.execute(
                select(Node).where(Node.cluster_id == clusters[EKS].id)
            ).scalars()
        }
        assert nodes[GPU_NODE].labels["node.kubernetes.io/instance-type"] == "g5.xlarge"
        assert nodes[SPOT_NODE].labels["eks.amazonaws.com/capacityType"] == "SPOT"
        # Every hour of the two days has a sample (hourly for the last day, every 3 h before).
        samples = _per_cluster(session, UsageSnapshot, func.count(UsageSnapshot.id))
        assert all(count >= 24 + 8 for count in samples.values()), samples
        # Signing in works with the password printed on start.
        assert verify_password(_demo_admin(session).password_hash, ready.password)


def test_every_demo_cluster_has_cost_rows_for_the_whole_history_gpu_namespace_included(
    demo, open_session
):
    demo()

    with open_session() as session:
        hours = _per_cluster(session, CostHourly, func.count(func.distinct(CostHourly.hour_start)))
        first = _per_cluster(session, CostHourly, func.min(CostHourly.hour_start))
        assert set(hours) == {EKS, GKE, K3S}
        for name in hours:
            assert hours[name] >= DAYS * 24 - 1, (name, hours[name])
            assert first[name].replace(tzinfo=dt.UTC) <= NOW - dt.timedelta(
                days=DAYS
            ) + dt.timedelta(hours=1)
        gpu = session.execute(
            select(
                func.count(), func.sum(CostHourly.total_cost), func.min(CostHourly.covered_hours)
            ).where(CostHourly.namespace == GPU_NAMESPACE)
        ).one()
        assert gpu[0] >= DAYS * 24 - 1 and gpu[1] > 0
        assert gpu[2] == pytest.approx(1.0, abs=0.1)  # three-hourly samples still cover each hour


def test_a_second_start_reuses_the_demo_and_replays_only_the_hours_since(demo, open_session):
    first = demo()
    later = NOW + dt.timedelta(hours=5)

    second = demo(later)

    assert first.built and not second.built
    assert second.password != first.password
    with open_session() as session:
        assert session.execute(select(func.count(Organization.id))).scalar_one() == 1
        newest = _per_cluster(session, UsageSnapshot, func.max(UsageSnapshot.sampled_at))
        assert all(
            value.replace(tzinfo=dt.UTC) >= later - dt.timedelta(hours=1)
            for value in newest.values()
        )
        admin = _demo_admin(session)
        assert verify_password(admin.password_hash, second.password)
        assert not verify_password(admin.password_hash, first.password)


def test_the_demo_refuses_to_start_outside_demo_mode_or_without_loopback_clusters():
    with pytest.raises(DemoFailed, match="KUBE_CONSOLE_DEMO"):
        check_demo_settings(load_settings(allow_loopback_clusters=True))
    with pytest.raises(DemoFailed, match="KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS"):
        check_demo_settings(load_settings(demo=True, allow_loopback_clusters=False))


def test_a_sync_taken_as_of_an_earlier_time_samples_then_and_moves_no_time_back(
    register, fake_kube, open_session, keyring, settings
):
    """What the demo's replay relies on: `now` dates the sync's samples, and a sync dated
    before the cluster's last one leaves its last sync, last success and update times alone."""
    card = register(
        fake_kube.add_cluster(
            generate_cluster("past", seed=2, namespaces=3, nodes=1, deployments=1, pods=3)
        )
    )
    with open_session() as session:
        before = session.get(Cluster, card.id)
        last_sync, last_success = before.last_sync_at, before.last_success_at
    earlier = dt.datetime(2026, 1, 5, 9, 5, tzinfo=dt.UTC)

    outcome = sync_now(card.id, open_session, keyring, settings, now=earlier)

    assert outcome.ok and outcome.sampled
    with open_session() as session:
        after = session.get(Cluster, card.id)
        assert (after.last_sync_at, after.last_success_at) == (last_sync, last_success)
        assert after.syncs_total == before.syncs_total + 1
        sampled = (
            session.execute(
                select(UsageSnapshot.sampled_at).where(UsageSnapshot.cluster_id == card.id)
            )
            .scalars()
            .all()
        )
        assert earlier.replace(tzinfo=None) in [s.replace(tzinfo=None) for s in sampled]
