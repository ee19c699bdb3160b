"""Rate limits of the public tracking lookup, kept in Django's cache (Redis in production, so
every worker shares the counts).

Two fixed windows:

- per client (IP address): every lookup counts — it stops one machine from sweeping through
  references;
- per reference: only *failed* lookups count — it stops anyone from guessing the four digits
  of the second factor for one reference from many machines, while a citizen who checks their
  own matter every day is never stopped.

Counter keys carry an HMAC of the address or reference, never the value itself, so the cache
holds nothing personal. When the cache is unreachable the lookup is refused (fails closed: a
limit that lets everything through while Redis is down would let a sweep through references
go unchecked) with "try again shortly", and a warning without personal data is logged.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from kernel.cache import CountsUnavailable, add_count, count_and_peek, counting, window_key
from kernel.client_ip import client_ip

logger = logging.getLogger("daftar.portal")


@dataclass(frozen=True)
class Limit:
    count: int
    window: int  # seconds


def client_limit() -> Limit:
    """Lookups per client per window; ``DAFTAR_TRACKING_CLIENT_LIMIT = (count, seconds)``."""
    return Limit(*getattr(settings, "DAFTAR_TRACKING_CLIENT_LIMIT", (30, 600)))


def reference_limit() -> Limit:
    """Failed lookups per reference per window; ``DAFTAR_TRACKING_REFERENCE_LIMIT``."""
    return Limit(*getattr(settings, "DAFTAR_TRACKING_REFERENCE_LIMIT", (5, 3600)))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds, when not allowed
    unavailable: bool = False  # refused because the counts cannot be kept (cache down)


# While the cache is down a lookup is refused and the citizen asked to come back after this.
UNAVAILABLE_RETRY = 60


def client_of(request) -> str:
    """The client's address, as ``kernel.client_ip`` takes it (behind trusted proxies, from
    the right of their header: a client cannot pick a fresh identity per request)."""
    return client_ip(request)


def _key(kind: str, value: str, limit: Limit, now: float) -> tuple[str, int]:
    return window_key(f"portal:track:{kind}", value, limit.window, now)


def _cache():
    # The backend itself: ``django.core.cache.cache`` is a proxy, never a RedisCache instance.
    return caches["default"]


def check(*, client: str, reference: str) -> Verdict:
    """Count one lookup by ``client`` for ``reference`` (normalised) and say whether it may
    go ahead: refused when the client is over its limit or the reference has had too many
    failed lookups in its window."""
    now = time.time()
    c_limit, r_limit = client_limit(), reference_limit()
    c_key, c_retry = _key("client", client, c_limit, now)
    r_key, r_retry = _key("ref", reference, r_limit, now)
    try:
        with counting(logger, "tracking lookup refused"):
            count, failures = count_and_peek(c_key, c_limit.window + 1, r_key)
    except CountsUnavailable:
        return Verdict(False, UNAVAILABLE_RETRY, unavailable=True)
    if count > c_limit.count:
        return Verdict(False, c_retry)
    if failures >= r_limit.count:
        return Verdict(False, r_retry)
    return Verdict(True)


def record_failure(*, reference: str) -> None:
    """Count a failed lookup (unknown reference or wrong second factor alike)."""
    r_limit = reference_limit()
    r_key, _ = _key("ref", reference, r_limit, time.time())
    with (
        contextlib.suppress(CountsUnavailable),
        counting(logger, "failed tracking lookup not counted"),
    ):
        add_count(r_key, r_limit.window + 1)
