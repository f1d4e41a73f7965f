"""Admin → Users in Chromium: an admin adds a user, changes a role, resets a password and
disables a user; a member is refused, sees no data, and can't run admin handlers even by
sending events."""

from __future__ import annotations

import json
import re
import sqlite3

from playwright.sync_api import Page, expect
from reflex_base.utils.format import format_event_handler

from kube_console.states.users import UsersState
from tests.e2e.conftest import (
    TEAM_ADMIN,
    TEAM_MEMBER,
    Account,
    console_database_path,
    ensure_account,
    sign_in_as,
)

NEW_USER = "gus@initech.test"

# Run in the member's page: a raw websocket to the Reflex backend (the browser adds the
# HttpOnly session cookie itself), speaking Engine.IO/Socket.IO by hand to send one event,
# then collecting what comes back for a few seconds.
SEND_EVENT_BY_HAND = """
async ({ name, payload, path }) => {
  const token = crypto.randomUUID();
  const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/_event/?EIO=4&transport=websocket&token=${token}`);
  const received = [];
  return await new Promise((resolve, reject) => {
    setTimeout(() => { socket.close(); resolve(received); }, 4000);
    socket.onerror = () => reject(new Error("the websocket failed"));
    socket.onmessage = ({ data }) => {
      if (data.startsWith("0")) socket.send("40/_event,{}");
      else if (data === "2") socket.send("3");
      else if (data.startsWith("40/_event")) {
        const event = { name, payload, router_data: { pathname: path, asPath: path, query: {} } };
        socket.send("42/_event," + JSON.stringify(["event", event]));
      } else if (data.startsWith("42/_event")) received.push(data);
    };
  });
}
"""


def _user_row(console, email: str) -> tuple[int, str, int] | None:
    with sqlite3.connect(console_database_path(console)) as db:
        return db.execute("SELECT id, role, active FROM users WHERE email = ?", (email,)).fetchone()


def _forget_user(console, email: str) -> None:
    with sqlite3.connect(console_database_path(console)) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM users WHERE email = ?", (email,))


def _row(page: Page, email: str):
    return page.get_by_role("row").filter(has_text=email)


def test_an_admin_adds_a_user_makes_them_admin_and_disables_them(team, page: Page):
    _forget_user(team, NEW_USER)
    sign_in_as(page, TEAM_ADMIN)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/admin/users/?$"))
    expect(_row(page, TEAM_MEMBER.email)).to_be_visible()

    page.get_by_role("button", name="Add user").click()
    dialog = page.get_by_role("dialog", name="Add a user")
    dialog.get_by_label("E-mail").fill(NEW_USER)
    dialog.get_by_label("Name").fill("Gus Fring")
    dialog.get_by_label("Temporary password").fill("short")
    dialog.get_by_role("button", name="Add user").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Use at least 10 characters."
    )  # the field's own error

    dialog.get_by_label("Temporary password").fill("gus's long password")
    dialog.get_by_role("button", name="Add user").click()
    expect(
        page.get_by_text(
            f"{NEW_USER} can now sign in as member, and will choose their own password then."
        )
    ).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(_row(page, NEW_USER)).to_contain_text("Member")
    expect(_row(page, NEW_USER)).to_contain_text("Active")

    page.get_by_role("button", name=f"Actions for {NEW_USER}").click()
    page.get_by_role("menuitem", name="Make admin").click()
    expect(page.get_by_text(f"{NEW_USER} is now admin.")).to_be_visible()
    expect(_row(page, NEW_USER)).to_contain_text("Admin")

    page.get_by_role("button", name=f"Actions for {NEW_USER}").click()
    page.get_by_role("menuitem", name="Disable…").click()
    confirmation = page.get_by_role("alertdialog", name="Disable this user?")
    expect(confirmation).to_contain_text(NEW_USER)
    confirmation.get_by_role("button", name="Cancel").click()
    expect(confirmation).to_be_hidden()
    assert _user_row(team, NEW_USER)[1:] == ("admin", 1)  # backing out changed nothing

    page.get_by_role("button", name=f"Actions for {NEW_USER}").click()
    page.get_by_role("menuitem", name="Disable…").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Disable user").click()
    expect(
        page.get_by_text(f"{NEW_USER} is disabled and was signed out everywhere.")
    ).to_be_visible()
    expect(_row(page, NEW_USER)).to_contain_text("Disabled")
    assert _user_row(team, NEW_USER)[1:] == ("admin", 0)


RESET_USER = Account("hal@initech.test", "hal's long password", "member", "Hal Nine")


def _live_token_count(console, email: str) -> int:
    with sqlite3.connect(console_database_path(console)) as db:
        return db.execute(
            "SELECT COUNT(*) FROM api_tokens JOIN users ON users.id = api_tokens.user_id"
            " WHERE users.email = ? AND NOT api_tokens.revoked",
            (email,),
        ).fetchone()[0]


