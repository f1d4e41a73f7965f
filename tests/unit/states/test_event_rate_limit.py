"""Events are requests too (reflex-rules.md, rule 5b): every handler that queries draws from a
token bucket per sign-in session and one per user, the same buckets as the REST API's per
token (security/rate_limit.py), in Redis when one is configured. Past the budget the browser
gets a toast saying when to try again, and no query runs.

The budgets here are tiny and refill at one event a minute, so no bucket refills while a test
runs. The Redis cases run when KUBE_CONSOLE_TEST_REDIS_URL names a server (.ci/run sets it),
as in tests/api/test_rate_limit.py; their users get random ids, since user ids repeat from one
test database to the next while the Redis server is shared by every run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from sqlalchemy import event
from sqlmodel import Session

from kube_console import db, settings
from kube_console.models import Organization, User
from kube_console.security import rate_limit
from kube_console.services import auth as auth_service
from kube_console.services import users as users_service
from kube_console.states.session import SessionState, SignInState
from tests.factories import Factory
from tests.support.reflex_events import EventDriver, Reply, Tab
from tests.unit.states.conftest import signed_in

REDIS_URL = os.environ.get("KUBE_CONSOLE_TEST_REDIS_URL", "")
BUCKET_STORES = ["memory", "redis"] if REDIS_URL else ["memory"]
SESSION_BURST = 3
USER_BURST = 5
TOO_MANY = re.compile(r"Too many requests; try again in \d+ s\.")
# A tab on a page without on_load handlers: what it spends is the flood alone.
NO_PAGE = "/no-such-page"


@pytest.fixture(params=BUCKET_STORES)
def budget(
    request: pytest.FixtureRequest, console_db, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    env = settings.ENV_PREFIX
    monkeypatch.setenv(env + "EVENT_RATE_LIMIT_BURST", str(SESSION_BURST))
    monkeypatch.setenv(env + "EVENT_RATE_LIMIT_PER_MINUTE", "1")
    monkeypatch.setenv(env + "EVENT_USER_RATE_LIMIT_BURST", str(USER_BURST))
    monkeypatch.setenv(env + "EVENT_USER_RATE_LIMIT_PER_MINUTE", "1")
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            pytest.fail(f"KUBE_CONSOLE_TEST_REDIS_URL={REDIS_URL} does not answer")
        monkeypatch.setenv(env + "REDIS_URL", REDIS_URL)
    settings.get_settings.cache_clear()
    rate_limit.forget_buckets()
    yield request.param
    settings.get_settings.cache_clear()
    rate_limit.forget_buckets()


def _user(make: Factory, org: Organization, email: str) -> User:
    return make.user(org, email=email, id=secrets.randbelow(2_000_000_000) + 1)


@dataclasses.dataclass
class Counter:
    count: int = 0


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Counter:
    counter = Counter()
    function = getattr(module, name)

    def counted(**kwargs: Any) -> Any:
        counter.count += 1
        return function(**kwargs)

    monkeypatch.setattr(module, name, counted)
    return counter


@pytest.fixture
def profile_lookups(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How many times SessionState.require_session got as far as its query."""
    return _count_calls(monkeypatch, users_service, "profile")


@contextlib.contextmanager
def sql_statements() -> Iterator[Counter]:
    """Every statement the handlers send to the database meanwhile."""
    counter = Counter()

    def count(*_args) -> None:
        counter.count += 1

    engine = db.get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _refused(reply: Reply) -> bool:
    return [toast.kind for toast in reply.toasts] == ["error"] and bool(
        TOO_MANY.fullmatch(reply.toasts[0].message)
    )


async def _tab(driver: EventDriver, session_token: str | None = None) -> Tab:
    tab = driver.tab(session_token=session_token)
    await tab.open(NO_PAGE)
    return tab


async def _fire_allowed(tab: Tab, times: int) -> None:
    for number in range(times):
        reply = await tab.fire(SessionState.require_session)
        assert reply.toasts == [] and reply.redirects == [], f"event {number + 1} of {times}"


@pytest.mark.anyio
async def test_a_flood_is_refused_per_session_and_per_user_and_other_users_do_not_notice(
    budget: str, session: Session, make: Factory, profile_lookups: Counter
):
    acme, rival = make.org("acme"), make.org("rival")
    ana = _user(make, acme, "ana@acme.test")
    bo = _user(make, acme, "bo@acme.test")
    cy = _user(make, rival, "cy@rival.test")

    async with EventDriver() as driver:
        laptop = await _tab(driver, signed_in(session, ana))
        await _fire_allowed(laptop, SESSION_BURST)
        assert profile_lookups.count == SESSION_BURST

        with sql_statements() as statements:
            refused = await laptop.fire(SessionState.require_session)
        assert _refused(refused), refused.toasts
        assert statements.count == 0  # refused before even the session is looked up
        assert profile_lookups.count == SESSION_BURST
        # Another tab of the same browser sends the same cookie: the same session's bucket.
        same_browser = await _tab(driver, laptop.session_token)
        assert _refused(await same_browser.fire(SessionState.require_session))

        if budget == "redis":
            rate_limit.forget_buckets()  # as a new web worker starts: Redis keeps the buckets

        # A second sign-in of the same user has a session bucket of its own, but draws from
        # the user's bucket, which the laptop has mostly spent.
        desktop = await _tab(driver, signed_in(session, ana))
        await _fire_allowed(desktop, USER_BURST - SESSION_BURST)
        refused = await desktop.fire(SessionState.require_session)
        assert _refused(refused), refused.toasts
        assert profile_lookups.count == USER_BURST
        assert (await desktop.state(SessionState)).email == "ana@acme.test"  # from the allowed ones

        # Another user of the same organization, and one of another, have budgets of their own.
        lookups = profile_lookups.count
        for someone in (bo, cy):
            await _fire_allowed(await _tab(driver, signed_in(session, someone)), SESSION_BURST)
        assert profile_lookups.count == lookups + 2 * SESSION_BURST


@pytest.mark.anyio
async def test_a_refused_page_load_runs_no_query_and_says_so(
    budget: str, session: Session, make: Factory, profile_lookups: Counter
):
    """The page's on_load handlers are events like any other; the refusal is a toast."""
    ana = _user(make, make.org("acme"), "ana@acme.test")
    async with EventDriver() as driver:
        tab = await _tab(driver, signed_in(session, ana))
        await _fire_allowed(tab, SESSION_BURST)
        reply = await tab.open("/profile")
        assert any(TOO_MANY.fullmatch(toast.message) for toast in reply.toasts), reply.toasts
        assert profile_lookups.count == SESSION_BURST


@pytest.mark.anyio
async def test_events_of_someone_signed_out_are_limited_per_connection(
    budget: str, make: Factory, monkeypatch: pytest.MonkeyPatch
):
    """The setup and sign-in pages' events query too; with no session, the connection's bucket."""
    make.user(make.org("acme"))  # setup is done: the sign-in page's load asks the database
    checks = _count_calls(monkeypatch, auth_service, "setup_required")
    async with EventDriver() as driver:
        flooding = await _tab(driver)
        for _ in range(SESSION_BURST):
            assert (await flooding.fire(SignInState.load)).toasts == []
        assert _refused(await flooding.fire(SignInState.load))
        assert checks.count == SESSION_BURST

        other_visitor = await _tab(driver)
        assert (await other_visitor.fire(SignInState.load)).toasts == []
        assert checks.count == SESSION_BURST + 1
