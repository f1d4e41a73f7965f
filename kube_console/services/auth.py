"""First-run setup, sign-in with throttling, and resolving browser sessions and API tokens.

A session or token is resolved against the database on every event and request, so
logging out, disabling a user or changing a role takes effect on the very next one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import math
import re
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from kube_console.db import utcnow
from kube_console.errors import FieldError, ValidationFailed
from kube_console.models import ApiToken, AuthSession, FirstRunSetup, Organization, User
from kube_console.security.authz import AuthContext, NotFound
from kube_console.security.secrets import (
    SESSION_TOKEN_PREFIX,
    hash_password,
    hash_token,
    new_token,
    password_problem,
    verify_password,
)
from kube_console.services import throttle

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Sign-in throttling (services/throttle.py). Failures are counted per (e-mail, client): a
# guesser is slowed down, doubling the wait after each failure, while the owner on their own
# client is never refused for someone else's failures. A client's failures across all
# e-mails are capped too, so guessing many accounts from one place stays slow.
FREE_GUESSES = 5
MAX_DELAY = dt.timedelta(minutes=15)
CLIENT_BUDGET = 20
CLIENT_WINDOW = dt.timedelta(minutes=15)
SESSION_TOUCH_EVERY = dt.timedelta(minutes=1)
SIGN_IN_REFUSED = "That e-mail and password don't match an active account."

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The throttle's time, unless a caller passes its own clock (tests freeze it, so that
    "at the same time" means exactly that)."""
    return utcnow()


class SetupClosed(Exception):
    """Setup runs only while the console has no user at all."""


class SignInRefused(Exception):
    """Wrong e-mail or password, or a disabled account; never says which."""


class Throttled(Exception):
    """Too many wrong passwords: nothing was checked; try again after `retry_after`."""

    what = "attempts"

    def __init__(self, retry_after: dt.timedelta):
        self.retry_after = retry_after
        self.seconds = max(1, math.ceil(retry_after.total_seconds()))
        super().__init__(throttled_message(self.seconds, self.what))


class SignInThrottled(Throttled):
    what = "sign-in attempts"


class PasswordChecksThrottled(Throttled):
    what = "wrong passwords"


def throttled_message(seconds: int, what: str = "sign-in attempts") -> str:
    if seconds < 60:
        wait = f"{seconds} second{'s' if seconds > 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minute{'s' if minutes > 1 else ''}"
    return f"Too many {what}. Try again in {wait}."


@dataclasses.dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # the raw session token: goes into the HttpOnly cookie, never stored
    expires_at: dt.datetime
    context: AuthContext


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not EMAIL_PATTERN.match(email) or len(email) > 254 or not email.isprintable():
        return "Enter an e-mail address such as ana@example.com."
    return None


def org_name_problem(name: str) -> str | None:
    """What is wrong with an organization's name (already trimmed), or None."""
    if not 2 <= len(name) <= 120:
        return "Use 2 to 120 characters."
    return None


