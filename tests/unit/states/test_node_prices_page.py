"""Admin → Settings → Node prices through Reflex's own event processing: admins change rules,
the catalogue and spot factors; members read them and every change they try is refused on the
server; ids from the browser are re-checked against the caller's organization."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from kube_console.costs.catalogue import COLUMNS
from kube_console.models import NodePriceCatalogueRow, NodePriceRule, NodePriceSpotFactor
from kube_console.states.node_prices import RULE_GONE, NodePricesState
from tests.support.reflex_events import EventDriver, Toast
from tests.unit.states.conftest import signed_in

SETTINGS = "/admin/settings"
HEADER = ",".join(COLUMNS)
REFUSED = Toast("error", "Not allowed: manage prices needs the admin role")


@dataclasses.dataclass
class Acme:
    org_id: int
    other_org_id: int
    admin_token: str
    member_token: str


@pytest.fixture
def acme(console_db, session, make) -> Acme:
    org, other = make.org("acme"), make.org("other")
    cluster = make.cluster(org, name="shop", provider="eks")
    for name, group in (("node-a", "main"), ("node-b", "main"), ("gpu-1", "gpu")):
        make.node(
            cluster,
            name=name,
            labels={"NodeGroup": group, "node.kubernetes.io/instance-type": "m5.large"},
        )
    return Acme(
        org_id=org.id,
        other_org_id=other.id,
        admin_token=signed_in(session, make.user(org, role="admin")),
        member_token=signed_in(session, make.user(org)),
    )


RULE = {
    "selector": "NodeGroup=main",
    "price_per_hour": "0.05",
    "effective_from": "2026-03-01T00:00",
}


@pytest.mark.anyio
async def test_an_admin_adds_a_rule_field_errors_first_and_sees_what_it_matches(acme, session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open(SETTINGS)
        page = await tab.state(NodePricesState)
        assert page.loaded and page.can_edit and page.rules == []
        assert (
            page.spot == {"aws": "0.35", "gcp": "0.35", "azure": "0.35"} and page.shipped_rows > 400
        )

        await tab.fire(NodePricesState.rule_dialog_changed, open=True)
        await tab.fire(
            NodePricesState.create_rule,
            form={"selector": "NodeGroup main", "price_per_hour": "x", "effective_from": "later"},
        )
        page = await tab.state(NodePricesState)
        assert (
            set(page.rule_errors) == {"selector", "price_per_hour", "effective_from"}
            and page.rule_open
        )
        assert session.query(NodePriceRule).count() == 0

        await tab.fire(NodePricesState.preview, selector="NodeGroup=main")
        assert (
            await tab.state(NodePricesState)
        ).preview_text == "Matches 2 nodes now: shop/node-a, shop/node-b."
        reply = await tab.fire(NodePricesState.create_rule, form=RULE)
        assert reply.toasts == [
            Toast(
                "success",
                "NodeGroup=main costs $0.05 per node-hour from 1 Mar 2026, 00:00 UTC; "
                "it matches 2 nodes now.",
            )
        ]
        page = await tab.state(NodePricesState)
        assert not page.rule_open
        (rule,) = page.rules
        assert (
            rule.selector,
            rule.price,
            rule.status,
            rule.matching_nodes,
            rule.priced_nodes,
            rule.examples,
        ) == (
            "NodeGroup=main",
            "$0.05",
            "in force",
            2,
            2,
            "shop/node-a, shop/node-b",
        )


@pytest.mark.anyio
async def test_a_rule_is_deleted_after_confirmation_and_another_orgs_rule_id_is_refused(
    acme, session
):
    theirs = NodePriceRule(
        org_id=acme.other_org_id,
        selector="NodeGroup=main",
        price_per_hour=1.0,
        effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    session.add(theirs)
    session.commit()
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open(SETTINGS)
        await tab.fire(NodePricesState.create_rule, form=RULE)
        (mine,) = (await tab.state(NodePricesState)).rules

        await tab.fire(NodePricesState.ask_delete, rule_id=theirs.id, selector="anything")
        reply = await tab.fire(NodePricesState.delete_rule)
        assert reply.toasts == [Toast("error", RULE_GONE)]
        assert session.get(NodePriceRule, theirs.id) is not None

        await tab.fire(NodePricesState.ask_delete, rule_id=mine.id, selector=mine.selector)
        assert (await tab.state(NodePricesState)).delete_open
        reply = await tab.fire(NodePricesState.delete_rule)
        assert reply.toasts == [Toast("success", "Deleted the rule NodeGroup=main.")]
        page = await tab.state(NodePricesState)
        assert page.rules == [] and not page.delete_open
    session.expire_all()
    assert [rule.org_id for rule in session.query(NodePriceRule).all()] == [acme.other_org_id]


@pytest.mark.anyio
async def test_a_catalogue_upload_shows_its_row_errors_and_stores_nothing_until_it_is_right(
    acme, session
):
    bad = f"{HEADER}\naws,us-east-1,m5.large,2,8,0,,0.09,EDP,2026-02-01\naws,us-east-1,m5.xlarge,4,16,0,,abc,EDP,2026-02-01\n"
    good = f"{HEADER}\naws,us-east-1,m5.large,2,8,0,,0.09,EDP,2026-02-01\n"
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open(SETTINGS)
        await tab.fire(NodePricesState.catalogue_dialog_changed, open=True)
        await tab.fire(NodePricesState.upload_catalogue, form={"csv": bad})
        page = await tab.state(NodePricesState)
        assert page.catalogue_errors == [
            "line 3: on_demand_hour: expected a non-negative number, got 'abc'"
        ]
        assert page.catalogue_open and session.query(NodePriceCatalogueRow).count() == 0

        await tab.fire(NodePricesState.upload_catalogue, form={"csv": "x" * 1_000_001})
        assert (await tab.state(NodePricesState)).catalogue_errors == [
            "file: must be at most 1,000,000 bytes"
        ]

        reply = await tab.fire(NodePricesState.upload_catalogue, form={"csv": good})
        assert reply.toasts == [
            Toast(
                "success",
                "Your catalogue of 1 row now prices the nodes it lists, ahead of the shipped one.",
            )
        ]
        page = await tab.state(NodePricesState)
        assert (page.catalogue_rows, page.catalogue_providers, page.catalogue_open) == (
            1,
            "AWS 1",
            False,
        )
        assert page.has_own_catalogue

        await tab.fire(NodePricesState.clear_catalogue)
        assert (await tab.state(NodePricesState)).catalogue_rows == 0
    assert session.query(NodePriceCatalogueRow).count() == 0


@pytest.mark.anyio
async def test_spot_factors_are_checked_then_saved(acme, session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open(SETTINGS)
        await tab.fire(
            NodePricesState.save_spot_factors, form={"aws": "2", "gcp": "0.3", "azure": "-0.1"}
        )
        page = await tab.state(NodePricesState)
        assert set(page.spot_errors) == {"aws", "azure"}
        assert session.query(NodePriceSpotFactor).count() == 0
        await tab.fire(
            NodePricesState.save_spot_factors, form={"aws": "0.3", "gcp": "0.25", "azure": "0.4"}
        )
        assert (await tab.state(NodePricesState)).spot == {
            "aws": "0.3",
            "gcp": "0.25",
            "azure": "0.4",
        }


@pytest.mark.anyio
async def test_a_member_reads_node_prices_and_every_change_is_refused_on_the_server(acme, session):
    async with EventDriver() as driver:
        admin = driver.tab(session_token=acme.admin_token)
        await admin.open(SETTINGS)
        await admin.fire(NodePricesState.create_rule, form=RULE)
        (rule,) = (await admin.state(NodePricesState)).rules

        tab = driver.tab(session_token=acme.member_token)
        await tab.open(SETTINGS)
        page = await tab.state(NodePricesState)
        assert page.loaded and not page.can_edit
        assert [(row.selector, row.matching_nodes) for row in page.rules] == [("NodeGroup=main", 2)]
        await tab.fire(NodePricesState.preview, selector="NodeGroup=gpu")
        assert (await tab.state(NodePricesState)).preview_text == "Matches 1 node now: shop/gpu-1."

        changes = [
            (NodePricesState.create_rule, {"form": {**RULE, "selector": "NodeGroup=gpu"}}),
            (
                NodePricesState.upload_catalogue,
                {"form": {"csv": f"{HEADER}\naws,us-east-1,m5.large,2,8,0,,0.01,x,2026-01-01\n"}},
            ),
            (NodePricesState.clear_catalogue, {}),
            (
                NodePricesState.save_spot_factors,
                {"form": {"aws": "0.9", "gcp": "0.9", "azure": "0.9"}},
            ),
        ]
        for handler, payload in changes:
            assert (await tab.fire(handler, **payload)).toasts == [REFUSED]
        await tab.fire(NodePricesState.ask_delete, rule_id=rule.id, selector=rule.selector)
        assert (await tab.fire(NodePricesState.delete_rule)).toasts == [REFUSED]
    session.expire_all()
    assert [row.selector for row in session.query(NodePriceRule).all()] == ["NodeGroup=main"]
    assert (
        session.query(NodePriceCatalogueRow).count()
        == session.query(NodePriceSpotFactor).count()
        == 0
    )


@pytest.mark.anyio
async def test_without_a_session_nothing_is_read(acme):
    async with EventDriver() as driver:
        tab = driver.tab()
        tab.path = SETTINGS
        reply = await tab.fire(NodePricesState.load)
        assert set(reply.redirects) == {"/login?next=/admin/settings"}
        assert not (await tab.state(NodePricesState)).loaded
