"""fetch_snapshot / fetch_version / check_permissions against the fake API server."""

import base64
import dataclasses
import datetime as dt
import gzip
import logging
import socket

import pytest

from kube_console.kube.client import build_api_client
from kube_console.kube.fetch import (
    ClusterAuthFailed,
    ClusterError,
    ClusterUnreachable,
    check_permissions,
    fetch_snapshot,
    fetch_version,
)
from tests.fakekube import (
    CLUSTER_ADMIN,
    HELM_SECRET_MARKER,
    READ_ONLY,
    SECRETS_READER,
    FakeCluster,
    Fault,
    generate_cluster,
    silent_endpoint,
)
from tests.fakekube import builders as b

UTC = dt.UTC
LIST_KINDS = ("namespaces", "nodes", "deployments", "statefulsets", "daemonsets", "pods", "pvcs")


def _snapshot(fake_kube, cluster, **options):
    read_timeout = options.pop("read_timeout", 10.0)
    api_client = build_api_client(fake_kube.credentials_for(cluster), read_timeout=read_timeout)
    return fetch_snapshot(api_client, **options)


def _paths(fake_kube, cluster_name):
    return [r.path for r in fake_kube.requests(cluster_name)]


@pytest.fixture
def handmade(fake_kube) -> FakeCluster:
    """A cluster built object by object, so every expected value is written out here."""
    cluster = FakeCluster("handmade")
    at = "2026-01-05T10:00:00Z"
    cluster.add(b.namespace("shop", labels={"team": "web", "cost-center": "cc-7"}, created=at))
    cluster.add(
        b.node(
            "node-a",
            labels={
                "node.kubernetes.io/instance-type": "m5.xlarge",
                "topology.kubernetes.io/region": "eu-west-1",
                "topology.kubernetes.io/zone": "eu-west-1b",
                "karpenter.sh/capacity-type": "spot",
                "node-role.kubernetes.io/worker": "",
            },
            provider_id="aws:///eu-west-1b/i-0abc",
            cpu="4",
            memory="16Gi",
            allocatable_cpu="3920m",
            taints=[b.taint("dedicated", "NoSchedule", "web")],
        )
    )
    web_containers = [
        b.container(
            "web",
            "ghcr.io/acme/web:1.2.3",
            requests={"cpu": "250m", "memory": "64Mi"},
            limits={"cpu": "500m", "memory": "128Mi"},
        ),
        b.container("proxy", "envoyproxy/envoy:v1.31.2", sidecar=True),
    ]
    web = cluster.add(b.deployment("shop", "web", containers=web_containers, replicas=2, ready=1))
    web_rs = cluster.add(b.replicaset(web))
    cluster.add(
        b.pod(
            "shop",
            "web-1",
            containers=web_containers,
            owner=web_rs,
            node_name="node-a",
            restarts=[2, 1],
            labels={"app": "web"},
            uid="pod-web-1",
        )
    )
    cluster.add(
        b.pod(
            "shop",
            "web-2",
            containers=web_containers,
            owner=web_rs,
            node_name="node-a",
            waiting_reason="CrashLoopBackOff",
        )
    )
    report = [b.container("report", "ghcr.io/acme/report:2", requests={"cpu": "1"})]
    cron = cluster.add(b.cronjob("shop", "nightly", containers=report))
    job = cluster.add(b.job("shop", "nightly-29000000", containers=report, owner=cron))
    cluster.add(
        b.pod("shop", "nightly-29000000-x1", containers=report, owner=job, phase="Succeeded")
    )
    db_containers = [b.container("db", "postgres:17", requests={"memory": "1Gi"})]
    db = cluster.add(b.statefulset("shop", "db", containers=db_containers, replicas=1))
    cluster.add(b.pod("shop", "db-0", containers=db_containers, owner=db, pvc_claims=["data-db-0"]))
    cluster.add(b.pvc("shop", "data-db-0", request="10Gi", capacity="12Gi", storage_class="gp3"))
    cluster.add(b.pvc("shop", "scratch", request="500M", phase="Pending", storage_class=None))
    cluster.add(b.pod("shop", "debug", containers=[b.container("sh", "busybox:1.36")]))
    cluster.add(
        b.pod_metrics(
            cluster.get("Pod", "shop", "web-1"),
            [("125000000n", "50Mi"), ("2m", "10Mi")],
            timestamp=at,
        )
    )
    cluster.add(b.node_metrics("node-a", "1500m", "6Gi", timestamp=at))
    return fake_kube.add_cluster(cluster)


