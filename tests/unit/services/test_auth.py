import datetime as dt

import pytest
from sqlmodel import select

from kube_console.errors import ValidationFailed
from kube_console.models import AuthSession, Organization, User
from kube_console.services import auth, users
from tests.factories import PASSWORD


def _sign_in(session, email, password=PASSWORD, client="10.0.0.1"):
    try:
        return auth.sign_in(
            session=session, email=email, password=password, client=client, session_hours=12
        )
    finally:
        session.commit()


def test_setup_creates_the_org_and_its_first_admin_once(session):
    assert auth.setup_required(session=session)
    admin = auth.complete_setup(
        session=session, org_name="Acme", email=" Ana@Example.com ", password=PASSWORD
    )
    session.commit()
    assert (admin.email, admin.role) == ("ana@example.com", "admin")
    assert admin.password_hash.startswith("$argon2id$")
    assert session.exec(select(Organization.name)).all() == ["Acme"]
    assert not auth.setup_required(session=session)
    with pytest.raises(auth.SetupClosed):
        auth.complete_setup(
            session=session, org_name="Evil", email="eve@example.com", password=PASSWORD
        )


def test_setup_names_every_bad_field(session):
    with pytest.raises(ValidationFailed) as failure:
        auth.complete_setup(session=session, org_name="A", email="not-an-email", password="short")
    assert set(failure.value.by_field()) == {"org_name", "email", "password"}


def test_sign_in_opens_a_session_that_resolves_to_the_user(session, make):
    user = make.user(make.org(), role="admin", email="ana@example.com")
    signed_in = _sign_in(session, "ANA@example.com")
    ctx = auth.resolve_session(session=session, token=signed_in.token)
    assert (ctx.user_id, ctx.org_id, ctx.role) == (user.id, user.org_id, "admin")
    stored = session.exec(select(AuthSession.token_hash)).one()
    assert signed_in.token not in stored  # only the hash is kept


@pytest.mark.parametrize(
    "email", ["ana@example.com", "nobody@example.com", "ana@exa\x00mple.com", "not an address"]
)
def test_wrong_password_and_unknown_email_get_the_same_answer(session, make, email):
    make.user(make.org(), email="ana@example.com")
    with pytest.raises(auth.SignInRefused) as failure:
        _sign_in(session, email, password="wrong password!")
    assert str(failure.value) == auth.SIGN_IN_REFUSED


def test_logout_disable_and_role_change_take_effect_on_the_next_resolve(session, make):
    org = make.org()
    make.user(org, role="admin")  # another admin, so ana may be demoted
    ana = make.user(org, role="admin", email="ana@example.com")
    token = _sign_in(session, "ana@example.com").token

    users.set_role(session=session, org_id=org.id, user_id=ana.id, role="member")
    session.commit()
    assert auth.resolve_session(session=session, token=token).role == "member"

    users.set_active(session=session, org_id=org.id, user_id=ana.id, active=False)
    session.commit()
    assert auth.resolve_session(session=session, token=token) is None

    users.set_active(session=session, org_id=org.id, user_id=ana.id, active=True)
    session.commit()
    token = _sign_in(session, "ana@example.com").token
    auth.sign_out(session=session, token=token)
    session.commit()
    assert auth.resolve_session(session=session, token=token) is None


def test_expired_sessions_do_not_resolve(session, make):
    make.user(make.org(), email="ana@example.com")
    token = _sign_in(session, "ana@example.com").token
    row = session.exec(select(AuthSession)).one()
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert auth.resolve_session(session=session, token=token) is None


def test_a_disabled_user_cannot_sign_in(session, make):
    org = make.org()
    make.user(org, role="admin")
    make.user(org, email="ana@example.com", active=False)
    with pytest.raises(auth.SignInRefused):
        _sign_in(session, "ana@example.com")
    assert session.exec(select(User).where(User.email == "ana@example.com")).one().active is False
