"""Who calls the REST API: the API token in `Authorization: Bearer <token>`, resolved on every
request, after the token's rate limit.

The token's role is capped by its creator's current role (services/auth.py), so a demoted or
disabled user's tokens lose their power on the very next request; a revoked or unknown token
is 401. A query parameter the route does not declare is a 422 rather than silently ignored: a
misspelt filter (or `dry-run` for `dry_run` on a delete) must not act as if it were absent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from kube_console.api.errors import RateLimited
from kube_console.api.spec import declared_query_parameters
from kube_console.errors import FieldError, ValidationFailed
from kube_console.security.authz import AuthContext, NotAuthenticated
from kube_console.security.rate_limit import api_limiter
from kube_console.security.secrets import hash_token
from kube_console.services import auth as auth_service
from kube_console.services.sessions import in_app_session, request_session
from kube_console.settings import get_settings

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description=(
        "An API token made on Profile → API tokens or with `python -m kube_console api-token "
        "create`. A `read` token reads; an `admin` token of an admin may also change things."
    ),
)


def _reject_unknown_or_unsafe_parameters(request: Request) -> None:
    """Each query parameter must be one the route declares, and given once unless it is a list.
    No value may hold a NUL character: no name in a cluster does, and PostgreSQL refuses to
    compare text with one."""
    declared = declared_query_parameters(request)
    errors = []
    for name in dict.fromkeys(request.query_params):
        if any("\x00" in value for value in request.query_params.getlist(name)):
            errors.append(FieldError(name, "must not contain a NUL character (%00)"))
        elif name not in declared:
            takes = ", ".join(sorted(declared)) or "none"
            errors.append(FieldError(name, f"is not a parameter of this route; it takes {takes}"))
        elif not declared[name] and len(request.query_params.getlist(name)) > 1:
            errors.append(FieldError(name, "is given more than once"))
    if errors:
        raise ValidationFailed(errors)


def api_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> AuthContext:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("no API token")
    token = credentials.credentials
    wait = api_limiter(get_settings()).take(hash_token(token))
    if wait > 0:
        raise RateLimited(wait)
    ctx = resolve_token(token)
    if ctx is None:
        raise NotAuthenticated("unknown or revoked API token")
    _reject_unknown_or_unsafe_parameters(request)
    return ctx


def resolve_token(token: str) -> AuthContext | None:
    """Who the token acts for, or None for an unknown or revoked token."""
    return in_app_session(auth_service.resolve_api_token, token=token)


Caller = Annotated[AuthContext, Depends(api_caller)]
# The route's unit of work, committed (or rolled back) before the response is sent, so a
# client that follows up at once sees what the route wrote.
DbSession = Annotated[Session, Depends(request_session, scope="function")]
