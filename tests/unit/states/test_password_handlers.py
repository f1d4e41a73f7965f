"""The two password handlers: changing one's own is throttled like sign-in, and an admin's
reset of someone else's also revokes their API tokens (unless the admin chooses to keep them)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.db import utcnow
from kube_console.services import auth
from kube_console.services import tokens as tokens_service
from kube_console.services import users as users_service
from kube_console.states.profile import ProfileState
from kube_console.states.session import SignInState
from kube_console.states.users import UsersState
from tests.factories import PASSWORD, Factory
from tests.support.password_checks import count_password_checks
from tests.support.reflex_events import EventDriver, Toast
from tests.unit.states.conftest import signed_in

NEW_PASSWORD = "a fresh long password"


def _change(current: str) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": NEW_PASSWORD,
        "new_password_again": NEW_PASSWORD,
    }


@pytest.fixture
def current_password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every current password change_own_password checked (argon2 verifications)."""
    return count_password_checks(monkeypatch, users_service)


@pytest.mark.anyio
async def test_thirty_wrong_current_passwords_check_only_the_free_guesses(
    console_db, session: Session, make: Factory, monkeypatch, current_password_checks
):
    now = utcnow()
    monkeypatch.setattr(auth, "utcnow", lambda: now)  # thirty events at the same instant
    ana = make.user(make.org(), email="ana@example.com")
    stolen, owners = signed_in(session, ana), signed_in(session, ana)
    async with EventDriver() as driver:
        thief = driver.tab(session_token=stolen)
        await thief.open(routes.PROFILE)
        for attempt in range(30):
            await thief.fire(ProfileState.change_password, form=_change(f"guess number {attempt}"))
        assert len(current_password_checks) == auth.FREE_GUESSES
        refusal = (await thief.state(ProfileState)).password_errors["current_password"]
        assert refusal == "Too many wrong passwords. Try again in 1 second."

        # The right password is refused unchecked too, so a guesser learns nothing while waiting...
        await thief.fire(ProfileState.change_password, form=_change(PASSWORD))
        assert len(current_password_checks) == auth.FREE_GUESSES
        # ...and the owner's own session is not slowed down by the stolen one.
        owner = driver.tab(session_token=owners)
        await owner.open(routes.PROFILE)
        reply = await owner.fire(ProfileState.change_password, form=_change(PASSWORD))
    assert reply.toasts == [
        Toast("success", "Password changed. Your other sessions were signed out.")
    ]


@pytest.fixture
def bo_with_tokens(console_db, session: Session, make: Factory):
    org = make.org()
    admin = make.user(org, role="admin", email="ana@example.com")
    bo = make.user(org, email="bo@example.com")
    tokens = [
        tokens_service.create_token(
            session=session, org_id=org.id, user_id=bo.id, name=name, role="read"
        ).token
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
async def test_a_reset_by_an_admin_revokes_the_users_api_tokens_and_says_so(
    session, bo_with_tokens
):
    admin_session, bo, tokens = bo_with_tokens
    reply = await _reset_bo(
        admin_session, bo, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert reply.toasts == [
        Toast(
            "success",
            "Password reset. bo@example.com was signed out everywhere and their 2 API tokens were revoked; "
            "they sign in with the new password.",
        )
    ]
    assert [auth.resolve_api_token(session=session, token=token) for token in tokens] == [
        None,
        None,
    ]


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


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("retry=42", "Too many sign-in attempts. Try again in 42 seconds."),
        ("retry=600", "Too many sign-in attempts. Try again in 10 minutes."),
        ("retry=" + "9" * 5000, "Too many sign-in attempts. Try again in 15 minutes."),
        ("retry=soon", "Too many sign-in attempts. Try again in 15 minutes."),
    ],
)
async def test_the_sign_in_page_says_how_long_the_throttle_asks_to_wait(
    console_db, make: Factory, query, error
):
    make.user(make.org())  # the console is set up
    async with EventDriver() as driver:
        tab = driver.tab()
        await tab.open(f"{routes.LOGIN}?error=throttled&{query}")
        assert (await tab.state(SignInState)).error == error
