"""The fake API server itself: what the official client sees of it, and what tests can steer."""

import statistics
import threading
import time

import kubernetes.client
import orjson
import pytest
import urllib3
from kubernetes.client.exceptions import ApiException

from kube_console.kube.client import build_api_client
from kube_console.kube.fetch import fetch_snapshot
from tests.fakekube import (
    PROVIDERS,
    READ_ONLY,
    FakeCluster,
    FakeKubeProcess,
    Fault,
    generate_cluster,
)
from tests.fakekube import builders as b

LIST_CALLS = [
    ("Namespace", "CoreV1Api", "list_namespace"),
    ("Node", "CoreV1Api", "list_node"),
    ("Pod", "CoreV1Api", "list_pod_for_all_namespaces"),
    ("PersistentVolumeClaim", "CoreV1Api", "list_persistent_volume_claim_for_all_namespaces"),
    ("Secret", "CoreV1Api", "list_secret_for_all_namespaces"),
    ("Deployment", "AppsV1Api", "list_deployment_for_all_namespaces"),
    ("StatefulSet", "AppsV1Api", "list_stateful_set_for_all_namespaces"),
    ("DaemonSet", "AppsV1Api", "list_daemon_set_for_all_namespaces"),
    ("ReplicaSet", "AppsV1Api", "list_replica_set_for_all_namespaces"),
    ("Job", "BatchV1Api", "list_job_for_all_namespaces"),
    ("CronJob", "BatchV1Api", "list_cron_job_for_all_namespaces"),
]


@pytest.fixture
def cluster(fake_kube) -> FakeCluster:
    return fake_kube.add_cluster(
        generate_cluster(
            "fleet-a",
            seed=11,
            namespaces=10,
            nodes=4,
            deployments=12,
            pods=120,
            statefulsets=3,
            cronjobs=2,
            helm_releases=4,
        )
    )


@pytest.fixture
def api(fake_kube, cluster) -> kubernetes.client.ApiClient:
    return build_api_client(fake_kube.credentials_for(cluster))


def _raw_get(fake_kube, cluster, path, *, token=None, **query):
    """One GET with no retries, authenticated with the cluster's token unless told otherwise."""
    http = urllib3.PoolManager(
        cert_reqs="CERT_REQUIRED", ca_cert_data=fake_kube.ca.cert_pem.decode(), retries=False
    )
    return http.request(
        "GET",
        fake_kube.url_for(cluster) + path,
        fields=query or None,
        headers={"Authorization": f"Bearer {token or cluster.token}"},
    )


# ---------------------------------------------------------------- the official client's view


@pytest.mark.parametrize(("kind", "api_class", "method"), LIST_CALLS)
def test_every_kind_passes_the_official_clients_strict_models(
    cluster, api, kind, api_class, method
):
    listed = getattr(getattr(kubernetes.client, api_class)(api), method)(limit=500)

    assert len(listed.items) == cluster.count(kind) > 0
    assert type(listed).__name__ == f"V1{kind}List"
    assert listed.metadata.resource_version == str(cluster.resource_version)


def test_a_page_deserializes_with_apiclient_deserialize(fake_kube, cluster):
    body = _raw_get(fake_kube, cluster, "/api/v1/pods", limit="50").data.decode()

    page = kubernetes.client.ApiClient().deserialize(body, "V1PodList", "application/json")

    assert len(page.items) == 50
    assert page.items[0].metadata.managed_fields[0].manager == "kube-controller-manager"
    assert page.metadata.remaining_item_count == 70


def test_single_objects_are_served_by_name(cluster, api):
    core = kubernetes.client.CoreV1Api(api)
    pod = cluster.objects("Pod")[7]
    node = cluster.objects("Node")[1]

    fetched = core.read_namespaced_pod(pod["metadata"]["name"], pod["metadata"]["namespace"])
    assert fetched.metadata.uid == pod["metadata"]["uid"]
    assert core.read_node(node["metadata"]["name"]).metadata.uid == node["metadata"]["uid"]
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_pod("no-such-pod", "default")
    assert missing.value.status == 404


def test_namespaced_lists_hold_only_that_namespace(cluster, api):
    namespace = cluster.objects("Pod")[0]["metadata"]["namespace"]

    listed = kubernetes.client.CoreV1Api(api).list_namespaced_pod(namespace)

    assert {p.metadata.namespace for p in listed.items} == {namespace}
    assert len(listed.items) == len(cluster.objects("Pod", namespace=namespace))


