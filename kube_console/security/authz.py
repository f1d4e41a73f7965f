"""The one authorization policy: who may do what, used by every state handler, API route and CLI path.

Admins change clusters, users, prices and settings and trigger syncs; members read.
Objects of another organization are reported as not found, never as forbidden, so ids
can't be probed.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any


class Action(enum.StrEnum):
    READ = "read"  # any data of the caller's organization
    MANAGE_OWN_ACCOUNT = "manage_own_account"  # own password, own API tokens
    MANAGE_CLUSTERS = "manage_clusters"
    TRIGGER_SYNC = "trigger_sync"
    MANAGE_USERS = "manage_users"
    MANAGE_PRICES = "manage_prices"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_WORKERS = "view_workers"


ADMIN_ACTIONS = frozenset(
    {
        Action.MANAGE_CLUSTERS,
        Action.TRIGGER_SYNC,
        Action.MANAGE_USERS,
        Action.MANAGE_PRICES,
        Action.MANAGE_SETTINGS,
        Action.VIEW_WORKERS,
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class AuthContext:
    """Who is acting, resolved on the server for this very request or event."""

    user_id: int
    org_id: int
    role: str  # "admin" | "member"
    email: str
    via: str = "session"  # session | api_token | cli
    # A browser session of a user whose password an admin set: only changing it is allowed.
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class NotAuthenticated(Exception):
    """No valid session or token."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this action."""


class NotFound(Exception):
    """The object does not exist in the caller's organization."""


def can(ctx: AuthContext | None, action: Action) -> bool:
    if ctx is None:
        return False
    return action not in ADMIN_ACTIONS or ctx.is_admin


def authorize(ctx: AuthContext | None, action: Action, obj: Any = None) -> AuthContext:
    """Return `ctx` when it may perform `action` (on `obj`, if given); raise otherwise."""
    if ctx is None:
        raise NotAuthenticated("sign in first")
    if obj is not None and getattr(obj, "org_id", None) != ctx.org_id:
        raise NotFound("not found")
    if not can(ctx, action):
        raise Forbidden(f"{action.value.replace('_', ' ')} needs the admin role")
    return ctx
