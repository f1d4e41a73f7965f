"""Nobody in org A can read or change anything of org B through any event handler, even when
they send B's ids.

Every handler of every console state is driven through Reflex's real event processing
(tests/support/reflex_events.py), as A's admin and as A's member, with the arguments in
`ATTEMPTS` aimed at B's users and tokens. After each attempt, org B's rows are exactly as
before, and none of B's names, e-mails or token names reached A's browser or A's state.

A new handler is covered automatically; if it takes arguments, this test fails until an
entry in `ATTEMPTS` says how to aim it at org B.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest
import reflex as rx
from sqlalchemy import Engine
from sqlmodel import Session, select

from kube_console import routes, settings
from kube_console.models import (
    ApiToken,
    AuthSession,
    Cluster,
    CostRun,
    NodePriceCatalogueRow,
    NodePriceRule,
    NodePriceSpotFactor,
    Organization,
    PriceSheet,
    User,
)
from kube_console.security import rate_limit
from kube_console.services import tokens as tokens_service
from kube_console.states import guard
from kube_console.states.admin_settings import SettingsState
from kube_console.states.admin_workers import WorkersState
from kube_console.states.clusters import ClustersState
from kube_console.states.costs import CostsState
from kube_console.states.node_prices import NodePricesState
from kube_console.states.profile import ProfileState
from kube_console.states.users import UsersState
from tests.factories import PASSWORD, Factory
from tests.support.reflex_events import EventDriver, Reply, Tab
from tests.unit.states.conftest import signed_in
from tests.unit.states.test_policies import console_handlers

B_MARK = "globex"  # in every name, e-mail and token name of org B, and nowhere in org A
NEW_PASSWORD = "another long password"
SHEET = {
    "currency": "USD",
    "cpu_core_hour": "1",
    "memory_gib_hour": "1",
    "storage_gib_hour": "1",
    "network_gb": "1",
}


@dataclasses.dataclass
class Org:
    org: Organization
    admin: User
    member: User
    disabled: User
    admin_token_id: int
    member_token_id: int
    cluster_id: int
    namespace_id: int
    workload_id: int
    pod_id: int
    release_id: int
    node_price_rule_id: int = 0


def _node_prices(
    make: Factory, session: Session, org: Organization, cluster: Cluster, name: str
) -> int:
    """A node, a node price rule matching it, a catalogue row and a spot factor, all named
    after the org: a preview or list that leaked them would show the name."""
    make.node(cluster, name=f"{name}-node", labels={"pool": f"{name}-gpu"})
    rule = NodePriceRule(
        org_id=org.id,
        selector=f"pool={name}-gpu",
        price_per_hour=2.0,
        effective_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    session.add_all(
        [
            rule,
            NodePriceCatalogueRow(
                org_id=org.id,
                provider="aws",
                region="us-east-1",
                instance_type="m5.large",
                vcpu=2,
                memory_gib=8,
                on_demand_hour=0.05,
                source=f"{name} EDP",
                as_of="2026-01-01",
            ),
            NodePriceSpotFactor(org_id=org.id, provider="aws", factor=0.2),
        ]
    )
    session.commit()
    return rule.id


def _inventory(make: Factory, cluster: Cluster, name: str) -> tuple[int, int, int, int]:
    """A namespace running one Deployment with one pod, and a Helm release, every name carrying
    the org's name (and "checkout", which both orgs share, for the search to find)."""
    namespace = make.namespace(cluster, name=f"{name}-shop", team=f"{name}-team")
    workload = make.workload(namespace, name=f"{name}-checkout")
    pod = make.pod(
        namespace, name=f"{name}-checkout-7d9f8b", workload=workload, node_name=f"{name}-node"
    )
    release = make.helm_release(
        namespace,
        name=f"{name}-checkout",
        chart=f"{name}-chart",
        history=[
            {
                "revision": 1,
                "status": "deployed",
                "chart": f"{name}-chart",
                "description": f"{name} install",
            }
        ],
    )
    return namespace.id, workload.id, pod.id, release.id


