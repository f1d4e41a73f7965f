"""Decoding real EKS list JSON (tests/data/eks, from a public cluster dump) into records."""

import datetime as dt
import logging
import pathlib

import orjson
import pytest

from kube_console.kube.objects import ObjectDecoder

EKS = pathlib.Path(__file__).parents[2] / "data" / "eks"
UTC = dt.UTC


def _read(name: str) -> bytes:
    return (EKS / name).read_bytes()


@pytest.fixture
def decoder() -> ObjectDecoder:
    decoder = ObjectDecoder()
    decoder.owners(_read("eks-kube-system-replicasets.json"))
    return decoder


@pytest.fixture
def pods_by_name(decoder):
    page = decoder.pods(_read("eks-kube-system-pods.json"))
    assert page.continue_token is None
    return {pod.name: pod for pod in page.records}


def test_node_capacity_allocatable_and_facts_come_out_normalized():
    page = ObjectDecoder().nodes(_read("eks-nodes.json"))
    node = {n.name: n for n in page.records}["ip-10-0-10-170.ec2.internal"]

    assert node.uid == "d06a4e91-b2e9-4907-a60a-66fd3932aaea"
    assert node.provider_id == "aws:///us-east-1a/i-08736224042c4ee75"
    assert (node.capacity_cpu_cores, node.allocatable_cpu_cores) == (2.0, 1.93)
    assert node.capacity_memory_bytes == 1959264 * 1024
    assert node.allocatable_memory_bytes == 1471840 * 1024
    assert (node.capacity_pods, node.allocatable_pods) == (11, 11)
    assert node.capacity_ephemeral_bytes == 20893676 * 1024
    assert node.allocatable_ephemeral_bytes == 18181869946
    assert (node.instance_type, node.region, node.zone) == ("t3.small", "us-east-1", "us-east-1a")
    assert node.spot is False
    assert node.ready is True and node.unschedulable is False
    assert [c.type for c in node.conditions] == [
        "MemoryPressure",
        "DiskPressure",
        "PIDPressure",
        "Ready",
    ]
    assert node.conditions[-1].reason == "KubeletReady"
    assert node.roles == [] and node.taints == []
    assert node.labels["eks.amazonaws.com/nodegroup"] == "ecommerce-dev-node-group"
    assert node.kubelet_version == "v1.31.13-eks-ecaa3a6"
    assert node.os_image == "Amazon Linux 2023.9.20251208"
    assert (node.operating_system, node.architecture) == ("linux", "amd64")
    assert node.container_runtime == "containerd://2.1.5"
    assert node.created_at == dt.datetime(2026, 1, 2, 20, 2, 19, tzinfo=UTC)


def test_coredns_pod_resolves_through_its_replicaset_to_the_deployment(pods_by_name):
    pod = pods_by_name["coredns-789f8477df-knmwr"]

    assert (pod.owner_kind, pod.owner_name) == ("Deployment", "coredns")
    assert pod.owner_uid == "9a889c5f-9da2-4168-84fc-56f462f726e3"
    assert pod.uid == "3032ab28-3ae1-44a6-9fb6-28f57a24e176"
    assert (pod.namespace, pod.phase, pod.qos_class) == ("kube-system", "Running", "Burstable")
    assert pod.node_name == "ip-10-0-10-170.ec2.internal"
    assert pod.start_time == dt.datetime(2026, 1, 2, 20, 2, 30, tzinfo=UTC)
    assert pod.created_at == dt.datetime(2026, 1, 2, 19, 58, 24, tzinfo=UTC)
    assert pod.labels["k8s-app"] == "kube-dns"
    assert pod.pvc_claims == []
    [container] = pod.containers
    assert container.name == "coredns"
    assert container.image.endswith("/eks/coredns:v1.11.3-eksbuild.1")
    assert container.cpu_request_cores == 0.1
    assert container.memory_request_bytes == 70 * 2**20
    assert container.cpu_limit_cores is None
    assert container.memory_limit_bytes == 170 * 2**20
    assert (container.state, container.ready, container.restarts) == ("running", True, 0)


def test_without_the_replicaset_list_a_pod_stays_owned_by_its_replicaset():
    pod = ObjectDecoder().pods(_read("eks-kube-system-pods.json")).records[2]

    assert pod.name == "coredns-789f8477df-knmwr"
    assert (pod.owner_kind, pod.owner_name) == ("ReplicaSet", "coredns-789f8477df")


def test_aws_node_and_kube_proxy_pods_belong_to_their_daemonsets(pods_by_name):
    aws_node = pods_by_name["aws-node-9t64t"]
    kube_proxy = pods_by_name["kube-proxy-82mb2"]

    assert (aws_node.owner_kind, aws_node.owner_name) == ("DaemonSet", "aws-node")
    assert aws_node.owner_uid == "db8e01d8-f528-4f26-a51b-5705789aec03"
    assert (kube_proxy.owner_kind, kube_proxy.owner_name) == ("DaemonSet", "kube-proxy")
    assert kube_proxy.containers[0].cpu_request_cores == 0.1


