"""Takes the README's screenshot from the demo: `python -m docs.screenshot --password <printed>`.

Run `make demo` first and wait for its "N days of history ready" line; this signs in as the
demo admin with the password the demo printed and photographs the Costs page (30 days, by
namespace) in headless Chromium.
"""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

from kube_console.demo.build import DEMO_EMAIL

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default="docs/screenshot.png")
    parser.add_argument("--url", default="http://localhost:3000", help="the running demo")
    parser.add_argument("--password", required=True, help="the password make demo printed")
    parser.add_argument("--path", default="/costs", help="the page to photograph")
    parser.add_argument("--dark", action="store_true", help="photograph the dark theme")
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=args.url,
            viewport={"width": 1440, "height": 1000},
            device_scale_factor=1,
            color_scheme="dark" if args.dark else "light",
        )
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("E-mail").fill(DEMO_EMAIL)
        page.get_by_label("Password").fill(args.password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Overview").wait_for()
        page.goto(args.path)
        page.locator(".js-plotly-plot").first.wait_for()
        page.wait_for_timeout(2500)  # plotly's enter transition
        page.screenshot(path=args.output)
        browser.close()
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
