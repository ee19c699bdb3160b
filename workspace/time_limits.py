"""How long a file may stay at one desk before it is *overdue*: by its priority, in working
days, per department.

The defaults read the markings as the secretariat does: "Most immediate" by the next
working day (1), "Immediate" within 3 working days, "Urgent" within a week (7), "Routine"
within 14 working days. Each department may set its own on its row (``Department.limit_*``,
in the admin; blank means the default). Working days are Monday to Friday less the public
holidays an administrator keeps (``Holiday``, those for every province).

A file is overdue at its desk when it is open and
- it carries a due date (set when it was marked) and that date has passed, or
- it carries none and it has been at the desk longer than its priority's limit, in the
  limits of the department of the post that holds it.

A stay is due ``days`` working days after the day the file arrived (``due_date``): a "Most
immediate" file that arrives on a Friday is due on Monday and overdue from Tuesday.

One rule in two forms: ``is_overdue`` for a loaded row (the inbox's rows and the file page,
whose holding post's department is already joined: no query) and a ``Q`` for the inbox's
counts (one query over the inbox index): ``overdue_where`` for posts of one department's
limits, ``overdue_q`` for any posts (one term per department and priority). The query's
``cutoff`` is found from ``due_date`` itself, so they cannot disagree; a test holds them
together.

The holidays are read once per process and kept (``holidays``): the inbox asks ``due_date``
a few dozen times a visit and must not read them each time. Saving or deleting a ``Holiday``
(the admin, the demo) replaces a version token in the shared cache and forgets this process's
copy; each process compares its copy's token with the shared one at most every
``RECHECK_SECONDS``, so another process honours a change within that time, with one cache
read per process every few seconds and no query on the inbox's path. Rows written past the
model's signals (a migration, ``QuerySet.update``) need ``forget_holidays()``.
"""

from __future__ import annotations

import operator
import time as clock
from datetime import date, datetime, time, timedelta
from functools import reduce
from uuid import uuid4

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from organisation.models import Holiday
from workspace.models import File, Priority

DEFAULT_DAYS = {
    Priority.MOST_IMMEDIATE: 1,
    Priority.IMMEDIATE: 3,
    Priority.URGENT: 7,
    Priority.ROUTINE: 14,
}
WEEKEND = {5, 6}  # Saturday, Sunday

FIELDS = {
    Priority.MOST_IMMEDIATE: "limit_most_immediate_days",
    Priority.IMMEDIATE: "limit_immediate_days",
    Priority.URGENT: "limit_urgent_days",
    Priority.ROUTINE: "limit_routine_days",
}


# ---- the calendar: public holidays and each province's weekend (issue 21) -------------------
# ``due_date`` below counts Monday to Friday less the holidays kept for every province (the
# desk's rule). ``working_due_date`` is the same count on a province's full calendar: its
# weekend (``DAFTAR_WEEKENDS``, {"KP": [5, 6]}; a province not named keeps Saturday and Sunday)
# and the public holidays kept for every province or for it. Complaints count their time
# limits with it.

HOLIDAYS_VERSION_KEY = "workspace:holidays:version"
RECHECK_SECONDS = 5.0
_NO_DAYS: frozenset[date] = frozenset()
# This process's copy: the shared token it was read under, when it was last compared, and
# the closed days by province ("" = the holidays of every province, alone).
_kept: dict = {"version": None, "checked": None, "rows": None, "by_province": {}}


def weekend_of(province: str = "") -> frozenset[int]:
    from django.conf import settings

    weekends = getattr(settings, "DAFTAR_WEEKENDS", {}) or {}
    return frozenset(weekends.get(province, WEEKEND))


def _shared_version():
    token = cache.get(HOLIDAYS_VERSION_KEY)
    if token is None:
        cache.add(HOLIDAYS_VERSION_KEY, uuid4().hex, timeout=None)
        token = cache.get(HOLIDAYS_VERSION_KEY)
    return token


