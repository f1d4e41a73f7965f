"""How fresh a cluster's figures are: when its data was last read successfully, when a sync was
last attempted and whether it failed, and whether the figures are stale.

Figures are stale once the last successful sync is older than STALE_AFTER_INTERVALS sync
intervals (the `sync_interval_seconds` setting): one missed sync is normal jitter, two are not.
A cluster never synced has no figures, so nothing of it is stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from kube_console.cluster_terms import FAILED_SYNC_STATUSES

STALE_AFTER_INTERVALS = 2


@dataclasses.dataclass(frozen=True, kw_only=True)
class Freshness:
    age_seconds: int | None  # of the data shown: since the last successful sync; None if never
    stale: bool  # older than STALE_AFTER_INTERVALS sync intervals
    stale_after_seconds: int
    last_attempt_failed: bool


def _utc(moment: dt.datetime | str | None) -> dt.datetime | None:
    if not moment:
        return None
    value = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(moment)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def freshness(
    *,
    last_success_at: dt.datetime | str | None,
    status: str,
    sync_interval_seconds: int,
    now: dt.datetime,
) -> Freshness:
    stale_after = STALE_AFTER_INTERVALS * sync_interval_seconds
    success = _utc(last_success_at)
    age = max(0, int((now - success).total_seconds())) if success else None
    return Freshness(
        age_seconds=age,
        stale=age is not None and age > stale_after,
        stale_after_seconds=stale_after,
        last_attempt_failed=status in FAILED_SYNC_STATUSES,
    )


def exact_age(seconds: int) -> str:
    """An age to the second under an hour, to the minute under a day: "42 s", "3 min 05 s",
    "2 h 04 min", "3 d 02 h". components/live.py writes the same in the browser."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def stale_hint(fresh: Freshness) -> str:
    """Why a figure is marked stale, for its tooltip."""
    return (
        f"Stale: from the last successful sync, more than {exact_age(fresh.stale_after_seconds)} "
        f"({STALE_AFTER_INTERVALS} sync intervals) ago"
    )
