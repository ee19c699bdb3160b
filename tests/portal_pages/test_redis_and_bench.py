"""The rate limiter against a real Redis (CI sets REDIS_URL), and the benchmark hook."""

import os
import uuid

import pytest

from portal_pages import ratelimit

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache(settings):
    if not REDIS_URL:
        pytest.skip("needs Redis (set REDIS_URL, e.g. redis://127.0.0.1:6379/0)")
    from django.core.cache import caches

    prefix = f"test-portal-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    cache = caches["default"]
    yield cache
    # Only this test's keys: clear() would FLUSHDB under other test processes.
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_limiter_counts_in_redis_and_refuses_past_the_limit(redis_cache, settings):
    from django.core.cache.backends.redis import RedisCache

    cache = redis_cache
    assert isinstance(cache, RedisCache)
    assert isinstance(ratelimit._cache(), RedisCache)  # the limiter takes its fast path
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (3, 60)
    settings.DAFTAR_TRACKING_REFERENCE_LIMIT = (2, 60)
    ref = "K7M2QX9PT4"
    for _ in range(3):
        assert ratelimit.check(client="192.0.2.1", reference=ref).allowed
    verdict = ratelimit.check(client="192.0.2.1", reference=ref)
    assert not verdict.allowed and 0 < verdict.retry_after <= 61
    # per reference: failures from many clients
    assert ratelimit.check(client="192.0.2.2", reference=ref).allowed
    ratelimit.record_failure(reference=ref)
    ratelimit.record_failure(reference=ref)
    assert not ratelimit.check(client="192.0.2.3", reference=ref).allowed
    # counters expire with their window and are readable through the cache API
    key, _ = ratelimit._key("ref", ref, ratelimit.reference_limit(), __import__("time").time())
    assert cache.get(key) == 2
    raw = cache.make_and_validate_key(key)
    ttl = cache._cache.get_client(raw).ttl(raw)
    assert 0 < ttl <= 61


@pytest.mark.django_db
def test_bench_hook_times_lookups(org):
    from benchmark.hooks import portal as bench
    from tests.portal_pages.factories import CitizenReceiptFactory

    for _ in range(5):
        CitizenReceiptFactory(holding_post=org.asst)
    lines = []
    result = bench.run(lookups=40, progress=lines.append)
    assert set(result) >= {"found", "wrong_factor", "unknown_ref"}
    assert result["found"]["n"] == 40
    assert result["found"]["p95_ms"] >= result["found"]["p50_ms"] > 0
    assert any("p95" in line for line in lines)


@pytest.mark.django_db
def test_signed_in_sessions_are_read_from_redis_and_end_everywhere_on_logout(
    redis_cache, settings, client, org
):
    """With a shared cache, sessions are ``cached_db`` (daftar/settings.py): read from Redis,
    so no query for them, and ended for every worker when the officer signs out."""
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.test import Client

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(org.so_user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert redis_cache.get(KEY_PREFIX + key) is not None
    other_tab = Client()
    other_tab.cookies[settings.SESSION_COOKIE_NAME] = key
    assert other_tab.get("/desk/").status_code == 200
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert redis_cache.get(KEY_PREFIX + key) is None
    response = other_tab.get("/desk/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
