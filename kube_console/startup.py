"""What `make run` prints when the console starts, and the Reflex messages hidden there.

Reflex prints a few lines that mislead on this console's start-up (it runs `reflex init`
itself on a fresh clone), so they are dropped with standard logging filters on the Reflex
loggers they come from (Reflex routes all its messages through stdlib logging under the
`reflex` logger, for applications to tune this way):
- "Initialized kube_console. Run `uv run reflex run` to start the app." — printed in the
  middle of `make run`, which is already starting the app;
- "Your version (20.x) of Node.js is out of date. Upgrade to 22 ..." — with an older Node,
  Reflex runs its build on Bun's own runtime (`bun --bun`), which the console installs, so
  Node 20 works and nothing needs upgrading.
Everything else Reflex says still shows. In their place the console prints one line of its
own when it is ready, with the address to open (`announce_ready`, a lifespan task).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from kube_console.settings import get_settings

# (logger, what the hidden message starts with, what it contains)
HIDDEN_MESSAGES = (
    ("reflex.reflex", "Initialized ", "reflex run"),
    ("reflex.utils.js_runtimes", "Your version (", "of Node.js is out of date"),
)


class _HideMessage(logging.Filter):
    def __init__(self, starts: str, contains: str):
        super().__init__()
        self.starts, self.contains = starts, contains

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(self.starts) and self.contains in message)


def quiet_reflex_messages() -> None:
    """Attach the filters (once per process; rxconfig.py calls it in every Reflex process)."""
    for name, starts, contains in HIDDEN_MESSAGES:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _HideMessage) for existing in logger.filters):
            logger.addFilter(_HideMessage(starts, contains))


@contextlib.asynccontextmanager
async def announce_ready() -> AsyncIterator[None]:
    """Lifespan task: the server is about to serve pages; say where, once."""
    print(f"kube-console is ready at {get_settings().allowed_origin}", flush=True)
    yield
