"""P(node, h) and its split, worked by hand from cost-model.md "Node prices", on the real EKS
nodes of tests/data/eks-nodes.json where a real node fits (t3.small, us-east-1, on-demand)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kube_console.costs.catalogue import Catalogue, CatalogueRow, shipped_catalogue
from kube_console.costs.node_pricing import (
    DEFAULT_SPOT_FACTOR,
    NodeFacts,
    NodePriceBook,
    PriceRule,
    SheetPrices,
    SpotFactors,
    catalogue_provider,
    price_node_hour,
    split,
    winning_rule,
)
from kube_console.costs.selectors import parse_selector
from kube_console.kube.objects import is_spot
from kube_console.kube.quantity import parse_bytes, parse_cpu_cores

EKS_NODES = json.loads((Path(__file__).parents[2] / "data" / "eks-nodes.json").read_text())
H = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
SHEET = SheetPrices(cpu_core_hour=0.04, memory_gib_hour=0.005, gpu_hour=0.95)
SHIPPED = Catalogue(shipped_catalogue())
NO_SPOT_FACTORS = SpotFactors()


def eks_node(index: int = 0, **labels: str) -> NodeFacts:
    item = EKS_NODES["items"][index]
    capacity = item["status"]["capacity"]
    return NodeFacts(
        labels={**item["metadata"]["labels"], **labels},
        cores=parse_cpu_cores(capacity["cpu"]),
        memory_gib=parse_bytes(capacity["memory"]) / 2**30,
        cluster_provider="eks",
    )


def rule(
    rule_id: int,
    selector: str,
    price: float,
    *,
    starts: dt.datetime = H - dt.timedelta(days=1),
    created: dt.datetime | None = None,
) -> PriceRule:
    return PriceRule(
        id=rule_id,
        terms=parse_selector(selector),
        price_per_hour=price,
        effective_from=starts,
        created_at=created or starts,
    )


def priced(
    node: NodeFacts, *, rules=(), catalogue=SHIPPED, spot=NO_SPOT_FACTORS, sheet=SHEET, hour=H
):
    return price_node_hour(
        node, hour=hour, rules=rules, catalogue=catalogue, spot_factors=spot, sheet=sheet
    )


def test_the_real_eks_node_is_priced_from_the_catalogue_and_split_by_the_sheets_weights():
    node = eks_node()
    # capacity 2 cores, memory 1959264Ki = 1959264 / 2^20 GiB
    assert node.cores == 2 and node.memory_gib == 1959264 / 1048576
    price = priced(node)
    assert price.source == "catalogue: aws us-east-1 t3.small" and price.source_kind == "catalogue"
    assert price.price_per_hour == 0.0208  # AWS list price of t3.small in us-east-1
    # W = 2 × 0.04 + 1.868499755859375 × 0.005 = 0.089342498779296875
    w = 0.08 + 1.868499755859375 * 0.005
    assert price.cpu_per_core == pytest.approx(0.0208 * 0.08 / w / 2, abs=1e-12)
    assert price.memory_per_gib == pytest.approx(
        0.0208 * (1.868499755859375 * 0.005) / w / 1.868499755859375, abs=1e-12
    )
    assert price.gpu_per_gpu == pytest.approx(0.95 * 0.0208 / w, abs=1e-12)
    # the per-unit prices add back up to P over the node's capacity
    assert 2 * price.cpu_per_core + node.memory_gib * price.memory_per_gib == pytest.approx(
        0.0208, abs=1e-15
    )


def test_a_node_matching_nothing_costs_exactly_its_unit_prices():
    node = NodeFacts(
        labels={"kubernetes.io/hostname": "kind-worker"},
        cores=4,
        memory_gib=16,
        cluster_provider="kind",
    )
    price = priced(node)
    assert price.source == "unit prices" and price.rule_id is None and price.catalogue_row is None
    assert price.price_per_hour == 4 * 0.04 + 16 * 0.005 == 0.24
    # with source 3 every per-unit price is the sheet's own, bit for bit
    assert (price.cpu_per_core, price.memory_per_gib, price.gpu_per_gpu) == (0.04, 0.005, 0.95)


def test_only_eks_gke_and_aks_clusters_match_catalogue_rows():
    assert [
        catalogue_provider(key) for key in ("eks", "gke", "aks", "self-managed-aws", "kind", "")
    ] == [
        "aws",
        "gcp",
        "azure",
        None,
        None,
        None,
    ]
    # the same labels on a self-managed cluster on EC2 match no catalogue row
    self_managed = NodeFacts(
        labels=eks_node().labels, cores=2, memory_gib=2, cluster_provider="self-managed-aws"
    )
    assert priced(self_managed).source == "unit prices"


def test_a_catalogue_row_needs_provider_region_and_instance_type_all_three():
    node = eks_node()
    other_region = NodeFacts(
        labels={**node.labels, "topology.kubernetes.io/region": "ap-south-2"},
        cores=2,
        memory_gib=2,
        cluster_provider="eks",
    )
    no_type = NodeFacts(
        labels={k: v for k, v in node.labels.items() if k != "node.kubernetes.io/instance-type"},
        cores=2,
        memory_gib=2,
        cluster_provider="eks",
    )
    gke_cluster = NodeFacts(labels=node.labels, cores=2, memory_gib=2, cluster_provider="gke")
    assert [priced(n).source for n in (other_region, no_type, gke_cluster)] == ["unit prices"] * 3


@pytest.mark.parametrize(
    ("labels", "spot"),
    [
        ({"eks.amazonaws.com/capacityType": "SPOT"}, True),
        ({"eks.amazonaws.com/capacityType": "spot"}, False),  # exact value as listed
        ({"eks.amazonaws.com/capacityType": "ON_DEMAND"}, False),
        ({"karpenter.sh/capacity-type": "spot"}, True),
        ({"karpenter.sh/capacity-type": "SPOT"}, False),
        ({"karpenter.sh/capacity-type": "on-demand"}, False),
        ({"cloud.google.com/gke-spot": "true"}, True),
        ({"cloud.google.com/gke-spot": "false"}, True),  # the GKE labels count with any value
        ({"cloud.google.com/gke-preemptible": ""}, True),
        ({"kubernetes.azure.com/scalesetpriority": "spot"}, True),
        ({"kubernetes.azure.com/scalesetpriority": "regular"}, False),
        ({}, False),
    ],
)
def test_spot_labels_match_as_cost_model_lists_them(labels, spot):
    assert is_spot(labels) is spot


def test_a_spot_node_costs_the_on_demand_price_times_its_providers_spot_factor():
    node = eks_node(**{"eks.amazonaws.com/capacityType": "SPOT"})
    default = priced(node)
    assert default.price_per_hour == pytest.approx(0.0208 * 0.35, abs=1e-15)
    assert default.spot_factor == DEFAULT_SPOT_FACTOR == 0.35
    assert default.source == "catalogue: aws us-east-1 t3.small, spot × 0.35"
    own = priced(node, spot=SpotFactors({"aws": 0.3, "gcp": 0.9}))
    assert own.price_per_hour == pytest.approx(0.0208 * 0.3, abs=1e-15)
    assert own.source == "catalogue: aws us-east-1 t3.small, spot × 0.3"


def test_a_gpu_node_from_the_catalogue_charges_its_gpus_at_their_weight():
    # g5.xlarge: 4 vCPU, 16 GiB, 1 A10G, $1.006 in us-east-1
    node = NodeFacts(
        labels={
            "node.kubernetes.io/instance-type": "g5.xlarge",
            "topology.kubernetes.io/region": "us-east-1",
        },
        cores=4,
        memory_gib=16,
        gpus=1,
        cluster_provider="eks",
    )
    price = priced(node)
    assert price.price_per_hour == 1.006
    # W = 4 × 0.04 + 16 × 0.005 + 1 × 0.95 = 0.16 + 0.08 + 0.95 = 1.19
    assert price.cpu_per_core == pytest.approx(1.006 * 0.16 / 1.19 / 4, abs=1e-12)
    assert price.memory_per_gib == pytest.approx(1.006 * 0.08 / 1.19 / 16, abs=1e-12)
    assert price.gpu_per_gpu == pytest.approx(1.006 * 0.95 / 1.19, abs=1e-12)


def test_a_rule_wins_over_the_catalogue_and_its_price_is_final_even_on_spot():
    node = eks_node(**{"eks.amazonaws.com/capacityType": "SPOT"})
    price = priced(
        node, rules=[rule(7, "eks.amazonaws.com/nodegroup=ecommerce-dev-node-group", 0.05)]
    )
    assert price.price_per_hour == 0.05 and price.spot_factor is None
    assert price.source == "rule #7: eks.amazonaws.com/nodegroup=ecommerce-dev-node-group"
    assert price.rule_id == 7 and price.source_kind == "rule"


def test_a_rule_applies_from_the_hour_its_effective_from_starts():
    node = eks_node()
    later = rule(
        3, "node.kubernetes.io/instance-type=t3.small", 0.5, starts=H + dt.timedelta(hours=1)
    )
    assert priced(node, rules=[later]).source == "catalogue: aws us-east-1 t3.small"
    assert priced(node, rules=[later], hour=H + dt.timedelta(hours=1)).price_per_hour == 0.5
    mid_hour = rule(
        4, "node.kubernetes.io/instance-type=t3.small", 0.6, starts=H + dt.timedelta(minutes=30)
    )
    assert (
        priced(node, rules=[mid_hour]).source_kind == "catalogue"
    )  # the hour [H, H+1h) started before it


def test_the_rule_with_most_terms_wins_then_the_latest_effective_from_then_the_latest_created():
    labels = eks_node().labels
    broad_new = rule(
        1, "topology.kubernetes.io/region=us-east-1", 0.01, starts=H - dt.timedelta(hours=1)
    )
    narrow_old = rule(
        2,
        "topology.kubernetes.io/region=us-east-1,node.kubernetes.io/instance-type=t3.small",
        0.02,
        starts=H - dt.timedelta(days=30),
    )
    assert winning_rule([broad_new, narrow_old], labels, H).id == 2
    newer = rule(
        3,
        "topology.kubernetes.io/zone=us-east-1a,node.kubernetes.io/instance-type=t3.small",
        0.03,
        starts=H - dt.timedelta(days=2),
    )
    assert winning_rule([broad_new, narrow_old, newer], labels, H).id == 3
    same_start_created_later = rule(
        4,
        "NodeGroup=main,Environment=dev",
        0.04,
        starts=H - dt.timedelta(days=2),
        created=H - dt.timedelta(minutes=5),
    )
    assert winning_rule([narrow_old, newer, same_start_created_later], labels, H).id == 4
    assert winning_rule([rule(9, "NodeGroup=other", 1.0)], labels, H) is None


def test_a_zero_price_sheet_charges_nothing_and_leaves_the_whole_node_price_idle():
    free = SheetPrices(cpu_core_hour=0.0, memory_gib_hour=0.0, gpu_hour=0.0)
    price = priced(eks_node(), sheet=free)
    assert price.price_per_hour == 0.0208  # the node still costs its list price
    assert (price.cpu_per_core, price.memory_per_gib, price.gpu_per_gpu) == (0.0, 0.0, 0.0)
    assert not price.charged
    assert split(5.0, NodeFacts(labels={}, cores=0, memory_gib=0), SHEET) == (0.0, 0.0, 0.0)


def test_a_sheet_without_gpu_price_puts_a_gpu_nodes_price_on_cpu_and_memory():
    sheet = SheetPrices(cpu_core_hour=0.04, memory_gib_hour=0.005, gpu_hour=0.0)
    node = NodeFacts(labels={}, cores=4, memory_gib=16, gpus=1)
    assert split(2.4, node, sheet) == pytest.approx(
        (0.04 * 10, 0.005 * 10, 0.0)
    )  # P / W = 2.4 / 0.24


def test_organization_catalogue_rows_win_over_the_shipped_ones():
    own = CatalogueRow(
        provider="aws",
        region="US-EAST-1",
        instance_type="T3.Small",
        vcpu=2,
        memory_gib=2,
        gpu_count=0,
        gpu_model="",
        on_demand_hour=0.015,
        source="our EDP price sheet",
        as_of="2026-02-01",
        origin="organization",
    )
    catalogue = Catalogue.merged([own], shipped_catalogue())
    price = priced(eks_node(), catalogue=catalogue)
    assert price.price_per_hour == 0.015 and price.catalogue_row.origin == "organization"


def test_the_book_prices_like_the_function():
    book = NodePriceBook(
        rules=(rule(1, "NodeGroup=main", 0.07),), catalogue=SHIPPED, spot_factors=NO_SPOT_FACTORS
    )
    assert book.price(eks_node(), hour=H, sheet=SHEET).price_per_hour == 0.07
