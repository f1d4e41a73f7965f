"""Count the argon2 password checks a module makes, to prove a throttle refused before checking."""

from __future__ import annotations

import threading
from types import ModuleType

import pytest


def count_password_checks(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[str]:
    """Every password `module.verify_password` is asked to check from now on (thread-safe), in order."""
    checked: list[str] = []
    lock = threading.Lock()
    real_verify = module.verify_password

    def counting_verify(password_hash: str | None, password: str) -> bool:
        with lock:
            checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(module, "verify_password", counting_verify)
    return checked
