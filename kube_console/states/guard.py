"""Every event handler declares its policy here, and the declaration is what enforces it.

- `guarded(action)`: a background event that first resolves the caller from the HttpOnly
  session cookie's digest (on the server, for this very event) and checks `authorize`; the body
  then reads the caller with `current_context()`. A refused caller gets a toast, or, with
  `on_forbidden=`, the state's own refusal (a page shows a panel instead of its data).
- `public`: a background event anyone may call (the setup and sign-in pages).
- `ui_only`: a plain event that only changes what the page shows; it must not read or
  write org data (it has no caller to check it against).

A signed-in user whose password an admin set (a new user, a reset) may do nothing but change
it: every guarded event sends them to the change-password page, except the events of that page
(`guarded(..., while_password_is_temporary=True)`).

Guarded and public events are requests like the API's (reflex-rules.md, rule 5b): each one
first spends from its sign-in session's token bucket (a signed-out caller's: its connection's)
and then, once the caller is known, from the user's bucket shared by all their sessions
(security/rate_limit.py). Past either budget the browser gets a toast saying when to try
again and the handler does not run; past the session's, not even the session is looked up.

A test lists every handler of every State and fails when one carries no policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import functools
import inspect
import math
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import quote

import reflex as rx

from kube_console import routes
from kube_console.security.authz import Action, AuthContext, Forbidden, NotAuthenticated, authorize
from kube_console.security.rate_limit import session_event_limiter, user_event_limiter
from kube_console.security.secrets import hash_token
from kube_console.security.session_cookie import SESSION_DIGEST_HEADER
from kube_console.services import auth as auth_service
from kube_console.services.sessions import in_app_session
from kube_console.settings import get_settings

POLICY_ATTRIBUTE = "__kube_console_policy__"
PUBLIC = "public"
UI_ONLY = "ui_only"

_caller: contextvars.ContextVar[AuthContext] = contextvars.ContextVar("kube_console_caller")


def _resolve(digest: str | None) -> AuthContext | None:
    return in_app_session(auth_service.resolve_session_digest, digest=digest)


def _session_digest(state: rx.State) -> str | None:
    return state.router.headers.raw_headers.get(SESSION_DIGEST_HEADER)


async def resolve_caller(state: rx.State) -> AuthContext | None:
    """The signed-in user behind this event's connection, looked up in the database now.

    The connection carries the session token's digest, never the token (security/session_cookie.py)."""
    return await asyncio.to_thread(_resolve, _session_digest(state))


def _session_bucket(state: rx.State) -> str:
    """The bucket of the sign-in session the event comes with, else of its websocket connection
    (whose id the server sets, not the browser). Hashed again: the digest is what the
    connection authenticates with, and bucket keys may sit in Redis."""
    if digest := _session_digest(state):
        return "session:" + hash_token(digest)
    return "connection:" + hash_token(state.router.session.session_id or "")


def _too_many_requests(wait_seconds: float) -> Any:
    return rx.toast.error(f"Too many requests; try again in {math.ceil(wait_seconds)} s.")


def _resolve_within_budget(session_bucket: str, digest: str | None) -> AuthContext | float | None:
    """The caller (None when signed out), or the seconds to wait when a budget is spent."""
    settings = get_settings()
    if wait := session_event_limiter(settings).take(session_bucket):
        return wait
    caller = _resolve(digest)
    if caller is not None and (wait := user_event_limiter(settings).take(str(caller.user_id))):
        return wait
    return caller


def current_context() -> AuthContext:
    """The caller admitted by the `guarded` handler that is running."""
    try:
        return _caller.get()
    except LookupError:
        raise RuntimeError(
            "current_context() is only available inside a @guarded handler"
        ) from None


def _sign_in_redirect(state: rx.State) -> Any:
    path = state.router.url.path or "/"
    return rx.redirect(f"/login?next={quote(path)}")


OnForbidden = Callable[[Any, str], None]


