"""The first-run setup page: every mistake shown at once next to its field, and the new admin
signed in straight away (no second sign-in with the credentials just typed)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from kube_console import routes
from kube_console.models import Organization, User
from kube_console.states.session import SETUP_FORM_ID, SetupState
from tests.support.reflex_events import EventDriver

pytestmark = pytest.mark.anyio

GOOD = {
    "org_name": "Acme",
    "display_name": "Ana Lima",
    "email": "ana@example.com",
    "password": "a long admin password",
    "password_again": "a long admin password",
}


async def test_every_mistake_is_shown_at_once_next_to_its_field(console_db, session: Session):
    bad = {
        "org_name": "A",
        "display_name": "",
        "email": "ana",
        "password": "short",
        "password_again": "other",
    }
    async with EventDriver() as driver:
        tab = driver.tab(session_token=None)
        await tab.open(routes.SETUP)
        await tab.fire(SetupState.submit, form=bad)
        errors = (await tab.state(SetupState)).errors
    assert set(errors) == {"org_name", "email", "password", "password_again"}
    assert errors["password_again"] == "The two passwords differ."
    assert session.exec(select(User)).all() == []


async def test_a_mismatch_alone_is_refused_before_anything_is_created(console_db, session: Session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=None)
        await tab.open(routes.SETUP)
        await tab.fire(SetupState.submit, form=GOOD | {"password_again": "another long password"})
        assert (await tab.state(SetupState)).errors == {
            "password_again": "The two passwords differ."
        }
    assert session.exec(select(Organization)).all() == []


async def test_setup_signs_the_new_admin_in_through_the_sign_in_route(console_db, session: Session):
    async with EventDriver() as driver:
        tab = driver.tab(session_token=None)
        await tab.open(routes.SETUP)
        reply = await tab.fire(SetupState.submit, form=GOOD)
    assert reply.redirects == []  # not to /login: the page posts the form it holds to sign in
    [script] = [event for event in reply.frontend_events if event.name == "_call_script"]
    code = script.payload["javascript_code"]
    assert SETUP_FORM_ID in code and ".submit.call(" in code
    assert GOOD["password"] not in reply.wire_text  # the password never comes back from the server
    assert [user.email for user in session.exec(select(User))] == ["ana@example.com"]
