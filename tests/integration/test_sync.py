"""Registering and syncing clusters served by the fake API server, with the real client over HTTPS."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kube_console.errors import ValidationFailed
from kube_console.models import (
    Cluster,
    HelmRelease,
    Namespace,
    NamespaceUsageSample,
    Node,
    NodeUsageSample,
    PersistentVolumeClaim,
    Pod,
    UsageSnapshot,
    Workload,
)
from kube_console.services.clusters import ConnectionFailed
from kube_console.services.sync_scheduling import claim_due, cluster_syncer
from kube_console.workers.sync_job import sync_all_once
from tests.fakekube.cluster import Fault
from tests.fakekube.generator import generate_cluster
from tests.support.audit import forbid_subprocess_and_foreign_files
from tests.support.sync import count_rows, sync_now


def test_registration_detects_the_cluster_and_stores_the_first_sync(register, fake_kube, session):
    fake = fake_kube.add_cluster(
        generate_cluster("prod-eu", seed=3, namespaces=5, nodes=3, deployments=6, pods=40)
    )
    card = register(fake)

    assert (card.provider, card.provider_name) == ("eks", "Amazon EKS")
    assert card.version == fake.version["gitVersion"]
    assert card.status == "healthy" and card.last_error == ""
    assert (card.node_count, card.namespace_count, card.pod_count) == (3, 5, 40)
    assert card.credential_kind == "token" and card.server_host == "127.0.0.1"

    cluster = session.get(Cluster, card.id)
    assert cluster.credential_key_id == "k1"
    assert fake.token.encode() not in cluster.credential_ciphertext


def test_a_sync_stores_exact_rows_and_resolves_owners(
    register, fake_kube, session, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster(
            "inventory",
            seed=11,
            namespaces=4,
            nodes=2,
            deployments=5,
            pods=24,
            pvcs=6,
            helm_releases=3,
        )
    )
    card = register(fake)
    outcome = sync_now(card.id, open_session, keyring, settings)
    assert outcome.ok and outcome.pods == 24

    live = Pod.deleted_at.is_(None)
    assert count_rows(session, Namespace, card.id) == fake.count("Namespace")
    assert count_rows(session, Node, card.id) == fake.count("Node") == 2
    assert count_rows(session, Pod, card.id, live) == 24
    assert count_rows(session, PersistentVolumeClaim, card.id) == fake.count(
        "PersistentVolumeClaim"
    )
    assert count_rows(session, Workload, card.id, Workload.kind == "Deployment") == 5
    assert count_rows(session, HelmRelease, card.id) == 3

    deployment_pod = next(
        pod
        for pod in fake.objects("Pod")
        if pod["metadata"].get("ownerReferences", [{}])[0].get("kind") == "ReplicaSet"
    )
    row = session.execute(
        select(Pod).where(Pod.cluster_id == card.id, Pod.uid == deployment_pod["metadata"]["uid"])
    ).scalar_one()
    workload = session.get(Workload, row.workload_id)
    assert (row.owner_kind, workload.kind, workload.name) == (
        "Deployment",
        "Deployment",
        row.owner_name,
    )
    assert session.get(Namespace, row.namespace_id).name == deployment_pod["metadata"]["namespace"]
    assert row.node_name == deployment_pod["spec"]["nodeName"]

    stored_helm = repr(
        session.execute(select(HelmRelease).where(HelmRelease.cluster_id == card.id))
        .scalars()
        .all()
    )
    assert "values" not in stored_helm.lower() and "password" not in stored_helm.lower()


def test_removed_objects_are_soft_deleted_and_come_back(
    register, fake_kube, session, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster("churn", seed=5, namespaces=3, nodes=2, deployments=3, pods=12)
    )
    card = register(fake)
    gone = fake.objects("Pod")[0]
    fake.remove("Pod", gone["metadata"]["namespace"], gone["metadata"]["name"])
    sync_now(card.id, open_session, keyring, settings)

    row = session.execute(select(Pod).where(Pod.uid == gone["metadata"]["uid"])).scalar_one()
    assert row.deleted_at is not None
    assert count_rows(session, Pod, card.id, Pod.deleted_at.is_(None)) == 11

    fake.add(gone)
    sync_now(card.id, open_session, keyring, settings)
    session.expire_all()
    assert (
        session.execute(
            select(Pod.deleted_at).where(Pod.uid == gone["metadata"]["uid"])
        ).scalar_one()
        is None
    )


def test_nothing_is_deleted_when_a_list_fails_halfway(
    register, fake_kube, session, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster("halfway", seed=9, namespaces=6, nodes=3, deployments=20, pods=1200)
    )
    card = register(fake)
    first = fake.objects("Pod")[0]
    fake.remove("Pod", first["metadata"]["namespace"], first["metadata"]["name"])
    fake.inject(Fault(path="/api/v1/pods", status=500, after_pages=1))

    outcome = sync_now(card.id, open_session, keyring, settings)

    assert outcome.status == "degraded" and "pods" in outcome.error
    assert count_rows(session, Pod, card.id, Pod.deleted_at.is_(None)) == 1200
    session.expire_all()
    assert session.get(Cluster, card.id).node_count == 3  # other kinds still synced


@pytest.mark.parametrize(
    ("fault", "status", "words"),
    [
        (Fault(status=401), "auth_failed", "401"),
        (Fault(drop_connection=True), "unreachable", ""),
        (Fault(path="/version", truncate_json=True), "error", "JSON"),
    ],
    ids=["401", "dropped connection", "truncated JSON"],
)
def test_a_failing_cluster_keeps_its_data_and_says_why(
    register, fake_kube, session, open_session, keyring, settings, fault, status, words
):
    fake = fake_kube.add_cluster(
        generate_cluster("flaky", seed=2, namespaces=2, nodes=1, deployments=2, pods=6)
    )
    card = register(fake)
    fake.inject(fault)

    outcome = sync_now(card.id, open_session, keyring, settings)

    session.expire_all()
    cluster = session.get(Cluster, card.id)
    assert (outcome.status, cluster.status) == (status, status)
    assert words in cluster.last_error and fake.token not in cluster.last_error
    assert count_rows(session, Pod, card.id, Pod.deleted_at.is_(None)) == 6
    assert cluster.syncs_failed == 1


def test_401_backs_off_and_the_cluster_is_not_due_until_then(
    register, fake_kube, session, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster("revoked", seed=4, namespaces=1, nodes=1, deployments=1, pods=2)
    )
    card = register(fake)
    fake.inject(Fault(status=401))
    sync_now(card.id, open_session, keyring, settings)
    sync_now(card.id, open_session, keyring, settings)

    session.expire_all()
    cluster = session.get(Cluster, card.id)
    assert cluster.consecutive_auth_failures == 2
    wait = cluster.backoff_until - cluster.last_sync_at
    assert 59 <= wait.total_seconds() <= 61  # 30 s, doubled
    interval = dt.timedelta(seconds=30)  # shorter than the backoff

    def claimed(now: dt.datetime) -> list[int]:
        return claim_due(session=session, owner="test", now=now, limit=10, interval=interval)

    assert card.id not in claimed(cluster.last_sync_at + interval)
    assert card.id in claimed(cluster.backoff_until)


def test_one_pass_syncs_the_healthy_clusters_while_two_of_ten_fail(
    register, fake_kube, session, open_session, keyring, settings
):
    fakes = [
        fake_kube.add_cluster(
            generate_cluster(f"fleet-{n}", seed=n, namespaces=2, nodes=1, deployments=2, pods=8)
        )
        for n in range(10)
    ]
    cards = [register(fake) for fake in fakes]
    fakes[3].inject(Fault(status=403))
    fakes[7].inject(Fault(delay=12.0))  # slower than the 10 s read timeout

    outcomes = {
        outcome.cluster_id: outcome
        for outcome in sync_all_once(
            owner="test:1",
            threads=settings.sync_threads,
            interval=dt.timedelta(seconds=settings.sync_interval_seconds),
            open_session=open_session,
            sync_one=cluster_syncer(keyring=keyring, settings=settings, open_session=open_session),
        )
    }

    assert len(outcomes) == 10
    assert outcomes[cards[3].id].status == "auth_failed"
    assert outcomes[cards[7].id].status in ("unreachable", "error")
    assert all(
        outcomes[card.id].status == "healthy" for n, card in enumerate(cards) if n not in (3, 7)
    )


def test_each_sync_writes_namespace_and_node_samples(
    register, fake_kube, session, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster("sampled", seed=6, namespaces=3, nodes=2, deployments=4, pods=20)
    )
    card = register(fake)  # the first sync samples too
    sync_now(card.id, open_session, keyring, settings)

    assert count_rows(session, UsageSnapshot, card.id) == 2
    assert count_rows(session, NodeUsageSample, card.id) == 2 * 2
    latest = (
        session.execute(
            select(UsageSnapshot)
            .where(UsageSnapshot.cluster_id == card.id)
            .order_by(UsageSnapshot.sampled_at.desc())
        )
        .scalars()
        .first()
    )
    samples = (
        session.execute(
            select(NamespaceUsageSample).where(NamespaceUsageSample.snapshot_id == latest.id)
        )
        .scalars()
        .all()
    )
    assert samples
    for sample in samples:
        pods = (
            session.execute(
                select(Pod).where(
                    Pod.namespace_id == sample.namespace_id,
                    Pod.deleted_at.is_(None),
                    Pod.phase == "Running",
                )
            )
            .scalars()
            .all()
        )
        assert sample.cpu_request_cores == pytest.approx(sum(pod.cpu_request_cores for pod in pods))
        expected_alloc = sum(
            max(
                c.get("cpu_request_cores") or 0.0,
                (pod.container_usage.get(c["name"]) or [0.0])[0] or 0.0,
            )
            for pod in pods
            for c in pod.containers
        )
        assert any(pod.container_usage for pod in pods)  # metrics were there to be counted
        assert sample.cpu_alloc_cores == pytest.approx(expected_alloc)
        assert sample.cpu_alloc_cores >= sample.cpu_request_cores
        namespace = session.get(Namespace, sample.namespace_id)
        assert (sample.team, sample.cost_center) == (namespace.team, namespace.cost_center)


def test_names_are_unique_per_org_and_bad_kubeconfigs_name_the_field(
    register, fake_kube, make, fake_credentials
):
    fake = fake_kube.add_cluster(
        generate_cluster("dup", seed=1, namespaces=1, nodes=1, deployments=1, pods=1)
    )
    register(fake, name="shared-name")
    with pytest.raises(ValidationFailed) as failure:
        register(fake, name="shared-name")
    assert "name" in failure.value.by_field()
    register(fake, name="shared-name", org_id=make.org().id)  # another org may use it


def test_an_unreachable_server_is_refused_before_anything_is_saved(register, fake_kube, session):
    fake = fake_kube.add_cluster(
        generate_cluster("down", seed=1, namespaces=1, nodes=1, deployments=1, pods=1)
    )
    fake.inject(Fault(status=401))
    with pytest.raises(ConnectionFailed, match="401"):
        register(fake)
    assert session.execute(select(func.count()).select_from(Cluster)).scalar_one() == 0


def test_intake_and_sync_start_no_process_and_open_no_file_outside_temp(
    register, fake_kube, open_session, keyring, settings
):
    fake = fake_kube.add_cluster(
        generate_cluster("audited", seed=8, namespaces=2, nodes=1, deployments=2, pods=6)
    )
    with forbid_subprocess_and_foreign_files() as audit:
        card = register(fake)
        sync_now(card.id, open_session, keyring, settings)
    assert audit.violations == []


def test_a_sync_stores_why_pods_are_pending_or_failing(
    register, fake_kube, session, open_session, keyring, settings
):
    from tests.fakekube import builders as b

    fake = fake_kube.add_cluster(
        generate_cluster("reasons", seed=4, namespaces=2, nodes=2, deployments=2, pods=6)
    )
    namespace = fake.objects("Namespace")[0]["metadata"]["name"]
    web = [b.container("web", "nginx:1.27", requests={"cpu": "8", "memory": "1Gi"})]
    fake.add(
        b.pod(
            namespace,
            "big-pending",
            containers=web,
            node_name=None,
            phase="Pending",
            unschedulable_message="0/4 nodes are available: insufficient cpu",
        )
    )
    fake.add(
        b.pod(
            namespace, "crashing", containers=web, waiting_reason="CrashLoopBackOff", restarts=[7]
        )
    )
    fake.add(
        b.pod(
            namespace,
            "long-message",
            containers=web,
            node_name=None,
            phase="Pending",
            unschedulable_message="0/4 nodes are available: " + "x" * 2000,
        )
    )
    card = register(fake)
    outcome = sync_now(card.id, open_session, keyring, settings)
    assert outcome.ok

    rows = {
        pod.name: pod
        for pod in session.execute(select(Pod).where(Pod.cluster_id == card.id)).scalars()
    }
    pending = rows["big-pending"]
    assert (pending.status_reason, pending.status_message) == (
        "Unschedulable",
        "0/4 nodes are available: insufficient cpu",
    )
    assert [c["state"] for c in pending.containers] == ["waiting:Unscheduled"]
    crashing = rows["crashing"]
    assert (crashing.status_reason, crashing.restarts) == ("CrashLoopBackOff", 7)
    assert [(c["state"], c["last_state"]) for c in crashing.containers] == [
        ("waiting:CrashLoopBackOff", "terminated:OOMKilled")
    ]
    assert len(rows["long-message"].status_message) == 1024
    cluster = session.get(Cluster, card.id)
    session.refresh(cluster)
    assert "pods.status_message (1)" in " ".join(cluster.health["report"]["notes"])
    healthy = [pod for pod in rows.values() if pod.phase == "Running" and pod.restarts == 0]
    assert healthy and all(pod.status_reason == "" for pod in healthy)


def test_a_sync_stores_each_helm_release_history_and_never_its_values(
    register, fake_kube, session, open_session, keyring, settings
):
    from tests.fakekube import builders as b

    fake = fake_kube.add_cluster(
        generate_cluster("charts", seed=6, namespaces=2, nodes=1, deployments=1, pods=2)
    )
    namespace = fake.objects("Namespace")[0]["metadata"]["name"]
    for revision, status in enumerate(["superseded", "superseded", "failed"], start=1):
        fake.add(
            b.helm_release_secret(
                namespace,
                "shop",
                revision,
                chart="shop",
                chart_version=f"1.{revision}.0",
                app_version=f"2.{revision}",
                status=status,
                values={"db": {"password": "hunter2-values"}},
                description='Upgrade "shop" failed: timed out' if status == "failed" else None,
                last_deployed=f"2026-01-0{revision}T08:00:00Z",
            )
        )
    card = register(fake)
    assert sync_now(card.id, open_session, keyring, settings).ok

    release = session.execute(
        select(HelmRelease).where(HelmRelease.cluster_id == card.id, HelmRelease.name == "shop")
    ).scalar_one()
    assert (release.revision, release.status, release.description) == (
        3,
        "failed",
        'Upgrade "shop" failed: timed out',
    )
    assert [
        (h["revision"], h["status"], h["chart_version"], h["app_version"], h["description"])
        for h in release.history
    ] == [
        (3, "failed", "1.3.0", "2.3", 'Upgrade "shop" failed: timed out'),
        (2, "superseded", "1.2.0", "2.2", "Upgrade complete"),
        (1, "superseded", "1.1.0", "2.1", "Install complete"),
    ]
    assert release.history[0]["updated_at"].startswith("2026-01-03T08:00:00")
    stored = repr(session.execute(select(HelmRelease)).scalars().all())
    assert (
        "hunter2" not in stored
        and "replicaCount" not in stored
        and "kind: Deployment" not in stored
    )
