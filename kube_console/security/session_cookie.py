"""The browser session cookie: its name, reading it, and the digest that stands for it inside the app.

Reflex keeps the websocket handshake's headers in its state store (on disk, or in Redis), so
the session token itself must never reach Reflex. An ASGI middleware (api/browser_auth.py)
takes the cookie out of the handshake and passes on only the token's SHA-256 in
SESSION_DIGEST_HEADER, a header it always sets itself. The digest is useless as a
credential: the only way in is the raw token, which the server hashes.

Cookie tossing: a page on a sibling subdomain (or any http:// page of the same host) can set
a cookie of the same name for our host, with a path of its choosing, and the browser then
sends both. Over https the cookie is named `__Host-…`, which browsers accept only from this
very origin, over https, for path "/", with no Domain; and a request that carries the
session cookie twice is treated as signed out, since the server cannot tell which is ours.
"""

from __future__ import annotations

from collections.abc import Iterator

from kube_console.settings import get_settings

PLAIN_SESSION_COOKIE = "kc_session"  # http://localhost, where __Host- cookies can't be set
HOST_SESSION_COOKIE = "__Host-kc_session"
SESSION_DIGEST_HEADER = "x-kube-console-session"


def session_cookie_name() -> str:
    """`__Host-kc_session` when the console's origin is https, else `kc_session`."""
    https = get_settings().allowed_origin.startswith("https://")
    return HOST_SESSION_COOKIE if https else PLAIN_SESSION_COOKIE


def _cookies(cookie_header: str) -> Iterator[tuple[str, str]]:
    """(name, value) of every cookie in a Cookie header, duplicates included, in order."""
    for part in cookie_header.split(";"):
        name, equals, value = part.partition("=")
        if equals:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            yield name.strip(), value


def session_token(*cookie_headers: str) -> str | None:
    """The session token the request carries, or None when it carries none, or more than one."""
    name = session_cookie_name()
    found = [
        value for header in cookie_headers for cookie, value in _cookies(header) if cookie == name
    ]
    return found[0] if len(found) == 1 and found[0] else None


def without_session_cookie(cookie_header: str) -> str:
    """The Cookie header without any session cookie, under either name (other cookies kept as sent)."""
    names = (PLAIN_SESSION_COOKIE, HOST_SESSION_COOKIE)
    kept = [
        part.strip()
        for part in cookie_header.split(";")
        if part.strip() and part.split("=", 1)[0].strip() not in names
    ]
    return "; ".join(kept)
