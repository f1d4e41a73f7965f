"""Drive the console's real event handlers through Reflex's own event processing, in-process.

No browser and no server: events go through Reflex's `BaseStateEventProcessor` with the
default in-memory state manager, exactly as the websocket would hand them over (the
router data carries the tab's path and, as api/browser_auth.hide_session_cookie passes it
on, the digest of the HttpOnly session cookie the browser sends),
so the guard decorators, background tasks, `async with self`, chained events and
page on_load handlers all run for real. What the browser would receive is recorded.

    async with EventDriver() as driver:
        tab = driver.tab(session_token=signed_in.token)
        await tab.open(routes.ADMIN_USERS)                 # hydrate + the page's on_load, like a browser
        reply = await tab.fire(UsersState.change_role, user_id=7, role="admin")
        assert reply.toasts == [Toast("success", "bo@example.com is now admin.")]
        users = await tab.state(UsersState)

The handlers call services through `kube_console.db.session_scope()`, i.e. the process
engine from the settings: `console_database` points those at the test database.

A handler that raises fails the test (`HandlerCrashed`), since in the browser it would
be a generic "An error occurred" instead of a clean message.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any, Self

import pytest
from reflex.istate.manager.token import BaseStateToken
from reflex.state import BaseState, State, StateUpdate
from reflex_base.event import Event, EventHandler
from reflex_base.event.processor import BaseStateEventProcessor
from reflex_base.utils import format

from kube_console import db, settings
from kube_console.security.rate_limit import forget_buckets
from kube_console.security.secrets import hash_token
from kube_console.security.session_cookie import SESSION_DIGEST_HEADER

ORIGIN = "http://localhost:3000"
EVENT_TIMEOUT_SECONDS = 30  # a handler chain that takes longer is stuck: fail instead of hanging
_TOAST_CALL = re.compile(r"""refs\['__toast'\]\?\.\["(\w+)"\]\(("(?:[^"\\]|\\.)*")""")


class HandlerCrashed(AssertionError):
    """A handler raised instead of answering the browser with a clean message."""


@dataclasses.dataclass(frozen=True)
class Toast:
    kind: str  # success | error | info | warning | ...
    message: str


@dataclasses.dataclass
class Reply:
    """What the browser received for one event and the events it chained."""

    updates: list[StateUpdate]

    @property
    def deltas(self) -> list[dict[str, Any]]:
        return [update.delta for update in self.updates if update.delta]

    @property
    def frontend_events(self) -> list[Event]:
        return [event for update in self.updates for event in update.events]

    @property
    def toasts(self) -> list[Toast]:
        found = []
        for event in self.frontend_events:
            if event.name == "_call_function" and (
                call := _TOAST_CALL.search(str(event.payload.get("function")))
            ):
                found.append(Toast(call.group(1), json.loads(call.group(2))))
        return found

    @property
    def redirects(self) -> list[str]:
        return [
            event.payload["path"] for event in self.frontend_events if event.name == "_redirect"
        ]

    @property
    def wire_text(self) -> str:
        """The updates as JSON, the way the websocket sends them."""
        return "\n".join(format.json_dumps(update) for update in self.updates)


def handler_name(handler: EventHandler) -> str:
    """The full event name the browser sends for a handler."""
    return format.format_event_handler(handler)


class _Recorder:
    """Stands in for Reflex's socket namespace: keeps every update per client token."""

    def __init__(self) -> None:
        self.updates: dict[str, list[StateUpdate]] = {}

    async def emit_update(self, update: StateUpdate, token: str) -> None:
        self.updates.setdefault(token, []).append(update)