# ---------------------------------------------------------------- records


def test_snapshot_records_hold_exactly_what_the_cluster_holds(fake_kube, handmade):
    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.errors == {}
    assert snapshot.version["gitVersion"] == "v1.31.13-eks-ecaa3a6"
    assert {"apps", "batch", "metrics.k8s.io"} <= set(snapshot.api_groups)
    [namespace] = snapshot.namespaces
    assert namespace.labels == {
        "kubernetes.io/metadata.name": "shop",
        "team": "web",
        "cost-center": "cc-7",
    }
    assert (namespace.phase, namespace.created_at) == (
        "Active",
        dt.datetime(2026, 1, 5, 10, tzinfo=UTC),
    )

    [node] = snapshot.nodes
    assert (node.capacity_cpu_cores, node.allocatable_cpu_cores) == (4.0, 3.92)
    assert node.capacity_memory_bytes == 16 * 2**30
    assert (node.instance_type, node.region, node.zone) == ("m5.xlarge", "eu-west-1", "eu-west-1b")
    assert node.spot is True
    assert node.roles == ["worker"]
    assert [(t.key, t.value, t.effect) for t in node.taints] == [("dedicated", "web", "NoSchedule")]

    [web] = snapshot.deployments
    assert (web.replicas_desired, web.replicas_ready, web.replicas_available) == (2, 1, 1)
    assert web.selector == {"app": "web"}
    [db] = snapshot.statefulsets
    assert db.containers[0].memory_request_bytes == 2**30
    assert snapshot.daemonsets == []


def test_pods_carry_owners_requests_states_and_claims(fake_kube, handmade):
    pods = {pod.name: pod for pod in _snapshot(fake_kube, handmade).pods}

    assert set(pods) == {"web-1", "web-2", "nightly-29000000-x1", "db-0", "debug"}
    web_1 = pods["web-1"]
    assert (web_1.owner_kind, web_1.owner_name) == ("Deployment", "web")
    assert web_1.owner_uid == handmade.get("Deployment", "shop", "web")["metadata"]["uid"]
    assert web_1.uid == "pod-web-1"
    assert web_1.node_name == "node-a"
    assert web_1.restarts == 3
    app, proxy = web_1.containers
    assert (app.cpu_request_cores, app.memory_request_bytes) == (0.25, 64 * 2**20)
    assert (app.cpu_limit_cores, app.memory_limit_bytes) == (0.5, 128 * 2**20)
    assert (proxy.cpu_request_cores, proxy.memory_request_bytes) == (None, None)
    assert (app.state, app.restarts, proxy.restarts) == ("running", 2, 1)
    assert web_1.qos_class == "Burstable"

    assert pods["web-2"].containers[0].state == "waiting:CrashLoopBackOff"
    job_pod = pods["nightly-29000000-x1"]
    assert (job_pod.owner_kind, job_pod.owner_name) == ("CronJob", "nightly")
    assert job_pod.containers[0].state == "terminated:Completed"
    assert (pods["db-0"].owner_kind, pods["db-0"].pvc_claims) == ("StatefulSet", ["data-db-0"])
    assert (pods["debug"].owner_kind, pods["debug"].owner_name) == (None, None)
    assert pods["debug"].qos_class == "BestEffort"


