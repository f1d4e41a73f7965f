"""The organization's node prices in SQL (both databases): rules with their preview, the
uploaded catalogue, spot factors, org isolation, and the book the engine prices from."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kube_console.costs import node_prices
from kube_console.costs.catalogue import COLUMNS, CatalogueInvalid
from kube_console.costs.node_pricing import NodeFacts, SheetPrices
from kube_console.errors import ValidationFailed
from kube_console.models import NodePriceCatalogueRow, NodePriceRule
from kube_console.security.authz import NotFound

NOW = dt.datetime(2026, 3, 2, 10, 30, tzinfo=dt.UTC)
EKS_NODES = json.loads((Path(__file__).parents[2] / "data" / "eks-nodes.json").read_text())
HEADER = ",".join(COLUMNS)
SHEET = SheetPrices(cpu_core_hour=0.04, memory_gib_hour=0.005, gpu_hour=0.95)


@pytest.fixture
def fleet(session, make):
    """Org acme: the two real EKS nodes, one GPU node, one deleted node; org other: one node."""
    acme, other = make.org("acme"), make.org("other")
    eks = make.cluster(acme, name="shop", provider="eks")
    for item in EKS_NODES["items"]:
        make.node(eks, name=item["metadata"]["name"], labels=item["metadata"]["labels"])
    gpu_labels = {
        "node.kubernetes.io/instance-type": "g5.xlarge",
        "pool": "gpu",
        "NodeGroup": "gpu",
    }
    make.node(eks, name="gpu-1", labels=gpu_labels)
    make.node(eks, name="gone", labels={"NodeGroup": "main"}, deleted_at=NOW - dt.timedelta(days=1))
    theirs = make.cluster(other, name="theirs", provider="eks")
    make.node(theirs, name="their-node", labels={"NodeGroup": "main"})
    return acme, other


def test_a_rule_is_stored_canonical_and_previews_the_live_nodes_it_matches_now(session, fleet):
    acme, _ = fleet
    row = node_prices.create_rule(
        session=session,
        org_id=acme.id,
        selector=" NodeGroup = main ",
        price_per_hour="0.05",
        effective_from="2026-03-01",
    )
    assert (row.selector, row.price_per_hour, row.effective_from) == (
        "NodeGroup=main",
        0.05,
        "2026-03-01T00:00:00+00:00",
    )
    (listed,) = node_prices.list_rules(session=session, org_id=acme.id, now=NOW)
    # the two real EKS nodes carry NodeGroup=main; the deleted node and the other org's don't count
    assert (listed.matching_nodes, listed.priced_nodes, listed.status) == (2, 2, "in force")
    assert listed.example_nodes == [
        "shop/ip-10-0-10-170.ec2.internal",
        "shop/ip-10-0-20-143.ec2.internal",
    ]


def test_the_preview_counts_the_nodes_each_rule_prices_the_most_specific_winning(session, fleet):
    acme, _ = fleet
    create = lambda selector, price, starts="2026-03-01": node_prices.create_rule(
        session=session,
        org_id=acme.id,
        selector=selector,
        price_per_hour=price,
        effective_from=starts,
    )
    broad = create("eks.amazonaws.com/nodegroup=ecommerce-dev-node-group", 0.02)
    zone_a = create(
        "eks.amazonaws.com/nodegroup=ecommerce-dev-node-group,topology.kubernetes.io/zone=us-east-1a",
        0.03,
    )
    scheduled = create("pool=gpu", 2.0, starts="2026-04-01")
    rows = {row.id: row for row in node_prices.list_rules(session=session, org_id=acme.id, now=NOW)}
    assert (rows[broad.id].matching_nodes, rows[broad.id].priced_nodes) == (2, 1)
    assert (rows[zone_a.id].matching_nodes, rows[zone_a.id].priced_nodes) == (1, 1)
    assert (
        rows[scheduled.id].status,
        rows[scheduled.id].matching_nodes,
        rows[scheduled.id].priced_nodes,
    ) == (
        "scheduled",
        1,
        0,
    )
    rules = node_prices.list_rules(session=session, org_id=acme.id, now=NOW)
    assert rules[0].id == scheduled.id


def test_a_draft_selector_is_previewed_before_it_is_saved(session, fleet):
    acme, _ = fleet
    preview = node_prices.preview_selector(session=session, org_id=acme.id, selector="pool=gpu")
    assert (preview.matching_nodes, preview.example_nodes) == (1, ["shop/gpu-1"])


def test_bad_rules_are_refused_field_by_field_and_nothing_is_stored(session, fleet):
    acme, _ = fleet
    with pytest.raises(ValidationFailed) as refused:
        node_prices.create_rule(
            session=session,
            org_id=acme.id,
            selector="pool gpu",
            price_per_hour="-1",
            effective_from="soon",
        )
    assert refused.value.by_field() == {
        "selector": "term 1 ('pool gpu') must be key=value; only equality is supported",
        "price_per_hour": "must be a number, zero or more",
        "effective_from": "must be a date or time, such as 2026-12-01 or 2026-12-01T00:00Z",
    }
    with pytest.raises(ValidationFailed) as refused:
        node_prices.create_rule(
            session=session,
            org_id=acme.id,
            selector="a=b",
            price_per_hour="1e9",
            effective_from="2026-03-01",
        )
    assert refused.value.by_field() == {"price_per_hour": "must be at most 100,000 per node-hour"}
    assert session.query(NodePriceRule).count() == 0


def test_the_number_of_rules_is_capped(session, fleet, monkeypatch):
    acme, _ = fleet
    monkeypatch.setattr(node_prices, "MAX_RULES_PER_ORG", 2)
    for n in range(2):
        node_prices.create_rule(
            session=session,
            org_id=acme.id,
            selector=f"n={n}",
            price_per_hour=1,
            effective_from="2026-03-01",
        )
    with pytest.raises(ValidationFailed) as refused:
        node_prices.create_rule(
            session=session,
            org_id=acme.id,
            selector="n=3",
            price_per_hour=1,
            effective_from="2026-03-01",
        )
    assert refused.value.by_field() == {"selector": "an organization may keep at most 2 rules"}


def test_rules_of_another_organization_can_be_neither_seen_nor_deleted(session, fleet):
    acme, other = fleet
    theirs = node_prices.create_rule(
        session=session,
        org_id=other.id,
        selector="NodeGroup=main",
        price_per_hour=9,
        effective_from="2026-03-01",
    )
    assert node_prices.list_rules(session=session, org_id=acme.id, now=NOW) == []
    with pytest.raises(NotFound):
        node_prices.delete_rule(session=session, org_id=acme.id, rule_id=theirs.id)
    with pytest.raises(NotFound):
        node_prices.delete_rule(session=session, org_id=acme.id, rule_id=987654)
    node_prices.delete_rule(session=session, org_id=other.id, rule_id=theirs.id)
    assert session.query(NodePriceRule).count() == 0


def test_an_uploaded_catalogue_replaces_the_previous_one_and_wins_over_the_shipped(session, fleet):
    acme, other = fleet
    first = f"{HEADER}\naws,us-east-1,t3.small,2,2,0,,0.015,EDP sheet,2026-02-01\naws,us-east-1,x1.large,2,8,0,,1,EDP,2026-02-01\n"
    summary = node_prices.upload_catalogue(session=session, org_id=acme.id, data=first.encode())
    assert (summary.rows, summary.by_provider) == (2, {"aws": 2}) and summary.uploaded_at
    second = f"{HEADER}\naws,us-east-1,t3.small,2,2,0,,0.016,EDP sheet,2026-03-01\n"
    assert node_prices.upload_catalogue(session=session, org_id=acme.id, data=second).rows == 1
    book = node_prices.node_price_book(session=session, org_id=acme.id)
    labels = EKS_NODES["items"][0]["metadata"]["labels"]
    node = NodeFacts(labels=labels, cores=2, memory_gib=2, cluster_provider="eks")
    price = book.price(node, hour=NOW, sheet=SHEET)
    assert price.price_per_hour == 0.016 and price.catalogue_row.origin == "organization"
    # the other organization still gets the shipped list price
    theirs = node_prices.node_price_book(session=session, org_id=other.id).price(
        node, hour=NOW, sheet=SHEET
    )
    assert theirs.price_per_hour == 0.0208
    assert node_prices.clear_catalogue(session=session, org_id=acme.id).rows == 0
    assert node_prices.catalogue_summary(session=session, org_id=other.id).shipped_rows > 400


def test_a_catalogue_with_one_bad_row_changes_nothing(session, fleet):
    acme, _ = fleet
    node_prices.upload_catalogue(
        session=session,
        org_id=acme.id,
        data=f"{HEADER}\naws,us-east-1,t3.small,2,2,0,,0.015,EDP,2026-02-01\n",
    )
    bad = (
        f"{HEADER}\n"
        "aws,us-east-1,m5.large,2,8,0,,0.09,EDP,2026-02-01\n"
        "aws,us-east-1,m5.xlarge,4,16,0,,0.18,EDP,2026-02-01\n"
        "aws,us-east-1,m5.2xlarge,8,32,0,,0.36,EDP,2026-02-01\n"
        "aws,us-east-1,m5.4xlarge,16,64,0,,0.72,EDP,2026-02-01\n"
        "aws,us-east-1,m5.8xlarge,32,128,0,,1.44,EDP,2026-02-01\n"
        "aws,us-east-1,m5.12xlarge,48,192,0,,abc,EDP,2026-02-01\n"
    )
    with pytest.raises(CatalogueInvalid) as refused:
        node_prices.upload_catalogue(session=session, org_id=acme.id, data=bad)
    assert refused.value.lines == [
        "line 7: on_demand_hour: expected a non-negative number, got 'abc'"
    ]
    stored = session.query(NodePriceCatalogueRow).all()
    assert [(row.instance_type, row.on_demand_hour) for row in stored] == [("t3.small", 0.015)]


def test_spot_factors_default_to_035_and_are_checked_from_0_to_1(session, fleet):
    acme, other = fleet
    assert node_prices.spot_factors(session=session, org_id=acme.id) == {
        "aws": 0.35,
        "gcp": 0.35,
        "azure": 0.35,
    }
    assert node_prices.set_spot_factors(
        session=session, org_id=acme.id, factors={"aws": "0.3", "gcp": 0}
    ) == {
        "aws": 0.3,
        "gcp": 0.0,
        "azure": 0.35,
    }
    assert (
        node_prices.set_spot_factors(session=session, org_id=acme.id, factors={"aws": 1})["aws"]
        == 1.0
    )
    with pytest.raises(ValidationFailed) as refused:
        node_prices.set_spot_factors(
            session=session, org_id=acme.id, factors={"aws": "1.5", "gcp": "x", "oracle": "0.2"}
        )
    assert refused.value.by_field() == {
        "aws": "must be a number from 0 to 1, such as 0.35",
        "gcp": "must be a number from 0 to 1, such as 0.35",
        "oracle": "expected one of aws, gcp, azure",
    }
    assert node_prices.spot_factors(session=session, org_id=acme.id)["aws"] == 1.0
    assert node_prices.spot_factors(session=session, org_id=other.id)["aws"] == 0.35


def test_the_book_carries_rules_catalogue_and_spot_factors_to_the_engine(session, fleet):
    acme, _ = fleet
    node_prices.set_spot_factors(session=session, org_id=acme.id, factors={"aws": 0.5})
    node_prices.create_rule(
        session=session,
        org_id=acme.id,
        selector="pool=gpu",
        price_per_hour=0.9,
        effective_from=NOW.replace(minute=0) + dt.timedelta(hours=1),
    )
    book = node_prices.node_price_book(session=session, org_id=acme.id)
    gpu = NodeFacts(
        labels={
            "pool": "gpu",
            "node.kubernetes.io/instance-type": "g5.xlarge",
            "topology.kubernetes.io/region": "us-east-1",
            "karpenter.sh/capacity-type": "spot",
        },
        cores=4,
        memory_gib=16,
        gpus=1,
        cluster_provider="eks",
    )
    hour = NOW.replace(minute=0)
    assert book.price(gpu, hour=hour, sheet=SHEET).price_per_hour == pytest.approx(1.006 * 0.5)
    assert book.price(gpu, hour=hour + dt.timedelta(hours=1), sheet=SHEET).price_per_hour == 0.9
