"""Reads for the public site. Everything here is public by construction: counts and durations
aggregated in the database, per department, never a file, a person or a note.

The e-office figures are aggregates over every movement of a year (millions of rows at
provincial scale), so they are computed here with a fixed number of queries, and kept in the
cache by ``portal_pages.eoffice`` (the background task and the cached read).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisation.models import Department
from workspace.models import File, Movement

EOFFICE_CACHE_SECONDS = 600  # recomputed when older than this
EOFFICE_KEEP_SECONDS = 7 * 24 * 3600  # served (stale) for at most this long
PERIOD_DAYS = 365

# (key, label, lowest age in days, highest age in days or None)
AGE_BUCKETS = [
    ("upto7", _("Up to 7 days"), 0, 7),
    ("d8_30", _("8 to 30 days"), 8, 30),
    ("d31_90", _("31 to 90 days"), 31, 90),
    ("over90", _("Over 90 days"), 91, None),
]

PENDING_STATUSES = [File.Status.OPEN, File.Status.PARKED]


def _is_urdu() -> bool:
    return (get_language() or "en").startswith("ur")


@dataclass(frozen=True)
class DepartmentFigures:
    """The e-office figures of one department over the period."""

    code: str
    name_en: str
    name_ur: str
    is_live: bool
    files_moved: int = 0
    disposed: int = 0
    median_days_to_disposal: float | None = None
    pending: tuple[int, ...] = (0, 0, 0, 0)

    @property
    def name(self) -> str:
        return self.name_ur if _is_urdu() and self.name_ur else self.name_en

    @property
    def pending_total(self) -> int:
        return sum(self.pending)

    @property
    def pending_buckets(self) -> list[tuple[str, int]]:
        return [
            (str(label), n) for (_, label, *_r), n in zip(AGE_BUCKETS, self.pending, strict=True)
        ]


@dataclass(frozen=True)
class EofficeFigures:
    """Figures of the e-office itself, for the public performance pages."""

    period_start: dt.date
    period_end: dt.date
    departments: list[DepartmentFigures] = field(default_factory=list)
    monthly_moves: list[tuple[dt.date, int]] = field(default_factory=list)
    #: False while the first computation is still running in the background
    ready: bool = True

    @property
    def live_departments(self) -> list[DepartmentFigures]:
        return [d for d in self.departments if d.is_live]

    def for_department(self, code: str) -> DepartmentFigures | None:
        return next((d for d in self.departments if d.code == code), None)

    @property
    def total_moved(self) -> int:
        return sum(d.files_moved for d in self.departments)

    @property
    def total_pending(self) -> int:
        return sum(d.pending_total for d in self.departments)

    @property
    def total_disposed(self) -> int:
        return sum(d.disposed for d in self.departments)


def _months_back(today: dt.date, months: int) -> dt.date:
    year, month = today.year, today.month - months
    while month <= 0:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def _median_days_by_department(since: dt.datetime, until: dt.datetime) -> dict[int, tuple]:
    """``{department_id: (files disposed, median days opened→closed)}`` in one query: the
    middle one or two closings per department picked with window functions in the database
    (works on PostgreSQL and SQLite alike)."""
    took = ExpressionWrapper(F("at") - F("file__opened_at"), output_field=DurationField())
    dept = F("file__department_id")
    rows = (
        Movement.objects.filter(kind=Movement.Kind.CLOSE, at__gte=since, at__lt=until)
        .annotate(
            dept=dept,
            took=took,
            rn=Window(RowNumber(), partition_by=[dept], order_by=took.asc()),
            n=Window(Count("pk"), partition_by=[dept]),
        )
        .filter(rn__gte=F("n") / 2.0, rn__lte=F("n") / 2.0 + 1)
        .values_list("dept", "n", "took")
    )
    middles: dict[int, list] = {}
    counts: dict[int, int] = {}
    for dept_id, n, took_value in rows:
        counts[dept_id] = n
        middles.setdefault(dept_id, []).append(took_value)
    out = {}
    for dept_id, values in middles.items():
        seconds = sum(v.total_seconds() for v in values) / len(values)
        out[dept_id] = (counts[dept_id], round(seconds / 86400, 1))
    return out


def _moves(since, until, period_start: dt.date, first_month: dt.date) -> tuple[dict, dict]:
    """Moves per department over the period and per month over the last twelve, from one
    pass over the movements grouped by department and (local) day: at most departments ×
    366 rows come back, whatever the number of movements.

    A move: a file going from one post to another (not opening, parking or closing at a
    desk)."""
    rows = (
        Movement.objects.filter(
            at__gte=since, at__lt=until, from_post__isnull=False, to_post__isnull=False
        )
        .exclude(from_post=F("to_post"))
        .annotate(day=TruncDate("at"))
        .values_list("file__department_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    moved: dict[int, int] = defaultdict(int)
    per_month: dict[dt.date, int] = defaultdict(int)
    for department_id, day, n in rows:
        if day >= period_start:
            moved[department_id] += n
        if day >= first_month:
            per_month[day.replace(day=1)] += n
    return moved, per_month


def compute_eoffice_figures(today: dt.date) -> EofficeFigures:
    tz = timezone.get_current_timezone()
    period_start = today - dt.timedelta(days=PERIOD_DAYS)
    since = dt.datetime.combine(period_start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)

    departments = list(
        Department.objects.order_by("code").values_list(
            "pk", "code", "name_en", "name_ur", "is_live"
        )
    )
    first_month = _months_back(today, 11)
    month_start = dt.datetime.combine(first_month, dt.time.min, tzinfo=tz)
    moved, per_month = _moves(min(since, month_start), until, period_start, first_month)
    disposal = _median_days_by_department(since, until)
    now = timezone.now()
    bucket_counts = {}
    for key, _label, low, high in AGE_BUCKETS:
        condition = Q(opened_at__lte=now - dt.timedelta(days=low)) if low else Q()
        if high is not None:
            condition &= Q(opened_at__gt=now - dt.timedelta(days=high + 1))
        bucket_counts[key] = Count("pk", filter=condition)
    pending = {
        row["department_id"]: tuple(row[key] for key, *_ in AGE_BUCKETS)
        for row in File.objects.filter(status__in=PENDING_STATUSES)
        .values("department_id")
        .annotate(**bucket_counts)
        .order_by()
    }
    monthly = []
    for i in range(12):
        month = _months_back(today, 11 - i)
        monthly.append((month, per_month.get(month, 0)))

    rows = []
    for pk, code, name_en, name_ur, is_live in departments:
        disposed, median = disposal.get(pk, (0, None))
        rows.append(
            DepartmentFigures(
                code=code,
                name_en=name_en,
                name_ur=name_ur,
                is_live=is_live,
                files_moved=moved.get(pk, 0),
                disposed=disposed,
                median_days_to_disposal=median,
                pending=pending.get(pk, (0, 0, 0, 0)),
            )
        )
    return EofficeFigures(
        period_start=period_start, period_end=today, departments=rows, monthly_moves=monthly
    )
