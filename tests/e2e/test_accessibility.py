"""axe-core over every page of the console in Chromium, light and dark, with its dialogs open:
no serious or critical WCAG 2.1 AA violation anywhere (tests/e2e/axe.py runs the audit).

The pages are Wayne's: one cluster of the fake API server synced and costed into the console's
database (tests/support/synced_fleet.py), so the drill-down pages, the pod pages, the cost
charts and the Helm list all have rows and figures to audit.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from kube_console import routes
from kube_console.security.keyring import Keyring
from tests.e2e.axe import Violation, audit, serious
from tests.e2e.conftest import Account, Console, console_database_path, sign_in_as
from tests.fakekube.server import FakeKubeServer
from tests.support.synced_fleet import SHOP, fetch_snapshots, shop_cluster, sync_fleet

WAYNE_ADMIN = Account("bruce@wayne.test", "bruce's long password", "admin", "Bruce Wayne")
CLUSTER = "gotham"


@dataclass(frozen=True)
class Wayne:
    cluster_id: int
    namespace_id: int
    workload_id: int
    running_pod_id: int
    pending_pod_id: int


def _ids(console: Console, cluster_id: int) -> Wayne:
    with sqlite3.connect(console_database_path(console)) as db:
        namespace_id = db.execute(
            "SELECT id FROM namespaces WHERE cluster_id = ? AND name = ?",
            (cluster_id, SHOP.namespace),
        ).fetchone()[0]
        workload_id = db.execute(
            "SELECT id FROM workloads WHERE namespace_id = ? AND name = ?",
            (namespace_id, SHOP.deployment),
        ).fetchone()[0]
        pod_ids = dict(
            db.execute("SELECT name, id FROM pods WHERE namespace_id = ?", (namespace_id,))
        )
    return Wayne(
        cluster_id=cluster_id,
        namespace_id=namespace_id,
        workload_id=workload_id,
        running_pod_id=pod_ids[SHOP.pod_names[0]],
        pending_pod_id=pod_ids[SHOP.pending_pod],
    )


@pytest.fixture(scope="module")
def wayne(console: Console) -> Iterator[Wayne]:
    made = console.cli(
        "create-admin",
        "--org",
        "Wayne",
        "--email",
        WAYNE_ADMIN.email,
        "--name",
        WAYNE_ADMIN.name,
        stdin=WAYNE_ADMIN.password + "\n",
    )
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(console_database_path(console)) as db:
        org_id = db.execute("SELECT id FROM organizations WHERE name = 'Wayne'").fetchone()[0]
    with FakeKubeServer() as server:  # serving on, for the console's scheduler to sync
        ids = sync_fleet(
            console.env["KUBE_CONSOLE_DB_URL"],
            org_id=org_id,
            snapshots=fetch_snapshots([shop_cluster(CLUSTER, seed=5)], server),
            hours=3,
            credentials={CLUSTER: server.credentials_for(CLUSTER)},
            keyring=Keyring.parse(console.env["KUBE_CONSOLE_ENCRYPTION_KEYS"]),
        )
        yield _ids(console, ids[CLUSTER])


def _click(name: str | re.Pattern[str], role: str = "button") -> Callable[[Page], None]:
    """Open a dialog (or menu) with the control of that name in the page's main region."""

    def act(page: Page) -> None:
        page.get_by_role("main").get_by_role(role, name=name).first.click()
        expect(page.locator("[role=dialog], [role=alertdialog], [role=menu]").first).to_be_visible()

    return act


def _open_user_menu(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name=WAYNE_ADMIN.name).click()
    expect(page.get_by_role("menu")).to_be_visible()


def _page_states(wayne: Wayne) -> list[tuple[str, Callable[[Page], None] | None]]:
    """Every page the console has, and the states of them worth auditing apart."""
    cluster = routes.cluster(wayne.cluster_id)
    namespace = routes.namespace(wayne.namespace_id)
    return [
        (routes.OVERVIEW, None),
        (routes.OVERVIEW, _open_user_menu),
        (routes.CLUSTERS, None),
        (routes.CLUSTERS, _click("Register cluster")),
        *[
            (f"{cluster}?tab={tab}", None)
            for tab in ("overview", "namespaces", "nodes", "workloads", "helm")
        ],
        *[(f"{namespace}?tab={tab}", None) for tab in ("overview", "workloads", "pods", "pvcs")],
        (routes.workload(wayne.workload_id), None),
        (routes.PODS, None),
        (routes.pod(wayne.running_pod_id), None),
        (routes.pod(wayne.pending_pod_id), None),
        (routes.COSTS, None),
        (routes.costs(window="7d", step="day", group_by=["team"]), None),
        (routes.COSTS, _click(re.compile("^Show the math for"))),
        (routes.HELM, None),
        (routes.PROFILE, None),
        (routes.PROFILE, _click("Create token")),
        (routes.ADMIN_USERS, None),
        (routes.ADMIN_USERS, _click("Add user")),
        (routes.ADMIN_WORKERS, None),
        (routes.ADMIN_SETTINGS, None),
        (routes.ADMIN_SETTINGS, _click("New price sheet")),
        (routes.pod(987_654_321), None),  # not found
    ]


