"""Browser tests: the production build, started once per session, driven in Debian's Chromium.

The console runs in its own process group with its own SQLite file, port and web build
directory (.web-e2e), so a `make run` on :3000 is left alone. Chromium is /usr/bin/chromium
(never a downloaded browser), started with the flags this closed network needs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from kube_console.security.keyring import generate_key

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUILD_TIMEOUT_SECONDS = 600


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    # The demo's console builds into the same web directory as the session's console: it runs
    # (and stops) before the session's console is started, never beside it.
    demo = [item for item in items if str(item.fspath).endswith("tests/e2e/test_demo.py")]
    if demo:
        first_e2e = next(i for i, item in enumerate(items) if "tests/e2e/" in str(item.fspath))
        rest = [item for item in items if item not in demo]
        items[:] = rest[:first_e2e] + demo + rest[first_e2e:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Console:
    url: str
    env: dict[str, str]
    log: Path

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Run `python -m kube_console ...` against this console's database."""
        return subprocess.run(
            [sys.executable, "-m", "kube_console", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=PROJECT_ROOT,
            check=False,
        )


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + BUILD_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the console exited while starting:\n{log.read_text()[-4000:]}")
        try:
            if (
                httpx.get(f"{url}/ping", timeout=2).status_code == 200
                and httpx.get(url, timeout=5).status_code < 500
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(
        f"the console did not start in {BUILD_TIMEOUT_SECONDS} s:\n{log.read_text()[-4000:]}"
    )


@contextlib.contextmanager
def serve_console(workdir: Path, **settings: str) -> Iterator[Console]:
    """A production build of the console on a free port with its own SQLite file in `workdir`,
    stopped (its whole process group) on the way out. `settings` add KUBE_CONSOLE_* values."""
    port = _free_port()
    url = f"http://localhost:{port}"
    env = (
        {key: value for key, value in os.environ.items() if not key.startswith("KUBE_CONSOLE_")}
        | {
            "KUBE_CONSOLE_DB_URL": f"sqlite:///{workdir / 'console.db'}",
            "KUBE_CONSOLE_DATA_DIR": str(workdir),
            "KUBE_CONSOLE_PORT": str(port),
            "KUBE_CONSOLE_ALLOWED_ORIGIN": url,
            "KUBE_CONSOLE_ENCRYPTION_KEYS": f"k1:{generate_key()}",
            "KUBE_CONSOLE_ALLOW_LOOPBACK_CLUSTERS": "1",
            # Its own build directory; several developers' runs at once each name another one.
            "REFLEX_WEB_WORKDIR": os.environ.get("KUBE_CONSOLE_E2E_WEB_DIR", ".web-e2e"),
            "REFLEX_STATES_WORKDIR": str(workdir / "states"),
            "REFLEX_CHECK_LATEST_VERSION": "0",
            "REFLEX_TELEMETRY_ENABLED": "0",
            "REFLEX_USE_SYSTEM_BUN": "1",
        }
        | {f"KUBE_CONSOLE_{name.upper()}": value for name, value in settings.items()}
    )
    log = workdir / "console.log"
    subprocess.run(
        [sys.executable, "-m", "kube_console", "migrate"], env=env, cwd=PROJECT_ROOT, check=True
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("reflex")),
                "run",
                "--env",
                "prod",
                "--loglevel",
                "info",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as a whole below
        )
    try:
        _wait_until_serving(url, process, log)
        yield Console(url=url, env=env, log=log)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)


# Package scope: both are stopped after the last browser test, so the tests an xdist worker runs
# after them find no Playwright event loop left running in the main thread.
@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with serve_console(tmp_path_factory.mktemp("console")) as started:
        yield started


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    context = browser.new_context(base_url=console.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    role: str
    name: str


TEAM_ADMIN = Account("dana@initech.test", "dana's long password", "admin", "Dana Scully")
TEAM_MEMBER = Account("eli@initech.test", "eli's long password", "member", "Eli Wong")


def console_database_path(console: Console) -> str:
    return console.env["KUBE_CONSOLE_DB_URL"].removeprefix("sqlite:///")


def ensure_account(console: Console, account: Account, *, by: Account = TEAM_ADMIN) -> None:
    """Create `account` in the Initech organization with the CLI, unless it exists."""
    with sqlite3.connect(console_database_path(console)) as db:
        if db.execute("SELECT 1 FROM users WHERE email = ?", (account.email,)).fetchone():
            return
    if account == TEAM_ADMIN:
        args = [
            "create-admin",
            "--org",
            "Initech",
            "--email",
            account.email,
            "--name",
            account.name,
        ]
    else:
        args = [
            "users",
            "create",
            "--email",
            account.email,
            "--as",
            by.email,
            "--role",
            account.role,
            "--name",
            account.name,
        ]
    made = console.cli(*args, stdin=account.password + "\n")
    assert made.returncode == 0, made.stderr


@pytest.fixture
def team(console: Console) -> Console:
    """Initech: an admin and a member, made with the CLI as an operator would (kept apart
    from test_sign_in's organization, which a first-run test deletes)."""
    ensure_account(console, TEAM_ADMIN)
    ensure_account(console, TEAM_MEMBER)
    return console


def sign_in_as(page: Page, account: Account) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    # Pages are pre-rendered: the heading shows before React is live. The name in the user
    # menu comes from the session handler, so once it is there clicks are handled.
    expect(page.get_by_role("button", name="User menu")).to_contain_text(account.name)
