"""The browser origins the console accepts: its configured origin and, on its own port, the
loopback addresses a local run is opened at. A websocket from any other origin is refused at
the edge, and the log says which origin and which setting to change."""

from __future__ import annotations

import logging
import os

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from kube_console.api.edge import guard_edge
from kube_console.settings import ENV_PREFIX, get_settings, load_settings


@pytest.fixture(autouse=True)
def _settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith(ENV_PREFIX)]:
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_a_local_run_accepts_localhost_127_0_0_1_and_ipv6_loopback_on_its_port():
    assert load_settings().accepted_origins == [
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://[::1]:3000",
    ]


def test_a_configured_origin_comes_first_and_loopback_follows_the_port(monkeypatch):
    monkeypatch.setenv("KUBE_CONSOLE_ALLOWED_ORIGIN", "https://console.example.com/")
    monkeypatch.setenv("KUBE_CONSOLE_PORT", "8080")
    assert load_settings().accepted_origins == [
        "https://console.example.com",
        "http://localhost:8080",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
    ]


def _socket_app() -> TestClient:
    async def event(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("connected")
        await websocket.close()

    return TestClient(guard_edge(Starlette(routes=[WebSocketRoute("/_event", event)])))


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]
)
def test_websockets_from_accepted_origins_reach_reflex(origin):
    with _socket_app().websocket_connect("/_event", headers={"origin": origin}) as socket:
        assert socket.receive_text() == "connected"


def test_a_websocket_from_another_origin_is_refused_and_the_log_names_the_setting(caplog):
    caplog.set_level(logging.WARNING, logger="kube_console.api.edge")
    for _ in range(3):
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            _socket_app().websocket_connect("/_event", headers={"origin": "http://0.0.0.0:3000"}),
        ):
            pass
        assert refused.value.code == 1008
    [record] = [r for r in caplog.records if r.name == "kube_console.api.edge"]  # once per origin
    message = record.getMessage()
    assert "http://0.0.0.0:3000" in message
    assert "KUBE_CONSOLE_ALLOWED_ORIGIN=http://0.0.0.0:3000" in message
    assert "http://localhost:3000" in message


def test_the_refusal_log_does_not_echo_control_characters(caplog):
    caplog.set_level(logging.WARNING, logger="kube_console.api.edge")
    with (
        pytest.raises(WebSocketDisconnect),
        _socket_app().websocket_connect("/_event", headers={"origin": "http://evil\x1b[31m.test"}),
    ):
        pass
    [record] = [r for r in caplog.records if r.name == "kube_console.api.edge"]
    assert "\x1b" not in record.getMessage()
