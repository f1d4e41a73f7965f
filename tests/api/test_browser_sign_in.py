"""The sign-in form's HTTP route: the cookie it sets, and clears."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx serves these tests fine
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from kube_console.api import browser_auth
from kube_console.services import auth
from kube_console.settings import ENV_PREFIX
from tests.api.conftest import reload_settings
from tests.factories import PASSWORD

OWNER = "198.51.100.2"


@pytest.fixture
def owner(api_env, make):
    return make.user(make.org(), email="ana@example.com")


def _from(peer: str) -> TestClient:
    """A client whose connections come from `peer`."""
    return TestClient(Starlette(routes=browser_auth.routes), client=(peer, 50000), follow_redirects=False)


def _sign_in(peer: str, password: str, email: str = "ana@example.com"):
    with _from(peer) as client:
        return client.post("/auth/sign-in", data={"email": email, "password": password})


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


def test_signing_out_over_https_clears_the_host_cookie_and_revokes_its_session(owner, session, https_origin):
    token = _set_cookie(_sign_in(OWNER, PASSWORD)).split(";")[0].split("=", 1)[1]
    with _from(OWNER) as client:
        signed_out = client.post("/auth/sign-out", headers={"cookie": f"__Host-kc_session={token}"})
    cleared = _set_cookie(signed_out)
    assert cleared.startswith('__Host-kc_session=""') and "Secure" in cleared and "Path=/" in cleared
    assert auth.resolve_session(session=session, token=token) is None
