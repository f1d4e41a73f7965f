"""Records every subprocess start and every file opened outside allowed folders, using audit hooks.

Used to prove that kubeconfig intake and cluster sync neither run a program nor read a file
a kubeconfig names:

    with forbid_subprocess_and_foreign_files(allowed_dirs=(str(tmp_path),)) as audit:
        parse_kubeconfig(raw, ...)
    assert audit.violations == []

Audit hooks cannot be removed once added, so one process-wide hook is installed on first use
and only records while a `forbid_subprocess_and_foreign_files` block is active. Audit events
carry no thread of origin worth trusting, so while active the hook records events from every
thread, not only the one inside the block; run what you check in that block, not beside
background work that opens files.

Besides `allowed_dirs`, these opens are never violations, because the code under test needs
them without reading anything a user supplied:
- the Python installation and its site-packages (sys.prefix, sys.base_prefix and their exec
  twins): lazy imports open .py/.pyc files there, and certifi's CA bundle lives there;
- /etc/ssl, where OpenSSL-based code may read the system CA bundle;
- /dev/urandom and /proc/self, which the runtime and crypto libraries read for entropy and
  process facts.
Paths are compared after resolving symlinks, so a link inside an allowed folder that points
elsewhere is still a violation. Opens by an existing file descriptor are not new files and
are ignored. Processes started by calling `_posixsubprocess` directly (multiprocessing's
spawn start method) raise no audit event and cannot be seen here.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from typing import Any

PROCESS_EVENTS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.spawn",
        "os.posix_spawn",
        "os.fork",
        "os.forkpty",
        "os.startfile",
    }
)
RUNTIME_PATHS = ("/etc/ssl", "/dev/urandom", "/proc/self")


class AuditRecorder:
    def __init__(self, allowed_dirs: Iterable[str]) -> None:
        python_installation = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
        roots = [*allowed_dirs, *python_installation, *RUNTIME_PATHS]
        self.allowed_roots = tuple(dict.fromkeys(os.path.realpath(root) for root in roots))
        self.violations: list[str] = []

    def notice(self, event: str, args: tuple[Any, ...]) -> None:
        if event in PROCESS_EVENTS:
            self.violations.append(f"{event}: {args!r}")
        elif event == "open":
            path = args[0]
            if isinstance(path, int):
                return
            resolved = os.path.realpath(os.fsdecode(path))
            if not any(_is_within(resolved, root) for root in self.allowed_roots):
                self.violations.append(f"open: {resolved}")


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


_active_recorder: AuditRecorder | None = None
_hook_installed = False
_activation_lock = threading.Lock()
# realpath() may itself raise audit events on some platforms; never record our own work.
_inside_hook = threading.local()


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    recorder = _active_recorder
    if recorder is None or getattr(_inside_hook, "active", False):
        return
    _inside_hook.active = True
    try:
        recorder.notice(event, args)
    finally:
        _inside_hook.active = False


@contextlib.contextmanager
def forbid_subprocess_and_foreign_files(
    allowed_dirs: Iterable[str] = (tempfile.gettempdir(),),
) -> Iterator[AuditRecorder]:
    """Record in the yielded recorder's `violations` what the block must not do; no nesting."""
    global _active_recorder, _hook_installed
    recorder = AuditRecorder(allowed_dirs)
    with _activation_lock:
        if _active_recorder is not None:
            raise RuntimeError("forbid_subprocess_and_foreign_files is already active")
        if not _hook_installed:
            sys.addaudithook(_audit_hook)
            _hook_installed = True
        _active_recorder = recorder
    try:
        yield recorder
    finally:
        _active_recorder = None
