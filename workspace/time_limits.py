"""How long a file may stay at one desk before it is *overdue*: by its priority, in working
days, per department.

The defaults read the markings as the secretariat does: "Most immediate" by the next
working day (1), "Immediate" within 3 working days, "Urgent" within a week (7), "Routine"
within 14 working days. Each department may set its own on its row (``Department.limit_*``,
in the admin; blank means the default). Working days are Monday to Friday; public holidays
are not known to Daftar and count as working days.

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
"""

from __future__ import annotations

import operator
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import Q
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
# ``due_date`` above counts Monday to Friday (the desk's rule, unchanged). ``working_due_date``
# is the same count on the full calendar: the province's weekend (``DAFTAR_WEEKENDS``,
# {"KP": [5, 6]}; a province not named keeps Saturday and Sunday) and the public holidays kept
# in the admin (``Holiday``). Complaints count their time limits with it.


def weekend_of(province: str = "") -> frozenset[int]:
    from django.conf import settings

    weekends = getattr(settings, "DAFTAR_WEEKENDS", {}) or {}
    return frozenset(weekends.get(province, WEEKEND))


def holidays_between(first: date, last: date, province: str = "") -> frozenset[date]:
    """Public holidays from ``first`` to ``last`` (one query)."""

    return frozenset(
        Holiday.objects.filter(date__gte=first, date__lte=last)
        .filter(Q(province="") | Q(province=province))
        .values_list("date", flat=True)
    )


def working_due_date(arrived: date, days: int, province: str = "") -> date:
    """``due_date`` on the province's calendar: ``days`` working days after ``arrived``,
    skipping its weekend and the public holidays."""
    weekend = weekend_of(province)
    # Holidays within a generous window (each one can push the date on by a day).
    closed = holidays_between(arrived, arrived + timedelta(days=days * 3 + 60), province)
    due, left = arrived, days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() not in weekend and due not in closed:
            left -= 1
    return due


def working_days_between(first: date, last: date, province: str = "") -> int:
    """Working days after ``first`` up to and including ``last`` on the province's calendar."""
    weekend = weekend_of(province)
    closed = holidays_between(first, last, province)
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
    working days after the day it arrived."""
    due, left = arrived, days
    while left > 0:
        due += timedelta(days=1)
        if due.weekday() not in WEEKEND:
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
