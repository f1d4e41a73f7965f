"""Node prices end to end: an EKS cluster served by the fake API server (the real client over
HTTPS) with a spot m5.large and a g5.xlarge GPU node is synced, its samples stored per
(namespace, node), and the hour priced from the shipped catalogue. Figures by hand from
cost-model.md "Node prices"; built-in sheet: $0.04 per core-hour, $0.005 per GiB-hour, $0.95
per GPU-hour.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kube_console.costs.engine import run_cost_pass
from kube_console.models import (
    IDLE_NAMESPACE,
    CostHourly,
    NamespaceNodeSample,
    NamespaceUsageSample,
    Node,
    NodeLabelSet,
    NodeUsageSample,
)
from kube_console.settings import Settings
from tests.fakekube import builders
from tests.fakekube.cluster import FakeCluster
from tests.support.sync import sync_now

HOUR = dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC)
REGION = {"topology.kubernetes.io/region": "us-east-1"}


def _gpu_cluster() -> FakeCluster:
    fake = FakeCluster("gpu-eks")
    spot = builders.node(
        "ip-10-0-1-10.ec2.internal",
        cpu="2",
        memory="8Gi",
        labels={
            **REGION,
            "node.kubernetes.io/instance-type": "m5.large",
            "eks.amazonaws.com/capacityType": "SPOT",
        },
    )
    gpu = builders.node(
        "ip-10-0-2-20.ec2.internal",
        cpu="4",
        memory="16Gi",
        labels={
            **REGION,
            "node.kubernetes.io/instance-type": "g5.xlarge",
            "nvidia.com/gpu.product": "NVIDIA-A10G",
        },
    )
    gpu["status"]["capacity"]["nvidia.com/gpu"] = "1"
    gpu["status"]["allocatable"]["nvidia.com/gpu"] = "1"
    fake.add_all(
        [
            builders.namespace("web"),
            builders.namespace("ml"),
            spot,
            gpu,
            builders.pod(
                "web",
                "api-0",
                node_name=spot["metadata"]["name"],
                containers=[
                    builders.container("api", "shop/api:1", requests={"cpu": "1", "memory": "2Gi"})
                ],
            ),
            builders.pod(
                "ml",
                "train-0",
                node_name=gpu["metadata"]["name"],
                containers=[
                    builders.container(
                        "train",
                        "ml/train:1",
                        requests={"cpu": "2", "memory": "8Gi"},
                        limits={"nvidia.com/gpu": "1"},
                    )
                ],
            ),
        ]
    )
    return fake


def test_a_synced_gpu_cluster_is_priced_per_node_from_the_catalogue(
    register, fake_kube, session, open_session, keyring, settings, monkeypatch
):
    fake = fake_kube.add_cluster(_gpu_cluster())
    monkeypatch.setattr("kube_console.services.sync.utcnow", lambda: HOUR)
    card = register(fake)  # its first sync, at 10:00
    assert card.provider == "eks"

    nodes = {node.name: node for node in session.execute(select(Node)).scalars()}
    gpu_node = nodes["ip-10-0-2-20.ec2.internal"]
    assert (gpu_node.capacity_gpus, gpu_node.gpu_model) == (1.0, "NVIDIA-A10G")
    ml = session.execute(
        select(NamespaceUsageSample).where(NamespaceUsageSample.namespace == "ml")
    ).scalar_one()
    assert (ml.cpu_alloc_cores, ml.gpu_alloc) == (2.0, 1.0)
    placements = {
        (row.namespace_id, row.node_id): (
            row.cpu_alloc_cores,
            row.memory_alloc_bytes,
            row.gpu_alloc,
        )
        for row in session.execute(select(NamespaceNodeSample)).scalars()
    }
    assert placements == {
        (ml.namespace_id, gpu_node.id): (2.0, 8 * 2**30, 1.0),
        (
            session.execute(
                select(NamespaceUsageSample.namespace_id).where(
                    NamespaceUsageSample.namespace == "web"
                )
            ).scalar_one(),
            nodes["ip-10-0-1-10.ec2.internal"].id,
        ): (1.0, 2 * 2**30, 0.0),
    }
    [gpu_sample] = session.execute(
        select(NodeUsageSample).where(NodeUsageSample.node_id == gpu_node.id)
    ).scalars()
    assert gpu_sample.capacity_gpus == 1.0
    labels = session.get(NodeLabelSet, gpu_sample.label_set_id).labels
    assert labels["node.kubernetes.io/instance-type"] == "g5.xlarge"

    # A second sync with nothing changed stores no new label set.
    monkeypatch.setattr(
        "kube_console.services.sync.utcnow", lambda: HOUR + dt.timedelta(minutes=30)
    )
    assert sync_now(card.id, open_session, keyring, settings).ok
    assert len(session.execute(select(NodeLabelSet)).scalars().all()) == 2

    hourly_settings = Settings(sync_interval_seconds=1200, sample_retention_days=14)
    [outcome] = run_cost_pass(
        open_session=open_session,
        settings=hourly_settings,
        now=HOUR + dt.timedelta(hours=1, minutes=5),
    )
    assert outcome.error == "" and outcome.hours_computed == 1

    session.expire_all()
    rows = {
        row.namespace: row
        for row in session.execute(
            select(CostHourly).where(CostHourly.hour_start == HOUR)
        ).scalars()
    }
    spot_price = 0.096 * 0.35  # m5.large on-demand × the spot factor; W = 2 × 0.04 + 8 × 0.005
    gpu_price = 1.006  # g5.xlarge; W = 4 × 0.04 + 16 × 0.005 + 1 × 0.95 = 1.19
    web_cost = (1 * 0.04 + 2 * 0.005) * spot_price / 0.12
    ml_cost = (2 * 0.04 + 8 * 0.005 + 1 * 0.95) * gpu_price / 1.19
    assert rows["web"].total_cost == pytest.approx(web_cost, abs=1e-6)
    assert rows["ml"].gpu_cost == pytest.approx(0.95 * gpu_price / 1.19, abs=1e-6)
    assert (rows["ml"].gpu_hours, rows["ml"].total_cost) == (1.0, pytest.approx(ml_cost, abs=1e-6))
    assert rows[IDLE_NAMESPACE].total_cost == pytest.approx(
        spot_price + gpu_price - web_cost - ml_cost, abs=1e-6
    )
