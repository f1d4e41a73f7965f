"""`make demo` in Chromium: the console started in demo mode builds its demo organization before it
serves, signs in with the credentials it prints, and every page has data and the demo banner.

The demo's console uses the suite's build directory, so it runs before the session's console
starts (tests/e2e/conftest.py orders this module first) and stops before it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from kube_console.components.demo_banner import DEMO_BANNER_TEXT
from kube_console.demo.build import DEMO_EMAIL, DEMO_ORG
from kube_console.demo.fleet import EKS, GKE, GPU_NAMESPACE, GPU_NODE, K3S, SPOT_NODE
from tests.e2e.conftest import Console, console_database_path, serve_console

LOADING_MS = 30_000  # a page's first query, on a busy machine while the demo fills in its history


@pytest.fixture(scope="module")
def demo_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    with serve_console(
        tmp_path_factory.mktemp("demo"), demo="1", sample_retention_days="35"
    ) as started:
        yield started


@pytest.fixture(scope="module")
def signed_in(browser: Browser, demo_console: Console) -> Iterator[Page]:
    """One tab signed in as the demo admin with the password the console printed. While the
    demo fills in its older history the pages answer slower: this module waits longer."""
    expect.set_options(timeout=LOADING_MS)
    printed = re.findall(r"password: (\S+)", demo_console.log.read_text())
    assert printed, "the demo printed no sign-in password"
    context = browser.new_context(
        base_url=demo_console.url, viewport={"width": 1440, "height": 900}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_text(DEMO_BANNER_TEXT)).to_be_visible()
    page.get_by_label("E-mail").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(printed[-1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    yield page
    context.close()
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules


def _ids(console: Console) -> dict[str, int]:
    with sqlite3.connect(console_database_path(console)) as db:
        one = lambda sql, *args: db.execute(sql, args).fetchone()[0]
        return {
            "eks": one("SELECT id FROM clusters WHERE name = ?", EKS),
            "namespace": one("SELECT id FROM namespaces WHERE name = ?", GPU_NAMESPACE),
            "workload": one(
                "SELECT id FROM workloads WHERE name = 'trainer' AND kind = 'Deployment'"
            ),
            "pod": one("SELECT id FROM pods WHERE name LIKE 'trainer-%'"),
        }


def _shows_the_banner(page: Page) -> None:
    expect(page.get_by_role("note").filter(has_text=DEMO_BANNER_TEXT)).to_be_visible()


def test_every_page_of_the_demo_shows_data_and_says_it_is_a_demo(
    signed_in: Page, demo_console: Console
):
    page = signed_in
    main = page.get_by_role("main")
    ids = _ids(demo_console)

    page.goto("/")
    _shows_the_banner(page)
    expect(page.get_by_text(DEMO_ORG)).to_be_visible()
    for name in (EKS, GKE, K3S):
        expect(main.get_by_text(name).first).to_be_visible()
    expect(main.get_by_text(re.compile(r"\$\d")).first).to_be_visible()

    page.goto("/clusters")
    _shows_the_banner(page)
    for name, provider in ((EKS, "EKS"), (GKE, "GKE"), (K3S, "k3s")):
        card = page.get_by_role("article", name=name)
        expect(card).to_contain_text(provider)

    page.goto(f"/clusters/{ids['eks']}?tab=nodes")
    _shows_the_banner(page)
    expect(main.get_by_role("heading", name=EKS)).to_be_visible()
    expect(main.get_by_text(GPU_NODE)).to_be_visible()
    expect(main.get_by_text(SPOT_NODE)).to_be_visible()
    expect(main.get_by_text("g5.xlarge").first).to_be_visible()

    page.goto(f"/namespaces/{ids['namespace']}")
    _shows_the_banner(page)
    expect(main.get_by_role("heading", name=GPU_NAMESPACE)).to_be_visible()
    expect(main.get_by_text(re.compile(r"\$\d")).first).to_be_visible()

    page.goto(f"/deployments/{ids['workload']}")
    _shows_the_banner(page)
    expect(main.get_by_role("heading", name="trainer")).to_be_visible()
    expect(page.get_by_role("table", name="Pods").get_by_role("row")).to_have_count(2)

    page.goto(f"/pods/{ids['pod']}")
    _shows_the_banner(page)
    expect(main.get_by_role("heading", name=re.compile(r"^trainer-"))).to_be_visible()
    expect(page.get_by_role("table", name="Containers")).to_contain_text("nvcr.io/nvidia/pytorch")

    page.goto("/pods")
    _shows_the_banner(page)
    expect(page.get_by_role("table", name="Pods").get_by_role("row").nth(10)).to_be_visible()

    page.goto("/helm")
    _shows_the_banner(page)
    expect(main.get_by_text("trainer").first).to_be_visible()


def test_the_demo_costs_filter_to_a_cluster_and_its_gpu_namespace(signed_in: Page):
    page = signed_in
    page.goto("/costs")
    _shows_the_banner(page)
    table = page.get_by_role("table", name="Costs")
    expect(table.get_by_role("rowheader").nth(3)).to_be_visible(timeout=LOADING_MS)

    page.get_by_role("button", name="Filter by cluster").click()
    page.get_by_role("checkbox", name=EKS).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"\?cluster={EKS}$"))
    expect(page.get_by_role("button", name=f"Remove Cluster {EKS}")).to_be_visible()
    expect(table.get_by_role("rowheader", name=GPU_NAMESPACE)).to_be_visible(timeout=LOADING_MS)

    page.get_by_role("button", name="Filter by namespace").click()
    page.get_by_role("checkbox", name=GPU_NAMESPACE).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"\?cluster={EKS}&namespace={GPU_NAMESPACE}$"))
    expect(table.get_by_role("rowheader")).to_have_text([GPU_NAMESPACE], timeout=LOADING_MS)
    expect(table.get_by_role("row").nth(1)).to_contain_text(re.compile(r"\$\d"))
