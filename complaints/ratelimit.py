"""Rate limits on filing: per client (every attempt counts) and per mobile number (filed
complaints count), fixed windows in Django's cache under HMAC'd keys (nothing personal in the
cache). Fails closed when the cache is down, like the tracking lookup."""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings

from kernel.cache import CountsUnavailable, add_count, count_and_peek, counting, window_key

logger = logging.getLogger("daftar.complaints")


def client_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "DAFTAR_COMPLAINT_CLIENT_LIMIT", (10, 3600)))


def mobile_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "DAFTAR_COMPLAINT_MOBILE_LIMIT", (5, 86400)))


def _key(kind: str, value: str, window: int, now: float) -> tuple[str, int]:
    return window_key(f"complaints:rl:{kind}", value, window, now)


def check(*, client: str, mobile: str) -> int:
    """Count one filing attempt by ``client``; 0 when it may go ahead, else the seconds to
    wait. Raises ``kernel.cache.CountsUnavailable`` when the counts cannot be kept."""
    now = time.time()
    c_count, c_window = client_limit()
    m_count, m_window = mobile_limit()
    c_key, c_retry = _key("client", client, c_window, now)
    m_key, m_retry = _key("mobile", mobile, m_window, now)
    with counting(logger, "complaint filing refused"):  # one round trip on Redis
        attempts, filed_from_mobile = count_and_peek(c_key, c_window + 1, m_key)
    if attempts > c_count:
        return c_retry
    if filed_from_mobile >= m_count:
        return m_retry
    return 0


def filed(*, mobile: str) -> None:
    """Count a complaint filed from ``mobile``."""
    _, m_window = mobile_limit()
    m_key, _ = _key("mobile", mobile, m_window, time.time())
    with contextlib.suppress(CountsUnavailable), counting(logger, "filed complaint not counted"):
        add_count(m_key, m_window + 1)
