"""An admin's reset of someone's password also revokes their API tokens (unless the admin
chooses to keep them)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.services import auth
from kube_console.services import tokens as tokens_service
from kube_console.states.users import UsersState
from tests.factories import Factory
from tests.support.reflex_events import EventDriver, Toast
from tests.unit.states.conftest import signed_in

NEW_PASSWORD = "a fresh long password"


@pytest.fixture
def bo_with_tokens(console_db, session: Session, make: Factory):
    org = make.org()
    admin = make.user(org, role="admin", email="ana@example.com")
    bo = make.user(org, email="bo@example.com")
    tokens = [
        tokens_service.create_token(session=session, org_id=org.id, user_id=bo.id, name=name, role="read").token
        for name in ("ci", "grafana")
    ]
    session.commit()
    return signed_in(session, admin), bo, tokens


async def _reset_bo(admin_session: str, bo, form: dict[str, str]):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=admin_session)
        await tab.open(routes.ADMIN_USERS)
        await tab.fire(UsersState.ask_to_reset_password, user_id=bo.id)
        return await tab.fire(UsersState.reset_password, form=form)


@pytest.mark.anyio
async def test_a_reset_by_an_admin_revokes_the_users_api_tokens_and_says_so(session, bo_with_tokens):
    admin_session, bo, tokens = bo_with_tokens
    reply = await _reset_bo(admin_session, bo, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert reply.toasts == [
        Toast(
            "success",
            "Password reset. bo@example.com was signed out everywhere and their 2 API tokens were revoked; "
            "they sign in with the new password.",
        )
    ]
    assert [auth.resolve_api_token(session=session, token=token) for token in tokens] == [None, None]


@pytest.mark.anyio
async def test_keeping_the_api_tokens_is_an_explicit_choice(session, bo_with_tokens):
    admin_session, bo, tokens = bo_with_tokens
    form = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "keep_api_tokens": "on"}
    reply = await _reset_bo(admin_session, bo, form)
    assert reply.toasts == [
        Toast(
            "success",
            "Password reset. bo@example.com was signed out everywhere; their 2 API tokens were kept.",
        )
    ]
    assert all(auth.resolve_api_token(session=session, token=token) for token in tokens)

