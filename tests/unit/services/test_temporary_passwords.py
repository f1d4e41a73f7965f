"""A password an admin sets for someone else is temporary: its owner must change it at their
first sign-in, and only then may use the console."""

from __future__ import annotations

from kube_console.security.secrets import hash_token
from kube_console.services import auth, users
from tests.factories import PASSWORD

TEMPORARY = "a temporary password"
CHOSEN = "my own long password"


def _signed_in(session, email: str, password: str):
    signed = auth.sign_in(
        session=session, email=email, password=password, client="192.0.2.1", session_hours=1
    )
    session.commit()
    return auth.resolve_session_digest(session=session, digest=hash_token(signed.token))


def test_a_user_an_admin_creates_must_change_the_password_then_is_free(session, make):
    org = make.org()
    row = users.create_user(
        session=session,
        org_id=org.id,
        email="bo@example.com",
        password=TEMPORARY,
        role="member",
        temporary_password=True,
    )
    session.commit()
    assert _signed_in(session, "bo@example.com", TEMPORARY).must_change_password

    users.change_own_password(
        session=session,
        org_id=org.id,
        user_id=row.id,
        current_password=TEMPORARY,
        new_password=CHOSEN,
    )
    session.commit()
    assert not _signed_in(session, "bo@example.com", CHOSEN).must_change_password


def test_a_reset_password_is_temporary_and_a_password_chosen_by_its_owner_is_not(session, make):
    org = make.org()
    make.user(org, email="cy@example.com")
    assert not _signed_in(session, "cy@example.com", PASSWORD).must_change_password
    user_id = users.list_users(session=session, org_id=org.id)[0].id

    users.reset_password(session=session, org_id=org.id, user_id=user_id, password=TEMPORARY)
    session.commit()
    assert _signed_in(session, "cy@example.com", TEMPORARY).must_change_password


def test_setup_and_create_admin_passwords_are_their_owners_own(session):
    admin = auth.complete_setup(
        session=session, org_name="Acme", email="ana@example.com", password=CHOSEN
    )
    session.commit()
    assert not admin.must_change_password
    org = users.ensure_org(session=session, name="Other")
    users.create_user(
        session=session, org_id=org.id, email="op@example.com", password=CHOSEN, role="admin"
    )
    session.commit()
    assert not _signed_in(session, "op@example.com", CHOSEN).must_change_password
