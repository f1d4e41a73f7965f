"""Starting the console: it works at the addresses a local run is opened at, says clearly when
it is ready, and a page opened at an address it refuses says which setting to change."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import TEAM_ADMIN, Console, sign_in_as


def _port(console: Console) -> int:
    return int(console.url.rsplit(":", 1)[1])


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_the_console_works_at_localhost_and_127_0_0_1(browser: Browser, team: Console, host: str):
    context = browser.new_context(
        base_url=f"http://{host}:{_port(team)}", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in_as(page, TEAM_ADMIN)  # the user menu fills in only over a live websocket
        expect(page.locator("#refused-origin")).to_have_count(0)
    finally:
        context.close()


def test_the_log_says_once_where_the_console_is_ready(console: Console):
    lines = console.log.read_text().splitlines()
    assert lines.count(f"kube-console is ready at {console.url}") == 1
    log = "\n".join(lines)
    assert "Run `uv run reflex run`" not in log and "of Node.js is out of date" not in log


def test_an_address_the_console_refuses_says_which_setting_to_change(
    browser: Browser, console: Console
):
    refused = f"http://127.0.0.2:{_port(console)}"  # loopback too, but not an accepted origin
    context = browser.new_context(base_url=refused)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/login")
        notice = page.locator("#refused-origin")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"does not accept connections from {refused}")
        expect(notice).to_contain_text(f"KUBE_CONSOLE_ALLOWED_ORIGIN={refused}")
        expect(notice.get_by_role("link", name=console.url)).to_have_attribute("href", console.url)
    finally:
        context.close()
    deadline = time.monotonic() + 15  # the refusal is logged as the websocket is refused
    pattern = re.compile(
        rf"Refused a browser connection from {re.escape(refused)}: .*KUBE_CONSOLE_ALLOWED_ORIGIN={re.escape(refused)}"
    )
    while not pattern.search(console.log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert pattern.search(console.log.read_text())
