"""API tokens as the API sees them: capped by their creator's current role, and stamped with
when they were last used."""

from __future__ import annotations

from sqlmodel import Session, select

from kube_console.models import ApiToken
from tests.api.conftest import PREFIX, Fleet, Org
from tests.api.routes import assert_error


def test_a_token_loses_the_admin_role_with_its_creator(
    api, session: Session, acme: Org, fleet: Fleet
):
    assert api.get(f"{PREFIX}/workers/status", headers=acme.admin).status_code == 200
    acme.admin_user.role = "member"
    session.add(acme.admin_user)
    session.commit()
    assert_error(api.get(f"{PREFIX}/workers/status", headers=acme.admin), 403, "forbidden")
    assert api.get(f"{PREFIX}/clusters", headers=acme.admin).status_code == 200
    acme.admin_user.active = False
    session.add(acme.admin_user)
    session.commit()
    assert_error(api.get(f"{PREFIX}/clusters", headers=acme.admin), 401, "not_authenticated")


def test_a_token_records_when_it_was_last_used(api, session: Session, acme: Org, fleet: Fleet):
    token = acme.member["Authorization"].removeprefix("Bearer ")
    prefix = token[:10]
    row = session.exec(select(ApiToken).where(ApiToken.token_prefix == prefix)).one()
    assert row.last_used_at is None
    api.get(f"{PREFIX}/clusters", headers=acme.member)
    session.expire_all()
    assert session.get(ApiToken, row.id).last_used_at is not None
