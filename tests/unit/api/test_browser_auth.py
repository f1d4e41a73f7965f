"""The session cookie never reaches Reflex: the middleware swaps it for its digest. A tossed
second cookie signs the request out."""

from __future__ import annotations

import hashlib

import pytest

from kube_console.api.browser_auth import hide_session_cookie
from kube_console.security.session_cookie import (
    SESSION_DIGEST_HEADER,
    session_cookie_name,
    session_token,
    without_session_cookie,
)
from kube_console.settings import ENV_PREFIX, get_settings

TOKEN = "kcs_" + "x" * 43
TOSSED = "kcs_" + "t" * 43  # the attacker's own session, planted in the victim's browser


async def _headers_seen_by_reflex(
    headers: list[tuple[bytes, bytes]], kind: str = "websocket"
) -> dict[str, str]:
    seen: dict[str, str] = {}

    async def reflex(scope, receive, send):
        seen.update({name.decode(): value.decode() for name, value in scope["headers"]})

    await hide_session_cookie(reflex)({"type": kind, "headers": headers}, None, None)
    return seen


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["websocket", "http"])
async def test_the_cookie_is_replaced_by_its_digest_and_other_cookies_stay(kind):
    seen = await _headers_seen_by_reflex(
        [(b"cookie", f"theme=dark; kc_session={TOKEN}; lang=en".encode())], kind
    )
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


@pytest.fixture
def https_origin(monkeypatch):
    monkeypatch.setenv(ENV_PREFIX + "ALLOWED_ORIGIN", "https://console.example.com")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _settings_of_this_test():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers",
    [
        [(b"cookie", f"kc_session={TOSSED}; kc_session={TOKEN}".encode())],
        [(b"cookie", f"kc_session={TOKEN}".encode()), (b"cookie", f"kc_session={TOSSED}".encode())],
    ],
    ids=["one header", "two headers"],
)
async def test_two_session_cookies_are_no_session_at_all(headers):
    """A sibling subdomain, or a more specific path, planted a second one: which is ours is unknowable."""
    seen = await _headers_seen_by_reflex(headers)
    assert SESSION_DIGEST_HEADER not in seen
    assert TOKEN not in str(seen) and TOSSED not in str(seen)


@pytest.mark.anyio
async def test_over_https_only_the_host_cookie_counts(https_origin):
    seen = await _headers_seen_by_reflex(
        [(b"cookie", f"kc_session={TOSSED}; __Host-kc_session={TOKEN}; theme=dark".encode())]
    )
    assert seen[SESSION_DIGEST_HEADER] == hashlib.sha256(TOKEN.encode()).hexdigest()
    assert seen["cookie"] == "theme=dark"  # neither token reaches Reflex


@pytest.mark.anyio
async def test_over_https_a_tossed_plain_cookie_signs_no_one_in(https_origin):
    seen = await _headers_seen_by_reflex([(b"cookie", f"kc_session={TOSSED}".encode())])
    assert SESSION_DIGEST_HEADER not in seen


def test_the_cookie_name_follows_the_origin(https_origin):
    assert session_cookie_name() == "__Host-kc_session"
    assert session_token(f"kc_session={TOKEN}") is None
    assert session_token(f"__Host-kc_session={TOKEN}") == TOKEN
