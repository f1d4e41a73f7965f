"""Small records sent to the browser and the REST API; never table rows, never secrets.

Times are ISO 8601 UTC strings so both faces render them the same way.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class UserRow:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    created_at: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApiTokenRow:
    id: int
    name: str
    prefix: str
    role: str
    created_at: str
    last_used_at: str
    revoked: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class Profile:
    email: str
    display_name: str
    role: str
    org_name: str