def test_discovery_lists_groups_and_resources(cluster, api):
    groups = {g.name for g in kubernetes.client.ApisApi(api).get_api_versions().groups}
    apps = kubernetes.client.AppsApi(api)
    assert {"apps", "batch", "metrics.k8s.io", "authorization.k8s.io"} <= groups
    assert apps.get_api_group().name == "apps"
    resources = kubernetes.client.AppsV1Api(api).get_api_resources().resources
    assert {r.name for r in resources} >= {"deployments", "statefulsets", "daemonsets"}
    assert kubernetes.client.CoreApi(api).get_api_versions().versions == ["v1"]
    assert kubernetes.client.VersionApi(api).get_code().git_version == cluster.git_version


def test_metrics_api_can_be_switched_off(fake_kube, cluster, api):
    custom = kubernetes.client.CustomObjectsApi(api)
    assert (
        len(custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "nodes")["items"]) == 4
    )

    cluster.metrics_api = False

    groups = {g.name for g in kubernetes.client.ApisApi(api).get_api_versions().groups}
    assert "metrics.k8s.io" not in groups
    with pytest.raises(ApiException) as missing:
        custom.list_cluster_custom_object("metrics.k8s.io", "v1beta1", "pods")
    assert missing.value.status == 404


def test_self_subject_access_reviews_follow_the_clusters_rules(cluster, api):
    authorization = kubernetes.client.AuthorizationV1Api(api)

    def allowed(verb, resource, group=""):
        review = kubernetes.client.V1SelfSubjectAccessReview(
            spec=kubernetes.client.V1SelfSubjectAccessReviewSpec(
                resource_attributes=kubernetes.client.V1ResourceAttributes(
                    verb=verb, resource=resource, group=group
                )
            )
        )
        return authorization.create_self_subject_access_review(review).status.allowed

    assert allowed("delete", "namespaces") is True
    cluster.rules = READ_ONLY
    assert allowed("list", "pods") is True
    assert allowed("list", "deployments", "apps") is True
    assert allowed("delete", "namespaces") is False
    assert allowed("list", "secrets") is False
    with pytest.raises(ApiException) as forbidden:
        kubernetes.client.CoreV1Api(api).list_secret_for_all_namespaces()
    assert forbidden.value.status == 403


# ---------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("selector", "keeps"),
    [
        ("app=web", lambda labels: labels.get("app") == "web"),
        ("app==web", lambda labels: labels.get("app") == "web"),
        ("app!=web", lambda labels: labels.get("app") != "web"),
        (
            "tier in (frontend, backend)",
            lambda labels: labels.get("tier") in ("frontend", "backend"),
        ),
        ("tier notin (frontend)", lambda labels: labels.get("tier") != "frontend"),
        ("tier", lambda labels: "tier" in labels),
        ("!tier", lambda labels: "tier" not in labels),
        (
            "app=web,tier=frontend",
            lambda labels: labels.get("app") == "web" and labels.get("tier") == "frontend",
        ),
    ],
)
def test_label_selectors(fake_kube, selector, keeps):
    cluster = FakeCluster("labels")
    for name, labels in [
        ("a", {"app": "web", "tier": "frontend"}),
        ("b", {"app": "web", "tier": "backend"}),
        ("c", {"app": "db", "tier": "backend"}),
        ("d", {"app": "db"}),
        ("e", {}),
    ]:
        cluster.add(b.pod("default", name, containers=[b.container("c", "busybox")], labels=labels))
    fake_kube.add_cluster(cluster)
    api = build_api_client(fake_kube.credentials_for(cluster))

    listed = kubernetes.client.CoreV1Api(api).list_pod_for_all_namespaces(label_selector=selector)

    expected = [
        p["metadata"]["name"] for p in cluster.objects("Pod") if keeps(p["metadata"]["labels"])
    ]
    assert [p.metadata.name for p in listed.items] == expected


