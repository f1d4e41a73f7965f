"""Admin → Settings: price sheets per scope with their history, and "recompute from <date>" with
its progress and toast (tests/support/costed_fleet.py describes the fleet and its prices)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from kube_console import settings
from kube_console.costs import queries as cost_queries
from kube_console.costs.records import CostQuery
from kube_console.models import PriceSheet
from kube_console.states.admin_settings import SCOPE_GONE, SettingsState
from tests.support.costed_fleet import build_fleet
from tests.support.reflex_events import EventDriver, Toast
from tests.unit.states.conftest import signed_in

NOW = dt.datetime(2026, 3, 3, 6, 30, tzinfo=dt.UTC)
PRICES = {
    "currency": "USD",
    "cpu_core_hour": "0.08",
    "memory_gib_hour": "0.005",
    "gpu_hour": "2.1",
    "storage_gib_hour": "0.0001",
    "network_gb": "0.05",
}


@dataclasses.dataclass
class Acme:
    org_id: int
    admin_token: str
    member_token: str
    cluster_ids: dict[str, int]


@pytest.fixture
def acme(console_db, session, engine, make, monkeypatch) -> Acme:
    monkeypatch.setattr("kube_console.states.admin_settings.utcnow", lambda: NOW)
    # The console recomputes with its own settings: the fleet's hourly syncs.
    monkeypatch.setenv(settings.ENV_PREFIX + "SYNC_INTERVAL_SECONDS", "3600")
    settings.get_settings.cache_clear()
    org = make.org("acme")
    clusters = build_fleet(session, engine, org, now=NOW, days=3)
    return Acme(
        org_id=org.id,
        admin_token=signed_in(session, make.user(org, role="admin")),
        member_token=signed_in(session, make.user(org)),
        cluster_ids={name: cluster.id for name, cluster in clusters.items()},
    )


def _prod_shop_cpu_cost(session: Session, org_id: int) -> float:
    query = CostQuery(
        window="custom",
        start="2026-03-01",
        end="2026-03-03",
        group_by=("cluster", "namespace"),
        idle="hide",
        namespaces=("shop",),
    )
    report = cost_queries.cost_report(session=session, org_id=org_id, query=query, now=NOW)
    return next(group.cpu_cost for group in report.groups if group.label == "prod · shop")


@pytest.mark.anyio
async def test_a_member_gets_the_refusal_and_no_prices(acme):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.member_token)
        await tab.open("/admin/settings")
        page = await tab.state(SettingsState)
        assert page.refusal == "manage prices needs the admin role"
        assert page.scopes == [] and page.sheets == []


@pytest.mark.anyio
async def test_every_scope_is_listed_and_the_built_in_prices_apply_at_first(acme):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open("/admin/settings")
        page = await tab.state(SettingsState)
        assert [
            (scope.name, scope.has_sheets, scope.network_measured) for scope in page.scopes
        ] == [
            ("Organization default", False, False),
            ("prod", False, False),
            ("stage", False, False),
        ]
        assert page.source == "the built-in defaults (no sheet applies yet)"
        assert (
            page.price_cpu,
            page.price_memory,
            page.price_gpu,
            page.price_storage,
            page.price_network,
        ) == ("$0.04", "$0.005", "$0.95", "$0.0001", "$0.05")
        assert page.draft["gpu_hour"] == "0.95"
        assert page.draft["effective_from"] == "2026-03-03T07:00"  # the next hour, in UTC
        assert page.retention_from == "2026-02-17"  # raw samples are kept 14 days


@pytest.mark.anyio
async def test_a_sheet_is_checked_field_by_field_and_then_scheduled(acme, session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open("/admin/settings")
        await tab.fire(SettingsState.sheet_dialog_changed, open=True)
        wrong = {
            **PRICES,
            "cpu_core_hour": "-1",
            "gpu_hour": "lots",
            "currency": "dollars",
            "effective_from": "soon",
        }
        await tab.fire(SettingsState.create_sheet, form=wrong)
        page = await tab.state(SettingsState)
        assert set(page.sheet_errors) == {"cpu_core_hour", "gpu_hour", "currency", "effective_from"}
        assert page.sheet_errors["gpu_hour"] == "must be a number"
        assert page.sheet_open and session.exec(select(PriceSheet)).all() == []

        reply = await tab.fire(
            SettingsState.create_sheet, form={**PRICES, "effective_from": "2026-04-01T00:00"}
        )
        assert reply.toasts == [
            Toast(
                "success", "New prices for Organization default take effect 1 Apr 2026, 00:00 UTC."
            )
        ]
        page = await tab.state(SettingsState)
        assert not page.sheet_open and page.suggest_recompute_from == ""
        assert [
            (sheet.effective_from, sheet.status, sheet.cpu, sheet.gpu) for sheet in page.sheets
        ] == [("1 Apr 2026, 00:00 UTC", "scheduled", "$0.08", "$2.10")]
        assert page.scopes[0].has_sheets
        assert page.price_cpu == "$0.04"  # not in force yet


@pytest.mark.anyio
async def test_a_cluster_sheet_from_the_past_is_recomputed_on_request_with_progress(acme, session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open("/admin/settings")
        await tab.fire(SettingsState.select_scope, cluster_id=acme.cluster_ids["prod"])
        await tab.fire(
            SettingsState.create_sheet, form={**PRICES, "effective_from": "2026-03-01T00:00"}
        )
        page = await tab.state(SettingsState)
        assert page.scope_name == "prod" and page.source == "this cluster's own sheet"
        assert page.source_since == "1 Mar 2026, 00:00 UTC" and page.price_cpu == "$0.08"
        assert page.suggest_recompute_from == "2026-03-01"
        # editing prices never rewrites history: 48 hours of one core at $0.04
        assert _prod_shop_cpu_cost(session, acme.org_id) == pytest.approx(1.92)

        await tab.fire(SettingsState.offer_recompute)
        assert (await tab.state(SettingsState)).recompute_since == "2026-03-01"
        reply = await tab.fire(
            SettingsState.recompute, form={"since": "2026-03-01", "scope": "cluster"}
        )

        # 1 Mar 00:00 to 3 Mar 06:00: 54 hours of prod alone
        assert reply.toasts == [
            Toast("success", "Recomputed 54 hours on 1 cluster from 1 Mar 2026.")
        ]
        assert any(delta_has(delta, "recompute_total", 54) for delta in reply.deltas)
        page = await tab.state(SettingsState)
        assert not page.recomputing and not page.recompute_open
        assert (page.recompute_done, page.recompute_total, page.recompute_percent) == (54, 54, 100)
        assert page.suggest_recompute_from == ""
        assert _prod_shop_cpu_cost(session, acme.org_id) == pytest.approx(3.84)


def delta_has(delta: dict, name: str, value: object) -> bool:
    return any(
        key.startswith(name) and found == value
        for state in delta.values()
        for key, found in state.items()
    )


@pytest.mark.anyio
async def test_a_recompute_from_the_future_is_refused_on_its_field(acme):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open("/admin/settings")
        await tab.fire(SettingsState.recompute_dialog_changed, open=True)
        page = await tab.state(SettingsState)
        assert page.recompute_open and page.recompute_since == "2026-02-17"

        reply = await tab.fire(
            SettingsState.recompute, form={"since": "2026-04-01", "scope": "all"}
        )
        page = await tab.state(SettingsState)
        assert reply.toasts == [] and page.recompute_errors == {
            "since": "must not be in the future"
        }
        assert page.recompute_open and not page.recomputing


@pytest.mark.anyio
async def test_another_orgs_cluster_gets_a_clean_refusal(acme, session, make):
    rival = make.cluster(make.org("rival"), name="rival-prod")
    async with EventDriver() as driver:
        tab = driver.tab(session_token=acme.admin_token)
        await tab.open("/admin/settings")
        reply = await tab.fire(SettingsState.select_scope, cluster_id=rival.id)
        assert reply.toasts == [Toast("error", SCOPE_GONE)]
        page = await tab.state(SettingsState)
        assert page.scope_id == 0 and page.scope_name == "Organization default"
        assert "rival" not in tab.received_text()