def holidays(province: str = "") -> frozenset[date]:
    """The public holidays of ``province`` (and of every province), from this process's copy:
    read from the database when there is none or the shared version moved (compared at most
    every ``RECHECK_SECONDS``); no query otherwise."""
    now = clock.monotonic()
    checked = _kept["checked"]
    if _kept["rows"] is None or checked is None or now - checked >= RECHECK_SECONDS:
        version = _shared_version()
        if _kept["rows"] is None or version is None or version != _kept["version"]:
            _kept.update(
                rows=list(Holiday.objects.order_by().values_list("province", "date")),
                by_province={},
                version=version,
            )
        _kept["checked"] = now
    by_province = _kept["by_province"]
    days = by_province.get(province)
    if days is None:
        days = by_province[province] = frozenset(
            day for where, day in _kept["rows"] if where in ("", province)
        )
    return days


def _forget_here() -> None:
    _kept.update(rows=None, checked=None, by_province={}, version=None)


def forget_holidays() -> None:
    """Forget this process's holidays and tell the others (a new shared version)."""
    _forget_here()
    cache.set(HOLIDAYS_VERSION_KEY, uuid4().hex, timeout=None)


@receiver(setting_changed, dispatch_uid="time_limits.caches_changed")
def _caches_changed(*, setting, **kwargs) -> None:
    # Another cache (the tests give each test its own): the token kept here was another's.
    if setting == "CACHES":
        _forget_here()


@receiver(post_save, sender=Holiday, dispatch_uid="time_limits.holiday_saved")
@receiver(post_delete, sender=Holiday, dispatch_uid="time_limits.holiday_deleted")
def _holiday_changed(**kwargs) -> None:
    # Now, and again once committed: a process that read the holidays in between (without
    # this change) is told again.
    forget_holidays()
    transaction.on_commit(forget_holidays)


def holidays_between(first: date, last: date, province: str = "") -> frozenset[date]:
    """Public holidays from ``first`` to ``last``."""
    return frozenset(day for day in holidays(province) if first <= day <= last)


def working_due_date(arrived: date, days: int, province: str = "") -> date:
    """``due_date`` on the province's calendar: ``days`` working days after ``arrived``,
    skipping its weekend and the public holidays."""
    weekend = weekend_of(province)
    closed = holidays(province)
    due, left = arrived, days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() not in weekend and due not in closed:
            left -= 1
    return due


def working_days_between(first: date, last: date, province: str = "") -> int:
    """Working days after ``first`` up to and including ``last`` on the province's calendar."""
    weekend = weekend_of(province)
    closed = holidays(province)
    n, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if day.weekday() not in weekend and day not in closed:
            n += 1
    return n


def limits_of(department) -> dict[int, int]:
    """Working days allowed at one desk, by priority, in ``department``."""
    return {
        priority: getattr(department, field, None) or DEFAULT_DAYS[priority]
        for priority, field in FIELDS.items()
    }


def due_date(arrived: date, days: int) -> date:
    """The last day a file that reached its desk on ``arrived`` may stay there: ``days``
    working days after the day it arrived (Monday to Friday, less the public holidays of
    every province)."""
    closed = holidays()
    due, left = arrived, days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() not in WEEKEND and due not in closed:
            left -= 1
    return due


