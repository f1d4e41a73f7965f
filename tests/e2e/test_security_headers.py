"""Every page of the production build in Chromium, with its security headers: the
Content-Security-Policy lets the build run and nothing else, so a page that loads, hydrates
and draws its charts must raise no `securitypolicyviolation` event, log no CSP complaint to
the console and throw no error.

The pages are Hooli's (tests/e2e/test_costs.py): clusters with nine days of usage and costs,
so the overview, costs and detail pages draw their plotly charts.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from kube_console import routes
from kube_console.db import make_engine
from kube_console.models import Cluster, Namespace, Organization
from tests.e2e.conftest import Console, sign_in_as
from tests.e2e.test_costs import HOOLI_ADMIN, hooli  # noqa: F401  (the fixture, for its fleet)

# Collects the violations of each document from its first script on.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ${event.sample || ""}`
  );
});
"""

SIGNED_IN_PAGES = [
    routes.OVERVIEW,
    routes.CLUSTERS,
    routes.COSTS,
    routes.costs(window="7d", step="day", group_by=["team"]),
    routes.HELM,
    routes.PODS,
    routes.PROFILE,
    routes.ADMIN_USERS,
    routes.ADMIN_WORKERS,
    routes.ADMIN_SETTINGS,
    routes.workload(999_999),  # pages for ids that are not there render too
    routes.pod(999_999),
]


class Watched:
    """A tab whose CSP violations, CSP console messages and page errors are recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _on_console(self, message) -> None:
        if (
            "content security policy" in message.text.lower()
            or "content-security-policy" in message.text.lower()
        ):
            self.console.append(message.text)

    def visit(self, path: str) -> dict[str, str]:
        """Open `path`, wait until it is live, and return the page's response headers."""
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        self.page.wait_for_load_state("networkidle")
        return response.all_headers()

    def problems(self) -> list[str]:
        violations = self.page.evaluate("window.__cspViolations || []")
        return [*violations, *self.console, *self.errors]


@pytest.fixture
def watched(browser: Browser, console: Console) -> Iterator[Watched]:
    context = browser.new_context(base_url=console.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(WATCH_VIOLATIONS)
    yield Watched(context.new_page())
    context.close()


def _hooli_detail_pages(console: Console) -> list[str]:
    engine = make_engine(console.env["KUBE_CONSOLE_DB_URL"])
    try:
        with Session(engine) as session:
            org = session.exec(select(Organization).where(Organization.name == "Hooli")).one()
            cluster = session.exec(select(Cluster).where(Cluster.org_id == org.id)).first()
            namespace = session.exec(
                select(Namespace).where(Namespace.cluster_id == cluster.id)
            ).first()
            return [routes.cluster(cluster.id), routes.namespace(namespace.id)]
    finally:
        engine.dispose()


def assert_security_headers(path: str, headers: dict[str, str]) -> None:
    assert headers.get("x-content-type-options") == "nosniff", path
    assert headers.get("referrer-policy") == "same-origin", path
    assert headers.get("x-frame-options") == "DENY", path
    policy = {
        name: values
        for name, *values in (
            directive.split() for directive in headers["content-security-policy"].split(";")
        )
    }
    assert policy["frame-ancestors"] == ["'none'"], path
    assert "'unsafe-inline'" not in policy["script-src"], path
    assert any(source.startswith("'sha256-") for source in policy["script-src"]), path


def test_the_sign_in_page_runs_under_its_policy(watched: Watched, hooli):  # noqa: F811
    headers = watched.visit(routes.LOGIN)
    expect(watched.page.get_by_role("button", name="Sign in")).to_be_visible()
    assert watched.problems() == []
    assert_security_headers(routes.LOGIN, headers)


def test_a_page_from_the_browsers_cache_keeps_its_policy(watched: Watched, hooli):  # noqa: F811
    watched.visit(routes.LOGIN)
    watched.visit(routes.LOGIN)  # revalidated: the server answers 304
    expect(watched.page.get_by_role("button", name="Sign in")).to_be_visible()
    assert watched.problems() == []


def test_every_page_runs_under_its_policy_without_a_violation(watched: Watched, hooli):  # noqa: F811
    sign_in_as(watched.page, HOOLI_ADMIN)
    assert watched.problems() == []
    for path in [*SIGNED_IN_PAGES, *_hooli_detail_pages(hooli)]:
        headers = watched.visit(path)
        assert_security_headers(path, headers)
        expect(watched.page.get_by_role("button", name="User menu")).to_contain_text(
            HOOLI_ADMIN.name
        )
        assert watched.problems() == [], path


def test_charts_are_drawn_under_the_policy(watched: Watched, hooli):  # noqa: F811
    sign_in_as(watched.page, HOOLI_ADMIN)
    watched.visit(routes.COSTS)
    expect(watched.page.locator(".js-plotly-plot").first).to_be_visible()
    assert watched.problems() == []


def test_a_kubeconfig_file_is_read_into_the_form_under_the_policy(watched: Watched, hooli):  # noqa: F811
    # The "Upload a file…" button runs rx.call_script code, which Reflex evaluates with eval:
    # the reason the policy allows 'unsafe-eval'.
    sign_in_as(watched.page, HOOLI_ADMIN)
    watched.visit(routes.CLUSTERS)
    page = watched.page
    page.get_by_role("main").get_by_role("button", name="Register cluster").click()
    dialog = page.get_by_role("dialog", name="Register a cluster")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Upload a file…").click()
    chooser.value.set_files(
        {"name": "a.kubeconfig", "mimeType": "application/yaml", "buffer": b"kind: Config\n"}
    )
    expect(dialog.get_by_role("textbox", name="Kubeconfig")).to_have_value("kind: Config\n")
    assert watched.problems() == []


def test_the_api_docs_run_under_their_policy(watched: Watched, console: Console):
    headers = watched.visit("/api/v1/docs")
    assert_security_headers("/api/v1/docs", headers)
    expect(watched.page.get_by_text("kube-console API").first).to_be_visible()
    assert watched.problems() == []