def test_pvcs_and_usage_are_normalized(fake_kube, handmade):
    snapshot = _snapshot(fake_kube, handmade)

    pvcs = {pvc.name: pvc for pvc in snapshot.pvcs}
    assert (pvcs["data-db-0"].requested_bytes, pvcs["data-db-0"].capacity_bytes) == (
        10 * 2**30,
        12 * 2**30,
    )
    assert (pvcs["data-db-0"].phase, pvcs["data-db-0"].storage_class) == ("Bound", "gp3")
    assert pvcs["data-db-0"].access_modes == ["ReadWriteOnce"]
    assert (pvcs["scratch"].requested_bytes, pvcs["scratch"].capacity_bytes) == (500 * 10**6, None)
    assert pvcs["scratch"].volume_name is None

    assert snapshot.metrics_available is True
    [usage] = snapshot.pod_usage
    assert (usage.namespace, usage.name) == ("shop", "web-1")
    assert [(c.name, c.cpu_cores, c.memory_bytes) for c in usage.containers] == [
        ("web", 0.125, 50 * 2**20),
        ("proxy", 0.002, 10 * 2**20),
    ]
    assert usage.timestamp == dt.datetime(2026, 1, 5, 10, tzinfo=UTC)
    [node_usage] = snapshot.node_usage
    assert (node_usage.name, node_usage.cpu_cores, node_usage.memory_bytes) == (
        "node-a",
        1.5,
        6 * 2**30,
    )


def test_a_generated_cluster_comes_back_complete_and_paged_500_at_a_time(fake_kube):
    cluster = fake_kube.add_cluster(
        generate_cluster("paged", seed=3, namespaces=12, nodes=4, deployments=20, pods=1234)
    )

    snapshot = _snapshot(fake_kube, cluster)

    assert snapshot.errors == {}
    expected = {
        "namespaces": "Namespace",
        "nodes": "Node",
        "deployments": "Deployment",
        "statefulsets": "StatefulSet",
        "daemonsets": "DaemonSet",
        "pods": "Pod",
        "pvcs": "PersistentVolumeClaim",
    }
    for field, kind in expected.items():
        uids = {record.uid for record in getattr(snapshot, field)}
        assert uids == {obj["metadata"]["uid"] for obj in cluster.objects(kind)}, field
    assert len(snapshot.pods) == 1234
    assert len(snapshot.pod_usage) == cluster.count("PodMetrics")

    pod_lists = [r for r in fake_kube.requests("paged") if r.path == "/api/v1/pods"]
    assert [r.query.get("limit") for r in pod_lists] == ["500", "500", "500"]
    assert "continue" not in pod_lists[0].query
    assert all(r.query.get("continue") for r in pod_lists[1:])
    assert all(r.status == 200 for r in pod_lists)
    every_list = [
        r for r in fake_kube.requests("paged") if r.path.startswith(("/api/v1/", "/apis/"))
    ]
    assert all(r.query.get("limit") in ("500", "100") for r in every_list)


# ---------------------------------------------------------------- failures


def test_a_rejected_token_is_an_auth_failure_in_plain_words(fake_kube, handmade):
    handmade.inject(Fault(path="/version", status=401))

    with pytest.raises(ClusterAuthFailed, match=r"^the token was rejected \(401 Unauthorized\)$"):
        _snapshot(fake_kube, handmade)


def test_a_forbidden_version_call_is_an_auth_failure(fake_kube, handmade):
    handmade.inject(Fault(path="/version", status=403))

    with pytest.raises(ClusterAuthFailed, match=r"not allowed to read /version \(403 Forbidden\)"):
        fetch_version(build_api_client(fake_kube.credentials_for(handmade)))


def test_a_revoked_token_is_rejected_by_the_server(fake_kube, handmade):
    api_client = build_api_client(fake_kube.credentials_for(handmade))
    handmade.tokens = {"a-newer-token": "fakekube-admin"}

    with pytest.raises(ClusterAuthFailed, match=r"token was rejected \(401"):
        fetch_snapshot(api_client)


