"""The console's edge: the outermost ASGI middleware, wrapped around every HTTP route (pages,
/auth, /api/v1, Reflex's own) through the app's api_transformer.

Request bodies. No app reads a body the edge has not let through:
- a request to the REST API that carries a body is authenticated first, from its headers:
  without a valid token it is answered 401 before a byte of the body is read (FastAPI reads
  a route's body before its dependencies, so the API's own check would come too late);
- a body larger than MAX_BODY_BYTES is answered 413 without reading it when Content-Length
  says so up front, and as soon as the limit is crossed when it streams in (chunked);
  both answers close the connection, so the rest is never read either.
Answers. Every answer gets the security headers of security/headers.py, HTML pages their
Content-Security-Policy; an answer that sets its own policy (the API docs) keeps it.
Websockets. A websocket whose Origin is not one of the console's accepted origins (settings
`accepted_origins`) is refused here, before Reflex, and the log says which origin it was and
the setting that would accept it (once per origin, for a bounded number of origins).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kube_console.api.caller import resolve_token
from kube_console.api.errors import error_response, not_authenticated_response
from kube_console.security.headers import NON_PAGE_POLICY, BuiltPages, common_headers, page_policy
from kube_console.settings import get_settings

MAX_BODY_BYTES = (
    1024 * 1024
)  # kubeconfigs, the largest bodies the console takes, are capped at 256 KiB
API_PREFIX = "/api/"

_TOO_LARGE = (
    f"The request body is larger than {MAX_BODY_BYTES // 1024 // 1024} MiB, the most the console "
    "accepts (a kubeconfig may be 256 KiB)."
)
_CLOSE = {"Connection": "close"}
# Origins already named in the log; past this many, refusals are no longer logged.
MAX_LOGGED_ORIGINS = 64
_logged_origins: set[str] = set()
log = logging.getLogger(__name__)


class BodyTooLarge(HTTPException):
    """Raised from `receive` once a streamed body crosses the limit: the apps' own exception
    handlers turn it into their 413 (the API's error shape included)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=_TOO_LARGE, headers=_CLOSE)


def guard_edge(app: ASGIApp, *, pages: BuiltPages | None = None) -> ASGIApp:
    """Wrap `app` (the whole HTTP surface); `pages` gives the built pages' inline scripts."""
    pages = pages or BuiltPages(None)

    async def edge(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            origin = Headers(scope=scope).get("origin")
            if origin is not None and origin not in get_settings().accepted_origins:
                _log_refused_origin(origin)
                await send({"type": "websocket.close", "code": 1008})
                return
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        send = _with_security_headers(send, scope, pages)
        headers = Headers(scope=scope)
        length = _content_length(headers)
        carries_body = bool(length) or "transfer-encoding" in headers
        is_api = scope["path"].startswith(API_PREFIX)
        if carries_body and is_api and not await _authenticated(headers):
            await not_authenticated_response(_CLOSE)(scope, receive, send)
            return
        if length is not None and length > MAX_BODY_BYTES:
            await _too_large(is_api)(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, _counting(receive) if carries_body else receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _too_large(is_api)(scope, receive, send)

    return edge


def refused_origin_message(origin: str) -> str:
    """What the log says when a browser at `origin` is refused."""
    accepted = get_settings().accepted_origins
    shown = "".join(char if char.isprintable() and char.isascii() else "?" for char in origin[:200])
    return (
        f"Refused a browser connection from {shown}: the console accepts only {', '.join(accepted)}. "
        f"If this is the address people open the console at, set KUBE_CONSOLE_ALLOWED_ORIGIN={shown} "
        "and restart it."
    )


def _log_refused_origin(origin: str) -> None:
    if origin in _logged_origins or len(_logged_origins) >= MAX_LOGGED_ORIGINS:
        return
    _logged_origins.add(origin)
    log.warning("%s", refused_origin_message(origin))


def _content_length(headers: Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


async def _authenticated(headers: Headers) -> bool:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    return await asyncio.to_thread(resolve_token, token) is not None


def _too_large(is_api: bool) -> Response:
    if is_api:
        return error_response(413, "too_large", _TOO_LARGE, headers=_CLOSE)
    return PlainTextResponse(_TOO_LARGE, status_code=413, headers=_CLOSE)


def _counting(receive: Receive) -> Receive:
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > MAX_BODY_BYTES:
                raise BodyTooLarge()
        return message

    return counted


def _with_security_headers(send: Send, scope: Scope, pages: BuiltPages) -> Send:
    origin = get_settings().allowed_origin
    https = scope.get("scheme") == "https" or origin.startswith("https://")

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            present = {name.lower() for name, _ in headers}
            content_type = Headers(raw=headers).get("content-type", "")
            added = common_headers(https=https)
            # A 304 has no body and no type, and the browser merges its headers into the page
            # it has cached: a policy here would replace the page's own.
            if b"content-security-policy" not in present and message["status"] != 304:
                policy = (
                    page_policy(pages.script_hashes(), origin=origin)
                    if content_type.startswith("text/html")
                    else NON_PAGE_POLICY
                )
                added.append(("Content-Security-Policy", policy))
            headers += [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in added
                if name.lower().encode("latin-1") not in present
            ]
            message = {**message, "headers": headers}
        await send(message)

    return send_with_headers
