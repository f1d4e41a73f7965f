"""Pages benchmark (performance.md, "Pages"): `python -m benchmarks.pages_bench`.

A fleet of 50 clusters, 5,000 namespaces and 100,000 pods is synced into a fresh database the
way the scheduler stores it (five clusters of the fake API server, 100 namespaces and 2,000 pods
each, fetched over HTTPS, their snapshots stored under ten cluster rows each), with two hours
of samples priced by the cost job. The console then runs as `reflex run --env prod` on that
database, its scheduler off, and headless Chromium, signed in, opens each page: the time from
navigation to the page's data shown is the median of several loads, beside the floor, a page
of the same app that shows no data (the 404 page), loaded the same way.

Each page's state size is what a reconnect would send for a tab that has just opened the
page (every state of the tab, as JSON), measured in this process with Reflex's own event
processing on the same database (tests/support/reflex_events.py).

Targets: data shown ≤ 1.5 s, state ≤ 200 KB. The last lines printed are one per page.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session
from tests.fakekube.generator import generate_cluster

from kube_console.db import make_engine
from kube_console.security.keyring import generate_key
from kube_console.services import explore
from kube_console.services.paging import PageRequest
from tests.support.synced_fleet import fetch_snapshots, sync_fleet

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ADMIN_EMAIL, ADMIN_PASSWORD = "bench@umbrella.test", "a long bench password"
DISTINCT_CLUSTERS, COPIES = 5, 10  # 50 clusters
NAMESPACES, PODS = 100, 2_000  # per cluster: 5,000 namespaces and 100,000 pods in all
TARGET_SECONDS, TARGET_BYTES = 1.5, 200_000
MONEY = re.compile(r"\$[\d,]+\.\d\d")


@dataclass(frozen=True)
class PageCheck:
    name: str
    path: str
    shown: Callable[[Page], object]  # waits until the page shows its data


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(workdir: Path, database_url: str, port: int, web_dir: str) -> dict[str, str]:
    return {
        key: value for key, value in os.environ.items() if not key.startswith("KUBE_CONSOLE_")
    } | {
        "KUBE_CONSOLE_DB_URL": database_url,
        "KUBE_CONSOLE_DATA_DIR": str(workdir),
        "KUBE_CONSOLE_PORT": str(port),
        "KUBE_CONSOLE_ALLOWED_ORIGIN": f"http://localhost:{port}",
        "KUBE_CONSOLE_ENCRYPTION_KEYS": f"k1:{generate_key()}",
        "KUBE_CONSOLE_RUN_WORKERS": "0",  # the fleet must stay as loaded while it is measured
        "REFLEX_WEB_WORKDIR": web_dir,
        "REFLEX_STATES_WORKDIR": str(workdir / "states"),
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "REFLEX_TELEMETRY_ENABLED": "0",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "kube_console", *args],
        input=stdin,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
    )


def load_fleet(database_url: str, org_id: int) -> tuple[dict[str, int], float]:
    started = time.perf_counter()
    models = [
        generate_cluster(
            f"model-{n}", seed=n, namespaces=NAMESPACES, nodes=20, deployments=150, pods=PODS
        )
        for n in range(DISTINCT_CLUSTERS)
    ]
    snapshots = fetch_snapshots(models)
    fleet = {
        f"cluster-{index:02d}": snapshots[f"model-{index % DISTINCT_CLUSTERS}"]
        for index in range(DISTINCT_CLUSTERS * COPIES)
    }
    ids = sync_fleet(database_url, org_id=org_id, snapshots=fleet, hours=2)
    return ids, time.perf_counter() - started


@contextmanager
def running_console(env: dict[str, str], url: str, log: Path) -> Iterator[None]:
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("reflex")),
                "run",
                "--env",
                "prod",
                "--loglevel",
                "warning",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the console exited:\n{log.read_text()[-3000:]}")
            try:
                if (
                    httpx.get(f"{url}/ping", timeout=2).status_code == 200
                    and httpx.get(url, timeout=5).status_code < 500
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        yield
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):  # exited already, or won't
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def _checks(cluster_id: int) -> list[PageCheck]:
    def money_in_main(page: Page) -> None:
        page.get_by_role("main").get_by_text(MONEY).first.wait_for()

    def cluster_shown(page: Page) -> None:
        main = page.get_by_role("main")
        main.get_by_role("heading", name="cluster-00").wait_for()
        main.get_by_text(MONEY).first.wait_for()

    def pods_shown(page: Page) -> None:
        page.get_by_role("table", name="Pods").get_by_role("row").nth(50).wait_for()

    return [
        PageCheck("overview", "/", money_in_main),
        PageCheck("costs", "/costs", money_in_main),
        PageCheck("cluster detail", f"/clusters/{cluster_id}", cluster_shown),
        PageCheck("pods", "/pods", pods_shown),
    ]


def _median_load_seconds(
    page: Page, path: str, shown: Callable[[Page], object], repeat: int
) -> float:
    times = []
    for _ in range(repeat + 1):  # the first load warms the browser's cache; it is not counted
        started = time.perf_counter()
        page.goto(path, wait_until="commit")
        shown(page)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def measure_browser(
    url: str, checks: list[PageCheck], repeat: int
) -> tuple[float, dict[str, float]]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("E-mail").fill(ADMIN_EMAIL)
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Overview").wait_for()
        blank = _median_load_seconds(
            page,
            "/bench-no-such-page",
            lambda p: p.get_by_text("404: Page not found").wait_for(),
            repeat,
        )
        seconds = {
            check.name: _median_load_seconds(page, check.path, check.shown, repeat)
            for check in checks
        }
        browser.close()
    return blank, seconds


def measure_state_sizes(
    database_url: str, session_token: str, checks: list[PageCheck]
) -> dict[str, int]:
    """Each page opened in its own tab, through Reflex's event processing, on the bench database."""
    import kube_console.kube_console  # noqa: F401  (registers every page and state)
    from tests.support.reflex_events import EventDriver, console_database

    async def sizes() -> dict[str, int]:
        found = {}
        async with EventDriver() as driver:
            for check in checks:
                tab = driver.tab(session_token=session_token)
                await tab.open(check.path)
                found[check.name] = len((await tab.snapshot_text()).encode())
        return found

    with pytest.MonkeyPatch.context() as monkeypatch, console_database(database_url, monkeypatch):
        return asyncio.run(sizes())