def cutoff(today: date, days: int) -> datetime:
    """The start of the earliest arrival day whose ``due_date`` has not passed by ``today``:
    a file that reached its desk before this moment is overdue. Found from ``due_date``
    itself, so the query (``overdue_q``) and the row (``is_overdue``) agree by construction:
    a later arrival is never due earlier, so the day is searched for by halving (a few calls
    of ``due_date``, not one per day back; the inbox asks for it on every visit)."""
    late, on_time = today - timedelta(days=days + 1), today  # due_date(on_time) >= today
    while due_date(late, days) >= today:  # not late yet: step further back
        late -= timedelta(days=days + 1)
    while (on_time - late).days > 1:  # due_date(late) < today <= due_date(on_time)
        middle = late + timedelta(days=(on_time - late).days // 2)
        if due_date(middle, days) >= today:
            on_time = middle
        else:
            late = middle
    return timezone.make_aware(datetime.combine(on_time, time.min))


def limit_due(file: File) -> date | None:
    """The day an undated file's stay at its desk is due by its priority (the row's
    ``holding_post.section.department`` loaded): what the inbox and the file page show."""
    if file.due_on is not None:
        return file.due_on
    if file.holding_post_id is None:
        return None
    days = limits_of(file.holding_post.section.department)[file.priority]
    return due_date(timezone.localdate(file.desk_since), days)


_NOT_GIVEN = object()


def is_overdue(file: File, *, today: date | None = None, due=_NOT_GIVEN) -> bool:
    """The rule for one file whose ``holding_post.section.department`` is loaded. ``due``:
    its ``limit_due`` when the caller has it already (the inbox shows both)."""
    if file.status != File.Status.OPEN:
        return False
    if due is _NOT_GIVEN:
        due = limit_due(file)
    return due is not None and due < (today or timezone.localdate())


def cutoffs_of(department, today: date) -> dict[int, datetime]:
    """For each priority, the moment before which a file arriving at a desk of ``department``
    is overdue by ``today`` (``cutoff`` of its limit)."""
    return {priority: cutoff(today, days) for priority, days in limits_of(department).items()}


def _late_by_priority(cutoffs: dict[int, datetime]) -> Q:
    return reduce(
        operator.or_,
        (Q(priority=priority, desk_since__lt=moment) for priority, moment in cutoffs.items()),
    )


def overdue_where(*, today: date, cutoffs: dict[int, datetime]) -> Q:
    """The rule as a ``Q`` over files whose desks all keep the limits whose ``cutoffs`` are
    given (``cutoffs_of`` one department): the inbox's counts for the usual officer, whose
    posts are of one department. Its shape is the same for any department and day, so the
    count is a compiled read (``workspace.selectors.desk``)."""
    return Q(status=File.Status.OPEN) & (
        Q(due_on__lt=today) | (Q(due_on__isnull=True) & _late_by_priority(cutoffs))
    )


def overdue_q(*, posts, today: date | None = None) -> Q:
    """The rule as a ``Q`` over files held at ``posts`` (with their sections' departments
    loaded, as ``access.my_holdings`` has them): one term per department and priority."""
    today = today or timezone.localdate()
    by_department: dict[int, tuple] = {}
    for post in posts:
        dept = post.section.department
        by_department.setdefault(dept.pk, (dept, []))[1].append(post.pk)
    # Kept small: Django spends more on compiling each term than PostgreSQL on running it
    # (docs/benchmarks.md, session 9). The posts are named once when they are all of one
    # department (the usual officer), and each limit's cutoff is worked out once.
    cutoffs: dict[int, datetime] = {}
    undated = []
    for dept, post_ids in by_department.values():
        by_priority = {}
        for priority, days in limits_of(dept).items():
            if days not in cutoffs:
                cutoffs[days] = cutoff(today, days)
            by_priority[priority] = cutoffs[days]
        undated.append(Q(holding_post__in=post_ids) & _late_by_priority(by_priority))
    if not undated:
        return Q(status=File.Status.OPEN) & Q(due_on__lt=today)
    return Q(status=File.Status.OPEN) & (
        Q(due_on__lt=today) | (Q(due_on__isnull=True) & reduce(operator.or_, undated))
    )


def describe(department) -> str:
    """The department's limits in one sentence, for the screens that show "overdue"."""
    limits = limits_of(department)
    return gettext(
        "Time limits at one desk: most immediate %(mi)s, immediate %(i)s, urgent %(u)s, "
        "routine %(r)s working days."
    ) % {
        "mi": limits[Priority.MOST_IMMEDIATE],
        "i": limits[Priority.IMMEDIATE],
        "u": limits[Priority.URGENT],
        "r": limits[Priority.ROUTINE],
    }
