"""Token buckets of `burst` requests refilled at `per_minute`, one implementation for every budget:

- the REST API, per API token (api/caller.py; settings `api_rate_limit_*`);
- the pages' events, per sign-in session (or per connection of someone signed out) and per
  user across all their sessions (states/guard.py; settings `event_rate_limit_*` and
  `event_user_rate_limit_*`).

Buckets live in this process's memory, or in Redis when KUBE_CONSOLE_REDIS_URL is set, so that
every web worker draws from the same bucket. Keys are SHA-256 digests or user ids, never a
token. If Redis can't be reached the process's own buckets stand in (and it says so in the
log) rather than turning every request away.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

import redis

from kube_console.settings import Settings

log = logging.getLogger(__name__)

_MAX_MEMORY_BUCKETS = 10_000


@dataclasses.dataclass(frozen=True)
class Rate:
    per_minute: int
    burst: int

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


class RateLimiter(Protocol):
    def take(self, key: str) -> float:
        """Spend one request of `key`'s bucket: 0 when allowed, else seconds until one is free."""


class MemoryRateLimiter:
    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str) -> float:
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * self.rate.per_second)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1.0 - tokens) / self.rate.per_second
            if len(self._buckets) > _MAX_MEMORY_BUCKETS:
                self._forget_full(now)
            return wait

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they hold nothing a new one wouldn't."""
        refill = self.rate.burst / self.rate.per_second
        self._buckets = {
            key: value for key, value in self._buckets.items() if now - value[1] < refill
        }


# KEYS[1] the bucket; ARGV: burst, tokens per second. Redis' own clock keeps workers in step.
_TAKE_SCRIPT = """
local burst = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * per_second)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / per_second
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / per_second) + 1)
return tostring(wait)
"""


class RedisRateLimiter:
    def __init__(self, rate: Rate, url: str, *, prefix: str = "kube_console:rate:"):
        self.rate = rate
        self.prefix = prefix
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._client.register_script(_TAKE_SCRIPT)
        self._fallback = MemoryRateLimiter(rate)

    def take(self, key: str) -> float:
        try:
            return float(
                self._script(keys=[self.prefix + key], args=[self.rate.burst, self.rate.per_second])
            )
        except redis.RedisError as error:
            log.warning("rate limit falls back to this process's memory: Redis failed (%s)", error)
            return self._fallback.take(key)


@functools.cache
def _limiter(rate: Rate, redis_url: str | None, budget: str) -> RateLimiter:
    if redis_url:
        return RedisRateLimiter(rate, redis_url, prefix=f"kube_console:{budget}_rate:")
    return MemoryRateLimiter(rate)


def api_limiter(settings: Settings) -> RateLimiter:
    """Per API token."""
    rate = Rate(per_minute=settings.api_rate_limit_per_minute, burst=settings.api_rate_limit_burst)
    return _limiter(rate, settings.redis_url, "api")


def session_event_limiter(settings: Settings) -> RateLimiter:
    """Per sign-in session (every tab of a browser shares its cookie), or per connection."""
    rate = Rate(
        per_minute=settings.event_rate_limit_per_minute, burst=settings.event_rate_limit_burst
    )
    return _limiter(rate, settings.redis_url, "event_session")


def user_event_limiter(settings: Settings) -> RateLimiter:
    """Per user, across all their sessions: signing in again does not buy a fresh budget."""
    rate = Rate(
        per_minute=settings.event_user_rate_limit_per_minute,
        burst=settings.event_user_rate_limit_burst,
    )
    return _limiter(rate, settings.redis_url, "event_user")


def forget_buckets() -> None:
    """Drop this process's limiters, and with them its in-memory buckets (tests; new settings)."""
    _limiter.cache_clear()
