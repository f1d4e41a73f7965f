"""The session cookie never reaches Reflex: the middleware swaps it for its digest."""

from __future__ import annotations

import hashlib

import pytest

from kube_console.api.browser_auth import hide_session_cookie
from kube_console.security.session_cookie import SESSION_DIGEST_HEADER, without_session_cookie

TOKEN = "kcs_" + "x" * 43


async def _headers_seen_by_reflex(headers: list[tuple[bytes, bytes]], kind: str = "websocket") -> dict[str, str]:
    seen: dict[str, str] = {}

    async def reflex(scope, receive, send):
        seen.update({name.decode(): value.decode() for name, value in scope["headers"]})

    await hide_session_cookie(reflex)({"type": kind, "headers": headers}, None, None)
    return seen


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["websocket", "http"])
async def test_the_cookie_is_replaced_by_its_digest_and_other_cookies_stay(kind):
    seen = await _headers_seen_by_reflex([(b"cookie", f"theme=dark; kc_session={TOKEN}; lang=en".encode())], kind)
    assert seen["cookie"] == "theme=dark; lang=en"
    assert seen[SESSION_DIGEST_HEADER] == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert TOKEN not in str(seen)


@pytest.mark.anyio
async def test_a_digest_sent_by_a_client_is_dropped():
    forged = [(SESSION_DIGEST_HEADER.encode(), b"0" * 64), (b"cookie", b"theme=dark")]
    seen = await _headers_seen_by_reflex(forged)
    assert SESSION_DIGEST_HEADER not in seen
    assert seen["cookie"] == "theme=dark"


@pytest.mark.anyio
async def test_without_a_session_cookie_there_is_no_digest():
    seen = await _headers_seen_by_reflex([(b"cookie", f"kc_session_other={TOKEN}".encode())])
    assert SESSION_DIGEST_HEADER not in seen
    assert seen["cookie"] == f"kc_session_other={TOKEN}"


def test_only_the_session_cookie_is_removed_from_a_header():
    assert without_session_cookie(f"kc_session={TOKEN}") == ""
    assert without_session_cookie(f"a=1;kc_session={TOKEN};b=2") == "a=1; b=2"