@pytest.fixture
def themed(browser: Browser, console: Console, request) -> Iterator[Page]:
    # The audit injects axe-core as an inline script, which the console's policy refuses.
    context = browser.new_context(
        base_url=console.url,
        viewport={"width": 1440, "height": 900},
        color_scheme=request.param,
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _settled(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    expect(page).to_have_title(re.compile("kube-console"))
    expect(page.locator("[aria-busy=true]")).to_have_count(0)


def _report(found: list[Violation]) -> str:
    return "\n".join(str(violation) for violation in found)


@pytest.mark.parametrize("themed", ["light", "dark"], indirect=True)
def test_no_page_has_a_serious_or_critical_violation(themed: Page, wayne: Wayne, request):
    page = themed
    found: list[Violation] = []
    for path in (routes.LOGIN, routes.SETUP):
        _settled(page, path)
        found += audit(page, f"{path} (signed out)")

    sign_in_as(page, WAYNE_ADMIN)
    theme = page_theme(page)
    for path, act in _page_states(wayne):
        _settled(page, path)
        where = path
        if act is not None:
            act(page)
            where = f"{path} ({act.__name__ if hasattr(act, '__name__') else 'open'})"
        found += audit(page, where)
        page.keyboard.press("Escape")
    assert theme == request.node.callspec.params["themed"], (
        "the page follows the browser's colour scheme"
    )

    by_impact: dict[str, int] = {}
    for violation in found:
        by_impact[violation.impact] = by_impact.get(violation.impact, 0) + 1
    print(f"axe, {theme}: {by_impact} over {len(_page_states(wayne)) + 2} page states")
    print(_report(found))
    assert serious(found) == [], _report(serious(found))


def page_theme(page: Page) -> str:
    return (
        "dark" if page.evaluate("document.documentElement.classList.contains('dark')") else "light"
    )


@pytest.fixture
def wayne_tab(browser: Browser, console: Console, wayne: Wayne) -> Iterator[Page]:
    context = browser.new_context(base_url=console.url, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_as(page, WAYNE_ADMIN)
    yield page
    context.close()


def _focused(page: Page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return `${e.tagName.toLowerCase()}#${e.id}|${e.getAttribute('name') || ''}|${e.textContent.trim()}`; })()"
    )


def test_the_first_tab_stop_skips_to_the_page_content(wayne_tab: Page):
    page = wayne_tab
    _settled(page, routes.CLUSTERS)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_the_register_dialog_opens_on_its_name_field_and_gives_focus_back_when_closed(
    wayne_tab: Page,
):
    page = wayne_tab
    _settled(page, routes.CLUSTERS)
    opener = page.get_by_role("main").get_by_role("button", name="Register cluster")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Register a cluster")
    expect(dialog.get_by_label("Name")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    opener.click()  # and with the mouse and the Cancel button
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(opener).to_be_focused()


def test_help_and_badge_tooltips_open_from_the_keyboard(wayne_tab: Page):
    page = wayne_tab
    _settled(page, routes.COSTS)
    help_button = page.get_by_role("button", name="About idle capacity")
    page.get_by_role("radio", name="Share").focus()
    for _ in range(5):  # from the idle switch, Tab reaches the help
        page.keyboard.press("Tab")
        if help_button.evaluate("element => element === document.activeElement"):
            break
    expect(help_button).to_be_focused()
    expect(page.get_by_role("tooltip")).to_contain_text(
        "Idle is node capacity no namespace was allocated"
    )


def _contrast(one: str, other: str) -> float:
    def luminance(css: str) -> float:
        red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", css)[:3])

        def linear(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The first opaque background behind an element: what its focus ring is drawn against.
PAGE_BACKGROUND = """element => {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_from_the_page_by_3_to_1(wayne_tab: Page, scheme: str):
    page = wayne_tab
    page.emulate_media(color_scheme=scheme)
    _settled(page, routes.CLUSTERS)
    for name in ("Register cluster", f"Sync now ({CLUSTER})"):
        button = page.get_by_role("main").get_by_role("button", name=name)
        button.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
        expect(button).to_be_focused()
        ring = button.evaluate("element => getComputedStyle(element).outlineColor")
        width = button.evaluate("element => parseFloat(getComputedStyle(element).outlineWidth)")
        page_colour = button.evaluate(PAGE_BACKGROUND)
        assert width >= 2, name
        assert _contrast(ring, page_colour) >= 3.0, (name, scheme, ring, page_colour)


def test_charts_give_their_figures_as_a_table(wayne_tab: Page):
    page = wayne_tab
    _settled(page, routes.COSTS)
    page.get_by_text("Show as table").first.click()
    table = page.get_by_role("region", name=re.compile("as a table$")).first.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader").first).to_have_text("Time")
    expect(table.get_by_role("cell").nth(1)).to_contain_text("$")


# How far an element's content reaches past its box (0 when it fits).
OVERFLOW = "element => element.scrollWidth - element.clientWidth"


@pytest.mark.parametrize("path", ["nodes", "costs"])
def test_wide_tables_fit_a_1440_px_window_and_the_sidebar_runs_the_page_length(
    wayne_tab: Page, wayne: Wayne, path: str
):
    page = wayne_tab
    _settled(
        page, f"{routes.cluster(wayne.cluster_id)}?tab=nodes" if path == "nodes" else routes.COSTS
    )
    table = page.get_by_role("table", name="Nodes" if path == "nodes" else "Costs")
    expect(table).to_be_visible()
    scroller = table.locator("xpath=..")
    widths = scroller.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert scroller.evaluate(OVERFLOW) <= 1, (
        f"{path}: the table is {widths[0]} px wide in {widths[1]} px"
    )
    page_height = page.evaluate("document.documentElement.scrollHeight")
    sidebar = page.get_by_role("navigation", name="Main navigation").locator("xpath=..")
    assert sidebar.evaluate("element => element.getBoundingClientRect().height") >= page_height - 1
