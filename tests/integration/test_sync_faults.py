"""One cluster's sync under faults, with the real client against the fake API server: what a
malformed answer, a refused credential, a slow cluster, an over-long value or a killed database
connection leave behind — never data wiped or frozen silently, always a failure that says so."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, select, text

from kube_console.db import make_unpooled_engine
from kube_console.errors import Conflict
from kube_console.models import Cluster, HelmRelease, Namespace, Node, Pod, Workload
from kube_console.services import explore
from kube_console.services.clusters import get_cluster, list_clusters, update_cluster
from kube_console.services.credentials import store_credential
from kube_console.states.explore_views import cluster_view
from tests.fakekube import Fault, Rule, generate_cluster
from tests.fakekube import builders as b
from tests.support.kubeconfig import kubeconfig_yaml
from tests.support.sync import count_rows, sync_now

LIVE_DEPLOYMENTS = (Workload.kind == "Deployment", Workload.deleted_at.is_(None))
LIVE_PODS = (Pod.deleted_at.is_(None),)
READ = ("get", "list", "watch")


def _reread(session, cluster_id: int) -> Cluster:
    session.expire_all()
    return session.get(Cluster, cluster_id)


@pytest.fixture
def small(fake_kube):
    """A cluster of 3 namespaces, 2 nodes, 5 Deployments and 12 pods."""
    return fake_kube.add_cluster(
        generate_cluster("faulty", seed=12, namespaces=3, nodes=2, deployments=5, pods=12)
    )


# ---------------------------------------------------------------- malformed lists


@pytest.mark.parametrize(
    "answer",
    [
        {"omit_items": True},
        {"truncate_json": True},
        {"body": '{"kind": "DeploymentList", "metadata": {}, "items": {"not": "a list"}}'},
        {"body": '{"kind": "DeploymentList", "metadata": {}, "items": null}'},
    ],
    ids=["without items", "truncated", "items not a list", "items null"],
)
def test_a_malformed_list_keeps_that_kinds_rows_and_names_the_kind(
    register, small, session, open_session, keyring, settings, answer
):
    card = register(small)
    assert count_rows(session, Workload, card.id, *LIVE_DEPLOYMENTS) == 5
    small.inject(Fault(path="/apis/apps/v1/deployments", **answer))

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("degraded", "degraded")
    assert cluster.last_error.startswith("deployments: ")
    assert count_rows(session, Workload, card.id, *LIVE_DEPLOYMENTS) == 5
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12


def test_a_secrets_list_without_items_keeps_the_helm_releases(
    register, small, session, open_session, keyring, settings
):
    card = register(small)
    releases = count_rows(session, HelmRelease, card.id, HelmRelease.deleted_at.is_(None))
    assert releases > 0
    small.inject(Fault(path="/api/v1/secrets", omit_items=True))

    outcome = sync_now(card.id, open_session, keyring, settings)

    assert outcome.status == "degraded" and outcome.error.startswith("helm_releases: ")
    assert count_rows(session, HelmRelease, card.id, HelmRelease.deleted_at.is_(None)) == releases


# ---------------------------------------------------------------- values the columns can't hold


def test_values_that_do_not_fit_their_column_are_clipped_and_counted_at_every_sync(
    register, small, session, open_session, keyring, settings
):
    node_name = small.objects("Node")[0]["metadata"]["name"]
    small.update(
        "Node",
        "",
        node_name,
        lambda node: node["status"]["nodeInfo"].update(
            osImage="o" * 400, containerRuntimeVersion="containerd\x00://1.7.22"
        ),
    )
    pod = small.objects("Pod")[0]["metadata"]
    small.update(
        "Pod",
        pod["namespace"],
        pod["name"],
        lambda obj: obj["spec"].update(nodeName="n" * 300),
    )

    card = register(small)

    node = session.execute(
        select(Node).where(Node.cluster_id == card.id, Node.name == node_name)
    ).scalar_one()
    assert (node.os_image, node.container_runtime) == ("o" * 255, "containerd://1.7.22")
    stored_pod = session.execute(select(Pod).where(Pod.uid == pod["uid"])).scalar_one()
    assert stored_pod.node_name == "n" * 253
    cluster = _reread(session, card.id)
    assert (cluster.status, cluster.syncs_failed) == ("healthy", 0)
    report = cluster.health["report"]
    assert report["clipped"] == 3
    assert any(
        "nodes.container_runtime (1), nodes.os_image (1), pods.node_name (1)" in note
        for note in report["notes"]
    )

    outcome = sync_now(card.id, open_session, keyring, settings)  # nothing to write this time

    assert outcome.status == "healthy"
    assert _reread(session, card.id).health["report"] == report


def test_long_helm_descriptions_are_clipped_in_the_release_and_its_history_and_counted(
    register, small, session, open_session, keyring, settings
):
    namespace = small.objects("Namespace")[0]["metadata"]["name"]
    for revision in (1, 2):
        small.add(
            b.helm_release_secret(
                namespace,
                "noisy",
                revision,
                chart="noisy",
                chart_version="1.0.0",
                app_version="1",
                status="deployed" if revision == 2 else "superseded",
                description=f"{revision}:" + "d" * 600,
            )
        )
    card = register(small)

    release = session.execute(
        select(HelmRelease).where(HelmRelease.cluster_id == card.id, HelmRelease.name == "noisy")
    ).scalar_one()
    assert release.description == "2:" + "d" * 510
    assert [h["description"] for h in release.history] == ["2:" + "d" * 510, "1:" + "d" * 510]
    notes = " ".join(_reread(session, card.id).health["report"]["notes"])
    assert "helm_releases.description (1), helm_releases.history.description (2)" in notes


def test_team_labels_that_are_no_valid_label_values_are_rejected_and_counted(
    register, small, session, open_session, keyring, settings
):
    small.add(b.namespace("too-long", labels={"team": "t" * 300, "cost-center": "cc-1"}))
    small.add(
        b.namespace(
            "markup",
            labels={
                "team": '<a href="https://evil.example">web</a>',
                "cost-center": "<b>",
                "cost_center": "cc-2",
            },
        )
    )
    small.add(b.namespace("fine", labels={"team": "web", "cost-center": "cc-3"}))
    card = register(small)

    outcome = sync_now(card.id, open_session, keyring, settings)

    owners = {
        name: (team, cost_center)
        for name, team, cost_center in session.execute(
            select(Namespace.name, Namespace.team, Namespace.cost_center).where(
                Namespace.cluster_id == card.id
            )
        )
    }
    assert owners["too-long"] == ("unallocated", "cc-1")
    assert owners["markup"] == ("unallocated", "cc-2")  # the next cost-center key is valid
    assert owners["fine"] == ("web", "cc-3")
    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.syncs_failed) == ("healthy", 0)
    report = cluster.health["report"]
    assert report["rejected_labels"] == 3
    assert any("too-long" in note and "markup" in note for note in report["notes"])


def test_objects_without_a_usable_uid_are_skipped_and_counted(
    register, small, session, open_session, keyring, settings
):
    card = register(small)
    namespace = small.objects("Pod")[0]["metadata"]["namespace"]
    for name, uid in (
        ("no-uid", ""),
        ("twin-a", "twin"),
        ("twin-b", "twin"),
        ("huge-uid", "u" * 200),
    ):
        pod = b.pod(namespace, name, containers=[b.container("app", "busybox")])
        pod["metadata"]["uid"] = uid
        small.add(pod)

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("healthy", "healthy")
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12 + 1
    twin = session.execute(
        select(Pod).where(Pod.cluster_id == card.id, Pod.uid == "twin")
    ).scalar_one()
    assert twin.name == "twin-a"
    assert cluster.health["report"]["skipped"] == 3


# ---------------------------------------------------------------- the database failing mid-write


def _kill_connection(connection) -> None:
    raw = connection.connection.dbapi_connection
    if connection.dialect.name != "postgresql":
        raw.close()
        return
    admin = make_unpooled_engine(connection.engine.url.render_as_string(hide_password=False))
    with admin.connect() as other:
        # Waits (up to 5 s) until the backend is gone, so the write below meets a dead connection.
        other.execute(
            text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": raw.info.backend_pid}
        )
    admin.dispose()


@contextlib.contextmanager
def _connection_killed_before_writing(engine: Engine, table: str) -> Iterator[list[str]]:
    """Kill the database connection (pg_terminate_backend on PostgreSQL, the connection
    closed under SQLite) just before the first statement that writes `table`."""
    killed: list[str] = []
    writes = (f"INSERT INTO {table} ", f"UPDATE {table} ")

    def kill(connection, cursor, statement, parameters, context, executemany) -> None:
        if not killed and statement.lstrip().startswith(writes):
            killed.append(statement)
            _kill_connection(connection)

    event.listen(engine, "before_cursor_execute", kill)
    try:
        yield killed
    finally:
        event.remove(engine, "before_cursor_execute", kill)


def test_a_connection_killed_mid_write_is_recorded_as_a_failed_sync(
    register, small, engine, session, open_session, keyring, settings
):
    card = register(small)
    before = _reread(session, card.id)
    syncs_before, success_before = before.syncs_total, before.last_success_at
    namespace = small.objects("Pod")[0]["metadata"]["namespace"]
    small.add(b.pod(namespace, "newcomer", containers=[b.container("app", "busybox")]))

    with _connection_killed_before_writing(engine, "pods") as killed:
        outcome = sync_now(card.id, open_session, keyring, settings)

    assert killed
    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("error", "error")
    assert cluster.last_error.startswith("this sync could not be stored")
    assert (cluster.syncs_failed, cluster.syncs_total) == (1, syncs_before + 1)
    assert cluster.last_success_at == success_before
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12  # the failed write left nothing

    outcome = sync_now(card.id, open_session, keyring, settings)  # on a fresh connection

    assert outcome.status == "healthy"
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 13


# ---------------------------------------------------------------- refused credentials


def test_a_token_refused_on_a_list_is_an_auth_failure_that_backs_off(
    register, small, session, open_session, keyring, settings
):
    card = register(small)
    before = _reread(session, card.id).last_success_at
    small.inject(Fault(path="/api/v1/pods", status=401))

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("auth_failed", "auth_failed")
    assert cluster.last_error == "the token was rejected (401 Unauthorized)"
    assert cluster.consecutive_auth_failures == 1 and cluster.backoff_until > cluster.last_sync_at
    assert cluster.last_success_at == before
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12


def test_403_on_every_list_is_an_auth_failure_that_backs_off(
    register, small, session, open_session, keyring, settings
):
    card = register(small)
    small.rules = ()  # /version and /readyz still answer: they are not resources

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("auth_failed", "auth_failed")
    assert "may not list any of the kinds the console reads (403 Forbidden)" in cluster.last_error
    assert cluster.consecutive_auth_failures == 1 and cluster.backoff_until is not None
    assert count_rows(session, Workload, card.id, *LIVE_DEPLOYMENTS) == 5


def test_403_on_some_kinds_is_degraded_and_names_them(
    register, small, session, open_session, keyring, settings
):
    card = register(small)
    small.rules = (
        Rule(READ, ("",), ("namespaces", "nodes", "pods", "persistentvolumeclaims")),
        Rule(READ, ("metrics.k8s.io",), ("pods", "nodes")),
    )

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("degraded", "degraded")
    assert cluster.last_error == (
        "the credential may not read deployments, statefulsets, daemonsets, replicasets, jobs, "
        "secrets (Helm releases) (403 Forbidden)"
    )
    assert cluster.backoff_until is None and cluster.consecutive_auth_failures == 0
    assert count_rows(session, Workload, card.id, *LIVE_DEPLOYMENTS) == 5
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12


# ---------------------------------------------------------------- nothing read at all


@pytest.mark.parametrize("status", [500, 503])
def test_a_sync_in_which_no_list_succeeds_fails_and_the_data_shows_as_stale(
    register, small, session, open_session, keyring, settings, status
):
    card = register(small)
    before = _reread(session, card.id).last_success_at
    small.inject(Fault(path="/api", status=status))  # every list; /version and /readyz answer

    outcome = sync_now(card.id, open_session, keyring, settings)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("error", "error")
    assert cluster.last_error.startswith("no list could be read: ")
    assert f"returned {status}" in cluster.last_error
    assert (cluster.last_success_at, cluster.syncs_failed) == (before, 1)
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12

    (shown,) = list_clusters(session=session, org_id=register.org.id)
    assert shown.data_stale and shown.last_success_at == before.isoformat()
    overview = explore.cluster_overview(session=session, org_id=register.org.id, cluster_id=card.id)
    assert cluster_view(overview, sync_interval_seconds=30, now=cluster.last_sync_at).data_stale
    # The figures are as old as the last success, not the last attempt: stale once that is more
    # than two intervals ago, however recent the failed attempt.
    later = before + dt.timedelta(seconds=61)
    view = cluster_view(overview, sync_interval_seconds=30, now=later)
    assert (view.stale, view.last_attempt_failed, view.last_success_at) == (
        True,
        True,
        before.isoformat(),
    )
    assert view.last_sync_at == cluster.last_sync_at.isoformat() != view.last_success_at
    assert not cluster_view(overview, sync_interval_seconds=60, now=later).stale


def test_a_healthy_cluster_is_not_stale(register, small, session):
    card = register(small)

    (shown,) = list_clusters(session=session, org_id=register.org.id)
    assert not shown.data_stale
    overview = explore.cluster_overview(session=session, org_id=register.org.id, cluster_id=card.id)
    view = cluster_view(overview, sync_interval_seconds=30, now=dt.datetime.now(dt.UTC))
    assert not view.data_stale and not view.stale and not view.last_attempt_failed


# ---------------------------------------------------------------- the time budget


@pytest.mark.parametrize(
    "fault",
    [Fault(path="/api/v1/pods", delay=3.0), Fault(path="/api/v1/nodes", trickle=4.0)],
    ids=["late answer", "answer trickling in"],
)
def test_a_sync_over_its_budget_is_abandoned_and_recorded_as_timed_out(
    register, small, session, open_session, keyring, settings, fault
):
    card = register(small)
    before = _reread(session, card.id).last_success_at
    small.inject(fault)

    outcome = sync_now(card.id, open_session, keyring, settings, budget_seconds=1.0)

    cluster = _reread(session, card.id)
    assert (outcome.status, cluster.status) == ("unreachable", "unreachable")
    assert cluster.last_error.startswith("timed out after 1 s")
    assert (cluster.last_success_at, cluster.syncs_failed) == (before, 1)
    assert cluster.backoff_until is None
    assert count_rows(session, Pod, card.id, *LIVE_PODS) == 12


# ---------------------------------------------------------------- one cluster registered twice


def test_the_same_cluster_is_refused_under_another_name(register, small, session):
    register(small, name="prod-eu")

    with pytest.raises(Conflict, match="already registered as prod-eu"):
        register(small, name="prod-eu-again")

    assert [c.name for c in list_clusters(session=session, org_id=register.org.id)] == ["prod-eu"]


def test_the_same_cluster_behind_another_address_is_known_by_its_kube_system_uid(
    register, fake_kube, small, session
):
    register(small, name="prod-eu")
    alias = fake_kube.add_cluster(
        generate_cluster("faulty-alias", seed=99, namespaces=3, nodes=1, deployments=1, pods=2)
    )
    kube_system_uid = small.get("Namespace", "", "kube-system")["metadata"]["uid"]
    alias.update(
        "Namespace", "", "kube-system", lambda ns: ns["metadata"].update(uid=kube_system_uid)
    )

    with pytest.raises(Conflict, match="already registered as prod-eu"):
        register(alias, name="prod-eu-alias")


def test_without_namespaces_the_address_and_ca_identify_the_cluster(register, small):
    small.rules = (Rule(READ, ("",), ("nodes", "pods")), Rule(READ, ("apps",), ("deployments",)))
    register(small, name="prod-eu")

    with pytest.raises(Conflict, match="already registered as prod-eu"):
        register(small, name="prod-eu-again")


def test_a_credential_replaced_by_one_of_another_registered_cluster_is_refused(
    register, fake_kube, small, open_session, keyring, settings, fake_credentials
):
    register(small, name="prod-eu")
    other = fake_kube.add_cluster(
        generate_cluster("faulty-other", seed=98, namespaces=3, nodes=1, deployments=1, pods=2)
    )
    card = register(other, name="staging")

    with pytest.raises(Conflict, match="already registered as prod-eu"):
        update_cluster(
            open_session=open_session,
            org_id=register.org.id,
            cluster_id=card.id,
            name="staging",
            environment="staging",
            kubeconfig=kubeconfig_yaml(fake_credentials(small)),
            context=None,
            acknowledge_insecure_tls=False,
            keyring=keyring,
            settings=settings,
        )


def test_the_same_cluster_may_be_registered_in_another_organization(register, small, make):
    register(small, name="prod-eu")
    register(small, name="prod-eu", org_id=make.org().id)


def test_an_existing_duplicate_is_flagged_on_both_cards(
    register, small, session, open_session, keyring, settings, fake_credentials
):
    register(small, name="first")
    with open_session() as writing:  # registered before duplicates were refused
        second = Cluster(org_id=register.org.id, name="second")
        writing.add(second)
        writing.flush()
        store_credential(cluster=second, credentials=fake_credentials(small), keyring=keyring)
        writing.add(second)
    sync_now(second.id, open_session, keyring, settings)

    cards = {card.name: card for card in list_clusters(session=session, org_id=register.org.id)}
    assert (cards["first"].duplicate_of, cards["second"].duplicate_of) == ("second", "first")
    shown = get_cluster(session=session, org_id=register.org.id, cluster_id=second.id)
    assert shown.duplicate_of == "first"


def test_registration_reads_the_cluster_once(register, fake_kube, small):
    register(small)

    pod_lists = [r for r in fake_kube.requests(small.name) if r.path == "/api/v1/pods"]
    assert len(pod_lists) == 1