def _org(make: Factory, session: Session, name: str, domain: str) -> Org:
    org = make.org(name)
    admin = make.user(org, role="admin", email=f"ana@{domain}", display_name=f"Ana {name}")
    member = make.user(org, email=f"bo@{domain}", display_name=f"Bo {name}")
    disabled = make.user(org, email=f"cy@{domain}", active=False)
    admin_token = tokens_service.create_token(
        session=session, org_id=org.id, user_id=admin.id, name=f"{name}-deploy", role="admin"
    )
    member_token = tokens_service.create_token(
        session=session, org_id=org.id, user_id=member.id, name=f"{name}-grafana", role="read"
    )
    cluster = make.cluster(
        org, name=f"{name}-prod", server_host=f"api.{domain}", credential_user=f"{name}-reader"
    )
    session.commit()
    return Org(
        org,
        admin,
        member,
        disabled,
        admin_token.row.id,
        member_token.row.id,
        cluster.id,
        *_inventory(make, cluster, name),
        node_price_rule_id=_node_prices(make, session, org, cluster, name),
    )


@dataclasses.dataclass(frozen=True)
class Fire:
    """Send the handler under test with these arguments."""

    payload: dict[str, Any]
    aims_at_b: bool = True  # the arguments name one of B's objects: a clean refusal is expected


@dataclasses.dataclass(frozen=True)
class Plant:
    """Put a value straight into a backend var first, as if an earlier step had been fooled
    into storing B's id: the handler that reads it must still refuse."""

    state: type[rx.State]
    var: str
    value: int


@dataclasses.dataclass(frozen=True)
class Open:
    """Open a page by its URL (its on_load handlers run), as a forged link to one of B's objects
    would: the page must say "not found" and show nothing of B."""

    path: str


Step = Fire | Plant | Open


def _drilldown_attempts(
    state: str, page_of_b: Callable[[Org], str]
) -> dict[str, Callable[[Org], list[Step]]]:
    """Every drill-down page reads its object (and its filters' ids) from the URL: aimed at B,
    it opens B's URL, then sends its handlers from there."""
    return {
        f"{state}.load": lambda b: [Open(page_of_b(b)), Fire({})],
        f"{state}.refresh": lambda b: [Open(page_of_b(b)), Fire({"visible": True})],
        f"{state}.filter_chosen": lambda b: [
            Open(page_of_b(b)),
            Fire({"name": "cluster", "value": str(b.cluster_id)}, aims_at_b=False),
        ],
        f"{state}.search_typed": lambda b: [
            Open(page_of_b(b)),
            Fire({"text": "checkout"}, aims_at_b=False),
        ],
    }


