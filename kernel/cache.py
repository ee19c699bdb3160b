"""Django's Redis cache, degrading instead of failing when Redis is unreachable.

Daftar keeps nothing in Redis that is not also somewhere else: sessions are written through to
the database (``cached_db``), cached pages and lists are recomputed. So when Redis is down a
read is a miss and a write is skipped, and the page is served from the database: sign-in and
the public pages keep working. Only the tracking page's rate limit cannot do without Redis; it
asks :func:`available` and refuses (fails closed) while Redis is down
(``portal_pages.ratelimit``). Readiness (``/healthz/ready``) pings Redis itself.

After a failure the cache does not try Redis again for ``RETRY_AFTER`` seconds, so a Redis
that does not answer (rather than refusing at once) costs one connect timeout every few
seconds per process, not one per request. Each outage is logged once per process, without
keys or values.

An entry that cannot be read back (its pickle names a model or class this release does not
have, as when the organisation's models moved app) is a miss too, never a 500: the key is
deleted and the value recomputed. The settings also give each release whose migrations differ
a key prefix of its own (``daftar.settings``, ``CACHE_GENERATION``), so an upgrade starts on
an empty namespace and the old entries expire on their own.

Known limit: a session ended (sign-out) while Redis is down is deleted from the database but
not from Redis. The cache entry expires with the session's age; see the README's "Production".
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import pickle
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("kernel.cache")

RETRY_AFTER = 5.0  # seconds without trying Redis after it failed

# What unpickling an entry written by another release raises: a class or module that is not
# there (any more), a model's app label Django does not know, a changed class's state.
UNREADABLE = (pickle.UnpicklingError, AttributeError, ImportError, LookupError, TypeError)


class DegradingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    # --- the circuit breaker -------------------------------------------------------------
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, exc: Exception) -> None:
        if not self.is_down():
            logger.warning("Redis unavailable (%s); serving without the cache", type(exc).__name__)
        self._down_until = time.monotonic() + RETRY_AFTER

    def _call(self, method, default, *args, **kwargs):
        if self.is_down():
            return default
        try:
            return method(*args, **kwargs)
        except Exception as exc:  # any failure of the client: connection, timeout, protocol
            if not _is_redis_error(exc):
                raise
            self._failed(exc)
            return default

    def ping(self) -> None:
        """Ask Redis itself (ignores the breaker); raises when it does not answer."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0

    # --- reads are misses and writes are skipped while Redis is down -----------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        try:
            return self._call(super().get, default, key, default, version)
        except UNREADABLE as exc:
            self._unreadable(exc, [key], version)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        try:
            return self._call(super().get_many, {}, keys, version)
        except UNREADABLE as exc:
            self._unreadable(exc, keys, version)
            return {}

    def _unreadable(self, exc: Exception, keys, version) -> None:
        logger.warning("a cache entry could not be read back (%s); recomputed", type(exc).__name__)
        self.delete_many(list(keys), version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)

    # incr is a count someone relies on: it raises while Redis is down (the rate limiter fails
    # closed on it), as it does for a missing key.
    def incr(self, key, delta=1, version=None):
        if self.is_down():
            raise ConnectionError("Redis is unavailable")
        try:
            return super().incr(key, delta, version)
        except Exception as exc:
            if _is_redis_error(exc):
                self._failed(exc)
            raise


def _is_redis_error(exc: Exception) -> bool:
    import redis

    return isinstance(exc, redis.exceptions.RedisError | OSError)


def available(cache) -> bool:
    """False while ``cache`` is a degrading Redis cache that found Redis down."""
    return not (isinstance(cache, DegradingRedisCache) and cache.is_down())


# ---- counters for rate limits (the tracking lookup's, the complaints' filing) ---------------
# Fixed-window counts, readable with cache.get(). On Redis, INCRBY and EXPIRE NX in one
# round trip instead of Django's add, exists and incr (three).


class CountsUnavailable(Exception):
    """The cache cannot keep a rate limit's counts (Redis is down): the limit refuses."""


@contextlib.contextmanager
def counting(log: logging.Logger, what: str):
    """Around a rate limit's reads and writes of its counts: a cache already found down, or
    any failure inside, comes out as ``CountsUnavailable``, logged on ``log`` as "``what``:
    cache unavailable" with the error's type only (nothing personal), and the degrading cache is
    told, so requests stop waiting on Redis for a while. Both limits fail closed on it."""
    cache = caches["default"]
    if not available(cache):
        raise CountsUnavailable
    try:
        yield
    except Exception as exc:
        log.warning("%s: cache unavailable (%s)", what, type(exc).__name__)
        if isinstance(cache, DegradingRedisCache):
            cache._failed(exc)
        raise CountsUnavailable from exc


def window_key(namespace: str, value: str, window: int, now: float) -> tuple[str, int]:
    """The counter key of ``value`` for the fixed window of ``window`` seconds that ``now``
    falls in, and the seconds until the next window begins. The value is an HMAC under the
    secret key, so the cache holds no address, reference or mobile number."""
    digest = hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()
    bucket = int(now // window)
    return f"{namespace}:{digest[:32]}:{bucket}", int((bucket + 1) * window - now) + 1


_redis_clients: dict[int, object] = {}


def _redis(cache):
    """One redis-py client per connection pool, kept: Django's ``get_client()`` builds a new
    client (and its table of response callbacks) on every call, which cost more than the
    round trip itself on this hot path."""
    backend = cache._cache  # RedisCacheClient, one per process and settings
    client = _redis_clients.get(id(backend))
    if client is None:
        client = backend.get_client(write=True)
        _redis_clients.clear()
        _redis_clients[id(backend)] = client
    return client


def count_and_peek(count_key: str, ttl: int, peek_key: str, add: int = 1) -> tuple[int, int]:
    """Add ``add`` to ``count_key`` (created with ``ttl``) and read ``peek_key``: on Redis in
    one round trip. Raises when the cache cannot keep the count."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # One round trip: INCR, EXPIRE NX, GET. Values stay readable by cache.get().
        raw_count, raw_peek = (cache.make_and_validate_key(k) for k in (count_key, peek_key))
        pipe = _redis(cache).pipeline(transaction=False)
        pipe.incr(raw_count, add)
        pipe.expire(raw_count, ttl, nx=True)
        pipe.get(raw_peek)
        count, _, peek = pipe.execute()
        return int(count), int(peek or 0)
    return _add(cache, count_key, ttl, add), int(cache.get(peek_key) or 0)


def add_count(key: str, ttl: int, add: int = 1) -> int:
    """Add ``add`` to ``key`` (created with ``ttl``); the new count. Raises when the cache
    cannot keep the count."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        raw = cache.make_and_validate_key(key)
        pipe = _redis(cache).pipeline(transaction=False)
        pipe.incr(raw, add)
        pipe.expire(raw, ttl, nx=True)
        return int(pipe.execute()[0])
    return _add(cache, key, ttl, add)


def _add(cache, key: str, ttl: int, add: int) -> int:
    """The same with the cache API alone (a local-memory cache): three calls."""
    cache.add(key, 0, ttl)
    if not add:
        return int(cache.get(key) or 0)
    try:
        return cache.incr(key, add)
    except ValueError:  # expired between add and incr
        cache.set(key, add, ttl)
        return add