def test_field_selectors(fake_kube):
    cluster = FakeCluster("fields")
    container = [b.container("c", "busybox")]
    cluster.add(b.pod("ns1", "running-on-a", containers=container, node_name="node-a"))
    cluster.add(b.pod("ns1", "pending", containers=container, node_name=None, phase="Pending"))
    cluster.add(b.pod("ns2", "running-on-b", containers=container, node_name="node-b"))
    cluster.add(b.opaque_secret("ns1", "plain", {"k": b"v"}))
    cluster.add(
        b.helm_release_secret("ns1", "app", 1, chart="app", chart_version="1.0.0", app_version="1")
    )
    fake_kube.add_cluster(cluster)
    core = kubernetes.client.CoreV1Api(build_api_client(fake_kube.credentials_for(cluster)))

    def pods(selector):
        return [
            p.metadata.name for p in core.list_pod_for_all_namespaces(field_selector=selector).items
        ]

    assert pods("spec.nodeName=node-a") == ["running-on-a"]
    assert pods("status.phase=Pending") == ["pending"]
    assert pods("status.phase!=Pending,metadata.namespace=ns1") == ["running-on-a"]
    assert pods("metadata.name=running-on-b") == ["running-on-b"]
    helm = core.list_secret_for_all_namespaces(field_selector="type=helm.sh/release.v1").items
    assert [s.metadata.name for s in helm] == ["sh.helm.release.v1.app.v1"]
    with pytest.raises(ApiException) as unsupported:
        core.list_pod_for_all_namespaces(field_selector="spec.restartPolicy=Always")
    assert unsupported.value.status == 400


# ---------------------------------------------------------------- paging


def test_pages_carry_opaque_continue_tokens_and_remaining_counts(fake_kube, cluster):
    names, token, remaining = [], None, []
    while True:
        query = {"limit": "50", **({"continue": token} if token else {})}
        page = orjson.loads(_raw_get(fake_kube, cluster, "/api/v1/pods", **query).data)
        names += [item["metadata"]["name"] for item in page["items"]]
        remaining.append(page["metadata"].get("remainingItemCount"))
        token = page["metadata"].get("continue")
        if not token:
            break

    assert names == [p["metadata"]["name"] for p in cluster.objects("Pod")]
    assert remaining == [70, 20, None]


def test_an_unknown_or_expired_continue_token_is_410_gone(fake_kube, cluster):
    assert (
        _raw_get(fake_kube, cluster, "/api/v1/pods", limit="10", **{"continue": "garbage"}).status
        == 410
    )

    first = orjson.loads(_raw_get(fake_kube, cluster, "/api/v1/pods", limit="10").data)
    token = first["metadata"]["continue"]
    assert (
        _raw_get(fake_kube, cluster, "/api/v1/pods", limit="10", **{"continue": token}).status
        == 200
    )
    cluster.expire_continue_tokens()
    expired = _raw_get(fake_kube, cluster, "/api/v1/pods", limit="10", **{"continue": token})
    assert expired.status == 410
    assert orjson.loads(expired.data)["reason"] == "Expired"


# ---------------------------------------------------------------- clusters, faults, log


def test_many_virtual_clusters_share_one_port(fake_kube, cluster):
    other = fake_kube.add_cluster(
        generate_cluster(
            "fleet-b", seed=12, namespaces=4, nodes=2, deployments=2, pods=9, provider="gke"
        )
    )

    first = fetch_snapshot(build_api_client(fake_kube.credentials_for(cluster)))
    second = fetch_snapshot(build_api_client(fake_kube.credentials_for(other)))

    assert (len(first.pods), len(second.pods)) == (120, 9)
    assert second.version["gitVersion"].endswith("-gke.1014001")
    assert fake_kube.url_for(other).endswith("/clusters/fleet-b")
    assert _raw_get(fake_kube, FakeCluster("missing"), "/version").status == 404


def test_a_token_is_only_valid_for_its_own_cluster(fake_kube, cluster):
    other = fake_kube.add_cluster(FakeCluster("fleet-c"))

    assert _raw_get(fake_kube, other, "/version", token=cluster.token).status == 401
    assert _raw_get(fake_kube, other, "/version").status == 200


def test_faults_apply_to_their_cluster_and_path_only(fake_kube, cluster):
    quiet = fake_kube.add_cluster(FakeCluster("quiet"))
    cluster.inject(Fault(path="/api/v1/nodes", status=503))

    assert _raw_get(fake_kube, cluster, "/api/v1/nodes").status == 503
    assert _raw_get(fake_kube, cluster, "/api/v1/namespaces").status == 200
    assert _raw_get(fake_kube, quiet, "/api/v1/nodes").status == 200
    cluster.clear_faults()
    assert _raw_get(fake_kube, cluster, "/api/v1/nodes").status == 200