class Tab:
    """One browser tab: a Reflex client token, the page it is on, and the cookie it sends."""

    def __init__(self, driver: EventDriver, session_token: str | None) -> None:
        self._driver = driver
        self.client_token = str(uuid.uuid4())
        self.session_token = session_token
        self.path = "/"

    def _router_data(self) -> dict[str, Any]:
        headers = {"origin": ORIGIN, "host": ORIGIN.removeprefix("http://")}
        if self.session_token:  # as api/browser_auth.hide_session_cookie passes the cookie on
            headers[SESSION_DIGEST_HEADER] = hash_token(self.session_token)
        return {
            "pathname": self.path,
            "asPath": self.path,
            "query": {},
            "headers": headers,
            "token": self.client_token,
            "sid": f"sid-{self.client_token}",
            "ip": "127.0.0.1",
        }

    async def open(self, path: str) -> Reply:
        """Navigate here as the browser does: hydrate, then the page's on_load handlers."""
        self.path = path
        return await self._send(State.event_handlers["hydrate_and_load"], {})

    async def fire(self, handler: EventHandler, **payload: Any) -> Reply:
        """Send one event from the current page with `payload` as its arguments."""
        return await self._send(handler, payload)

    async def _send(self, handler: EventHandler, payload: dict[str, Any]) -> Reply:
        recorded = self._driver.recorder.updates.setdefault(self.client_token, [])
        start = len(recorded)
        event = Event(name=handler_name(handler), payload=payload, router_data=self._router_data())
        future = await self._driver.processor.enqueue(self.client_token, event)
        try:
            await asyncio.wait_for(future.wait_all(), EVENT_TIMEOUT_SECONDS)
        except TimeoutError:
            raise HandlerCrashed(
                f"{event.name} did not finish in {EVENT_TIMEOUT_SECONDS} s"
            ) from None
        except Exception as crash:
            raise HandlerCrashed(f"{event.name} raised {crash!r}") from crash
        await self._driver.settle()
        return Reply(updates=recorded[start:])

    async def root(self) -> State:
        manager = self._driver.processor._root_context.state_manager  # the processor's own store
        return await manager.get_state(BaseStateToken(ident=self.client_token, cls=State))

    async def state(self, state_class: type[BaseState]) -> Any:
        return await (await self.root()).get_state(state_class)

    async def snapshot_text(self) -> str:
        """Every state of this tab as the JSON a fresh hydrate would send to the browser."""
        return format.json_dumps((await self.root()).dict())

    def received_text(self) -> str:
        """Everything this tab's browser was sent so far, as JSON."""
        return "\n".join(
            format.json_dumps(update)
            for update in self._driver.recorder.updates.get(self.client_token, [])
        )


class EventDriver:
    """Reflex's event processor with an in-memory state manager, started for one test."""

    def __init__(self) -> None:
        self.recorder = _Recorder()
        self.crashes: list[BaseException] = []
        self.processor = BaseStateEventProcessor(
            backend_exception_handler=self._record_crash
        ).configure(
            event_namespace=self.recorder  # type: ignore[arg-type]  # duck-typed: only emit_update is used
        )

    def _record_crash(self, crash: Exception) -> None:
        self.crashes.append(crash)

    async def settle(self) -> None:
        """Let chained handlers' failures reach `_record_crash`, then fail on any.

        A chained event's exception is handed to the exception handler in a task of its
        own, scheduled when the event's task ends; a few loop turns let it run.
        """
        for _ in range(5):
            await asyncio.sleep(0)
        if self.crashes:
            crashes, self.crashes = self.crashes, []
            raise HandlerCrashed(f"a handler raised: {crashes!r}")

    def tab(self, session_token: str | None = None) -> Tab:
        return Tab(self, session_token)

    async def __aenter__(self) -> Self:
        await self.processor.__aenter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.processor.__aexit__(*exc_info)
        await self.processor._root_context.state_manager.close()


@contextlib.contextmanager
def console_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the app's settings, and so `db.get_engine()`, at the test database.

    The engine is cached per process, so it is dropped before and after; the handlers
    then open sessions on the same database the `session` fixture uses. So are the events'
    rate-limit buckets: user ids repeat from one test to the next.
    """
    monkeypatch.setenv(settings.ENV_PREFIX + "DB_URL", database_url)
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    forget_buckets()
    try:
        yield
    finally:
        db.get_engine().dispose()
        settings.get_settings.cache_clear()
        db.get_engine.cache_clear()
        forget_buckets()
