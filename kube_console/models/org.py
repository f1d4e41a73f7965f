"""Organizations, their users, browser sessions, API tokens, the login throttle and first-run setup."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from kube_console.db import UTCDateTime, utcnow

ROLES = ("admin", "member")
TOKEN_ROLES = ("read", "admin")


class Organization(SQLModel, table=True):
    __tablename__ = "organizations"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    email: str = Field(max_length=254, unique=True)  # stored lower-case
    display_name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="member", max_length=16)  # one of ROLES
    active: bool = True
    # The password was set by an admin (a new user, a reset): its owner must change it first.
    must_change_password: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuthSession(SQLModel, table=True):
    """A browser session. Only the SHA-256 of its token is stored."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked: bool = False


class ApiToken(SQLModel, table=True):
    """A token for the REST API. Only its SHA-256 is stored; the prefix identifies it in lists."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    token_hash: str = Field(max_length=64, unique=True)
    token_prefix: str = Field(max_length=16)
    role: str = Field(default="read", max_length=16)  # one of TOKEN_ROLES
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked: bool = False


class FirstRunSetup(SQLModel, table=True):
    """The row first-run setup writes, with the organization it created. Its key can only be
    1, so of several setups racing on an empty console exactly one can insert it. Deleting
    that organization deletes the row, and a console left with no user can be set up again."""

    __tablename__ = "first_run_setup"
    __table_args__ = (CheckConstraint("id = 1", name="ck_first_run_setup_singleton"),)

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    org_id: int = Field(foreign_key="organizations.id", ondelete="CASCADE")
    completed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Password-check counters per key (services/throttle.py), whether or not the account exists.

    A streak (a guesser: an e-mail and a client): `failures` in a row since
    `window_started_at`, and no attempt before `locked_until`. A budget (a client across
    e-mails): `failures` attempts in the window starting at `window_started_at`.
    """

    __tablename__ = "login_throttle"

    key_hash: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    window_started_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
