"""Each token has a bucket of `burst` requests refilled at `per_minute`: past it, 429 with
Retry-After; in Redis when one is configured, so that every worker draws from the same bucket.

The Redis cases run when KUBE_CONSOLE_TEST_REDIS_URL names a server (.ci/run sets it), as the
PostgreSQL cases run when KUBE_CONSOLE_TEST_DB_URL does: a fresh machine needs no server."""

from __future__ import annotations

import os
import secrets

import pytest
import redis

from kube_console.security.rate_limit import MemoryRateLimiter, Rate, RedisRateLimiter
from tests.api.conftest import PREFIX, Org, reload_settings

REDIS_URL = os.environ.get("KUBE_CONSOLE_TEST_REDIS_URL", "")
BUCKET_STORES = ["memory", "redis"] if REDIS_URL else ["memory"]


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.fail(f"KUBE_CONSOLE_TEST_REDIS_URL={REDIS_URL} does not answer")


@pytest.fixture(params=BUCKET_STORES)
def limited(request, api_env):
    """Three requests a burst, one a second after that."""
    api_env.setenv("KUBE_CONSOLE_API_RATE_LIMIT_PER_MINUTE", "60")
    api_env.setenv("KUBE_CONSOLE_API_RATE_LIMIT_BURST", "3")
    if request.param == "redis":
        _require_redis()
        api_env.setenv("KUBE_CONSOLE_REDIS_URL", REDIS_URL)
    reload_settings()
    return request.param


def test_past_the_burst_a_token_gets_429_with_retry_after(api, acme: Org, limited: str):
    statuses = [api.get(f"{PREFIX}/clusters", headers=acme.member).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    reply = api.get(f"{PREFIX}/clusters", headers=acme.member)
    assert reply.status_code == 429
    assert reply.headers["retry-after"] == "1"
    assert reply.json()["error"]["code"] == "rate_limited"
    # Another token has its own bucket.
    assert api.get(f"{PREFIX}/clusters", headers=acme.admin).status_code == 200


def test_the_memory_bucket_refills_at_the_rate():
    now = [0.0]
    limiter = MemoryRateLimiter(Rate(per_minute=120, burst=2), clock=lambda: now[0])
    assert [limiter.take("t"), limiter.take("t")] == [0.0, 0.0]
    assert limiter.take("t") == pytest.approx(0.5)
    now[0] += 0.5
    assert limiter.take("t") == 0.0
    assert limiter.take("t") == pytest.approx(0.5)
    now[0] += 60
    assert [limiter.take("t"), limiter.take("t"), limiter.take("t") > 0] == [0.0, 0.0, True]


if REDIS_URL:

    def test_redis_buckets_are_shared_between_workers():
        _require_redis()
        rate = Rate(per_minute=60, burst=2)
        key = secrets.token_hex(8)
        first, second = RedisRateLimiter(rate, REDIS_URL), RedisRateLimiter(rate, REDIS_URL)
        assert first.take(key) == 0.0 and second.take(key) == 0.0
        assert first.take(key) > 0 and second.take(key) > 0


def test_redis_out_of_reach_falls_back_to_memory():
    limiter = RedisRateLimiter(Rate(per_minute=60, burst=1), "redis://127.0.0.1:1/0")
    assert limiter.take("t") == 0.0
    assert limiter.take("t") > 0
