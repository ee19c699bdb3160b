"""The complaints' working-day clock: the desk's (``workspace.time_limits``), so a complaint's
limit and a file's are counted alike. A limit of ``n`` working days from the day a complaint
reaches an office ends at the start of the day after its due date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from workspace import time_limits


def due_at(start: dt.datetime, days: int) -> dt.datetime:
    day = time_limits.due_date(timezone.localdate(start), days)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``."""
    n, day = 0, first
    while day < last:
        day += dt.timedelta(days=1)
        if time_limits.due_date(day - dt.timedelta(days=1), 1) == day:
            n += 1
    return n


def extend(due: dt.datetime, days: int) -> dt.datetime:
    """``due`` pushed on by ``days`` working days (after a suspension)."""
    if days <= 0:
        return due
    last = timezone.localdate(due) - dt.timedelta(days=1)
    day = time_limits.due_date(last, days)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