def test_init_containers_are_left_out_of_a_pods_containers(pods_by_name):
    aws_node = pods_by_name["aws-node-9t64t"]

    # The spec also has the init container aws-vpc-cni-init, requesting 25m of its own.
    assert [c.name for c in aws_node.containers] == ["aws-node", "aws-eks-nodeagent"]
    assert sum(c.cpu_request_cores for c in aws_node.containers) == pytest.approx(0.05)
    assert all(c.memory_request_bytes is None for c in aws_node.containers)
    assert all(c.state == "running" and c.ready for c in aws_node.containers)


def test_every_fixture_pod_is_decoded_with_its_owner(pods_by_name):
    owners = {name: (pod.owner_kind, pod.owner_name) for name, pod in pods_by_name.items()}

    assert owners == {
        "aws-node-9t64t": ("DaemonSet", "aws-node"),
        "aws-node-ljk2n": ("DaemonSet", "aws-node"),
        "coredns-789f8477df-knmwr": ("Deployment", "coredns"),
        "coredns-789f8477df-psws6": ("Deployment", "coredns"),
        "kube-proxy-82mb2": ("DaemonSet", "kube-proxy"),
        "kube-proxy-psxbf": ("DaemonSet", "kube-proxy"),
    }


def test_deployment_and_daemonset_records_carry_replicas_selector_and_template_requests():
    decoder = ObjectDecoder()
    [coredns] = decoder.workloads("Deployment", _read("eks-kube-system-deployments.json")).records
    daemonsets = decoder.workloads("DaemonSet", _read("eks-kube-system-daemonsets.json")).records

    assert coredns.kind == "Deployment"
    assert coredns.uid == "9a889c5f-9da2-4168-84fc-56f462f726e3"
    assert (coredns.replicas_desired, coredns.replicas_ready) == (2, 2)
    assert (coredns.replicas_available, coredns.replicas_updated) == (2, 2)
    assert coredns.selector == {"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"}
    assert coredns.containers[0].memory_limit_bytes == 170 * 2**20
    assert coredns.created_at == dt.datetime(2026, 1, 2, 19, 58, 24, tzinfo=UTC)
    assert [(d.name, d.replicas_desired, d.replicas_ready) for d in daemonsets] == [
        ("aws-node", 2, 2),
        ("kube-proxy", 2, 2),
    ]
    assert [c.name for c in daemonsets[0].containers] == ["aws-node", "aws-eks-nodeagent"]