# How to aim each handler that takes arguments (or reads a target from a backend var) at org B.
ATTEMPTS: dict[str, Callable[[Org], list[Step]]] = {
    "UsersState.change_role": lambda b: [
        Fire({"user_id": b.member.id, "role": "admin"}),
        Fire({"user_id": b.admin.id, "role": "member"}),
    ],
    "UsersState.ask_to_disable": lambda b: [Fire({"user_id": b.member.id})],
    "UsersState.disable_confirmed": lambda b: [
        Plant(UsersState, "_disable_user_id", b.member.id),
        Fire({}),
    ],
    "UsersState.enable_user": lambda b: [Fire({"user_id": b.disabled.id})],
    "UsersState.ask_to_reset_password": lambda b: [Fire({"user_id": b.member.id})],
    "UsersState.reset_password": lambda b: [
        Plant(UsersState, "_reset_user_id", b.member.id),
        Fire({"form": {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}}),
    ],
    "UsersState.create_user": lambda b: [
        Fire(
            {"form": {"email": "new@example.com", "password": NEW_PASSWORD, "role": "admin"}},
            aims_at_b=False,
        )
    ],
    "ProfileState.revoke_token": lambda b: [
        Fire({"token_id": b.admin_token_id}),
        Fire({"token_id": b.member_token_id}),
    ],
    "ProfileState.create_token": lambda b: [
        Fire({"form": {"name": "laptop", "role": "read"}}, aims_at_b=False)
    ],
    "ProfileState.change_password": lambda b: [
        Fire(
            {
                "form": {
                    "current_password": PASSWORD,
                    "new_password": NEW_PASSWORD,
                    "new_password_again": NEW_PASSWORD,
                }
            },
            aims_at_b=False,
        )
    ],
    "ChangePasswordState.submit": lambda b: [
        Fire(
            {
                "form": {
                    "current_password": PASSWORD,
                    "new_password": NEW_PASSWORD,
                    "new_password_again": NEW_PASSWORD,
                }
            },
            aims_at_b=False,
        )
    ],
    "SetupState.submit": lambda b: [
        Fire(
            {
                "form": {
                    "org_name": "Globex",
                    "email": "x@globex.test",
                    "password": NEW_PASSWORD,
                    "password_again": NEW_PASSWORD,
                }
            }
        )
    ],
    "UsersState.create_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    "UsersState.disable_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    "UsersState.reset_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    "ProfileState.token_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    "WorkersState.refresh": lambda b: [Fire({"visible": True}, aims_at_b=False)],
    "ClustersState.refresh": lambda b: [Fire({"visible": True}, aims_at_b=False)],
    "ClustersState.sync_now": lambda b: [Fire({"cluster_id": b.cluster_id})],
    "ClustersState.ask_to_edit": lambda b: [Fire({"cluster_id": b.cluster_id})],
    "ClustersState.save_edit": lambda b: [
        Plant(ClustersState, "_edit_cluster_id", b.cluster_id),
        Fire({"form": {"name": "renamed", "environment": "staging", "kubeconfig": ""}}),
    ],
    "ClustersState.ask_to_delete": lambda b: [Fire({"cluster_id": b.cluster_id})],
    "ClustersState.delete_confirmed": lambda b: [
        Plant(ClustersState, "_delete_cluster_id", b.cluster_id),
        Fire({}),
    ],
    "ClustersState.submit_register": lambda b: [
        Fire(
            {
                "form": {
                    "name": "new",
                    "environment": "production",
                    "kubeconfig": "not: [a kubeconfig",
                }
            },
            aims_at_b=False,
        )
    ],
    "ClustersState.kubeconfig_entered": lambda b: [
        Fire({"kubeconfig": "clusters: []"}, aims_at_b=False)
    ],
    "ClustersState.kubeconfig_file_read": lambda b: [
        Fire({"file": {"name": "config", "size": 12, "text": "clusters: []"}}, aims_at_b=False)
    ],
    "ClustersState.choose_context": lambda b: [Fire({"context": "prod"}, aims_at_b=False)],
    "ClustersState.acknowledge_insecure_tls_changed": lambda b: [
        Fire({"checked": True}, aims_at_b=False)
    ],
    "ClustersState.register_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    "ClustersState.edit_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    "ClustersState.delete_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    **_drilldown_attempts(
        "ClusterDetailState", lambda b: f"/clusters/{b.cluster_id}?tab=namespaces"
    ),
    **_drilldown_attempts("NamespaceDetailState", lambda b: f"/namespaces/{b.namespace_id}"),
    **_drilldown_attempts("WorkloadDetailState", lambda b: f"/deployments/{b.workload_id}"),
    **_drilldown_attempts("PodDetailState", lambda b: f"/pods/{b.pod_id}"),
    **_drilldown_attempts("PodsState", lambda b: f"/pods?cluster={b.cluster_id}"),
    **_drilldown_attempts("HelmState", lambda b: f"/helm?cluster={b.cluster_id}"),
    **_drilldown_attempts("HelmReleaseState", lambda b: f"/helm/{b.release_id}"),
    "PodsState.owner_typed": lambda b: [Fire({"text": "checkout"}, aims_at_b=False)],
    "HelmState.namespace_typed": lambda b: [Fire({"text": "shop"}, aims_at_b=False)],
    "HelmState.chart_typed": lambda b: [Fire({"text": "chart"}, aims_at_b=False)],
    # A search for what both orgs' objects are named: B's must not come back.
    "SearchState.typed": lambda b: [Fire({"text": "checkout"}, aims_at_b=False)],
    "SearchState.key_pressed": lambda b: [
        Fire({"key": "ArrowDown"}, aims_at_b=False),
        Fire({"key": "Enter"}, aims_at_b=False),
    ],
    # Costs: filters are names, echoed into the tab's own URL, so the values carry no B_MARK;
    # the costs page tests filter by another org's cluster and labels.
    "CostsState.choose_window": lambda b: [Fire({"window": "7d"}, aims_at_b=False)],
    "CostsState.custom_start_chosen": lambda b: [Fire({"day": "2026-03-01"}, aims_at_b=False)],
    "CostsState.custom_end_chosen": lambda b: [Fire({"day": "2026-03-02"}, aims_at_b=False)],
    "CostsState.choose_step": lambda b: [Fire({"step": "hour"}, aims_at_b=False)],
    "CostsState.choose_idle": lambda b: [Fire({"idle": "share"}, aims_at_b=False)],
    "CostsState.choose_group": lambda b: [
        Fire({"position": 0, "dimension": "team"}, aims_at_b=False)
    ],
    "CostsState.toggle_filter": lambda b: [
        Fire({"dimension": "cluster", "value": "other-prod"}, aims_at_b=False)
    ],
    "CostsState.sort_by": lambda b: [Fire({"key": "cost"}, aims_at_b=False)],
    "CostsState.go_to_page": lambda b: [Fire({"page": 2}, aims_at_b=False)],
    "CostsState.picker_changed": lambda b: [
        Fire({"dimension": "team", "open": True}, aims_at_b=False)
    ],
    "CostsState.search_picker": lambda b: [Fire({"text": "team"}, aims_at_b=False)],
    "CostsState.show_math": lambda b: [Fire({"key": f"cluster={b.cluster_id}"})],
    "CostsState.math_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    "OverviewState.refresh": lambda b: [Fire({"visible": True}, aims_at_b=False)],
    "SettingsState.select_scope": lambda b: [Fire({"cluster_id": b.cluster_id})],
    "SettingsState.create_sheet": lambda b: [
        Plant(SettingsState, "_scope_cluster_id", b.cluster_id),
        Fire({"form": {**SHEET, "effective_from": "2026-01-01T00:00"}}),
    ],
    "SettingsState.recompute": lambda b: [
        Plant(SettingsState, "_scope_cluster_id", b.cluster_id),
        Fire({"form": {"since": "2020-01-01", "scope": "cluster"}}),
    ],
    "SettingsState.sheet_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    "SettingsState.recompute_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    # Node prices: a preview of B's labels must match none of B's nodes; deleting B's rule
    # (its id chosen in the browser) must be refused.
    "NodePricesState.preview": lambda b: [
        Fire({"selector": f"pool={B_MARK}-gpu"}, aims_at_b=False)
    ],
    "NodePricesState.create_rule": lambda b: [
        Fire(
            {
                "form": {
                    "selector": "pool=acme-gpu",
                    "price_per_hour": "1",
                    "effective_from": "2026-01-01",
                }
            },
            aims_at_b=False,
        )
    ],
    "NodePricesState.ask_delete": lambda b: [
        Fire({"rule_id": b.node_price_rule_id, "selector": "pool=acme-gpu"}, aims_at_b=False)
    ],
    "NodePricesState.delete_rule": lambda b: [
        Plant(NodePricesState, "delete_id", b.node_price_rule_id),
        Fire({}),
    ],
    "NodePricesState.upload_catalogue": lambda b: [
        Fire(
            {
                "form": {
                    "csv": "provider,region,instance_type,vcpu,memory_gib,gpu_count,gpu_model,"
                    "on_demand_hour,source,as_of\naws,us-east-1,m5.large,2,8,0,,0.01,mine,2026-01-01\n"
                }
            },
            aims_at_b=False,
        )
    ],
    "NodePricesState.save_spot_factors": lambda b: [
        Fire({"form": {"aws": "0.5", "gcp": "0.5", "azure": "0.5"}}, aims_at_b=False)
    ],
    "NodePricesState.rule_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
    "NodePricesState.delete_dialog_changed": lambda b: [Fire({"open": False}, aims_at_b=False)],
    "NodePricesState.catalogue_dialog_changed": lambda b: [Fire({"open": True}, aims_at_b=False)],
}

