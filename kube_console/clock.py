"""The time, timezone-aware and in UTC, as the database stores it."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
