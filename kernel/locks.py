"""Waiting for a row lock, capped. Every service that locks a row (a file, a running number, a
KPI return) waits at most ``LOCK_TIMEOUT_MS`` for it; a caller still waiting then gets the
service's own refusal ("someone else is acting…") instead of holding a worker until the
server's timeout answers 500."""

from django.db import connection

LOCK_TIMEOUT_MS = 5000


def cap_lock_wait() -> None:
    """Make row locks taken in the current transaction wait at most ``LOCK_TIMEOUT_MS``.
    PostgreSQL only: SQLite locks the whole database and has no such setting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_MS)}ms'")