def setup_required(*, session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is None


def setup_problems(*, org_name: str, email: str, password: str) -> list[FieldError]:
    """Every mistake in a setup form, field by field (empty when it may go ahead)."""
    errors = []
    if problem := org_name_problem(org_name.strip()):
        errors.append(FieldError("org_name", problem))
    if problem := email_problem(normalize_email(email)):
        errors.append(FieldError("email", problem))
    if problem := password_problem(password):
        errors.append(FieldError("password", problem))
    return errors


def complete_setup(
    *, session: Session, org_name: str, email: str, password: str, display_name: str = ""
) -> User:
    """Create the organization and its first admin. Refused once any user exists.

    Setups racing on an empty console all pass the first check; the database then lets
    exactly one of them write the `FirstRunSetup` row, and the others get SetupClosed.
    """
    if not setup_required(session=session):
        raise SetupClosed("setup is already complete")
    if errors := setup_problems(org_name=org_name, email=email, password=password):
        raise ValidationFailed(errors)
    org_name, email = org_name.strip(), normalize_email(email)
    password_hash = hash_password(password)  # slow: before the transaction takes any lock
    try:
        org = Organization(name=org_name)
        session.add(org)
        session.flush()
        assert org.id is not None
        session.add(FirstRunSetup(org_id=org.id))
        session.flush()
        admin = User(
            org_id=org.id,
            email=email,
            display_name=display_name.strip(),
            password_hash=password_hash,
            role="admin",
        )
        session.add(admin)
        session.flush()
    except IntegrityError:
        # Another setup got there first (its organization or admin may even hold these names).
        session.rollback()
        if not setup_required(session=session):
            raise SetupClosed("setup is already complete") from None
        raise
    return admin


def _throttle_key(*parts: object) -> str:
    return hash_token(repr(parts))


def client_identity(client: str) -> str:
    """Who a sign-in comes from, for counting: the address, or for IPv6 its /64, since one
    host or household is given a whole /64 and could otherwise change address per guess."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _reserve_sign_in(
    session: Session, *, email: str, client: str, now: dt.datetime
) -> tuple[str, str]:
    """Count the attempt before any password is checked, and commit that, or raise SignInThrottled."""
    identity = client_identity(client)
    guesser_key = _throttle_key("sign-in", email, identity)
    client_key = _throttle_key("client", identity)
    wait = throttle.reserve_streak_attempt(
        session, guesser_key, now=now, free=FREE_GUESSES, max_delay=MAX_DELAY
    ) or throttle.reserve_budget_attempt(
        session, client_key, now=now, limit=CLIENT_BUDGET, window=CLIENT_WINDOW
    )
    if wait:
        session.rollback()  # a refused attempt checks nothing, so it costs nothing
        raise SignInThrottled(wait)
    session.commit()
    return guesser_key, client_key


def sign_in(
    *,
    session: Session,
    email: str,
    password: str,
    client: str,
    session_hours: int,
    clock: Clock = system_clock,
) -> SignedIn:
    """Check the password and open a session, or raise SignInRefused / SignInThrottled.

    `client` is the caller's address (api/browser_auth.py decides which one to believe).
    The attempt is counted and committed before the password is checked (so pass a session
    with nothing pending); the caller commits the new session.
    """
    now = clock()
    email = normalize_email(email)
    guesser_key, client_key = _reserve_sign_in(session, email=email, client=client, now=now)
    # What is no e-mail address names no user (and one with a NUL byte can't even be compared
    # on PostgreSQL): it is refused and counted like any other.
    user = (
        None
        if email_problem(email)
        else session.exec(select(User).where(User.email == email)).first()
    )
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        raise SignInRefused(SIGN_IN_REFUSED)
    throttle.forget_streak(session, guesser_key)
    throttle.refund_budget_attempt(session, client_key)
    token = new_token(SESSION_TOKEN_PREFIX)
    expires_at = now + dt.timedelta(hours=session_hours)
    assert user.id is not None
    session.add(AuthSession(user_id=user.id, token_hash=hash_token(token), expires_at=expires_at))
    return SignedIn(token=token, expires_at=expires_at, context=_context(user, "session"))


def _password_change_key(user_id: int, session_digest: str | None) -> str:
    # Per session: whoever holds a stolen session can't slow the owner's own session down.
    return _throttle_key("password-change", user_id, session_digest)


def reserve_password_check(*, session: Session, user_id: int, session_digest: str | None) -> None:
    """Count one check of the signed-in user's current password (to change it) before it is
    made, as sign-in counts its guesses; raise PasswordChecksThrottled while this session must wait."""
    key = _password_change_key(user_id, session_digest)
    if wait := throttle.reserve_streak_attempt(
        session, key, now=utcnow(), free=FREE_GUESSES, max_delay=MAX_DELAY
    ):
        raise PasswordChecksThrottled(wait)


def forget_password_checks(*, session: Session, user_id: int, session_digest: str | None) -> None:
    """The password was changed: this session's count of wrong passwords starts over."""
    throttle.forget_streak(session, _password_change_key(user_id, session_digest))


def _context(user: User, via: str, role: str | None = None) -> AuthContext:
    assert user.id is not None
    return AuthContext(
        user_id=user.id,
        org_id=user.org_id,
        role=role or user.role,
        email=user.email,
        via=via,
        must_change_password=user.must_change_password and via == "session",
    )


def context_for_email(*, session: Session, email: str, via: str) -> AuthContext:
    """Act as the active user an e-mail names (the CLI's `--as`), or raise NotFound."""
    address = normalize_email(email)
    user = (
        None
        if email_problem(address)
        else session.exec(select(User).where(User.email == address)).first()
    )
    if user is None or not user.active:
        raise NotFound(f"no active user with e-mail {email.strip()}")
    return _context(user, via)


def resolve_session(*, session: Session, token: str | None) -> AuthContext | None:
    """The signed-in user behind a session token, or None when it is unknown, expired or revoked."""
    if not token or not token.startswith(SESSION_TOKEN_PREFIX):
        return None
    return resolve_session_digest(session=session, digest=hash_token(token))


def resolve_session_digest(*, session: Session, digest: str | None) -> AuthContext | None:
    """As resolve_session, from the token's SHA-256 (what the Reflex connection carries)."""
    if not digest:
        return None
    now = utcnow()
    row = session.exec(
        select(AuthSession, User)
        .join(User, col(User.id) == AuthSession.user_id)
        .where(AuthSession.token_hash == digest)
    ).first()
    if row is None:
        return None
    auth_session, user = row
    if auth_session.revoked or auth_session.expires_at <= now or not user.active:
        return None
    if now - auth_session.last_seen_at > SESSION_TOUCH_EVERY:
        auth_session.last_seen_at = now
        session.add(auth_session)
    return _context(user, "session")


def sign_out(*, session: Session, token: str | None) -> None:
    if not token:
        return
    auth_session = session.exec(
        select(AuthSession).where(AuthSession.token_hash == hash_token(token))
    ).first()
    if auth_session is not None:
        auth_session.revoked = True
        session.add(auth_session)


def revoke_user_sessions(*, session: Session, user_id: int) -> None:
    for auth_session in session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked == False)
    ):
        auth_session.revoked = True
        session.add(auth_session)


def resolve_api_token(*, session: Session, token: str | None) -> AuthContext | None:
    """The caller behind an API token; its role never exceeds its creator's current role."""
    if not token:
        return None
    row = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked or not user.active or user.org_id != api_token.org_id:
        return None
    api_token.last_used_at = utcnow()
    session.add(api_token)
    role = "admin" if api_token.role == "admin" and user.role == "admin" else "member"
    return _context(user, "api_token", role=role)
