"""The edge (api/edge.py) as kube_console.py wires it: bodies are authenticated before they are
read and refused above 1 MiB without reading the rest, and every answer carries the security
headers.

The app under test is built from the very api_transformer list of kube_console.py, around a
stand-in for Reflex's own app (pages and /ping), the way Reflex builds its server. A body is
fed through a `receive` that counts the bytes the server pulled, so "not read" is measured.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from dataclasses import dataclass, field

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message

from kube_console.api.edge import MAX_BODY_BYTES, guard_edge
from kube_console.security.headers import BuiltPages
from tests.api.conftest import PREFIX, Org, reload_settings

MIB = 1024 * 1024
PAGE_SCRIPT = "window.started = true;"
PAGE = f"<!doctype html><html><head><script>{PAGE_SCRIPT}</script></head><body>hi</body></html>"


def _reflex_stand_in() -> ASGIApp:
    async def page(_request):
        return HTMLResponse(PAGE)

    async def ping(_request):
        return PlainTextResponse("pong")

    async def cached(_request):  # as Reflex's static files answer a page the browser has cached
        return Response(status_code=304, headers={"etag": '"v1"'})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/ping", ping, methods=["GET", "POST"]),
            Route("/cached", cached),
        ]
    )


def console_http_app() -> ASGIApp:
    """The HTTP app as Reflex builds it from kube_console.py's api_transformer."""
    from kube_console.kube_console import app as console

    asgi = _reflex_stand_in()
    for transformer in console.api_transformer:
        if isinstance(transformer, Starlette):  # Reflex mounts what it had under it
            asgi = Starlette(routes=[*transformer.routes, Mount("", asgi)])
        else:
            asgi = transformer(asgi)
    return asgi


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    bytes_read: int

    def error(self) -> dict:
        return json.loads(self.body)["error"]


@dataclass
class Body:
    """`size` bytes in `chunk` pieces, made only as the server asks for them."""

    size: int
    chunk: int = 64 * 1024
    read: int = 0
    messages: list[Message] = field(default_factory=list)

    async def receive(self) -> Message:
        if self.read >= self.size:
            await asyncio.sleep(3600)  # a client that keeps the connection open
        piece = min(self.chunk, self.size - self.read)
        self.read += piece
        return {"type": "http.request", "body": b"x" * piece, "more_body": self.read < self.size}