def test_container_status_is_matched_by_name_not_by_position():
    pods = orjson.loads(_read("eks-kube-system-pods.json"))
    aws_node = pods["items"][0]
    statuses = aws_node["status"]["containerStatuses"]
    assert [s["name"] for s in statuses] == ["aws-eks-nodeagent", "aws-node"]
    statuses[0]["restartCount"] = 4
    statuses[0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    statuses[0]["ready"] = False

    [pod] = ObjectDecoder().pods(orjson.dumps({"items": [aws_node]})).records

    nodeagent = pod.containers[1]
    assert nodeagent.name == "aws-eks-nodeagent"
    assert (nodeagent.restarts, nodeagent.state, nodeagent.ready) == (
        4,
        "waiting:CrashLoopBackOff",
        False,
    )
    assert pod.containers[0].state == "running"
    assert pod.restarts == 4


def test_bad_quantities_are_counted_logged_with_the_object_and_treated_as_absent(caplog):
    pods = orjson.loads(_read("eks-kube-system-pods.json"))
    coredns = pods["items"][2]
    coredns["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "1.2.3", "memory": "70Mi"},
        "limits": {"memory": "lots"},
    }
    decoder = ObjectDecoder()

    with caplog.at_level(logging.WARNING, logger="kube_console.kube.objects"):
        [pod] = decoder.pods(orjson.dumps({"items": [coredns]})).records

    container = pod.containers[0]
    assert container.cpu_request_cores is None
    assert container.memory_limit_bytes is None
    assert container.memory_request_bytes == 70 * 2**20
    assert decoder.skipped_quantities == 2
    assert "kube-system/coredns-789f8477df-knmwr" in caplog.text
    assert "'1.2.3'" in caplog.text and "'lots'" in caplog.text


def test_eks_nodes_and_pods_without_gpus_decode_to_zero_gpus(pods_by_name):
    nodes = ObjectDecoder().nodes(_read("eks-nodes.json")).records

    assert [(n.capacity_gpus, n.gpu_model) for n in nodes] == [(0.0, None), (0.0, None)]
    assert {c.gpu_request for pod in pods_by_name.values() for c in pod.containers} == {0.0}


def _gpu_node(capacity: dict, labels: dict) -> bytes:
    """The real EKS node made a GPU node: its device plugin's capacity and the GPU labels."""
    node = orjson.loads(_read("eks-nodes.json"))["items"][0]
    node["status"]["capacity"].update(capacity)
    node["status"]["allocatable"].update(capacity)
    node["metadata"]["labels"].update(labels)
    return orjson.dumps({"items": [node]})


def test_a_gpu_nodes_capacity_and_model_come_from_its_device_plugin_and_labels():
    data = _gpu_node(
        {"nvidia.com/gpu": "4"},
        {
            "nvidia.com/gpu.product": "NVIDIA-A10G",
            "node.kubernetes.io/instance-type": "g5.12xlarge",
        },
    )

    [node] = ObjectDecoder().nodes(data).records

    assert (node.capacity_gpus, node.gpu_model, node.instance_type) == (
        4.0,
        "NVIDIA-A10G",
        "g5.12xlarge",
    )
    assert node.capacity_cpu_cores == 2.0  # the other figures still read from the same list


def test_intel_device_shares_and_memory_are_not_counted_as_gpus():
    data = _gpu_node(
        {
            "gpu.intel.com/i915": "2",
            "gpu.intel.com/memory.max": "16Gi",
            "gpu.intel.com/millicores": "2000",
        },
        {"cloud.google.com/gke-accelerator": "ignored-on-eks-but-read"},
    )

    [node] = ObjectDecoder().nodes(data).records

    assert (node.capacity_gpus, node.gpu_model) == (2.0, "ignored-on-eks-but-read")


def test_container_gpu_requests_take_the_limit_when_only_a_limit_is_set(caplog):
    pods = orjson.loads(_read("eks-kube-system-pods.json"))
    coredns = pods["items"][2]
    coredns["spec"]["containers"][0]["resources"] = {
        "requests": {"cpu": "500m", "amd.com/gpu": "1"},
        "limits": {"nvidia.com/gpu": 2, "amd.com/gpu": "1"},
    }
    aws_node = pods["items"][0]
    aws_node["spec"]["containers"][0]["resources"] = {"limits": {"nvidia.com/gpu": "two"}}
    decoder = ObjectDecoder()

    with caplog.at_level(logging.WARNING, logger="kube_console.kube.objects"):
        pod, broken = decoder.pods(orjson.dumps({"items": [coredns, aws_node]})).records

    assert pod.containers[0].gpu_request == 3.0
    assert pod.containers[0].cpu_request_cores == 0.5
    assert broken.containers[0].gpu_request == 0.0  # counted as skipped, never failing the list
    assert decoder.skipped_quantities == 1
    assert "aws-node-" in caplog.text


def _coredns_item() -> dict:
    return orjson.loads(_read("eks-kube-system-pods.json"))["items"][2]


def test_a_pending_pod_carries_its_unschedulable_condition_and_its_containers_say_why_they_wait():
    coredns = _coredns_item()
    # As the API server sends a pod the scheduler could not place: no node, no container
    # statuses, a PodScheduled=False condition with the scheduler's reason.
    del coredns["spec"]["nodeName"]
    coredns["status"] = {
        "phase": "Pending",
        "qosClass": "Burstable",
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": "2025-12-15T19:02:11Z",
                "reason": "Unschedulable",
                "message": "0/4 nodes are available: insufficient cpu",
            }
        ],
    }

    [pod] = ObjectDecoder().pods(orjson.dumps({"items": [coredns]})).records

    assert (pod.phase, pod.node_name) == ("Pending", None)
    assert (pod.status_reason, pod.status_message) == (
        "Unschedulable",
        "0/4 nodes are available: insufficient cpu",
    )
    assert [c.state for c in pod.containers] == ["waiting:Unscheduled"]


def test_crash_looping_and_oom_killed_containers_give_the_pod_its_reason_with_restarts():
    coredns = _coredns_item()
    [status] = coredns["status"]["containerStatuses"]
    status.update(
        ready=False,
        restartCount=7,
        state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting"}},
        lastState={"terminated": {"exitCode": 137, "reason": "OOMKilled"}},
    )

    [pod] = ObjectDecoder().pods(orjson.dumps({"items": [coredns]})).records

    [container] = pod.containers
    assert (container.state, container.last_state, container.restarts) == (
        "waiting:CrashLoopBackOff",
        "terminated:OOMKilled",
        7,
    )
    assert (pod.status_reason, pod.restarts) == ("CrashLoopBackOff", 7)


def test_a_running_pod_that_was_oom_killed_is_reported_by_its_last_termination():
    coredns = _coredns_item()
    [status] = coredns["status"]["containerStatuses"]
    status.update(
        restartCount=1, lastState={"terminated": {"exitCode": 137, "reason": "OOMKilled"}}
    )

    [pod] = ObjectDecoder().pods(orjson.dumps({"items": [coredns]})).records

    assert pod.containers[0].state == "running"
    assert pod.status_reason == "OOMKilled"


def test_healthy_real_pods_have_no_reason(pods_by_name):
    assert {pod.status_reason for pod in pods_by_name.values()} == {""}
    assert {c.last_state for pod in pods_by_name.values() for c in pod.containers} == {""}
