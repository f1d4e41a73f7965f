"""What `make run` prints of its own, and the Reflex messages it hides because they mislead
there (startup.py)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from kube_console import startup
from kube_console.settings import get_settings


@pytest.fixture
def reflex_records():
    """Records that reach a handler on the `reflex` logger, as Reflex's console sink is attached."""
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep()
    root = logging.getLogger("reflex")
    root.addHandler(handler)
    startup.quiet_reflex_messages()
    startup.quiet_reflex_messages()  # twice is once
    yield seen
    root.removeHandler(handler)


def test_the_init_success_line_and_the_node_upgrade_warning_are_hidden(reflex_records):
    logging.getLogger("reflex.reflex").log(
        25, "Initialized kube_console. Run `uv run reflex run` to start the app."
    )
    logging.getLogger("reflex.utils.js_runtimes").warning(
        "Your version (20.20.2) of Node.js is out of date. Upgrade to 22.0.0 or higher."
    )
    assert reflex_records == []


def test_every_other_reflex_message_still_shows(reflex_records):
    logging.getLogger("reflex.reflex").warning("Something Reflex wants you to see.")
    logging.getLogger("reflex.utils.js_runtimes").warning("Bun or npm not found.")
    assert [record.getMessage() for record in reflex_records] == [
        "Something Reflex wants you to see.",
        "Bun or npm not found.",
    ]
    assert len(logging.getLogger("reflex.reflex").filters) == 1


def test_the_console_says_once_where_it_is_ready(capsys):
    async def start_and_stop() -> None:
        async with startup.announce_ready():
            pass

    asyncio.run(start_and_stop())
    assert capsys.readouterr().out == f"kube-console is ready at {get_settings().allowed_origin}\n"