def call(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: Body | None = None,
    chunked: bool = False,
    scheme: str = "http",
) -> Reply:
    body = body or Body(0)
    raw_headers = [
        (name.lower().encode(), value.encode()) for name, value in (headers or {}).items()
    ]
    raw_headers.append((b"host", b"console.test"))
    if chunked:
        raw_headers.append((b"transfer-encoding", b"chunked"))
    elif body.size:
        raw_headers.append((b"content-length", str(body.size).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("console.test", 80),
    }
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        receive = body.receive if body.size else _empty_body
        await asyncio.wait_for(app(scope, receive, send), timeout=60)

    asyncio.run(run())
    start = next(message for message in sent if message["type"] == "http.response.start")
    return Reply(
        status=start["status"],
        headers={name.decode(): value.decode() for name, value in start["headers"]},
        body=b"".join(
            message.get("body", b"") for message in sent if message["type"] == "http.response.body"
        ),
        bytes_read=body.read,
    )


async def _empty_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


@pytest.fixture
def app(api_env) -> ASGIApp:
    return console_http_app()


def json_headers(auth: dict[str, str] | None = None) -> dict[str, str]:
    return {**(auth or {}), "content-type": "application/json"}


# --- bodies -----------------------------------------------------------------------------


def test_a_100_mib_post_without_a_token_is_refused_before_any_byte_is_read(app):
    reply = call(app, "POST", f"{PREFIX}/clusters", headers=json_headers(), body=Body(100 * MIB))

    assert reply.status == 401
    assert reply.error()["code"] == "not_authenticated"
    assert reply.headers["www-authenticate"] == "Bearer"
    assert reply.bytes_read == 0


def test_a_wrong_token_is_refused_before_any_byte_is_read(app, acme: Org):
    for auth in (
        acme.revoked,
        {"Authorization": "Bearer kct_unknown"},
        {"Authorization": "Basic eDp5"},
    ):
        reply = call(
            app, "POST", f"{PREFIX}/clusters", headers=json_headers(auth), body=Body(8 * MIB)
        )
        assert (reply.status, reply.bytes_read) == (401, 0)


def test_a_body_over_the_limit_with_a_valid_token_is_413_without_reading_it(app, acme: Org):
    reply = call(
        app,
        "POST",
        f"{PREFIX}/clusters",
        headers=json_headers(acme.admin),
        body=Body(MAX_BODY_BYTES + 1),
    )

    assert reply.status == 413
    error = reply.error()
    assert error["code"] == "too_large" and "1 MiB" in error["message"]
    assert reply.headers["connection"] == "close"
    assert reply.bytes_read == 0


def test_a_chunked_body_is_cut_off_at_the_limit(app, acme: Org):
    body = Body(100 * MIB)

    reply = call(
        app, "POST", f"{PREFIX}/clusters", headers=json_headers(acme.admin), body=body, chunked=True
    )

    assert reply.status == 413 and reply.error()["code"] == "too_large"
    assert reply.headers["connection"] == "close"
    assert MAX_BODY_BYTES < body.read <= MAX_BODY_BYTES + body.chunk


def test_a_body_under_the_limit_reaches_the_api(app, acme: Org):
    body = Body(MAX_BODY_BYTES - 1)

    reply = call(
        app, "POST", f"{PREFIX}/clusters", headers=json_headers(acme.admin), body=body, chunked=True
    )

    assert reply.status == 422 and reply.error()["field"] == "body"  # read in full: not JSON
    assert body.read == body.size


@pytest.mark.parametrize("chunked", [False, True])
def test_sign_in_bodies_are_limited_too(app, chunked: bool):
    body = Body(100 * MIB)
    form = {"content-type": "application/x-www-form-urlencoded", "origin": "http://console.test"}

    reply = call(app, "POST", "/auth/sign-in", headers=form, body=body, chunked=chunked)

    assert reply.status == 413 and "1 MiB" in reply.body.decode()
    assert body.read == 0 if not chunked else body.read <= MAX_BODY_BYTES + body.chunk


def test_reflex_routes_are_limited_too(app):
    assert call(app, "POST", "/ping", body=Body(2 * MIB)).status == 413


# --- headers ----------------------------------------------------------------------------

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def test_every_api_answer_carries_the_security_headers(app, acme: Org):
    for reply in (
        call(app, "GET", f"{PREFIX}/clusters", headers=acme.member),
        call(app, "GET", f"{PREFIX}/clusters"),  # 401
        call(app, "GET", f"{PREFIX}/nowhere", headers=acme.member),  # 404
        call(app, "POST", f"{PREFIX}/clusters", body=Body(10)),  # refused by the edge itself
        call(app, "GET", "/api/v1/openapi.json"),
    ):
        assert {name: reply.headers.get(name) for name in COMMON} == COMMON, reply.status
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "strict-transport-security" not in reply.headers  # the origin is http


def test_pages_get_a_policy_allowing_only_their_own_inline_scripts(app):
    reply = call(app, "GET", "/")

    assert reply.status == 200
    assert {name: reply.headers.get(name) for name in COMMON} == COMMON
    policy = directives(reply.headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    # The stand-in page is not part of the build, so its inline script is not allowed.
    assert sha256_source(PAGE_SCRIPT) not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_a_not_modified_answer_leaves_the_cached_pages_policy_alone(app):
    # Browsers merge a 304's headers into the cached page: a policy for "not a page" here
    # would replace the page's own and block all of its scripts.
    reply = call(app, "GET", "/cached")

    assert reply.status == 304
    assert "content-security-policy" not in reply.headers
    assert reply.headers["x-content-type-options"] == "nosniff"


def test_the_built_pages_inline_scripts_are_allowed_by_hash(api_env, tmp_path):
    (tmp_path / "login").mkdir()
    (tmp_path / "login" / "index.html").write_text(PAGE)
    app = guard_edge(_reflex_stand_in(), pages=BuiltPages(tmp_path))

    policy = directives(call(app, "GET", "/").headers["content-security-policy"])

    assert policy["script-src"] == ["'self'", "'unsafe-eval'", sha256_source(PAGE_SCRIPT)]
    assert policy["connect-src"] == ["'self'", "ws://localhost:3000"]


def test_the_api_docs_allow_their_one_inline_script(app):
    reply = call(app, "GET", "/api/v1/docs")

    [script] = [
        part.split(">", 1)[1]
        for part in reply.body.decode().split("<script")[1:]
        if "src=" not in part.split(">", 1)[0]
    ]
    script = script.split("</script>", 1)[0]
    assert (
        sha256_source(script) in directives(reply.headers["content-security-policy"])["script-src"]
    )
    assert reply.headers["x-frame-options"] == "DENY"


def test_hsts_when_the_origin_is_https(api_env, acme: Org):
    api_env.setenv("KUBE_CONSOLE_ALLOWED_ORIGIN", "https://console.example.com")
    reload_settings()
    app = console_http_app()

    for reply in (
        call(app, "GET", "/"),
        call(app, "GET", f"{PREFIX}/clusters", headers=acme.member),
    ):
        assert reply.headers["strict-transport-security"] == "max-age=31536000"
    assert (
        "wss://console.example.com"
        in directives(call(app, "GET", "/").headers["content-security-policy"])["connect-src"]
    )


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def sha256_source(script: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
