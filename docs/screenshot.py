"""Takes the README's screenshot: `python -m docs.screenshot [docs/screenshot.png]`.

The demo fleet the cost tests use (tests/support/costed_fleet.py, DEMO_FLEET: three clusters,
thirty days of hourly usage priced by the real cost job) is loaded into a fresh SQLite file,
the console runs on it as `reflex run --env prod`, and headless Chromium photographs the
overview of a signed-in admin.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlmodel import Session, select

from benchmarks.pages_bench import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    MONEY,
    _cli,
    _environment,
    _free_port,
    running_console,
)
from kube_console.db import make_engine, utcnow
from kube_console.models import Organization
from tests.support.costed_fleet import DEMO_FLEET, build_fleet


def load_demo(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        org = session.exec(select(Organization)).one()
        build_fleet(session, engine, org, now=utcnow(), days=30, clusters=DEMO_FLEET)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="docs/screenshot.png")
    parser.add_argument("--web-dir", default=".web-bench")
    parser.add_argument("--dark", action="store_true", help="photograph the dark theme")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kc-screenshot-") as scratch:
        workdir = Path(scratch)
        port = _free_port()
        url = f"http://localhost:{port}"
        database_url = f"sqlite:///{workdir / 'demo.db'}"
        env = _environment(workdir, database_url, port, args.web_dir)
        _cli(env, "migrate")
        _cli(env, "create-admin", "--org", "Hooli", "--email", ADMIN_EMAIL, "--name", "Gavin Belson",
             stdin=ADMIN_PASSWORD + "\n")
        load_demo(database_url)
        with running_console(env, url, workdir / "console.log"), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(
                base_url=url,
                viewport={"width": 1440, "height": 1000},
                device_scale_factor=1,
                color_scheme="dark" if args.dark else "light",
            )
            context.set_default_timeout(60_000)
            page = context.new_page()
            page.goto("/login")
            page.get_by_label("E-mail").fill(ADMIN_EMAIL)
            page.get_by_label("Password").fill(ADMIN_PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("main").get_by_text(MONEY).first.wait_for()
            page.locator(".js-plotly-plot").first.wait_for()
            page.wait_for_timeout(1500)  # plotly's enter transition
            page.screenshot(path=args.output)
            browser.close()
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