def _reset_password(page: Page, email: str, password: str, *, keep_tokens: bool) -> None:
    page.get_by_role("button", name=f"Actions for {email}").click()
    page.get_by_role("menuitem", name="Reset password…").click()
    dialog = page.get_by_role("dialog", name="Reset password")
    expect(dialog).to_contain_text("their API tokens are revoked")
    dialog.get_by_label("New password", exact=True).fill(password)
    dialog.get_by_label("New password again").fill(password)
    if keep_tokens:
        dialog.get_by_role("checkbox", name="Keep their API tokens working").click()
    dialog.get_by_role("button", name="Reset password").click()
    expect(dialog).to_be_hidden()


def test_an_admin_reset_revokes_the_users_api_tokens_unless_the_admin_keeps_them(team, page: Page):
    _forget_user(team, RESET_USER.email)
    ensure_account(team, RESET_USER)
    for name in ("ci", "grafana"):
        made = team.cli("api-token", "create", "--email", RESET_USER.email, "--name", name)
        assert made.returncode == 0, made.stderr
    sign_in_as(page, TEAM_ADMIN)
    page.goto("/admin/users")

    _reset_password(page, RESET_USER.email, "hal's second password", keep_tokens=True)
    expect(page.get_by_text("their 2 API tokens were kept.")).to_be_visible()
    assert _live_token_count(team, RESET_USER.email) == 2

    _reset_password(page, RESET_USER.email, "hal's third password", keep_tokens=False)
    expect(page.get_by_text("their 2 API tokens were revoked")).to_be_visible()
    assert _live_token_count(team, RESET_USER.email) == 0


def test_a_member_is_refused_on_admin_pages_and_sees_no_data(team, page: Page):
    sign_in_as(page, TEAM_MEMBER)
    expect(
        page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Users")
    ).to_have_count(0)
    for path in ("/admin/users", "/admin/workers", "/admin/settings"):
        page.goto(path)
        expect(page.get_by_role("heading", name="You need the admin role")).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)
        expect(page.get_by_text(TEAM_ADMIN.email)).to_have_count(0)


def test_a_member_cannot_run_admin_handlers_by_sending_events_by_hand(team, page: Page):
    sign_in_as(page, TEAM_MEMBER)
    admin_id = _user_row(team, TEAM_ADMIN.email)[0]
    before = _user_row(team, TEAM_ADMIN.email)
    for handler, payload in [
        (UsersState.change_role, {"user_id": admin_id, "role": "member"}),
        (UsersState.enable_user, {"user_id": admin_id}),
        (UsersState.load, {}),
    ]:
        replies = page.evaluate(
            SEND_EVENT_BY_HAND,
            {"name": format_event_handler(handler), "payload": payload, "path": "/admin/users"},
        )
        text = "\n".join(replies)
        assert "needs the admin role" in text, f"{handler.fn.__name__}: no refusal in {text[:500]}"
        assert TEAM_ADMIN.email not in text
        assert json.dumps(TEAM_ADMIN.email) not in text
    assert _user_row(team, TEAM_ADMIN.email) == before


def test_an_admin_sees_the_consoles_own_worker_process_on_the_workers_page(team, page: Page):
    """The console runs workers inside its web process (the default): it reports within seconds,
    leads the hourly jobs, and is listed with the schedule."""
    sign_in_as(page, TEAM_ADMIN)
    page.goto("/admin/workers")
    processes = page.get_by_role("region", name="Worker processes")
    expect(processes.get_by_role("row").filter(has_text="Leader")).to_have_count(1, timeout=20_000)
    expect(page.get_by_text("Each cluster is synced every 30 s")).to_be_visible()


TEMPORARY_USER = Account("ivy@initech.test", "ivy's temporary password", "member", "Ivy Lane")


def test_a_temporary_password_is_changed_at_first_sign_in(team, page: Page):
    _forget_user(team, TEMPORARY_USER.email)
    made = team.cli(
        "users",
        "create",
        "--email",
        TEMPORARY_USER.email,
        "--as",
        TEAM_ADMIN.email,
        "--name",
        TEMPORARY_USER.name,
        "--temporary",
        stdin=TEMPORARY_USER.password + "\n",
    )
    assert made.returncode == 0, made.stderr
    page.goto("/login")
    page.get_by_label("E-mail").fill(TEMPORARY_USER.email)
    page.get_by_label("Password").fill(TEMPORARY_USER.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/change-password/?$"), timeout=30_000)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("Current password").fill(TEMPORARY_USER.password)
    page.get_by_label("New password", exact=True).fill("ivy's very own password")
    page.get_by_label("New password again").fill("ivy's very own password")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="User menu")).to_contain_text(TEMPORARY_USER.name)
    assert _user_row(team, TEMPORARY_USER.email)[1:] == ("member", 1)
