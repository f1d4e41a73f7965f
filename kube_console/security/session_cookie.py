"""The browser session cookie: its name, reading it, and the digest that stands for it inside the app.

Reflex keeps the websocket handshake's headers in its state store (on disk, or in Redis), so
the session token itself must never reach Reflex. An ASGI middleware (api/browser_auth.py)
takes the cookie out of the handshake and passes on only the token's SHA-256 in
SESSION_DIGEST_HEADER, a header it always sets itself. The digest is useless as a
credential: the only way in is the raw token, which the server hashes.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

SESSION_COOKIE = "kc_session"
SESSION_DIGEST_HEADER = "x-kube-console-session"


def session_token(cookie_header: str) -> str | None:
    if not cookie_header:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def without_session_cookie(cookie_header: str) -> str:
    """The Cookie header with the session cookie left out (other cookies kept as sent)."""
    kept = [
        part.strip()
        for part in cookie_header.split(";")
        if part.strip() and part.split("=", 1)[0].strip() != SESSION_COOKIE
    ]
    return "; ".join(kept)
