"""users.change_own_password: the old password is checked, the new one validated, and every
other session of the user is signed out."""

import pytest

from kube_console.errors import ValidationFailed
from kube_console.security.authz import NotFound
from kube_console.security.secrets import hash_token
from kube_console.services import auth, users
from tests.factories import PASSWORD

NEW_PASSWORD = "a fresh long password"


def _sign_in(session, email: str, password: str = PASSWORD) -> str:
    token = auth.sign_in(
        session=session, email=email, password=password, client="c", session_hours=1
    ).token
    session.commit()
    return token


def test_the_new_password_signs_in_and_the_old_one_no_longer_does(session, make):
    org = make.org()
    ana = make.user(org, email="ana@example.com")
    users.change_own_password(
        session=session,
        org_id=org.id,
        user_id=ana.id,
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
    )
    session.commit()
    assert _sign_in(session, "ana@example.com", NEW_PASSWORD).startswith("kcs_")
    with pytest.raises(auth.SignInRefused):
        auth.sign_in(
            session=session, email="ana@example.com", password=PASSWORD, client="c", session_hours=1
        )


def test_a_wrong_current_password_is_refused_on_its_field_and_changes_nothing(session, make):
    org = make.org()
    ana = make.user(org, email="ana@example.com")
    before = ana.password_hash
    with pytest.raises(ValidationFailed) as failure:
        users.change_own_password(
            session=session,
            org_id=org.id,
            user_id=ana.id,
            current_password="not my password",
            new_password=NEW_PASSWORD,
        )
    assert failure.value.by_field() == {"current_password": "That is not your current password."}
    session.rollback()
    session.refresh(ana)
    assert ana.password_hash == before


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short", "Use at least 10 characters."),
        (PASSWORD, "Choose a password different from the current one."),
    ],
)
def test_a_weak_or_unchanged_new_password_is_refused_on_its_field(
    session, make, new_password, message
):
    org = make.org()
    ana = make.user(org)
    with pytest.raises(ValidationFailed) as failure:
        users.change_own_password(
            session=session,
            org_id=org.id,
            user_id=ana.id,
            current_password=PASSWORD,
            new_password=new_password,
        )
    assert failure.value.by_field() == {"new_password": message}


def test_other_sessions_are_signed_out_and_the_current_one_stays(session, make):
    org = make.org()
    ana = make.user(org, email="ana@example.com")
    bo = make.user(org, email="bo@example.com")
    current = _sign_in(session, "ana@example.com")
    elsewhere = _sign_in(session, "ana@example.com")
    bos_session = _sign_in(session, "bo@example.com")
    users.change_own_password(
        session=session,
        org_id=org.id,
        user_id=ana.id,
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        keep_session_digest=hash_token(current),
    )
    session.commit()
    assert auth.resolve_session(session=session, token=current).user_id == ana.id
    assert auth.resolve_session(session=session, token=elsewhere) is None
    assert auth.resolve_session(session=session, token=bos_session).user_id == bo.id


def test_a_user_of_another_organization_is_not_found(session, make):
    bo = make.user(make.org())
    with pytest.raises(NotFound):
        users.change_own_password(
            session=session,
            org_id=make.org().id,
            user_id=bo.id,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
        )