# The page each state's handlers are sent from (the page's on_load runs first, as in a browser).
PAGE_OF = {
    UsersState: routes.ADMIN_USERS,
    ProfileState: routes.PROFILE,
    WorkersState: routes.ADMIN_WORKERS,
    SettingsState: routes.ADMIN_SETTINGS,
    NodePricesState: routes.ADMIN_SETTINGS,
    CostsState: routes.COSTS,
    ClustersState: routes.CLUSTERS,
}


def _steps(state: type[rx.State], name: str, b: Org) -> list[Step]:
    key = f"{state.__name__}.{name}"
    if key in ATTEMPTS:
        return ATTEMPTS[key](b)
    parameters = list(inspect.signature(state.event_handlers[name].fn).parameters)[1:]
    assert not parameters, (
        f"{key} takes {parameters}: add an entry to ATTEMPTS that aims it at org B's ids"
    )
    return [Fire({}, aims_at_b=False)]


def _org_b_rows(engine: Engine, b: Org) -> dict[str, list[tuple]]:
    """Everything of org B that a handler could change, read fresh from the database."""
    with Session(engine) as db:
        users = db.exec(select(User).where(User.org_id == b.org.id).order_by(User.id)).all()
        user_ids = [user.id for user in users]
        return {
            "org": [
                (org.id, org.name)
                for org in db.exec(select(Organization).where(Organization.id == b.org.id))
            ],
            "users": [
                (u.id, u.email, u.display_name, u.role, u.active, u.password_hash, u.updated_at)
                for u in users
            ],
            "tokens": [
                (t.id, t.user_id, t.name, t.role, t.revoked, t.token_hash)
                for t in db.exec(
                    select(ApiToken).where(ApiToken.org_id == b.org.id).order_by(ApiToken.id)
                )
            ],
            "price_sheets": [
                (p.id, p.cluster_id, p.effective_from, p.cpu_core_hour)
                for p in db.exec(
                    select(PriceSheet).where(PriceSheet.org_id == b.org.id).order_by(PriceSheet.id)
                )
            ],
            "node_prices": [
                (r.id, r.selector, r.price_per_hour, r.effective_from)
                for r in db.exec(select(NodePriceRule).where(NodePriceRule.org_id == b.org.id))
            ]
            + [
                (c.id, c.instance_type, c.on_demand_hour, c.source)
                for c in db.exec(
                    select(NodePriceCatalogueRow).where(NodePriceCatalogueRow.org_id == b.org.id)
                )
            ]
            + [
                (f.provider, f.factor)
                for f in db.exec(
                    select(NodePriceSpotFactor).where(NodePriceSpotFactor.org_id == b.org.id)
                )
            ],
            "cost_runs": [
                (r.cluster_id, r.computed_until)
                for r in db.exec(select(CostRun).join(Cluster).where(Cluster.org_id == b.org.id))
            ],
            "clusters": [
                (c.id, c.name, c.environment, c.credential_key_id, c.syncs_total, c.updated_at)
                for c in db.exec(
                    select(Cluster).where(Cluster.org_id == b.org.id).order_by(Cluster.id)
                )
            ],
            "sessions": [
                (s.id, s.user_id, s.revoked, s.expires_at)
                for s in db.exec(
                    select(AuthSession)
                    .where(AuthSession.user_id.in_(user_ids))
                    .order_by(AuthSession.id)
                )
            ],
        }