def test_a_server_error_on_version_is_fatal(fake_kube, handmade):
    handmade.inject(Fault(path="/version", status=500))

    with pytest.raises(ClusterError, match=r"^the API server returned 500 for /version$"):
        _snapshot(fake_kube, handmade)


def test_a_dropped_connection_is_reported_as_unreachable(fake_kube, handmade):
    handmade.inject(Fault(path="/version", drop_connection=True))

    with pytest.raises(ClusterUnreachable, match=r"was dropped before /version was answered"):
        _snapshot(fake_kube, handmade)


def test_a_refused_connection_names_the_address(fake_kube, handmade):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    creds = dataclasses.replace(
        fake_kube.credentials_for(handmade), server=f"https://127.0.0.1:{closed_port}"
    )

    with pytest.raises(
        ClusterUnreachable, match=rf"^connection refused by 127.0.0.1:{closed_port}$"
    ):
        fetch_version(build_api_client(creds))


def test_a_failing_list_leaves_that_kind_none_and_the_others_complete(fake_kube, handmade):
    handmade.inject(Fault(path="/api/v1/pods", status=500))

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.pods is None
    assert snapshot.errors == {"pods": "the API server returned 500 for /api/v1/pods"}
    assert all(getattr(snapshot, kind) is not None for kind in LIST_KINDS if kind != "pods")
    assert snapshot.pod_usage is not None


def test_a_list_answered_without_items_is_that_kinds_error(fake_kube, handmade):
    handmade.inject(Fault(path="/apis/apps/v1/deployments", omit_items=True))

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.deployments is None
    assert snapshot.errors == {
        "deployments": "the API server sent a list for /apis/apps/v1/deployments that can't be "
        "read (Object missing required field `items`)"
    }


def test_a_token_rejected_on_one_list_fails_the_fetch_and_stops_its_requests(fake_kube, handmade):
    handmade.inject(Fault(path="/apis/apps/v1/replicasets", status=401))

    with pytest.raises(ClusterAuthFailed, match=r"^the token was rejected \(401 Unauthorized\)$"):
        _snapshot(fake_kube, handmade)

    assert "/api/v1/pods" not in _paths(fake_kube, "handmade")  # started after the 401


def test_403_on_every_list_fails_the_fetch_as_an_auth_failure(fake_kube, handmade):
    handmade.rules = ()

    with pytest.raises(
        ClusterAuthFailed, match=r"may not list any of the kinds .* \(403 Forbidden\)$"
    ):
        _snapshot(fake_kube, handmade)


def test_403_on_some_lists_names_what_may_not_be_read(fake_kube, handmade):
    handmade.rules = (*READ_ONLY[:1], *READ_ONLY[2:])  # no apps

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.forbidden == {
        "deployments": "deployments",
        "statefulsets": "statefulsets",
        "daemonsets": "daemonsets",
        "replicasets": "replicasets",
        "helm_releases": "secrets (Helm releases)",
    }
    assert (
        snapshot.errors["deployments"] == "the credential may not list deployments (403 Forbidden)"
    )
    assert snapshot.pods is not None


def test_a_fetch_in_which_no_list_succeeds_fails(fake_kube, handmade):
    handmade.inject(Fault(path="/api", status=503))

    with pytest.raises(
        ClusterError, match=r"^no list could be read: namespaces: the API server returned 503"
    ):
        _snapshot(fake_kube, handmade)


def test_truncated_json_is_reported_not_raised(fake_kube, handmade):
    handmade.inject(Fault(path="/api/v1/nodes", truncate_json=True))

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.nodes is None
    assert snapshot.errors["nodes"] == (
        "the API server sent a response for /api/v1/nodes that is not valid JSON"
    )
    assert snapshot.pods is not None


