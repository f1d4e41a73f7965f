"""Node facts (instance type, region, zone, spot) as the decoder reads them from node labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kube_console.kube.objects import NodeRecord, ObjectDecoder

DATA = Path(__file__).resolve().parents[2] / "data"


def decode_node(labels: dict[str, str]) -> NodeRecord:
    body = {"items": [{"metadata": {"name": "node-1", "labels": labels}}]}
    (node,) = ObjectDecoder().nodes(json.dumps(body).encode()).records
    return node


def facts(node: NodeRecord) -> tuple[str | None, str | None, str | None]:
    return node.instance_type, node.region, node.zone


def test_node_facts_prefer_current_labels_and_fall_back_to_beta_ones() -> None:
    current = {
        "node.kubernetes.io/instance-type": "m6i.large",
        "beta.kubernetes.io/instance-type": "m5.large",
        "topology.kubernetes.io/region": "eu-west-1",
        "failure-domain.beta.kubernetes.io/region": "us-east-1",
        "topology.kubernetes.io/zone": "eu-west-1a",
        "failure-domain.beta.kubernetes.io/zone": "us-east-1b",
    }
    beta_only = {
        "beta.kubernetes.io/instance-type": "n1-standard-4",
        "failure-domain.beta.kubernetes.io/region": "us-central1",
        "failure-domain.beta.kubernetes.io/zone": "us-central1-c",
    }

    assert facts(decode_node(current)) == ("m6i.large", "eu-west-1", "eu-west-1a")
    assert facts(decode_node(beta_only)) == ("n1-standard-4", "us-central1", "us-central1-c")
    assert facts(decode_node({})) == (None, None, None)


@pytest.mark.parametrize(
    ("labels", "spot"),
    [
        ({"eks.amazonaws.com/capacityType": "SPOT"}, True),
        ({"eks.amazonaws.com/capacityType": "ON_DEMAND"}, False),
        ({"karpenter.sh/capacity-type": "spot"}, True),
        ({"karpenter.sh/capacity-type": "on-demand"}, False),
        ({"cloud.google.com/gke-spot": "true"}, True),
        ({"cloud.google.com/gke-preemptible": "true"}, True),
        ({"kubernetes.azure.com/scalesetpriority": "spot"}, True),
        ({"kubernetes.azure.com/scalesetpriority": "regular"}, False),
        ({}, False),
    ],
)
def test_spot_capacity_is_read_from_each_clouds_label(labels: dict[str, str], spot: bool) -> None:
    assert decode_node(labels).spot is spot


def test_real_eks_node_facts() -> None:
    page = ObjectDecoder().nodes((DATA / "eks-nodes.json").read_bytes())

    assert [(node.name, *facts(node), node.spot) for node in page.records] == [
        ("ip-10-0-10-170.ec2.internal", "t3.small", "us-east-1", "us-east-1a", False),
        ("ip-10-0-20-143.ec2.internal", "t3.small", "us-east-1", "us-east-1b", False),
    ]