def test_a_fault_can_wait_for_pages_and_stop_after_some_times(fake_kube, cluster):
    cluster.inject(Fault(path="/api/v1/namespaces", status=500, after_pages=2, times=2))

    statuses = [_raw_get(fake_kube, cluster, "/api/v1/namespaces").status for _ in range(6)]

    assert statuses == [200, 200, 500, 500, 200, 200]


def test_truncated_and_dropped_answers(fake_kube, cluster):
    cluster.inject(Fault(path="/api/v1/nodes", truncate_json=True))
    cluster.inject(Fault(path="/version", drop_connection=True))

    truncated = _raw_get(fake_kube, cluster, "/api/v1/nodes")
    assert truncated.status == 200
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(truncated.data)
    with pytest.raises(urllib3.exceptions.ProtocolError):
        _raw_get(fake_kube, cluster, "/version")
    assert fake_kube.requests("fleet-a")[-1].status == 0


def test_the_request_log_records_method_path_query_and_status(fake_kube, cluster, api):
    kubernetes.client.CoreV1Api(api).list_pod_for_all_namespaces(limit=7, label_selector="app")

    [logged] = fake_kube.requests("fleet-a")
    assert (logged.method, logged.path, logged.status) == ("GET", "/api/v1/pods", 200)
    assert logged.query == {"labelSelector": "app", "limit": "7"}


def test_a_late_answer_of_a_forgotten_cluster_stays_out_of_the_log_of_its_namesake(fake_kube):
    def small_cluster() -> FakeCluster:
        return generate_cluster("reused", seed=3, namespaces=1, nodes=1, deployments=1, pods=2)

    forgotten = fake_kube.add_cluster(small_cluster())
    fault = forgotten.inject(Fault(path="/api/v1/pods", delay=1.0))
    late = threading.Thread(target=_raw_get, args=(fake_kube, forgotten, "/api/v1/pods"))
    late.start()
    for _ in range(500):  # until the server holds the request, waiting out its delay
        if fault.seen:
            break
        time.sleep(0.01)
    assert fault.seen == 1

    fake_kube.reset()  # as between two tests
    namesake = fake_kube.add_cluster(small_cluster())
    late.join()
    assert fake_kube.requests(namesake.name) == []


def test_objects_can_be_added_removed_and_relabelled_between_syncs(fake_kube, cluster, api):
    before = fetch_snapshot(api)
    gone = cluster.objects("Pod")[0]["metadata"]
    namespace = cluster.objects("Namespace")[-1]["metadata"]["name"]
    version_before = cluster.resource_version

    cluster.remove("Pod", gone["namespace"], gone["name"])
    cluster.add(b.pod(namespace, "newcomer", containers=[b.container("c", "busybox")]))
    cluster.set_labels("Namespace", "", namespace, {"team": "moved", "cost-center": "cc-1"})
    after = fetch_snapshot(api)

    assert cluster.resource_version > version_before
    before_names = {p.name for p in before.pods}
    after_names = {p.name for p in after.pods}
    assert after_names == (before_names - {gone["name"]}) | {"newcomer"}
    relabelled = next(n for n in after.namespaces if n.name == namespace)
    assert relabelled.labels == {"team": "moved", "cost-center": "cc-1"}


# ---------------------------------------------------------------- the generator


def test_generated_clusters_have_the_requested_counts():
    cluster = generate_cluster(
        "sized", seed=1, namespaces=30, nodes=12, deployments=25, pods=700, cronjobs=2
    )

    assert (cluster.count("Namespace"), cluster.count("Node")) == (30, 12)
    assert (cluster.count("Deployment"), cluster.count("Pod")) == (25, 700)
    assert cluster.count("ReplicaSet") == 25
    assert cluster.count("DaemonSet") == 3
    owners = {
        p["metadata"].get("ownerReferences", [{}])[0].get("kind") for p in cluster.objects("Pod")
    }
    assert owners >= {"ReplicaSet", "DaemonSet", "StatefulSet", "Job", None}


def test_generation_is_deterministic_per_seed():
    def build(seed):
        return generate_cluster("same", seed=seed, namespaces=8, nodes=3, deployments=6, pods=40)

    first, again, other = build(1), build(1), build(2)

    for kind in ("Pod", "Node", "Namespace", "Secret", "PodMetrics"):
        assert first.list_body(kind) == again.list_body(kind)
    assert first.list_body("Pod") != other.list_body("Pod")