def test_a_slow_list_times_out_with_the_read_timeout(fake_kube, handmade):
    handmade.inject(Fault(path="/apis/apps/v1/daemonsets", delay=1.0))

    snapshot = _snapshot(fake_kube, handmade, read_timeout=0.3)

    assert snapshot.daemonsets is None
    assert snapshot.errors == {
        "daemonsets": "timed out after 0.3 s waiting for /apis/apps/v1/daemonsets"
    }
    assert snapshot.pods is not None


def test_a_list_failing_halfway_is_dropped_whole(fake_kube):
    cluster = fake_kube.add_cluster(
        generate_cluster("halfway", seed=5, namespaces=6, nodes=3, deployments=8, pods=1100)
    )
    cluster.inject(Fault(path="/api/v1/pods", status=500, after_pages=2))

    snapshot = _snapshot(fake_kube, cluster)

    assert snapshot.pods is None
    assert snapshot.errors == {"pods": "the API server returned 500 for /api/v1/pods"}
    statuses = [r.status for r in fake_kube.requests("halfway") if r.path == "/api/v1/pods"]
    assert statuses == [200, 200, 500]
    assert len(snapshot.namespaces) == 6 and len(snapshot.nodes) == 3
    assert len(snapshot.pod_usage) == cluster.count("PodMetrics")


def test_an_expired_continue_token_restarts_the_list_once(fake_kube):
    cluster = fake_kube.add_cluster(
        generate_cluster("expiry", seed=6, namespaces=6, nodes=3, deployments=8, pods=1100)
    )
    cluster.inject(Fault(path="/api/v1/pods", status=410, after_pages=1, times=1))

    snapshot = _snapshot(fake_kube, cluster)

    assert len(snapshot.pods) == 1100
    assert "pods" not in snapshot.errors
    pod_lists = [r for r in fake_kube.requests("expiry") if r.path == "/api/v1/pods"]
    assert [(r.status, "continue" in r.query) for r in pod_lists] == [
        (200, False),
        (410, True),
        (200, False),
        (200, True),
        (200, True),
    ]


def test_a_list_slower_than_the_budget_abandons_the_whole_fetch(fake_kube, handmade):
    handmade.inject(Fault(path="/api/v1/nodes", delay=1.5))

    with pytest.raises(ClusterUnreachable, match=r"^timed out after 1 s, the time one sync"):
        _snapshot(fake_kube, handmade, budget_seconds=1.0)

    answered = {(r.path, r.status) for r in fake_kube.requests("handmade")}
    assert ("/api/v1/pods", 200) in answered  # the others were fetched beside it


def test_the_budget_stops_new_requests_and_abandons_the_fetch(fake_kube, handmade):
    handmade.inject(Fault(path="/", delay=0.3))  # every request answers 0.3 s late

    with pytest.raises(ClusterUnreachable, match=r"^timed out after 0.5 s"):
        _snapshot(fake_kube, handmade, budget_seconds=0.5)

    assert "/api/v1/pods" not in _paths(fake_kube, "handmade")  # pods wait for their owners


def test_an_answer_trickling_in_past_the_budget_is_abandoned(fake_kube, handmade):
    handmade.inject(Fault(path="/api/v1/nodes", trickle=3.0))  # each read well within its timeout

    with pytest.raises(ClusterUnreachable, match=r"^timed out after 0.5 s"):
        _snapshot(fake_kube, handmade, budget_seconds=0.5)


def test_a_stalled_tls_handshake_names_the_connect_timeout(fake_kube, handmade):
    with silent_endpoint() as server:
        port = server.rsplit(":", 1)[1]
        creds = dataclasses.replace(fake_kube.credentials_for(handmade), server=server)
        api_client = build_api_client(creds, connect_timeout=0.4, read_timeout=5.0)

        with pytest.raises(
            ClusterUnreachable, match=rf"^could not connect to 127.0.0.1:{port} within 0.4 s$"
        ):
            fetch_version(api_client)


