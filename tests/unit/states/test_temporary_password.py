"""A user whose password an admin set is sent to the change-password page by every page and
event until they have chosen their own; then the console opens as usual."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kube_console import routes
from kube_console.models import User
from kube_console.states.overview import OverviewState
from kube_console.states.profile import ChangePasswordState
from tests.factories import PASSWORD
from tests.support.reflex_events import EventDriver
from tests.unit.states.conftest import signed_in

pytestmark = pytest.mark.anyio

CHOSEN = "a password of my own"


def _form(new: str, again: str | None = None, current: str = PASSWORD) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }


async def test_a_temporary_password_must_be_changed_before_anything_else(
    console_db, session: Session, make
):
    user = make.user(make.org(), email="bo@example.com", must_change_password=True)
    token = signed_in(session, user)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=token)
        assert set((await tab.open(routes.OVERVIEW)).redirects) == {
            routes.CHANGE_PASSWORD
        }  # each on_load
        assert (await tab.fire(OverviewState.load)).redirects == [routes.CHANGE_PASSWORD]

        assert (await tab.open(routes.CHANGE_PASSWORD)).redirects == []
        assert (await tab.state(ChangePasswordState)).email == "bo@example.com"

        reply = await tab.fire(ChangePasswordState.submit, form=_form("short", again="other"))
        assert reply.redirects == []
        errors = (await tab.state(ChangePasswordState)).password_errors
        assert set(errors) == {"new_password", "new_password_again"}  # all at once

        reply = await tab.fire(ChangePasswordState.submit, form=_form(CHOSEN))
        assert reply.redirects == [routes.OVERVIEW]
        session.expire_all()
        assert not session.get(User, user.id).must_change_password
        assert (await tab.open(routes.OVERVIEW)).redirects == []  # this session stays signed in


async def test_the_temporary_password_itself_must_be_given(console_db, session: Session, make):
    user = make.user(make.org(), email="bo@example.com", must_change_password=True)
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, user))
        await tab.open(routes.CHANGE_PASSWORD)
        await tab.fire(ChangePasswordState.submit, form=_form(CHOSEN, current="a wrong guess"))
        assert set((await tab.state(ChangePasswordState)).password_errors) == {"current_password"}
    session.expire_all()
    assert session.get(User, user.id).must_change_password


async def test_someone_with_their_own_password_is_sent_on_to_the_overview(
    console_db, session: Session, make
):
    user = make.user(make.org(), email="cy@example.com")
    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, user))
        assert (await tab.open(routes.CHANGE_PASSWORD)).redirects == [routes.OVERVIEW]