@dataclasses.dataclass(frozen=True, slots=True)
class _Admitted:
    caller: AuthContext | None  # None for a public event


async def _admit(
    state: rx.State,
    action: Action,
    on_forbidden: OnForbidden | None,
    while_password_is_temporary: bool = False,
) -> _Admitted | Any:
    """The caller when allowed, else the event that tells the browser why not (or None)."""
    caller = await asyncio.to_thread(
        _resolve_within_budget, _session_bucket(state), _session_digest(state)
    )
    if isinstance(caller, float):
        return _too_many_requests(caller)
    if caller is not None and caller.must_change_password and not while_password_is_temporary:
        return rx.redirect(routes.CHANGE_PASSWORD)
    try:
        return _Admitted(authorize(caller, action))
    except NotAuthenticated:
        return _sign_in_redirect(state)
    except Forbidden as refusal:
        if on_forbidden is None:
            return rx.toast.error(f"Not allowed: {refusal}")
        async with state:
            on_forbidden(state, str(refusal))
        return None


async def _admit_anyone(state: rx.State) -> _Admitted | Any:
    """A public event, when its connection's (or session's) budget allows it."""
    limiter = session_event_limiter(get_settings())
    if wait := await asyncio.to_thread(limiter.take, _session_bucket(state)):
        return _too_many_requests(wait)
    return _Admitted(None)


@contextlib.contextmanager
def _acting_as(caller: AuthContext | None) -> Iterator[None]:
    if caller is None:
        yield
        return
    token = _caller.set(caller)
    try:
        yield
    finally:
        _caller.reset(token)


def _admitted_only(
    handler: Callable[..., Any], admit: Callable[[rx.State], Awaitable[_Admitted | Any]]
) -> Callable[..., Any]:
    """`handler` run only when `admit` lets the event in; otherwise its answer (an event for the
    browser, or None) is all the event does."""
    if inspect.isasyncgenfunction(handler):

        @functools.wraps(handler)
        async def run_generator(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            admission = await admit(self)
            if not isinstance(admission, _Admitted):
                if admission is not None:
                    yield admission
                return
            with _acting_as(admission.caller):
                async for item in handler(self, *args, **kwargs):
                    yield item

        return run_generator
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_coroutine(self: rx.State, *args: Any, **kwargs: Any) -> Any:
            admission = await admit(self)
            if not isinstance(admission, _Admitted):
                return admission
            with _acting_as(admission.caller):
                return await handler(self, *args, **kwargs)

        return run_coroutine
    raise TypeError(
        f"{handler.__qualname__}: guarded and public handlers are async (they do I/O off the event loop)"
    )


def guarded(
    action: Action,
    *,
    on_forbidden: OnForbidden | None = None,
    while_password_is_temporary: bool = False,
) -> Callable[[Callable[..., Any]], Any]:
    """`on_forbidden(state, reason)` runs under the state lock instead of the refusal toast:
    page loads use it to show "you need the admin role" and drop what the page held.
    `while_password_is_temporary`: the handler runs for a user who must change their password
    first (the change-password page's own handlers); any other sends them there."""

    def decorate(handler: Callable[..., Any]) -> Any:
        run = _admitted_only(
            handler, lambda state: _admit(state, action, on_forbidden, while_password_is_temporary)
        )
        setattr(run, POLICY_ATTRIBUTE, action)
        return rx.event(background=True)(run)

    return decorate


def public(handler: Callable[..., Any]) -> Any:
    """Anyone may call it; it still spends from its connection's budget."""
    run = _admitted_only(handler, _admit_anyone)
    setattr(run, POLICY_ATTRIBUTE, PUBLIC)
    return rx.event(background=True)(run)


def ui_only(handler: Callable[..., Any]) -> Any:
    setattr(handler, POLICY_ATTRIBUTE, UI_ONLY)
    return rx.event(handler)


async def in_thread(function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Run a service function with its own session in a worker thread (never on the event loop)."""
    return await asyncio.to_thread(in_app_session, function, **kwargs)
