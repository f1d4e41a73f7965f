"""Users of an organization: list, create, change role, disable, reset password, and a
user's change of their own password.

Callers authorize first (`Action.MANAGE_USERS`, or `Action.MANAGE_OWN_ACCOUNT` for
`change_own_password`); every function here is scoped to `org_id`, so an id from another
organization is simply not found.

An e-mail is a sign-in name, so it is unique across the console. An address that is taken is
refused with one message wherever it is used: the admin of one organization is told neither
that another organization has it nor which, only what the address of one of their own users
would tell them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, func, select

from kube_console.db import utcnow
from kube_console.errors import Conflict, FieldError, ValidationFailed
from kube_console.models import ROLES, ApiToken, AuthSession, Organization, User
from kube_console.security.authz import NotFound
from kube_console.security.secrets import (
    hash_password,
    password_problem,
    verify_password,
)
from kube_console.services.auth import (
    email_problem,
    normalize_email,
    org_name_problem,
    revoke_user_sessions,
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Profile:
    email: str
    display_name: str
    role: str
    org_name: str


EMAIL_NOT_AVAILABLE = "This e-mail address can't be used for a new user. Choose another one."


def _row(user: User) -> UserRow:
    assert user.id is not None
    return UserRow(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        created_at=user.created_at.isoformat(),
    )


def _get(session: Session, *, org_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id:
        raise NotFound("no such user")
    return user


def profile(*, session: Session, org_id: int, user_id: int) -> Profile:
    user = _get(session, org_id=org_id, user_id=user_id)
    org = session.get(Organization, org_id)
    assert org is not None  # the user's own organization
    return Profile(
        email=user.email, display_name=user.display_name, role=user.role, org_name=org.name
    )


def org_by_name(*, session: Session, name: str) -> Organization:
    org = session.exec(select(Organization).where(Organization.name == name.strip())).first()
    if org is None:
        raise NotFound(f"no organization named {name!r}")
    return org


def ensure_org(*, session: Session, name: str) -> Organization:
    """The organization of this name, created (with the setup page's name check) when there is none."""
    name = name.strip()
    if problem := org_name_problem(name):
        raise ValidationFailed.one("org_name", problem)
    org = session.exec(select(Organization).where(Organization.name == name)).first()
    if org is None:
        org = Organization(name=name)
        session.add(org)
        session.flush()
    return org


def list_users(*, session: Session, org_id: int) -> list[UserRow]:
    users = session.exec(select(User).where(User.org_id == org_id).order_by(User.email)).all()
    return [_row(user) for user in users]


def get_user(*, session: Session, org_id: int, user_id: int) -> UserRow:
    return _row(_get(session, org_id=org_id, user_id=user_id))


def create_user(
    *,
    session: Session,
    org_id: int,
    email: str,
    password: str,
    role: str,
    display_name: str = "",
    temporary_password: bool = False,
) -> UserRow:
    """A new user. `temporary_password`: an admin chose it for them, so they must change it at
    their first sign-in. Every wrong field is named at once."""
    email = normalize_email(email)
    errors = []
    if problem := email_problem(email):
        errors.append(FieldError("email", problem))
    elif session.exec(select(User.id).where(User.email == email)).first() is not None:
        errors.append(FieldError("email", EMAIL_NOT_AVAILABLE))
    if problem := password_problem(password):
        errors.append(FieldError("password", problem))
    if role not in ROLES:
        errors.append(FieldError("role", f"Choose one of: {', '.join(ROLES)}."))
    if errors:
        raise ValidationFailed(errors)
    user = User(
        org_id=org_id,
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        must_change_password=temporary_password,
    )
    session.add(user)
    session.flush()
    return _row(user)


def _other_active_admins(session: Session, *, org_id: int, user_id: int) -> int:
    return session.exec(
        select(func.count(col(User.id))).where(
            User.org_id == org_id,
            User.role == "admin",
            col(User.active).is_(True),
            col(User.id) != user_id,
        )
    ).one()


def set_role(*, session: Session, org_id: int, user_id: int, role: str) -> UserRow:
    if role not in ROLES:
        raise ValidationFailed.one("role", f"Choose one of: {', '.join(ROLES)}.")
    user = _get(session, org_id=org_id, user_id=user_id)
    if (
        user.role == "admin"
        and role != "admin"
        and not _other_active_admins(session, org_id=org_id, user_id=user_id)
    ):
        raise Conflict("The organization needs at least one active admin.")
    user.role, user.updated_at = role, utcnow()
    session.add(user)
    return _row(user)


def set_active(*, session: Session, org_id: int, user_id: int, active: bool) -> UserRow:
    user = _get(session, org_id=org_id, user_id=user_id)
    if (
        not active
        and user.role == "admin"
        and not _other_active_admins(session, org_id=org_id, user_id=user_id)
    ):
        raise Conflict("The organization needs at least one active admin.")
    user.active, user.updated_at = active, utcnow()
    session.add(user)
    if not active:
        revoke_user_sessions(session=session, user_id=user_id)
    return _row(user)


@dataclasses.dataclass(frozen=True, slots=True)
class PasswordReset:
    user: UserRow
    revoked_tokens: int  # the user's API tokens the reset revoked
    kept_tokens: int  # and those it left working, as the admin chose


def reset_password(
    *, session: Session, org_id: int, user_id: int, password: str, revoke_tokens: bool = True
) -> PasswordReset:
    """Set a new, temporary password (the user must change it at their next sign-in) and
    sign the user out everywhere.

    A reset means the old password may be known to someone else, who may have made API
    tokens with it: they are revoked too, unless the admin chooses to keep them.
    """
    if problem := password_problem(password):
        raise ValidationFailed.one("password", problem)
    user = _get(session, org_id=org_id, user_id=user_id)
    user.password_hash, user.updated_at = hash_password(password), utcnow()
    user.must_change_password = True
    session.add(user)
    revoke_user_sessions(session=session, user_id=user_id)
    live_tokens = (col(ApiToken.user_id) == user_id, col(ApiToken.revoked).is_(False))
    if revoke_tokens:
        # An UPDATE's result is a CursorResult, which counts the rows.
        revoked = cast(
            "CursorResult[Any]",
            session.execute(update(ApiToken).where(*live_tokens).values(revoked=True)),
        )
        return PasswordReset(user=_row(user), revoked_tokens=revoked.rowcount, kept_tokens=0)
    kept = session.exec(select(func.count(col(ApiToken.id))).where(*live_tokens)).one()
    return PasswordReset(user=_row(user), revoked_tokens=0, kept_tokens=kept)


def change_own_password(
    *,
    session: Session,
    org_id: int,
    user_id: int,
    current_password: str,
    new_password: str,
    keep_session_digest: str | None = None,
) -> None:
    """Replace the caller's password after checking the current one.

    Every other open session of the user is signed out (whoever else knew the old password
    loses access); the session whose token hashes to `keep_session_digest`, the one making the change,
    stays open.
    """
    user = _get(session, org_id=org_id, user_id=user_id)
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed.one("current_password", "That is not your current password.")
    if problem := password_problem(new_password):
        raise ValidationFailed.one("new_password", problem)
    if new_password == current_password:
        raise ValidationFailed.one(
            "new_password", "Choose a password different from the current one."
        )
    user.password_hash, user.updated_at = hash_password(new_password), utcnow()
    user.must_change_password = False
    session.add(user)
    for other in session.exec(
        select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked == False)
    ):
        if other.token_hash != keep_session_digest:
            other.revoked = True
            session.add(other)
