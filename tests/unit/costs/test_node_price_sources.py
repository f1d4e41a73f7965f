"""Each node's hourly price now and its source, for the Nodes tab and "show the math" (both
databases). Prices worked by hand from cost-model.md "Node prices":

cluster "shop" (EKS), built-in sheet ($0.04 per core-hour, $0.005 per GiB-hour, $0.95 per GPU-hour):
  spot-1, spot-2, spot-3  m6i.large us-east-1, karpenter spot: catalogue $0.096 × 0.35 = $0.0336/h
  gpu-1                   g5.xlarge, pool=gpu: rule #N pool=gpu at $2.10/h
  odd-1                   an instance type the catalogue lacks, 2 cores 8 GiB: unit prices
                          2 × 0.04 + 8 × 0.005 = $0.12/h
  gpu-bare                g5.xlarge us-east-1 on a kind cluster (no catalogue provider), 4 cores,
                          16 GiB, no GPU capacity recorded: 0.16 + 0.08 = $0.24/h
"""

from __future__ import annotations

import datetime as dt

import pytest

from kube_console.costs import node_prices
from kube_console.costs.math import GIB
from kube_console.costs.node_price_sources import node_price_summary, node_prices_now
from kube_console.errors import ValidationFailed
from kube_console.services.prices import create_price_sheet

NOW = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
SPOT = {
    "node.kubernetes.io/instance-type": "m6i.large",
    "topology.kubernetes.io/region": "us-east-1",
    "karpenter.sh/capacity-type": "spot",
}
GPU = {
    "node.kubernetes.io/instance-type": "g5.xlarge",
    "topology.kubernetes.io/region": "us-east-1",
    "pool": "gpu",
}


@pytest.fixture
def fleet(session, make):
    acme, other = make.org("acme"), make.org("other")
    shop = make.cluster(acme, name="shop", provider="eks")
    lab = make.cluster(acme, name="lab", provider="kind")
    capacity = {"capacity_cpu_cores": 2, "capacity_memory_bytes": 8 * GIB}
    nodes = {
        name: make.node(shop, name=name, labels=SPOT, **capacity)
        for name in ("spot-1", "spot-2", "spot-3")
    }
    nodes["gpu-1"] = make.node(
        shop, name="gpu-1", labels=GPU, capacity_cpu_cores=4, capacity_memory_bytes=16 * GIB
    )
    nodes["odd-1"] = make.node(
        shop, name="odd-1", labels={"node.kubernetes.io/instance-type": "x9.odd"}, **capacity
    )
    nodes["gone"] = make.node(shop, name="gone", labels=SPOT, deleted_at=NOW, **capacity)
    nodes["gpu-bare"] = make.node(
        lab,
        name="gpu-bare",
        labels={**GPU, "pool": "lab"},
        capacity_cpu_cores=4,
        capacity_memory_bytes=16 * GIB,
    )
    theirs = make.node(make.cluster(other, name="theirs", provider="eks"), labels=SPOT, **capacity)
    rule = node_prices.create_rule(
        session=session,
        org_id=acme.id,
        selector="pool=gpu",
        price_per_hour="2.10",
        effective_from="2026-03-01",
    )
    session.commit()
    return acme, shop, lab, nodes, theirs, rule


def test_each_node_shows_its_price_and_where_it_came_from(session, fleet):
    acme, _, _, nodes, theirs, rule = fleet
    ids = [node.id for node in nodes.values()] + [theirs.id]
    prices = node_prices_now(session=session, org_id=acme.id, node_ids=ids, now=NOW)
    shown = {
        name: (round(prices[node.id].price_per_hour, 6), prices[node.id].source)
        for name, node in nodes.items()
    }
    assert shown == {
        "spot-1": (0.0336, "catalogue: aws us-east-1 m6i.large, spot × 0.35"),
        "spot-2": (0.0336, "catalogue: aws us-east-1 m6i.large, spot × 0.35"),
        "spot-3": (0.0336, "catalogue: aws us-east-1 m6i.large, spot × 0.35"),
        "gpu-1": (2.10, f"rule #{rule.id}: pool=gpu"),
        "odd-1": (0.12, "unit prices"),
        "gone": (0.0336, "catalogue: aws us-east-1 m6i.large, spot × 0.35"),
        "gpu-bare": (0.24, "unit prices"),
    }
    assert theirs.id not in prices  # another org's node is not priced for this one
    assert {price.currency for price in prices.values()} == {"USD"}


def test_a_sheet_and_a_spot_factor_of_the_org_move_the_prices_shown(session, fleet):
    acme, shop, _, nodes, _, _ = fleet
    node_prices.set_spot_factors(session=session, org_id=acme.id, factors={"aws": "0.5"})
    create_price_sheet(
        session=session,
        org_id=acme.id,
        cluster_id=shop.id,
        effective_from="2026-03-02T00:00Z",
        cpu_core_hour=0.05,
        memory_gib_hour=0.01,
        gpu_hour=3,
        storage_gib_hour=0,
        network_gb=0,
    )
    ids = [nodes["spot-1"].id, nodes["odd-1"].id]
    prices = node_prices_now(session=session, org_id=acme.id, node_ids=ids, now=NOW)
    assert round(prices[nodes["spot-1"].id].price_per_hour, 6) == 0.048  # 0.096 × 0.5
    assert round(prices[nodes["odd-1"].id].price_per_hour, 6) == 0.18  # 2 × 0.05 + 8 × 0.01


def test_pricing_is_bounded_to_a_page_of_nodes(session, fleet):
    acme = fleet[0]
    with pytest.raises(ValidationFailed):
        node_prices_now(session=session, org_id=acme.id, node_ids=range(1_001), now=NOW)


def test_the_math_names_the_node_prices_in_force_on_the_groups_clusters(session, fleet):
    acme, shop, lab, _, _, rule = fleet
    phrases = node_price_summary(session=session, org_id=acme.id, cluster_ids=[shop.id], now=NOW)
    assert phrases == [
        "3 nodes from catalogue (aws us-east-1 m6i.large, spot × 0.35 = $0.0336/h)",
        f"1 node by rule #{rule.id} pool=gpu at $2.10/h",
        "1 node at unit prices",
    ]
    both = node_price_summary(
        session=session, org_id=acme.id, cluster_ids=[shop.id, lab.id], now=NOW
    )
    assert both == [  # most nodes first; every node at unit prices in one phrase
        "3 nodes from catalogue (aws us-east-1 m6i.large, spot × 0.35 = $0.0336/h)",
        "2 nodes at unit prices",
        f"1 node by rule #{rule.id} pool=gpu at $2.10/h",
    ]
    other_org = node_price_summary(session=session, org_id=acme.id + 1, cluster_ids=[shop.id])
    assert other_org == []
