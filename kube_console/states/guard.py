"""Every event handler declares its policy here, and the declaration is what enforces it.

- `guarded(action)`: a background event that first resolves the caller from the HttpOnly
  session cookie's digest (on the server, for this very event) and checks `authorize`; the body
  then reads the caller with `current_context()`. A refused caller gets a toast, or, with
  `on_forbidden=`, the state's own refusal (a page shows a panel instead of its data).
- `public`: a background event anyone may call (the setup and sign-in pages).
- `ui_only`: a plain event that only changes what the page shows; it must not read or
  write org data (it has no caller to check it against).

A test lists every handler of every State and fails when one carries no policy.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import reflex as rx

from kube_console.db import session_scope
from kube_console.security.authz import Action, AuthContext, Forbidden, NotAuthenticated, authorize
from kube_console.security.session_cookie import SESSION_DIGEST_HEADER
from kube_console.services import auth as auth_service

POLICY_ATTRIBUTE = "__kube_console_policy__"
PUBLIC = "public"
UI_ONLY = "ui_only"

_caller: contextvars.ContextVar[AuthContext] = contextvars.ContextVar("kube_console_caller")


def _resolve(digest: str | None) -> AuthContext | None:
    with session_scope() as session:
        return auth_service.resolve_session_digest(session=session, digest=digest)


async def resolve_caller(state: rx.State) -> AuthContext | None:
    """The signed-in user behind this event's connection, looked up in the database now.

    The connection carries the session token's digest, never the token (security/session_cookie.py)."""
    digest = state.router.headers.raw_headers.get(SESSION_DIGEST_HEADER)
    return await asyncio.to_thread(_resolve, digest)


def current_context() -> AuthContext:
    """The caller admitted by the `guarded` handler that is running."""
    try:
        return _caller.get()
    except LookupError:
        raise RuntimeError("current_context() is only available inside a @guarded handler") from None


def _sign_in_redirect(state: rx.State) -> Any:
    path = state.router.url.path or "/"
    return rx.redirect(f"/login?next={quote(path)}")


OnForbidden = Callable[[Any, str], None]


async def _admit(state: rx.State, action: Action, on_forbidden: OnForbidden | None) -> AuthContext | Any:
    """The caller when allowed, else the event that tells the browser why not (or None)."""
    caller = await resolve_caller(state)
    try:
        return authorize(caller, action)
    except NotAuthenticated:
        return _sign_in_redirect(state)
    except Forbidden as refusal:
        if on_forbidden is None:
            return rx.toast.error(f"Not allowed: {refusal}")
        async with state:
            on_forbidden(state, str(refusal))
        return None


def guarded(action: Action, *, on_forbidden: OnForbidden | None = None) -> Callable[[Callable[..., Any]], Any]:
    """`on_forbidden(state, reason)` runs under the state lock instead of the refusal toast:
    page loads use it to show "you need the admin role" and drop what the page held."""

    def decorate(handler: Callable[..., Any]) -> Any:
        if inspect.isasyncgenfunction(handler):

            @functools.wraps(handler)
            async def run_generator(self: rx.State, *args: Any, **kwargs: Any) -> Any:
                admitted = await _admit(self, action, on_forbidden)
                if not isinstance(admitted, AuthContext):
                    if admitted is not None:
                        yield admitted
                    return
                token = _caller.set(admitted)
                try:
                    async for item in handler(self, *args, **kwargs):
                        yield item
                finally:
                    _caller.reset(token)

            run: Callable[..., Any] = run_generator
        elif inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_coroutine(self: rx.State, *args: Any, **kwargs: Any) -> Any:
                admitted = await _admit(self, action, on_forbidden)
                if not isinstance(admitted, AuthContext):
                    return admitted
                token = _caller.set(admitted)
                try:
                    return await handler(self, *args, **kwargs)
                finally:
                    _caller.reset(token)

            run = run_coroutine
        else:
            raise TypeError(f"{handler.__qualname__}: guarded handlers are async (they do I/O off the event loop)")
        setattr(run, POLICY_ATTRIBUTE, action)
        return rx.event(background=True)(run)

    return decorate


def public(handler: Callable[..., Any]) -> Any:
    setattr(handler, POLICY_ATTRIBUTE, PUBLIC)
    return rx.event(background=True)(handler)


def ui_only(handler: Callable[..., Any]) -> Any:
    setattr(handler, POLICY_ATTRIBUTE, UI_ONLY)
    return rx.event(handler)


async def in_thread(function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Run a service function with its own session in a worker thread (never on the event loop)."""

    def call() -> Any:
        with session_scope() as session:
            return function(session=session, **kwargs)

    return await asyncio.to_thread(call)