@pytest.fixture
def orgs(console_db, session: Session, make: Factory) -> tuple[Org, Org]:
    a = _org(make, session, "acme", "acme.test")
    b = _org(make, session, B_MARK, f"{B_MARK}.test")
    signed_in(session, b.admin)  # B has live sessions that must stay open
    signed_in(session, b.member)
    # B's costs are computed up to a watermark that a recompute would move back
    session.add(
        CostRun(cluster_id=b.cluster_id, computed_until=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    )
    session.commit()
    return a, b


async def _attempt(
    tab: Tab, state: type[rx.State], name: str, steps: list[Step]
) -> list[tuple[Fire, Reply]]:
    replies = []
    for step in steps:
        if isinstance(step, Plant):
            setattr(await tab.state(step.state), step.var, step.value)
        elif isinstance(step, Open):
            await tab.open(step.path)
        else:
            replies.append((step, await tab.fire(state.event_handlers[name], **step.payload)))
    return replies


async def _page_says_not_found(tab: Tab, state: type[rx.State]) -> bool:
    return getattr(await tab.state(state), "view", None) == "missing"


@pytest.mark.anyio
@pytest.mark.parametrize("actor", ["admin", "member"])
@pytest.mark.parametrize(
    ("state", "name"), console_handlers(), ids=lambda value: getattr(value, "__name__", value)
)
async def test_no_handler_reads_or_changes_another_organization(
    orgs, session, engine, state, name, actor
):
    a, b = orgs
    before = _org_b_rows(engine, b)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, getattr(a, actor)))
        await tab.open(PAGE_OF.get(state, routes.OVERVIEW))
        replies = await _attempt(tab, state, name, _steps(state, name, b))

        assert _org_b_rows(engine, b) == before
        assert B_MARK not in tab.received_text().lower()
        assert B_MARK not in (await tab.snapshot_text()).lower()
        for step, reply in replies:
            if step.aims_at_b:
                clean = (
                    [toast for toast in reply.toasts if toast.kind == "error"]
                    or reply.redirects
                    or await _page_says_not_found(tab, state)
                )
                assert clean, f"{step} got no clean message back: {reply.updates}"


