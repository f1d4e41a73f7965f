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
import inspect
from collections.abc import Callable
from typing import Any

import pytest
import reflex as rx
from sqlalchemy import Engine
from sqlmodel import Session, select

from kube_console import routes
from kube_console.models import ApiToken, AuthSession, Organization, User
from kube_console.services import tokens as tokens_service
from kube_console.states import guard
from kube_console.states.admin_settings import SettingsState
from kube_console.states.admin_workers import WorkersState
from kube_console.states.profile import ProfileState
from kube_console.states.users import UsersState
from tests.factories import PASSWORD, Factory
from tests.support.reflex_events import EventDriver, Reply, Tab
from tests.unit.states.conftest import signed_in
from tests.unit.states.test_policies import console_handlers

B_MARK = "globex"  # in every name, e-mail and token name of org B, and nowhere in org A
NEW_PASSWORD = "another long password"


@dataclasses.dataclass
class Org:
    org: Organization
    admin: User
    member: User
    disabled: User
    admin_token_id: int
    member_token_id: int


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
    session.commit()
    return Org(org, admin, member, disabled, admin_token.row.id, member_token.row.id)


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


Step = Fire | Plant

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
}

# The page each state's handlers are sent from (the page's on_load runs first, as in a browser).
PAGE_OF = {
    UsersState: routes.ADMIN_USERS,
    ProfileState: routes.PROFILE,
    WorkersState: routes.ADMIN_WORKERS,
    SettingsState: routes.ADMIN_SETTINGS,
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
    return a, b


async def _attempt(
    tab: Tab, state: type[rx.State], name: str, steps: list[Step]
) -> list[tuple[Fire, Reply]]:
    replies = []
    for step in steps:
        if isinstance(step, Plant):
            setattr(await tab.state(step.state), step.var, step.value)
        else:
            replies.append((step, await tab.fire(state.event_handlers[name], **step.payload)))
    return replies


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
                clean = [
                    toast for toast in reply.toasts if toast.kind == "error"
                ] or reply.redirects
                assert clean, f"{step} got no clean message back: {reply.updates}"


@pytest.mark.anyio
async def test_an_admin_sees_and_changes_their_own_organization(orgs, session, engine):
    """The harness reaches the database: the same handlers do change org A (so the checks
    above could fail)."""
    a, b = orgs
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
async def test_every_handler_of_a_signed_out_browser_sends_it_to_sign_in(orgs):
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
