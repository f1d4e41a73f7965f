"""API tokens: created by a user for scripts, shown once, stored hashed, revocable."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from kube_console.errors import ValidationFailed
from kube_console.models import TOKEN_ROLES, ApiToken, User
from kube_console.security.authz import NotFound
from kube_console.security.secrets import API_TOKEN_PREFIX, hash_token, new_token


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApiTokenRow:
    id: int
    name: str
    prefix: str
    role: str
    created_at: str
    last_used_at: str
    revoked: bool


@dataclasses.dataclass(frozen=True, slots=True)
class NewApiToken:
    token: str  # shown to its creator once; never stored
    row: ApiTokenRow


def _row(token: ApiToken) -> ApiTokenRow:
    assert token.id is not None
    return ApiTokenRow(
        id=token.id,
        name=token.name,
        prefix=token.token_prefix,
        role=token.role,
        created_at=token.created_at.isoformat(),
        last_used_at=token.last_used_at.isoformat() if token.last_used_at else "",
        revoked=token.revoked,
    )


def create_token(
    *, session: Session, org_id: int, user_id: int, name: str, role: str
) -> NewApiToken:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed.one("name", "Give the token a name of 1 to 120 characters.")
    if role not in TOKEN_ROLES:
        raise ValidationFailed.one("role", f"Choose one of: {', '.join(TOKEN_ROLES)}.")
    user = session.get(User, user_id)
    if user is None or user.org_id != org_id or not user.active:
        raise NotFound("no such user")
    if role == "admin" and user.role != "admin":
        raise ValidationFailed.one("role", "A token can't have a higher role than its creator.")
    raw = new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        org_id=org_id,
        user_id=user_id,
        name=name,
        role=role,
        token_hash=hash_token(raw),
        token_prefix=raw[: len(API_TOKEN_PREFIX) + 6],
    )
    session.add(token)
    session.flush()
    return NewApiToken(token=raw, row=_row(token))


def list_tokens(*, session: Session, org_id: int, user_id: int) -> list[ApiTokenRow]:
    tokens = session.exec(
        select(ApiToken)
        .where(ApiToken.org_id == org_id, ApiToken.user_id == user_id)
        .order_by(col(ApiToken.created_at).desc())
    ).all()
    return [_row(token) for token in tokens]


def revoke_token(*, session: Session, org_id: int, user_id: int, token_id: int) -> ApiTokenRow:
    token = session.get(ApiToken, token_id)
    if token is None or token.org_id != org_id or token.user_id != user_id:
        raise NotFound("no such token")
    token.revoked = True
    session.add(token)
    return _row(token)