def _session_token(database_url: str) -> str:
    from kube_console.services import auth

    engine = make_engine(database_url)
    with Session(engine) as session:
        token = auth.sign_in(
            session=session,
            email=ADMIN_EMAIL,
            password=ADMIN_PASSWORD,
            client="bench",
            session_hours=1,
        ).token
        session.commit()
    engine.dispose()
    return token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--web-dir", default=".web-bench", help="Reflex build directory (kept between runs)"
    )
    arguments = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        database_url = f"sqlite:///{workdir / 'console.db'}"
        port = _free_port()
        url = f"http://localhost:{port}"
        env = _environment(workdir, database_url, port, arguments.web_dir)
        _cli(env, "migrate")
        _cli(
            env,
            "create-admin",
            "--org",
            "Umbrella",
            "--email",
            ADMIN_EMAIL,
            stdin=ADMIN_PASSWORD + "\n",
        )
        with sqlite3.connect(workdir / "console.db") as db:
            (org_id,) = db.execute(
                "SELECT id FROM organizations WHERE name = 'Umbrella'"
            ).fetchone()
        ids, load_seconds = load_fleet(database_url, org_id)
        engine = make_engine(database_url)
        with Session(engine) as session:
            pods = explore.list_pods(
                session=session, org_id=org_id, request=PageRequest(limit=1)
            ).total
            namespaces = explore.list_namespaces(
                session=session, org_id=org_id, request=PageRequest(limit=1)
            ).total
        engine.dispose()
        print(
            f"fleet: {len(ids)} clusters, {namespaces:,} namespaces, {pods:,} pods synced in {load_seconds:.0f} s"
        )
        checks = _checks(ids["cluster-00"])
        state_bytes = measure_state_sizes(database_url, _session_token(database_url), checks)
        with running_console(env, url, workdir / "console.log"):
            blank, seconds = measure_browser(url, checks, arguments.repeat)
    print(f"floor: 404 page (no data) {blank:.2f} s, median of {arguments.repeat} loads")
    for check in checks:
        time_ok = "ok" if seconds[check.name] <= TARGET_SECONDS else "OVER"
        size_ok = "ok" if state_bytes[check.name] <= TARGET_BYTES else "OVER"
        print(
            f"{check.name:>14}: data shown {seconds[check.name]:.2f} s ({time_ok}, target ≤ {TARGET_SECONDS} s; "
            f"{seconds[check.name] / blank:.1f}x the floor); state {state_bytes[check.name] / 1000:.0f} KB "
            f"({size_ok}, target ≤ {TARGET_BYTES // 1000} KB)"
        )


if __name__ == "__main__":
    main()
