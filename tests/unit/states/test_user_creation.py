"""Admin → Users → Add user, driven through the real handler: an admin who tries the address
of someone in another organization learns nothing an address of their own organization would
not tell them (issue 10, item 13).
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from kube_console.models import User
from kube_console.services.users import EMAIL_NOT_AVAILABLE
from kube_console.states.users import UsersState
from tests.factories import Factory
from tests.support.reflex_events import EventDriver, Tab
from tests.unit.states.conftest import signed_in

PASSWORD = "a long enough password"


async def _add_user(tab: Tab, email: str) -> tuple[str, dict[str, str], list]:
    await tab.fire(UsersState.create_dialog_changed, open=True)
    reply = await tab.fire(
        UsersState.create_user,
        form={"email": email, "display_name": "", "role": "member", "password": PASSWORD},
    )
    users = await tab.state(UsersState)
    return reply.wire_text, dict(users.create_errors), reply.toasts


@pytest.mark.anyio
async def test_adding_an_address_of_another_org_answers_as_for_one_of_this_org(
    console_db, session: Session, make: Factory
):
    acme, rival = make.org("acme"), make.org("rival-corp")
    admin = make.user(acme, role="admin", email="ana@acme.test")
    make.user(acme, email="bo@acme.test")
    make.user(rival, email="cy@rival.test")

    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in(session, admin))
        await tab.open("/admin/users")
        text_elsewhere, errors_elsewhere, toasts_elsewhere = await _add_user(tab, "cy@rival.test")
        text_here, errors_here, toasts_here = await _add_user(tab, "bo@acme.test")

    assert errors_elsewhere == errors_here == {"email": EMAIL_NOT_AVAILABLE}
    assert toasts_elsewhere == toasts_here == []
    # What the browser was sent differs only in the address typed, which it does not echo.
    assert text_elsewhere == text_here
    assert not re.search(r"exist|already|rival", text_elsewhere, re.IGNORECASE)
    owners = session.exec(select(User.email, User.org_id).order_by(User.email)).all()
    assert [(email, org_id) for email, org_id in owners] == [
        ("ana@acme.test", acme.id),
        ("bo@acme.test", acme.id),
        ("cy@rival.test", rival.id),
    ]
