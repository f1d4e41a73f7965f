"""Sign-in and sign-out for the browser: plain HTTP form posts that set or clear the session cookie.

They are HTTP routes rather than Reflex events because only an HTTP response can set an
HttpOnly cookie: page scripts (and so any injected script) never see the session token.
`hide_session_cookie` then keeps the token away from Reflex itself, which stores the
websocket handshake's headers: it passes on the token's digest instead
(security/session_cookie.py). Cross-site posts are refused by an Origin check, on top of
SameSite=Lax.

Sign-in is throttled per client address (services/auth.py). Behind the TLS proxy every
connection comes from the proxy, so the address is taken from X-Forwarded-For, but only when
the connection comes from one of KUBE_CONSOLE_TRUSTED_PROXIES: anyone else could write any
address there and get a fresh allowance of guesses with each.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from kube_console.security.secrets import hash_token
from kube_console.security.session_cookie import (
    SESSION_DIGEST_HEADER,
    session_cookie_name,
    session_token,
    without_session_cookie,
)
from kube_console.services import auth as auth_service
from kube_console.services.sessions import in_app_session
from kube_console.settings import get_settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# X-Forwarded-For entries looked at, from the right: a chain of proxies is short, and the
# header is the client's to make as long as it likes.
MAX_FORWARDED_HOPS = 16


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # old browsers omit Origin on same-origin form posts; SameSite still applies
        return True
    return (
        urlsplit(origin).netloc == request.headers.get("host")
        or origin in get_settings().accepted_origins
    )


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or get_settings().allowed_origin.startswith("https://")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as proxies write it: 192.0.2.1, 192.0.2.1:443, 2001:db8::1 or [2001:db8::1]:443."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(
    peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]
) -> str:
    """The address a request comes from, for throttling.

    The socket peer, unless it is a trusted proxy: then the right-most X-Forwarded-For entry
    that is not a trusted proxy. Each proxy appends the address it saw, so that entry was
    written by our own proxy; whatever lies left of it the client wrote itself. An entry our
    proxies would not write (not an address) stops the walk at the last trusted hop.
    """
    nearest = _address(peer) if peer else None
    if nearest is None:
        return peer or "unknown"

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(nearest):
        return str(nearest)
    hops = ",".join(forwarded_for).rsplit(",", MAX_FORWARDED_HOPS)[-MAX_FORWARDED_HOPS:]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        nearest = address
        if not is_trusted(address):
            break
    return str(nearest)


def _client(request: Request) -> str:
    return client_address(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        get_settings().trusted_proxies,
    )


def sign_in_routes(*, clock: auth_service.Clock = auth_service.system_clock) -> list[Route]:
    """The sign-in and sign-out routes, throttling sign-in by `clock`'s time."""

    async def sign_in(request: Request) -> Response:
        if not _same_origin(request):
            return PlainTextResponse("cross-site sign-in refused", status_code=403)
        form = await request.form()
        email = str(form.get("email", ""))
        password = str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "")))
        hours = get_settings().session_hours

        client = _client(request)

        try:
            signed_in = await asyncio.to_thread(
                in_app_session,
                auth_service.sign_in,
                email=email,
                password=password,
                client=client,
                session_hours=hours,
                clock=clock,
            )
        except auth_service.SignInRefused:
            return RedirectResponse(f"/login?error=refused&next={quote(target)}", status_code=303)
        except auth_service.SignInThrottled as throttled:
            return RedirectResponse(
                f"/login?error=throttled&retry={throttled.seconds}&next={quote(target)}",
                status_code=303,
            )
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            session_cookie_name(),
            signed_in.token,
            max_age=hours * 3600,
            path="/",
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
        return response

    return [
        Route("/auth/sign-in", sign_in, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
    ]


async def sign_out(request: Request) -> Response:
    if not _same_origin(request):
        return PlainTextResponse("cross-site sign-out refused", status_code=403)
    token = session_token(*request.headers.getlist("cookie"))

    await asyncio.to_thread(in_app_session, auth_service.sign_out, token=token)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(
        session_cookie_name(), path="/", httponly=True, samesite="lax", secure=_secure(request)
    )
    return response


routes = sign_in_routes()


_DIGEST_HEADER = SESSION_DIGEST_HEADER.encode()


def hide_session_cookie(app: ASGIApp) -> ASGIApp:
    """Wrap the Reflex app: its requests carry the session token's digest instead of the cookie.

    Any digest header a client sends is dropped; only this middleware sets it. The session
    cookie is read across every Cookie header (HTTP/2 splits them); twice is none at all.
    """

    async def with_session_digest(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers, cookie_headers = [], []
            for name, value in scope["headers"]:
                if name == _DIGEST_HEADER:
                    continue
                if name == b"cookie":
                    cookie_header = value.decode("latin-1")
                    cookie_headers.append(cookie_header)
                    if kept := without_session_cookie(cookie_header):
                        headers.append((name, kept.encode("latin-1")))
                    continue
                headers.append((name, value))
            if token := session_token(*cookie_headers):
                headers.append((_DIGEST_HEADER, hash_token(token).encode()))
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return with_session_digest