@pytest.mark.anyio
async def test_an_admin_sees_and_changes_their_own_organization(orgs, session, engine):
    """The harness reaches the database: the same handlers do change org A (so the checks
    above could fail)."""
    a, _b = orgs
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, a.admin))
        await tab.open(routes.ADMIN_USERS)
        listed = [user.email for user in (await tab.state(UsersState)).users]
        assert listed == ["ana@acme.test", "bo@acme.test", "cy@acme.test"]

        reply = await tab.fire(UsersState.change_role, user_id=a.member.id, role="admin")
        assert [toast.message for toast in reply.toasts] == ["bo@acme.test is now admin."]
        with Session(engine) as db:
            assert db.get(User, a.member.id).role == "admin"


@pytest.mark.anyio
async def test_another_orgs_id_gets_a_clean_message_and_a_refreshed_list(orgs, session):
    a, b = orgs
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, a.admin))
        await tab.open(routes.ADMIN_USERS)
        reply = await tab.fire(UsersState.ask_to_disable, user_id=b.member.id)
        assert [(t.kind, t.message) for t in reply.toasts] == [
            (
                "error",
                "That user is not in your organization any more. The list has been refreshed.",
            )
        ]
        users = await tab.state(UsersState)
        assert users.disable_open is False and users.disable_email == ""


@pytest.mark.anyio
async def test_a_member_is_refused_admin_pages_with_a_panel_and_gets_no_data(orgs, session):
    a, _ = orgs
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, a.member))
        for path, state in [
            (routes.ADMIN_USERS, UsersState),
            (routes.ADMIN_WORKERS, WorkersState),
            (routes.ADMIN_SETTINGS, SettingsState),
        ]:
            await tab.open(path)
            page = await tab.state(state)
            assert page.refusal.endswith("needs the admin role"), path
        assert (await tab.state(UsersState)).users == []
        assert "ana@acme.test" not in tab.received_text()


@pytest.mark.anyio
async def test_every_handler_of_a_signed_out_browser_sends_it_to_sign_in(orgs, monkeypatch):
    # One tab fires every guarded handler in a row: more events than the default burst, and
    # the budget is not what this test is about (test_event_rate_limit.py is).
    monkeypatch.setenv(settings.ENV_PREFIX + "EVENT_RATE_LIMIT_BURST", "1000")
    settings.get_settings.cache_clear()
    rate_limit.forget_buckets()
    async with EventDriver() as driver:
        tab = driver.tab(session_token=None)
        reply = await tab.open(routes.ADMIN_USERS)
        assert reply.redirects[0] == "/login?next=/admin/users"
        guarded_handlers = [
            (state, name)
            for state, name in console_handlers()
            if getattr(state.event_handlers[name].fn, guard.POLICY_ATTRIBUTE)
            not in (guard.PUBLIC, guard.UI_ONLY)
        ]
        for state, name in guarded_handlers:
            parameters = list(inspect.signature(state.event_handlers[name].fn).parameters)[1:]
            payload = {parameter: 1 for parameter in parameters}
            reply = await tab.fire(state.event_handlers[name], **payload)
            assert reply.redirects == ["/login?next=/admin/users"], f"{state.__name__}.{name}"


@pytest.mark.anyio
async def test_the_sign_in_page_forgets_what_the_last_user_of_the_tab_loaded(orgs, session):
    """Reflex keeps state per browser tab, not per user: after A's admin signs out, the next
    person to sign in in that tab must not be sent what A's pages loaded."""
    a, _ = orgs
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, a.admin))
        await tab.open(routes.ADMIN_USERS)
        await tab.open(routes.PROFILE)
        assert (await tab.state(UsersState)).users and (await tab.state(ProfileState)).tokens

        tab.session_token = None  # signed out: the browser no longer sends the cookie
        await tab.open(routes.LOGIN)
        snapshot = await tab.snapshot_text()
        assert "acme.test" not in snapshot and "acme-deploy" not in snapshot