def test_bad_quantities_in_a_pod_are_skipped_counted_and_logged(fake_kube, handmade, caplog):
    bad = b.container("bad", "busybox", requests={"cpu": "1.2.3", "memory": "64Mi"})
    handmade.add(b.pod("shop", "broken", containers=[bad], node_name="node-a"))

    with caplog.at_level(logging.WARNING):
        snapshot = _snapshot(fake_kube, handmade)

    broken = next(pod for pod in snapshot.pods if pod.name == "broken")
    assert broken.containers[0].cpu_request_cores is None
    assert broken.containers[0].memory_request_bytes == 64 * 2**20
    assert snapshot.skipped_quantities == 1
    assert "pods" not in snapshot.errors
    assert "pod shop/broken container bad" in caplog.text


# ---------------------------------------------------------------- metrics and health


def test_a_cluster_without_metrics_api_is_not_an_error(fake_kube):
    cluster = fake_kube.add_cluster(
        generate_cluster(
            "nometrics", seed=2, namespaces=5, nodes=2, deployments=3, pods=10, with_metrics=False
        )
    )

    snapshot = _snapshot(fake_kube, cluster)

    assert snapshot.metrics_available is False
    assert (snapshot.pod_usage, snapshot.node_usage) == (None, None)
    assert snapshot.errors == {}
    assert "metrics.k8s.io" not in snapshot.api_groups
    assert not any("metrics.k8s.io" in path for path in _paths(fake_kube, "nometrics"))


def test_metrics_missing_despite_discovery_is_unavailable_not_an_error(fake_kube, handmade):
    handmade.inject(Fault(path="/apis/metrics.k8s.io", status=404))

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.metrics_available is False
    assert snapshot.pod_usage is None and snapshot.errors == {}


def test_health_reports_each_readyz_check(fake_kube, handmade):
    handmade.failing_checks = {"etcd"}

    health = _snapshot(fake_kube, handmade).health

    assert (health.ok, health.endpoint) == (False, "readyz")
    checks = {check.name: check.ok for check in health.checks}
    assert checks["etcd"] is False and checks["ping"] is True
    assert len(checks) == len(handmade.readyz_checks)
    assert health.api_latency_ms > 0


def test_health_falls_back_to_healthz_where_readyz_is_missing(fake_kube, handmade):
    handmade.readyz_available = False

    snapshot = _snapshot(fake_kube, handmade)

    assert (snapshot.health.ok, snapshot.health.endpoint) == (True, "healthz")
    assert "health" not in snapshot.errors


# ---------------------------------------------------------------- helm


def _add_release(cluster, name, statuses, chart="redis", values=None):
    for revision, status in enumerate(statuses, start=1):
        cluster.add(
            b.helm_release_secret(
                "shop",
                name,
                revision,
                chart=chart,
                chart_version=f"20.{revision}.0",
                app_version="7.4.1",
                status=status,
                values=values or {"auth": {"password": f"{HELM_SECRET_MARKER}{name}-{revision}"}},
                last_deployed=f"2026-01-0{revision}T08:00:00.123456789+02:00",
            )
        )


