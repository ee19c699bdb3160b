"""The complaints' working-day clock: ``workspace.time_limits``'s calendar of the province
(its weekend and the public holidays kept in the admin). A limit of ``n`` working days from
the day a complaint reaches an office ends at the start of the day after its due date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from workspace import time_limits

PROVINCE = "KP"


def _start_of_day_after(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def due_at(start: dt.datetime, days: int, province: str = PROVINCE) -> dt.datetime:
    day = time_limits.working_due_date(timezone.localdate(start), days, province)
    return _start_of_day_after(day)


def working_days_between(first: dt.date, last: dt.date, province: str = PROVINCE) -> int:
    """Working days after ``first`` up to and including ``last``."""
    return time_limits.working_days_between(first, last, province)


def extend(due: dt.datetime, days: int, province: str = PROVINCE) -> dt.datetime:
    """``due`` pushed on by ``days`` working days (after a suspension)."""
    if days <= 0:
        return due
    last = timezone.localdate(due) - dt.timedelta(days=1)
    return _start_of_day_after(time_limits.working_due_date(last, days, province))