def test_generated_pods_weigh_about_four_and_a_half_kilobytes():
    cluster = generate_cluster("weight", seed=1, namespaces=20, nodes=20, deployments=60, pods=1000)

    sizes = [len(orjson.dumps(p)) for p in cluster.objects("Pod")]

    assert 4000 <= statistics.mean(sizes) <= 5500
    assert all(1 <= len(p["spec"]["containers"]) <= 3 for p in cluster.objects("Pod"))
    requests = [
        c["resources"].get("requests")
        for p in cluster.objects("Pod")
        for c in p["spec"]["containers"]
    ]
    assert any(r is None for r in requests) and any(r and "cpu" in r for r in requests)


def test_namespaces_carry_team_and_cost_center_labels_with_some_missing():
    cluster = generate_cluster("labels", seed=4, namespaces=60, nodes=1, deployments=1, pods=1)
    labels = [n["metadata"]["labels"] for n in cluster.objects("Namespace")]

    assert sum("team" in keys for keys in labels) > 30
    assert any("team" not in keys for keys in labels)
    assert any("cost-center" in keys for keys in labels)
    assert any(not ({"cost-center", "cost_center"} & set(keys)) for keys in labels)


@pytest.mark.parametrize(
    ("provider", "provider_id_prefix", "version_mark", "label"),
    [
        ("eks", "aws:///", "-eks-", "eks.amazonaws.com/nodegroup"),
        ("gke", "gce://", "-gke.", "cloud.google.com/gke-nodepool"),
        ("aks", "azure:///", "v1.29.2", "kubernetes.azure.com/agentpool"),
        ("k3s", "k3s://", "+k3s", "node.kubernetes.io/instance-type"),
        ("rke2", "rke2://", "+rke2", "node.kubernetes.io/instance-type"),
        ("kind", "kind://docker/", "v1.31.0", "node-role.kubernetes.io/control-plane"),
        ("minikube", None, "v1.31.0", "minikube.k8s.io/name"),
        ("doks", "digitalocean://", "v1.30.2", "doks.digitalocean.com/node-pool"),
        ("openshift", "aws:///", "+ba5cc25", "node.kubernetes.io/instance-type"),
        ("k0s", None, "+k0s", "kubernetes.io/hostname"),
        ("aws-self-managed", "aws:///", "v1.31.2", "topology.kubernetes.io/zone"),
    ],
)
def test_provider_flavours_follow_providers_md(provider, provider_id_prefix, version_mark, label):
    cluster = generate_cluster(
        "flavour", seed=1, namespaces=6, nodes=3, deployments=2, pods=6, provider=provider
    )
    node = cluster.objects("Node")[0]

    assert version_mark in cluster.git_version
    assert label in node["metadata"]["labels"]
    provider_id = node["spec"].get("providerID")
    if provider_id_prefix is None:
        assert provider_id is None
    else:
        assert provider_id.startswith(provider_id_prefix)
    assert set(PROVIDERS) >= {provider}


def test_openshift_clusters_show_their_api_groups_and_namespaces():
    cluster = generate_cluster(
        "ocp", seed=1, namespaces=8, nodes=2, deployments=1, pods=2, provider="openshift"
    )

    assert {"config.openshift.io", "route.openshift.io"} <= set(cluster.api_groups())
    assert any(n["metadata"]["name"].startswith("openshift-") for n in cluster.objects("Namespace"))


# ---------------------------------------------------------------- a server in another process


def test_the_server_runs_in_a_separate_process():
    cluster = generate_cluster("remote", seed=1, namespaces=5, nodes=2, deployments=3, pods=20)
    with FakeKubeProcess([cluster]) as server:
        api = build_api_client(server.credentials_for("remote", auth="client-certificate"))
        assert len(fetch_snapshot(api).pods) == 20
        assert ("/api/v1/pods", 200) in [(r.path, r.status) for r in server.requests("remote")]

        server.set_faults("remote", [Fault(path="/api/v1/pods", status=500)])
        server.clear_requests()
        snapshot = fetch_snapshot(api)

        assert snapshot.pods is None and snapshot.nodes is not None
        assert [r.status for r in server.requests() if r.path == "/api/v1/pods"] == [500]
