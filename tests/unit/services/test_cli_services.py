"""What the CLI asks of the services: an organization by name (created with setup's checks)
and the context of the user an e-mail names."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kube_console.errors import ValidationFailed
from kube_console.models import Organization
from kube_console.security.authz import NotFound
from kube_console.services import auth, users


def test_ensure_org_creates_an_organization_once(session):
    made = users.ensure_org(session=session, name="  Acme  ")
    again = users.ensure_org(session=session, name="Acme")
    session.commit()
    assert made.id == again.id and made.name == "Acme"
    assert session.exec(select(Organization.name)).all() == ["Acme"]


@pytest.mark.parametrize("name", ["", " ", "A", "x" * 121])
def test_ensure_org_applies_the_setup_pages_name_check(session, name):
    with pytest.raises(ValidationFailed) as failure:
        users.ensure_org(session=session, name=name)
    assert failure.value.by_field() == {"org_name": "Use 2 to 120 characters."}
    assert session.exec(select(Organization)).all() == []


def test_the_setup_page_refuses_the_same_names(session):
    with pytest.raises(ValidationFailed) as failure:
        auth.complete_setup(
            session=session, org_name="A", email="ana@example.com", password="long enough pw"
        )
    assert failure.value.by_field()["org_name"] == "Use 2 to 120 characters."


def test_context_for_email_acts_as_that_user(session, make):
    org = make.org("Acme")
    user = make.user(org, role="admin", email="ana@acme.test")
    ctx = auth.context_for_email(session=session, email=" Ana@ACME.test ", via="cli")
    assert (ctx.user_id, ctx.org_id, ctx.role, ctx.email, ctx.via) == (
        user.id,
        org.id,
        "admin",
        "ana@acme.test",
        "cli",
    )


def test_context_for_email_refuses_unknown_and_disabled_users(session, make):
    org = make.org("Acme")
    make.user(org, email="gone@acme.test", active=False)
    for email in ("nobody@acme.test", "gone@acme.test", "not an address"):
        with pytest.raises(NotFound) as failure:
            auth.context_for_email(session=session, email=email, via="cli")
        assert str(failure.value) == f"no active user with e-mail {email}"
