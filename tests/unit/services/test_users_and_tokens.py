import re

import pytest

from kube_console.errors import Conflict, ValidationFailed
from kube_console.security.authz import NotFound
from kube_console.services import auth, tokens, users
from tests.factories import PASSWORD


def test_admins_create_users_in_their_own_org(session, make):
    org = make.org()
    row = users.create_user(
        session=session,
        org_id=org.id,
        email="Bob@Example.com",
        password="long enough pw",
        role="member",
    )
    session.commit()
    assert (row.email, row.role, row.active) == ("bob@example.com", "member", True)
    assert [u.email for u in users.list_users(session=session, org_id=org.id)] == [
        "bob@example.com"
    ]
    assert users.list_users(session=session, org_id=make.org().id) == []


def test_duplicate_email_and_bad_role_are_named(session, make):
    org = make.org()
    make.user(org, email="bob@example.com")
    with pytest.raises(ValidationFailed) as failure:
        users.create_user(
            session=session,
            org_id=org.id,
            email="bob@example.com",
            password="long enough pw",
            role="member",
        )
    assert failure.value.by_field() == {"email": users.EMAIL_NOT_AVAILABLE}
    with pytest.raises(ValidationFailed) as failure:
        users.create_user(
            session=session,
            org_id=org.id,
            email="c@example.com",
            password="long enough pw",
            role="root",
        )
    assert "role" in failure.value.by_field()


def test_an_address_used_in_another_org_is_refused_as_if_it_were_in_this_one(session, make):
    """Nothing in the answer tells an admin that another organization has this address, or
    which: it is word for word the refusal of an address of the admin's own organization,
    and says no more than that this address can't be used (e-mails are sign-in names, unique
    across the console)."""
    acme, rival = make.org("acme"), make.org("rival-corp")
    make.user(acme, email="ana@acme.test")
    make.user(rival, email="cy@rival.test")

    def refusal(email: str) -> dict[str, str]:
        with pytest.raises(ValidationFailed) as failure:
            users.create_user(
                session=session,
                org_id=acme.id,
                email=email,
                password="long enough pw",
                role="member",
            )
        return failure.value.by_field()

    elsewhere, here = refusal("CY@rival.test"), refusal("ana@acme.test")
    assert (
        elsewhere
        == here
        == {"email": "This e-mail address can't be used for a new user. Choose another one."}
    )
    assert not re.search(r"exist|already|organi[sz]ation|rival", str(elsewhere), re.IGNORECASE)
    assert [u.email for u in users.list_users(session=session, org_id=acme.id)] == ["ana@acme.test"]


def test_the_last_active_admin_cannot_be_demoted_or_disabled(session, make):
    org = make.org()
    admin = make.user(org, role="admin")
    with pytest.raises(Conflict):
        users.set_role(session=session, org_id=org.id, user_id=admin.id, role="member")
    with pytest.raises(Conflict):
        users.set_active(session=session, org_id=org.id, user_id=admin.id, active=False)


def test_another_orgs_user_is_not_found(session, make):
    org_a, org_b = make.org(), make.org()
    bob = make.user(org_b)
    for change in (
        lambda: users.set_role(session=session, org_id=org_a.id, user_id=bob.id, role="admin"),
        lambda: users.set_active(session=session, org_id=org_a.id, user_id=bob.id, active=False),
        lambda: users.reset_password(
            session=session, org_id=org_a.id, user_id=bob.id, password="new password!"
        ),
        lambda: users.get_user(session=session, org_id=org_a.id, user_id=bob.id),
    ):
        with pytest.raises(NotFound):
            change()


def test_password_reset_revokes_open_sessions(session, make):
    org = make.org()
    bob = make.user(org, email="bob@example.com")
    token = auth.sign_in(
        session=session, email="bob@example.com", password=PASSWORD, client="c", session_hours=1
    ).token
    session.commit()
    users.reset_password(session=session, org_id=org.id, user_id=bob.id, password="a brand new one")
    session.commit()
    assert auth.resolve_session(session=session, token=token) is None


def test_password_reset_revokes_the_users_api_tokens_unless_the_admin_keeps_them(session, make):
    org = make.org()
    bob, ann = make.user(org), make.user(org)

    def token_of(user) -> str:
        return tokens.create_token(
            session=session, org_id=org.id, user_id=user.id, name="ci", role="read"
        ).token

    bobs, anns = [token_of(bob), token_of(bob)], token_of(ann)
    session.commit()

    kept = users.reset_password(
        session=session,
        org_id=org.id,
        user_id=bob.id,
        password="a brand new one",
        revoke_tokens=False,
    )
    session.commit()
    assert (kept.revoked_tokens, kept.kept_tokens) == (0, 2)
    assert all(auth.resolve_api_token(session=session, token=token) for token in bobs)

    reset = users.reset_password(
        session=session, org_id=org.id, user_id=bob.id, password="another new one"
    )
    session.commit()
    assert (reset.user.id, reset.revoked_tokens, reset.kept_tokens) == (bob.id, 2, 0)
    assert [auth.resolve_api_token(session=session, token=token) for token in bobs] == [None, None]
    assert auth.resolve_api_token(session=session, token=anns).user_id == ann.id  # only bob's


def test_api_tokens_are_shown_once_stored_hashed_and_capped_by_the_creators_role(session, make):
    org = make.org()
    member = make.user(org)
    new = tokens.create_token(
        session=session, org_id=org.id, user_id=member.id, name="ci", role="read"
    )
    session.commit()
    assert new.token.startswith("kct_") and new.row.prefix == new.token[:10]
    ctx = auth.resolve_api_token(session=session, token=new.token)
    assert (ctx.user_id, ctx.role, ctx.via) == (member.id, "member", "api_token")
    assert tokens.list_tokens(session=session, org_id=org.id, user_id=member.id)[0].last_used_at
    with pytest.raises(ValidationFailed, match="higher role"):
        tokens.create_token(
            session=session, org_id=org.id, user_id=member.id, name="x", role="admin"
        )


def test_an_admin_token_acts_as_member_once_its_creator_is_demoted(session, make):
    org = make.org()
    make.user(org, role="admin")
    ana = make.user(org, role="admin")
    new = tokens.create_token(
        session=session, org_id=org.id, user_id=ana.id, name="deploy", role="admin"
    )
    session.commit()
    assert auth.resolve_api_token(session=session, token=new.token).role == "admin"
    users.set_role(session=session, org_id=org.id, user_id=ana.id, role="member")
    session.commit()
    assert auth.resolve_api_token(session=session, token=new.token).role == "member"


def test_revoked_tokens_stop_working(session, make):
    org = make.org()
    ana = make.user(org)
    new = tokens.create_token(
        session=session, org_id=org.id, user_id=ana.id, name="ci", role="read"
    )
    tokens.revoke_token(session=session, org_id=org.id, user_id=ana.id, token_id=new.row.id)
    session.commit()
    assert auth.resolve_api_token(session=session, token=new.token) is None
    with pytest.raises(NotFound):
        tokens.revoke_token(
            session=session, org_id=make.org().id, user_id=ana.id, token_id=new.row.id
        )
