"""Profile in Chromium: an API token is created, shown once, works, and is revoked, and the
server's state store never holds it; a user changes their own password; the REST API's docs
load from the console itself."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    TEAM_ADMIN,
    TEAM_MEMBER,
    Account,
    Console,
    console_database_path,
    ensure_account,
    sign_in_as,
)

PASSWORD_CHANGER = Account("fay@initech.test", "fay's long password", "member", "Fay Okafor")


def _list_clusters(page: Page, console: Console, token: str) -> int:
    """Calls the REST API the console serves beside its pages; returns the HTTP status."""
    reply = page.request.get(
        f"{console.url}/api/v1/k8s/clusters", headers={"Authorization": f"Bearer {token}"}
    )
    return reply.status


def _stored_states(console: Console) -> Path:
    return Path(console.env["REFLEX_STATES_WORKDIR"])


def _wait_until_stored(console: Console, text: str) -> list[bytes]:
    """The state store's pickles, once one of them holds `text` (Reflex writes them a moment
    after the event that changed the state)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pickles = [path.read_bytes() for path in _stored_states(console).glob("*.pkl")]
        if any(text.encode() in pickle for pickle in pickles):
            return pickles
        time.sleep(0.2)
    raise AssertionError(f"no state in {_stored_states(console)} came to hold {text!r}")


def test_an_api_token_is_shown_once_works_and_stops_working_when_revoked(team, page: Page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_as(page, TEAM_MEMBER)
    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Profile and API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()

    page.get_by_role("button", name="Create token").click()
    dialog = page.get_by_role("dialog", name="Create an API token")
    dialog.get_by_label("Name").fill("e2e-exporter")
    dialog.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("dialog", name="Your new API token")
    expect(shown).to_contain_text("this is the only time it is shown")
    token = shown.get_by_label("New API token").input_value()
    assert token.startswith("kct_")
    # The profile state with the new token's row is on disk by now, without the token itself.
    pickles = _wait_until_stored(team, "e2e-exporter")
    assert not [pickle for pickle in pickles if token.encode() in pickle]
    assert stat.S_IMODE(_stored_states(team).stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(console_database_path(team)).stat().st_mode) == 0o600

    shown.get_by_role("button", name="Copy token").click()
    expect(page.get_by_text("Token copied to the clipboard.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token

    assert _list_clusters(page, team, token) == 200

    shown.get_by_role("button", name="I have copied it").click()
    expect(shown).to_be_hidden()
    # Gone, not just renamed (its title changes as it starts to close): reopening it during its
    # closing animation once left the new form closing too, and its Cancel button never clickable.
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert token not in page.content()
    page.get_by_role("button", name="Create token").click()  # a fresh form, not the last token
    expect(page.get_by_role("dialog", name="Create an API token")).to_be_visible()
    assert token not in page.content()
    page.get_by_role("button", name="Cancel").click()
    row = page.get_by_role("row").filter(has_text="e2e-exporter").first
    expect(row).to_contain_text(token[:10])
    expect(row).to_contain_text("Active")

    row.get_by_role("button", name="Revoke e2e-exporter").click()
    page.get_by_role("alertdialog", name="Revoke this token?").get_by_role(
        "button", name="Revoke token"
    ).click()
    expect(page.get_by_text("Token “e2e-exporter” is revoked")).to_be_visible()
    expect(row).to_contain_text("Revoked")
    assert _list_clusters(page, team, token) == 401


def test_a_user_changes_their_own_password(team, page: Page):
    ensure_account(team, PASSWORD_CHANGER, by=TEAM_ADMIN)
    sign_in_as(page, PASSWORD_CHANGER)
    page.goto("/profile")
    expect(page.get_by_role("heading", name="No API tokens yet")).to_be_visible()  # loaded and live
    new_password = "fay's brand new password"

    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("That is not your current password.")).to_be_visible()

    page.get_by_label("Current password").fill(PASSWORD_CHANGER.password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    expect(page.get_by_label("Current password")).to_have_value("")

    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    sign_in_as(page, Account(PASSWORD_CHANGER.email, new_password, "member", PASSWORD_CHANGER.name))
    page.get_by_role("button", name="User menu").click()
    expect(page.get_by_role("menu")).to_contain_text(PASSWORD_CHANGER.email)


def test_the_api_docs_are_served_by_the_console_without_a_cdn(team, page: Page):
    outside_requests: list[str] = []
    page.on(
        "request",
        lambda r: outside_requests.append(r.url) if not r.url.startswith(team.url) else None,
    )
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="kube-console API")).to_be_visible()
    expect(page.get_by_text("/k8s/clusters/{id}/namespaces", exact=True)).to_be_visible()
    assert outside_requests == []
    spec = page.request.get(f"{team.url}/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert spec["servers"] == [{"url": "/api/v1"}]
    operations = [(method, path) for path, item in spec["paths"].items() for method in item]
    assert len(operations) == 21  # the 19, the costs query, and a sync run's status
