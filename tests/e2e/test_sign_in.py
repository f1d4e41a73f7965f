"""First-run setup, sign-in, sign-out and refusals, in Chromium against the production build."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ADMIN_EMAIL = "ana@example.com"
ADMIN_PASSWORD = "a long admin password"
MEMBER_EMAIL = "bo@example.com"
MEMBER_PASSWORD = "a long member password"


def _database_path(console) -> str:
    return console.env["KUBE_CONSOLE_DB_URL"].removeprefix("sqlite:///")


@pytest.fixture
def first_run(console):
    """The console as a new install sees it: no organization, no user."""
    with sqlite3.connect(_database_path(console)) as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM organizations")
    return console


@pytest.fixture
def accounts(console):
    """An admin and a member in one organization (made with the CLI, as an operator would)."""

    def exists(email: str) -> bool:
        with sqlite3.connect(_database_path(console)) as db:
            return (
                db.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone() is not None
            )

    if not exists(ADMIN_EMAIL):
        made = console.cli(
            "create-admin", "--org", "Acme", "--email", ADMIN_EMAIL, stdin=ADMIN_PASSWORD + "\n"
        )
        assert made.returncode == 0, made.stderr
    if not exists(MEMBER_EMAIL):
        made = console.cli(
            "users",
            "create",
            "--email",
            MEMBER_EMAIL,
            "--as",
            ADMIN_EMAIL,
            stdin=MEMBER_PASSWORD + "\n",
        )
        assert made.returncode == 0, made.stderr
    return console


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_first_run_setup_signs_the_admin_in_then_sign_out(first_run, page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/setup/?$"))
    page.get_by_label("Organization").fill("Acme")
    page.get_by_label("Your name").fill("Ana Lima")
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_label("Password again").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Create organization and admin").click()

    # Signed in at once: the Overview with its next steps, no second sign-in. (Two password
    # hashes and two page loads on the way: a slow machine needs more than the default wait.)
    expect(page).to_have_url(re.compile(r"/$"), timeout=30_000)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("button", name="User menu")).to_contain_text("Ana Lima")
    expect(page.get_by_role("link", name="Users")).to_be_visible()  # admins see the Admin section
    expect(page.get_by_text("No clusters yet")).to_be_visible()
    expect(page.get_by_role("link", name="Register one")).to_be_visible()
    expect(page.get_by_role("link", name="Add people")).to_be_visible()

    page.goto("/setup")
    expect(page).to_have_url(re.compile(r"/login|/$"))  # setup is gone once it is done

    page.get_by_role("button", name="User menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_wrong_password_shows_an_error_that_does_not_say_whether_the_email_exists(
    accounts, page: Page
):
    sign_in(page, ADMIN_EMAIL, "not the password at all")
    expect(page.get_by_role("alert")).to_have_text(
        "That e-mail and password don't match an active account."
    )
    sign_in(page, "nobody@example.com", "not the password at all")
    expect(page.get_by_role("alert")).to_have_text(
        "That e-mail and password don't match an active account."
    )


def test_a_member_sees_no_admin_section(accounts, page: Page):
    sign_in(page, MEMBER_EMAIL, MEMBER_PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)


def test_the_session_cookie_is_http_only(accounts, page: Page):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "kc_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "kc_session" not in page.evaluate("document.cookie")


def test_the_session_token_is_never_written_to_reflexs_state_store(accounts, page: Page):
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "kc_session")

    digest = hashlib.sha256(token.encode()).hexdigest().encode()
    store = Path(accounts.env["REFLEX_STATES_WORKDIR"])

    def stored() -> bytes:
        return b"".join(path.read_bytes() for path in store.rglob("*") if path.is_file())

    deadline = time.monotonic() + 15  # Reflex writes states to disk a couple of seconds late
    while digest not in stored() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert digest in stored()  # the handshake's headers are stored...
    assert token.encode() not in stored()  # ...but only the token's digest is in them
