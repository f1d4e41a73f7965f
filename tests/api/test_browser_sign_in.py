"""The sign-in form's HTTP route: whose address it throttles, and the cookie it sets.

Behind the TLS proxy every connection comes from the proxy. Its X-Forwarded-For names the
client only when the proxy is one of KUBE_CONSOLE_TRUSTED_PROXIES; from anyone else the
header is ignored, or a guesser would get a fresh allowance with every address it writes.
"""

from __future__ import annotations

import ipaddress
import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx serves these tests fine
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from kube_console.api import browser_auth
from kube_console.api.browser_auth import client_address
from kube_console.db import utcnow
from kube_console.services import auth
from kube_console.settings import ENV_PREFIX
from tests.api.conftest import reload_settings
from tests.factories import PASSWORD

PROXY = "10.0.0.5"
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.2"
WRONG = "not the password at all"
# Every attempt of a test happens at this instant, however slowly a loaded machine checks
# passwords: a guess is never let through because the previous wait ran out meanwhile.
FROZEN_AT = utcnow()


@pytest.fixture
def owner(api_env, make):
    return make.user(make.org(), email="ana@example.com")


@pytest.fixture
def trusting_the_proxy(api_env: pytest.MonkeyPatch) -> Iterator[None]:
    api_env.setenv(ENV_PREFIX + "TRUSTED_PROXIES", f"{PROXY},10.1.0.0/16")
    reload_settings()
    yield


def _from(peer: str) -> TestClient:
    """A client whose connections come from `peer`."""
    return TestClient(
        Starlette(routes=browser_auth.sign_in_routes(clock=lambda: FROZEN_AT)),
        client=(peer, 50000),
        follow_redirects=False,
    )


def _sign_in(
    peer: str, password: str, forwarded_for: str | None = None, email: str = "ana@example.com"
):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for is not None else {}
    with _from(peer) as client:
        return client.post(
            "/auth/sign-in", data={"email": email, "password": password}, headers=headers
        )


def _outcome(reply) -> str:
    """ "signed in", "refused" or "throttled", as the browser is redirected."""
    assert reply.status_code == 303
    target = urlsplit(reply.headers["location"])
    if target.path != "/login":
        return "signed in"
    return parse_qs(target.query)["error"][0]


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(owner):
    """Writing a new address with every guess buys nothing: the guesses are the peer's."""
    answers = [
        _outcome(_sign_in(ATTACKER, WRONG, forwarded_for=f"192.0.2.{n}"))
        for n in range(auth.FREE_GUESSES + 1)
    ]
    assert answers == ["refused"] * auth.FREE_GUESSES + ["throttled"]


def test_behind_a_trusted_proxy_an_attack_does_not_lock_the_owner_out(owner, trusting_the_proxy):
    for _ in range(auth.CLIENT_BUDGET + 5):
        _sign_in(PROXY, WRONG, forwarded_for=ATTACKER)
    assert _outcome(_sign_in(PROXY, WRONG, forwarded_for=ATTACKER)) == "throttled"
    assert _outcome(_sign_in(PROXY, PASSWORD, forwarded_for=OWNER)) == "signed in"


def test_behind_a_trusted_proxy_the_budget_holds_whatever_the_client_writes(
    owner, trusting_the_proxy
):
    """The client may send its own X-Forwarded-For; the proxy appends the real address, and
    that right-most untrusted entry is the one counted."""
    forwarded = [f"192.0.2.{n}, {ATTACKER}, 10.1.2.3" for n in range(auth.CLIENT_BUDGET + 1)]
    answers = [
        _outcome(_sign_in(PROXY, WRONG, forwarded_for=chain, email=f"guess{n}@example.com"))
        for n, chain in enumerate(forwarded)
    ]
    assert answers == ["refused"] * auth.CLIENT_BUDGET + ["throttled"]
    assert _outcome(_sign_in(PROXY, PASSWORD, forwarded_for=OWNER)) == "signed in"


def test_the_throttled_redirect_says_how_long_to_wait(owner):
    for _ in range(auth.FREE_GUESSES):
        _sign_in(ATTACKER, WRONG)
    target = urlsplit(_sign_in(ATTACKER, PASSWORD).headers["location"])
    assert parse_qs(target.query)["retry"] == ["1"]


TRUSTED = [ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("fd00::/8")]


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        (ATTACKER, [OWNER], ATTACKER),  # not from a proxy: the header is the client's own words
        ("10.0.0.5", [], "10.0.0.5"),  # from the proxy, but it named nobody
        ("10.0.0.5", [OWNER], OWNER),
        ("10.0.0.5", [f"{OWNER}, 10.0.0.9"], OWNER),  # two proxies of ours
        ("10.0.0.5", [f"1.1.1.1, {ATTACKER}"], ATTACKER),  # 1.1.1.1 was written by the client
        ("10.0.0.5", ["1.1.1.1", ATTACKER], ATTACKER),  # the same, sent as two header lines
        ("10.0.0.5", [f"{OWNER}:51234"], OWNER),
        ("10.0.0.5", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::ffff:10.0.0.5", ["2001:db8::7"], "2001:db8::7"),
        ("fd00::1", [f"{OWNER}, fd00::2"], OWNER),
        ("10.0.0.5", ["not-an-address"], "10.0.0.5"),  # not what our proxy writes: count the proxy
        ("10.0.0.5", [f"{ATTACKER}, garbage, 10.0.0.7"], "10.0.0.7"),
        ("10.0.0.5", [",".join(["10.0.0.8"] * 100) + f", {OWNER}"], OWNER),
        (None, [OWNER], "unknown"),
    ],
)
def test_the_client_is_the_right_most_address_no_trusted_proxy_wrote(peer, forwarded_for, client):
    assert client_address(peer, forwarded_for, TRUSTED) == client


def test_only_a_bounded_number_of_hops_is_read():
    """A header of a thousand trusted hops names no one further left than the bound."""
    hops = [f"192.0.2.{n % 250}" for n in range(10)] + ["10.0.0.8"] * 1000
    assert client_address("10.0.0.5", [", ".join(hops)], TRUSTED) == "10.0.0.8"


@pytest.fixture
def https_origin(api_env: pytest.MonkeyPatch) -> Iterator[None]:
    api_env.setenv(ENV_PREFIX + "ALLOWED_ORIGIN", "https://console.example.com")
    reload_settings()
    yield


def _set_cookie(reply) -> str:
    (cookie,) = reply.headers.get_list("set-cookie")
    return cookie


def test_over_https_the_session_cookie_is_a_host_cookie(owner, https_origin):
    cookie = _set_cookie(_sign_in(OWNER, PASSWORD))
    assert cookie.startswith("__Host-kc_session=kcs_")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "Path=/;" in cookie or cookie.endswith("Path=/")


def test_on_http_localhost_the_session_cookie_keeps_its_plain_name(owner):
    cookie = _set_cookie(_sign_in(OWNER, PASSWORD))
    assert cookie.startswith("kc_session=kcs_")


def test_signing_out_over_https_clears_the_host_cookie_and_revokes_its_session(
    owner, session, https_origin
):
    token = _set_cookie(_sign_in(OWNER, PASSWORD)).split(";")[0].split("=", 1)[1]
    with _from(OWNER) as client:
        signed_out = client.post("/auth/sign-out", headers={"cookie": f"__Host-kc_session={token}"})
    cleared = _set_cookie(signed_out)
    assert (
        cleared.startswith('__Host-kc_session=""') and "Secure" in cleared and "Path=/" in cleared
    )
    assert auth.resolve_session(session=session, token=token) is None