def test_each_helm_release_is_its_latest_revision_with_its_history(fake_kube, handmade):
    _add_release(handmade, "cache", ["superseded", "superseded", "deployed"])
    _add_release(handmade, "queue", ["deployed", "failed"], chart="rabbitmq")
    handmade.add(b.opaque_secret("shop", "db-password", {"password": b"hunter2"}))

    releases = sorted(_snapshot(fake_kube, handmade).helm_releases, key=lambda r: r.name)

    assert [(r.name, r.revision, r.status, r.chart, r.chart_version) for r in releases] == [
        ("cache", 3, "deployed", "redis", "20.3.0"),
        ("queue", 2, "failed", "rabbitmq", "20.2.0"),
    ]
    cache = releases[0]
    assert cache.namespace == "shop" and cache.app_version == "7.4.1"
    assert cache.updated_at == dt.datetime(2026, 1, 3, 6, 0, 0, 123457, tzinfo=UTC)
    assert (
        cache.secret_uid
        == handmade.get("Secret", "shop", "sh.helm.release.v1.cache.v3")["metadata"]["uid"]
    )
    [secrets_list] = [r for r in fake_kube.requests("handmade") if r.path == "/api/v1/secrets"]
    assert secrets_list.query["fieldSelector"] == "type=helm.sh/release.v1"
    assert secrets_list.query["labelSelector"] == "owner=helm"
    assert [
        (h.revision, h.status, h.chart_version, h.description, h.updated_at.day)
        for h in cache.history
    ] == [
        (3, "deployed", "20.3.0", "Upgrade complete", 3),
        (2, "superseded", "20.2.0", "Upgrade complete", 2),
        (1, "superseded", "20.1.0", "Install complete", 1),
    ]
    assert cache.description == "Upgrade complete"
    assert [h.revision for h in releases[1].history] == [2, 1]


def test_helm_values_never_reach_the_snapshot(fake_kube):
    cluster = fake_kube.add_cluster(
        generate_cluster(
            "helm", seed=9, namespaces=8, nodes=2, deployments=4, pods=12, helm_releases=6
        )
    )
    payloads = [
        gzip.decompress(base64.b64decode(base64.b64decode(secret["data"]["release"])))
        for secret in cluster.objects("Secret")
        if secret["type"] == "helm.sh/release.v1"
    ]
    assert all(HELM_SECRET_MARKER.encode() in payload for payload in payloads)

    snapshot = _snapshot(fake_kube, cluster)

    assert len(snapshot.helm_releases) == 6
    assert HELM_SECRET_MARKER not in repr(snapshot)
    assert "postgres://" not in repr(snapshot)


def test_forbidden_secrets_leave_helm_releases_none_with_a_reason(fake_kube, handmade):
    handmade.rules = READ_ONLY

    snapshot = _snapshot(fake_kube, handmade)

    assert snapshot.helm_releases is None
    assert snapshot.errors == {
        "helm_releases": "the credential may not list Secrets (403 Forbidden), "
        "so Helm releases cannot be read"
    }
    assert snapshot.pods is not None


# ---------------------------------------------------------------- permissions


def test_a_read_only_service_account_gets_no_warnings_about_writes(fake_kube, handmade):
    handmade.rules = READ_ONLY

    report = check_permissions(build_api_client(fake_kube.credentials_for(handmade)))

    assert (report.can_write, report.can_read_secrets) == (False, False)
    assert report.cannot_list == [] and report.warnings == []


def test_a_cluster_admin_is_warned_about_writes_and_secrets(fake_kube, handmade):
    handmade.rules = CLUSTER_ADMIN

    report = check_permissions(build_api_client(fake_kube.credentials_for(handmade)))

    assert (report.can_write, report.can_read_secrets) == (True, True)
    assert "delete namespaces" in report.warnings[0]
    assert "read-only ServiceAccount" in report.warnings[0]
    assert "get and list Secrets" in report.warnings[1]


def test_a_secrets_reader_is_warned_about_secrets_only(fake_kube, handmade):
    handmade.rules = SECRETS_READER

    report = check_permissions(build_api_client(fake_kube.credentials_for(handmade)))

    assert (report.can_write, report.can_read_secrets) == (False, True)
    assert len(report.warnings) == 1


def test_kinds_the_credential_cannot_list_are_named(fake_kube, handmade):
    handmade.rules = READ_ONLY[1:]

    report = check_permissions(build_api_client(fake_kube.credentials_for(handmade)))

    assert report.cannot_list == ["namespaces", "nodes", "pods", "persistentvolumeclaims"]
    assert "cannot list namespaces, nodes, pods, persistentvolumeclaims" in report.warnings[0]
    reviews = [r for r in fake_kube.requests("handmade") if r.method == "POST"]
    assert reviews and all(r.status == 201 for r in reviews)
