"""Sign-in throttling slows a guesser down without ever refusing the owner on their own client.

Failures are counted per (e-mail, client) pair, with a delay that doubles after a few free
guesses, and per client across every e-mail. Each attempt is counted, atomically, before its
password is checked: concurrent attempts cannot check more passwords than the limits allow.
The clock is frozen, so "at the same time" means exactly that.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from kube_console.services import auth
from tests.factories import PASSWORD
from tests.support.password_checks import count_password_checks

WRONG = "not the password at all"
OWNER_CLIENT = "198.51.100.2"
ATTACKER = "203.0.113.7"
START = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(auth, "utcnow", lambda: frozen.now)
    return frozen


@pytest.fixture
def password_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the sign-in checked (argon2 verifications), in order."""
    return count_password_checks(monkeypatch, auth)


def _attempt(session: Session, email: str, password: str, client: str) -> str | dt.timedelta:
    """ "signed in", "refused", or how long the throttle asks to wait."""
    try:
        auth.sign_in(
            session=session, email=email, password=password, client=client, session_hours=1
        )
    except auth.SignInRefused:
        session.commit()
        return "refused"
    except auth.SignInThrottled as throttled:
        session.rollback()
        return throttled.retry_after
    session.commit()
    return "signed in"


def test_an_attack_from_another_client_does_not_lock_the_owner_out(session, make, clock):
    make.user(make.org(), email="ana@example.com")
    answers = [_attempt(session, "ana@example.com", WRONG, ATTACKER) for _ in range(50)]
    assert answers[: auth.FREE_GUESSES] == ["refused"] * auth.FREE_GUESSES
    assert all(isinstance(answer, dt.timedelta) for answer in answers[auth.FREE_GUESSES :])
    assert _attempt(session, "ana@example.com", PASSWORD, OWNER_CLIENT) == "signed in"


def test_unknown_emails_are_throttled_exactly_like_known_ones(session, make, clock):
    make.user(make.org(), email="ana@example.com")
    for email in ("ana@example.com", "nobody@example.com"):
        answers = [_attempt(session, email, WRONG, ATTACKER) for _ in range(auth.FREE_GUESSES + 1)]
        assert answers == ["refused"] * auth.FREE_GUESSES + [dt.timedelta(seconds=1)]


def test_the_wait_doubles_with_each_failure_up_to_a_cap_and_a_success_starts_over(
    session, make, clock, password_checks
):
    make.user(make.org(), email="ana@example.com")
    for _ in range(auth.FREE_GUESSES):
        assert _attempt(session, "ana@example.com", WRONG, OWNER_CLIENT) == "refused"
    waits = []
    for _ in range(14):
        wait = _attempt(session, "ana@example.com", WRONG, OWNER_CLIENT)
        assert isinstance(wait, dt.timedelta)
        waits.append(wait)
        clock.advance(wait)
        assert _attempt(session, "ana@example.com", WRONG, OWNER_CLIENT) == "refused"
    seconds = [int(wait.total_seconds()) for wait in waits]
    assert seconds == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]
    assert len(password_checks) == auth.FREE_GUESSES + 14  # none while waiting

    clock.advance(auth.MAX_DELAY)
    assert _attempt(session, "ana@example.com", PASSWORD, OWNER_CLIENT) == "signed in"
    answers = [
        _attempt(session, "ana@example.com", WRONG, OWNER_CLIENT) for _ in range(auth.FREE_GUESSES)
    ]
    assert answers == ["refused"] * auth.FREE_GUESSES


def test_the_per_client_budget_holds_across_emails_and_checks_no_password_beyond_it(
    session, make, clock, password_checks
):
    make.user(make.org(), email="ana@example.com")
    for attempt in range(auth.CLIENT_BUDGET):
        assert _attempt(session, f"guess{attempt}@example.com", WRONG, ATTACKER) == "refused"
    checked = len(password_checks)
    assert _attempt(session, "ana@example.com", PASSWORD, ATTACKER) == auth.CLIENT_WINDOW
    assert len(password_checks) == checked  # refused before the password was looked at
    assert _attempt(session, "ana@example.com", PASSWORD, OWNER_CLIENT) == "signed in"

    clock.advance(auth.CLIENT_WINDOW)
    assert _attempt(session, "ana@example.com", PASSWORD, ATTACKER) == "signed in"


def test_successful_sign_ins_spend_no_budget(session, make, clock):
    make.user(make.org(), email="ana@example.com")
    for _ in range(auth.CLIENT_BUDGET + 5):
        assert _attempt(session, "ana@example.com", PASSWORD, OWNER_CLIENT) == "signed in"


def test_ipv6_clients_share_a_budget_per_64_prefix(session, make, clock):
    """One host holds a whole /64; new addresses from it must not buy new guesses."""
    make.user(make.org(), email="ana@example.com")
    for attempt in range(auth.CLIENT_BUDGET):
        client = f"2001:db8:1:2::{attempt + 1:x}"
        assert _attempt(session, f"guess{attempt}@example.com", WRONG, client) == "refused"
    assert isinstance(
        _attempt(session, "ana@example.com", PASSWORD, "2001:db8:1:2::ffff"), dt.timedelta
    )
    assert _attempt(session, "ana@example.com", PASSWORD, "2001:db8:1:3::1") == "signed in"


def _at_once(engine: Engine, attempts: list[Callable[[Session], str | dt.timedelta]]) -> list:
    """Run every attempt in its own thread and database session, all released together."""
    start = threading.Barrier(len(attempts))

    def run(attempt: Callable[[Session], str | dt.timedelta]) -> str | dt.timedelta:
        with Session(engine, expire_on_commit=False) as own_session:
            start.wait()
            return attempt(own_session)

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(run, attempts))


def test_forty_concurrent_guesses_at_one_email_check_only_the_free_guesses(
    engine, session, make, clock, password_checks
):
    make.user(make.org(), email="ana@example.com")
    answers = _at_once(
        engine, [lambda s: _attempt(s, "ana@example.com", WRONG, ATTACKER) for _ in range(40)]
    )
    assert answers.count("refused") == auth.FREE_GUESSES
    assert len(password_checks) == auth.FREE_GUESSES


def test_forty_concurrent_guesses_from_one_client_check_only_its_budget(
    engine, session, make, clock, password_checks
):
    make.user(make.org(), email="ana@example.com")
    answers = _at_once(
        engine,
        [lambda s, n=n: _attempt(s, f"guess{n}@example.com", WRONG, ATTACKER) for n in range(40)],
    )
    assert answers.count("refused") == auth.CLIENT_BUDGET
    assert len(password_checks) == auth.CLIENT_BUDGET
