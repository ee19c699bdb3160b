"""Reads of the CGU's data for screens, the API, the report and the public site.

**Public selectors** (safe for anyone, signed in or not) return *published* figures only:
the latest accepted version of each PSE's return for each period (``KpiReturn.is_published``,
which a database constraint allows only on accepted returns). Submitted, under-review,
returned and superseded figures never come out of them. They are:

``public_entities``, ``published_returns``, ``published_figures``, ``published_periods``,
``entity_series``, ``department_series``, ``province_series``, ``kpi_by_department``,
``kpi_ranking``, ``not_reported``.

**Staff selectors** (CGU screens; the caller checks ``cgu.access.is_cgu_staff``) see every
version: ``compliance``, ``compliance_counts``, ``escalations``, ``returns_list``, ``returns_page``,
``return_detail``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from cgu.models import (
    KpiDefinition,
    KpiReturn,
    KpiValue,
    PublicSectorEntity,
    Reminder,
    ReportingPeriod,
)
from kernel.compiled import by_id, compiled
from workspace.models import Department

CENT = Decimal("0.01")
ESCALATE_AFTER_DAYS = 30
ESCALATE_AFTER_REMINDERS = 2


def _q2(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- public: published only


def public_entities(*, department=None, entity_type: str | None = None) -> QuerySet:
    """The registry as the public sees it: active PSEs with their department (contact
    details are for staff). Ordered by department, then code."""
    qs = PublicSectorEntity.objects.filter(is_active=True).select_related("department")
    if department is not None:
        qs = qs.filter(department=department)
    if entity_type:
        qs = qs.filter(type=entity_type)
    return qs


def published_returns(*, period=None, department=None, entity=None) -> QuerySet:
    """The published version of each PSE's return (at most one per PSE and period)."""
    qs = KpiReturn.objects.filter(is_published=True).select_related("entity__department", "period")
    if period is not None:
        qs = qs.filter(period=period)
    if department is not None:
        qs = qs.filter(entity__department=department)
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs.order_by("period__ends_on", "entity__department__code", "entity__code")


def published_figures(
    *,
    entity=None,
    department=None,
    kpi=None,
    period=None,
    entity_type: str | None = None,
) -> QuerySet:
    """Accepted figures only: ``KpiValue`` rows of published returns, optionally for one
    entity, department, KPI, period or entity type. Each row comes with ``kpi``,
    ``kpi_return.period`` and ``kpi_return.entity.department`` loaded (no extra queries).
    Ordered by period, department, entity, KPI."""
    qs = KpiValue.objects.filter(kpi_return__is_published=True).select_related(
        "kpi", "kpi_return__period", "kpi_return__entity__department"
    )
    if entity is not None:
        qs = qs.filter(kpi_return__entity=entity)
    if department is not None:
        qs = qs.filter(kpi_return__entity__department=department)
    if kpi is not None:
        qs = qs.filter(kpi=kpi)
    if period is not None:
        qs = qs.filter(kpi_return__period=period)
    if entity_type:
        qs = qs.filter(kpi_return__entity__type=entity_type)
    return qs.order_by(
        "kpi_return__period__ends_on",
        "kpi_return__entity__department__code",
        "kpi_return__entity__code",
        "kpi__position",
    )


def latest_due_quarter() -> ReportingPeriod | None:
    """The latest quarter whose returns were due (deadline passed): the period a report is
    generated for by default (``cgu_report --period latest``, the reports screen)."""
    return (
        ReportingPeriod.objects.filter(
            kind=ReportingPeriod.Kind.QUARTERLY, deadline__lt=timezone.localdate()
        )
        .order_by("-ends_on")
        .first()
    )


def published_periods(*, kind: str | None = None) -> QuerySet:
    """Periods with at least one published return, oldest first."""
    qs = ReportingPeriod.objects.filter(
        pk__in=KpiReturn.objects.filter(is_published=True).values("period_id")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("ends_on", "kind")


@dataclass(frozen=True)
class Point:
    """One period's figure in a series; ``entities`` is how many PSEs it combines."""

    period: ReportingPeriod
    value: Decimal
    entities: int = 1


@dataclass
class Series:
    kpi: KpiDefinition
    points: list[Point] = field(default_factory=list)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


# Reads of the CGU's screens that run on every view are compiled once (``kernel.compiled``).
@compiled
def active_kpis():
    """The KPIs in use, in their order (the dashboard's chooser and lists)."""
    return KpiDefinition.objects.filter(is_active=True)


_kpis_by_id = by_id(KpiDefinition)
_periods_by_id = by_id(ReportingPeriod)
_departments_by_id = by_id(Department)


def entity_series(entity, *, kind: str = ReportingPeriod.Kind.QUARTERLY) -> list[Series]:
    """Each KPI's published figures for one PSE over the periods of ``kind``, oldest first."""
    by_kpi: dict[int, Series] = {}
    for v in published_figures(entity=entity).filter(kpi_return__period__kind=kind):
        series = by_kpi.setdefault(v.kpi_id, Series(kpi=v.kpi))
        series.points.append(Point(period=v.kpi_return.period, value=v.value))
    return sorted(by_kpi.values(), key=lambda s: (s.kpi.position, s.kpi.code))


def published_stamp() -> str:
    """A fingerprint of what is published: it changes whenever a return is published (a
    new row, so the count or the highest id moves) or replaced by a newer accepted version
    (its ``decided_at`` is the newest). Published figures never change in place: returns
    and their values are read-only after entry (``cgu.services``, read-only admin). One
    aggregate over the partial index ``kpireturn_published``."""
    n, top, last = _published_aggregate.first() or (0, None, None)
    return f"{n}.{top}.{last.isoformat() if last else '-'}"


@compiled
def _published_aggregate():
    # aggregate() as a grouped values_list (one group, or no row when nothing is published),
    # so that it can be compiled once.
    return (
        KpiReturn.objects.filter(is_published=True)
        .order_by()
        .values("is_published")
        .annotate(n=Count("id"), top=Max("id"), last=Max("decided_at"))
        .values_list("n", "top", "last")
    )


def _cached_published(key: str, compute, stamp: str | None = None):
    """``compute()`` (a list of plain values rows over *published* figures only), cached
    under ``key`` and the current ``published_stamp``: the same for every viewer, signed in
    or not, and stale never — a publication changes the stamp, so the old entry is unused
    (it expires after a day). Names (KPIs, periods, departments) are not cached: they are
    read fresh, so an edit in the registry shows at once. ``stamp``: the ``published_stamp``
    the caller read for this request (a screen with two cached figures reads it once)."""
    full = f"cgu:published:{stamp or published_stamp()}:{key}"
    rows = cache.get(full)
    if rows is None:
        rows = list(compute())
        cache.set(full, rows, 24 * 3600)
    return rows


def _aggregate(values, *, cache_key=None, kpi=None, stamp=None) -> list[Series]:
    """``values()``: the figures to combine (a queryset of KpiValue, built only when the
    cache does not answer)."""

    def compute():
        return (
            values()
            .values("kpi_id", "kpi_return__period_id")
            .annotate(total=Sum("value"), mean=Avg("value"), n=Count("id"))
        )

    rows = _cached_published(cache_key, compute, stamp) if cache_key else list(compute())
    kpis = {kpi.pk: kpi} if kpi is not None else _kpis_by_id(r["kpi_id"] for r in rows)
    periods = _periods_by_id(r["kpi_return__period_id"] for r in rows)
    by_kpi: dict[int, Series] = {}
    for r in rows:
        kpi = kpis[r["kpi_id"]]
        value = r["mean"] if kpi.aggregation == KpiDefinition.Aggregation.MEAN else r["total"]
        series = by_kpi.setdefault(kpi.pk, Series(kpi=kpi))
        series.points.append(
            Point(period=periods[r["kpi_return__period_id"]], value=_q2(value), entities=r["n"])
        )
    for series in by_kpi.values():
        series.points.sort(key=lambda p: p.period.ends_on)
    return sorted(by_kpi.values(), key=lambda s: (s.kpi.position, s.kpi.code))


def department_series(department, *, kind: str = ReportingPeriod.Kind.QUARTERLY) -> list[Series]:
    """Each KPI's published figures of a department's PSEs combined per period (amounts
    added up, rates averaged: ``KpiDefinition.aggregation``), oldest first."""
    return _aggregate(
        lambda: KpiValue.objects.filter(
            kpi_return__is_published=True,
            kpi_return__entity__department=department,
            kpi_return__period__kind=kind,
        )
    )


def province_series(
    *,
    kind: str = ReportingPeriod.Kind.QUARTERLY,
    kpi=None,
    entity_type: str | None = None,
    cached: bool = False,
    stamp: str | None = None,
) -> list[Series]:
    """Like ``department_series`` for all PSEs (optionally one KPI or entity type).
    ``cached``: serve the aggregate from the cache under ``published_stamp`` (the CGU's
    screens); the public site caches its rendered pages instead, and its tests expect the
    same queries whether or not a publication just happened. ``stamp``: see
    ``_cached_published``."""

    def values():
        qs = KpiValue.objects.filter(kpi_return__is_published=True, kpi_return__period__kind=kind)
        if kpi is not None:
            qs = qs.filter(kpi=kpi)
        if entity_type:
            qs = qs.filter(kpi_return__entity__type=entity_type)
        return qs

    key = f"province:{kind}:{kpi.pk if kpi is not None else '*'}:{entity_type or '*'}"
    return _aggregate(values, cache_key=key if cached else None, kpi=kpi, stamp=stamp)


@dataclass(frozen=True)
class DepartmentFigure:
    department: Department
    value: Decimal
    entities: int


def kpi_by_department(
    kpi: KpiDefinition, period: ReportingPeriod, *, stamp: str | None = None
) -> list[DepartmentFigure]:
    """One KPI for one period, combined per department (published figures only). ``stamp``:
    see ``_cached_published``."""
    rows = _cached_published(
        f"by-department:{kpi.pk}:{period.pk}",
        lambda: (
            KpiValue.objects.filter(
                kpi_return__is_published=True, kpi=kpi, kpi_return__period=period
            )
            .values("kpi_return__entity__department_id")
            .annotate(total=Sum("value"), mean=Avg("value"), n=Count("id"))
        ),
        stamp,
    )
    departments = _departments_by_id(r["kpi_return__entity__department_id"] for r in rows)
    use_mean = kpi.aggregation == KpiDefinition.Aggregation.MEAN
    out = [
        DepartmentFigure(
            department=departments[r["kpi_return__entity__department_id"]],
            value=_q2(r["mean"] if use_mean else r["total"]),
            entities=r["n"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda f: f.department.code)


def kpi_ranking(kpi: KpiDefinition, period: ReportingPeriod, *, department=None) -> QuerySet:
    """One KPI's published figures for one period, one row per PSE, highest first."""
    return published_figures(kpi=kpi, period=period, department=department).order_by(
        "-value", "kpi_return__entity__code"
    )


def not_reported(period: ReportingPeriod, *, department=None) -> QuerySet:
    """Active PSEs with no published figures for ``period`` (they have not filed, or their
    return is not accepted yet). The public sees only this, never why."""
    qs = public_entities(department=department).exclude(
        pk__in=KpiReturn.objects.filter(period=period, is_published=True).values("entity_id")
    )
    return qs


# ---------------------------------------------------------------- staff: compliance


class FilingState:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"  # not filed, deadline passed
    NOT_DUE = "not_due"  # not filed, deadline not yet passed


@dataclass
class EntityCompliance:
    """One PSE's filing for a period. ``first_received_on`` is when version 1 arrived;
    lateness is judged on it. ``latest`` is the newest version (None if never filed)."""

    entity: PublicSectorEntity
    state: str
    first_received_on: dt.date | None = None
    latest: KpiReturn | None = None
    versions: int = 0
    days_late: int = 0
    reminders: int = 0
    last_reminded: dt.datetime | None = None

    @property
    def filed(self) -> bool:
        return self.state in (FilingState.ON_TIME, FilingState.LATE)

    @property
    def owes_return(self) -> bool:
        """Still owes the CGU a clean return: never filed after the deadline, or its latest
        version was returned and not yet resubmitted."""
        if self.state == FilingState.OVERDUE:
            return True
        return self.latest is not None and self.latest.status == KpiReturn.Status.RETURNED


@dataclass
class ComplianceCounts:
    """Counts for a department (or, with ``department=None``, all of them)."""

    department: Department | None
    expected: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_due: int = 0
    accepted: int = 0
    awaiting_review: int = 0
    returned: int = 0

    @property
    def filed(self) -> int:
        return self.on_time + self.late

    @property
    def not_filed(self) -> int:
        return self.overdue + self.not_due

    @property
    def rate(self) -> Decimal:
        """Compliance rate: per cent of expected PSEs that filed (on time or late)."""
        return _q2(Decimal(100) * self.filed / self.expected) if self.expected else Decimal(0)

    @property
    def on_time_rate(self) -> Decimal:
        return _q2(Decimal(100) * self.on_time / self.expected) if self.expected else Decimal(0)

    def add(self, row: EntityCompliance) -> None:
        self.count(row.state, row.latest.status if row.latest is not None else None)

    def count(self, state: str, latest_status: str | None) -> None:
        """Count one PSE in ``state`` whose latest version has ``latest_status`` (None if
        it never filed)."""
        self.expected += 1
        setattr(self, state, getattr(self, state) + 1)
        if latest_status == KpiReturn.Status.ACCEPTED:
            self.accepted += 1
        elif latest_status in KpiReturn.OPEN_STATUSES:
            self.awaiting_review += 1
        elif latest_status == KpiReturn.Status.RETURNED:
            self.returned += 1


@dataclass
class PeriodCompliance:
    period: ReportingPeriod
    on: dt.date
    rows: list[EntityCompliance]
    totals: ComplianceCounts
    departments: list[ComplianceCounts]

    def with_state(self, state: str) -> list[EntityCompliance]:
        return [r for r in self.rows if r.state == state]

    @property
    def owing(self) -> list[EntityCompliance]:
        return [r for r in self.rows if r.owes_return]

    @property
    def self_filed(self) -> int:
        """Entities whose latest version they filed themselves (portal or API)."""
        return sum(1 for r in self.rows if r.latest and r.latest.channel == "entity")

    @property
    def keyed_in(self) -> int:
        """Entities whose latest version the CGU had to key in for them."""
        return sum(1 for r in self.rows if r.latest and r.latest.channel == "cgu")


def _filing(first_received_on: dt.date | None, period: ReportingPeriod, on: dt.date):
    """A PSE's ``(state, days_late)`` for ``period`` as of ``on``: lateness is judged on
    when version 1 arrived; never filed is overdue once the deadline has passed."""
    if first_received_on is not None:
        days = max(0, (first_received_on - period.deadline).days)
        return (FilingState.LATE if days else FilingState.ON_TIME), days
    if on > period.deadline:
        return FilingState.OVERDUE, (on - period.deadline).days
    return FilingState.NOT_DUE, 0


@dataclass
class PeriodCounts:
    """``PeriodCompliance`` without its rows: the totals and the per-department counts."""

    period: ReportingPeriod
    on: dt.date
    totals: ComplianceCounts
    departments: list[ComplianceCounts]


def compliance_counts(period: ReportingPeriod, *, on: dt.date | None = None) -> PeriodCounts:
    """The counts of ``compliance`` (same rules, same figures) from plain values, with no
    model instance per PSE or return: for screens that show only the counts (the
    dashboard). Three queries whatever the number of PSEs."""
    on = on or timezone.localdate()
    first: dict[int, dt.date] = {}
    latest: dict[int, str] = {}
    for entity_id, received_on, status in _filings_of(period_id=period.pk):
        first.setdefault(entity_id, received_on)
        latest[entity_id] = status
    entities = _active_entities()
    departments = _departments_by_id(dept for _pk, dept in entities)
    totals = ComplianceCounts(department=None)
    per_dept: dict[int, ComplianceCounts] = {}
    for pk, dept in entities:
        state, _days = _filing(first.get(pk), period, on)
        totals.count(state, latest.get(pk))
        counts = per_dept.get(dept)
        if counts is None:
            counts = per_dept[dept] = ComplianceCounts(department=departments[dept])
        counts.count(state, latest.get(pk))
    ordered = sorted(per_dept.values(), key=lambda c: c.department.code)
    return PeriodCounts(period=period, on=on, totals=totals, departments=ordered)


@compiled
def _filings_of(*, period_id: int):
    return (
        KpiReturn.objects.filter(period_id=period_id)
        .order_by("entity_id", "version")
        .values_list("entity_id", "received_on", "status")
    )


@compiled
def _active_entities_in_order():
    return PublicSectorEntity.objects.filter(is_active=True)  # by department code, then code


@compiled
def _period_returns(*, period_id: int):
    # Who entered or reviewed a version is not part of compliance: no user rows joined,
    # and none of the long text columns loaded.
    return (
        KpiReturn.objects.filter(period_id=period_id)
        .only(
            "id",
            "entity_id",
            "period_id",
            "version",
            "status",
            "received_on",
            "is_published",
            "channel",
        )
        .order_by("entity_id", "version")
    )


@compiled
def _reminder_counts(*, period_id: int):
    return (
        Reminder.objects.filter(period_id=period_id)
        .values("entity_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .values_list("entity_id", "n", "last")
    )


@compiled
def _active_entities():
    return PublicSectorEntity.objects.filter(is_active=True).values_list("pk", "department_id")


def compliance(period: ReportingPeriod, *, on: dt.date | None = None) -> PeriodCompliance:
    """Who filed on time, who filed late, who never filed (overdue once the deadline has
    passed), per PSE and per department, as of ``on`` (today by default). A fixed number
    of queries whatever the number of PSEs."""
    on = on or timezone.localdate()
    # The PSEs without a join: their few departments are read once and set on them (183
    # entities made 183 department instances too).
    entities = _active_entities_in_order()
    departments = _departments_by_id(e.department_id for e in entities)
    for entity in entities:
        entity.department = departments[entity.department_id]
    by_entity: dict[int, list[KpiReturn]] = defaultdict(list)
    for r in _period_returns(period_id=period.pk):
        r.period = period
        by_entity[r.entity_id].append(r)
    reminders = {
        entity_id: {"n": n, "last": last}
        for entity_id, n, last in _reminder_counts(period_id=period.pk)
    }
    rows = []
    for entity in entities:
        versions = by_entity.get(entity.pk, [])
        reminded = reminders.get(entity.pk, {})
        row = EntityCompliance(
            entity=entity,
            state=FilingState.NOT_DUE,
            versions=len(versions),
            reminders=reminded.get("n", 0),
            last_reminded=reminded.get("last"),
        )
        if versions:
            for v in versions:
                v.entity = entity
            row.first_received_on = versions[0].received_on
            row.latest = versions[-1]
        row.state, row.days_late = _filing(row.first_received_on, period, on)
        rows.append(row)
    totals = ComplianceCounts(department=None)
    per_dept: dict[int, ComplianceCounts] = {}
    for row in rows:
        totals.add(row)
        dept = row.entity.department
        per_dept.setdefault(dept.pk, ComplianceCounts(department=dept)).add(row)
    departments = sorted(per_dept.values(), key=lambda c: c.department.code)
    return PeriodCompliance(period=period, on=on, rows=rows, totals=totals, departments=departments)


@dataclass
class Escalation:
    """A PSE the head of the CGU should take up: it owes a return long after the deadline,
    or after repeated reminders."""

    entity: PublicSectorEntity
    period: ReportingPeriod
    days_overdue: int
    reminders: int
    returned: bool  # it filed, but its latest version was returned and not resubmitted
    periods_owed: int = 1  # how many periods this entity owes in all


def escalations(
    *,
    on: dt.date | None = None,
    after_days: int = ESCALATE_AFTER_DAYS,
    after_reminders: int = ESCALATE_AFTER_REMINDERS,
    lookback_days: int = 730,
) -> list[Escalation]:
    """The escalation list for the head of the CGU: for every period whose deadline passed
    in the last ``lookback_days``, each PSE that still owes a clean return ``after_days``
    past the deadline or after ``after_reminders`` reminders. Most overdue first."""
    on = on or timezone.localdate()
    periods = {
        p.pk: p
        for p in ReportingPeriod.objects.filter(
            deadline__lt=on, deadline__gte=on - dt.timedelta(days=lookback_days)
        )
    }
    entities = {
        e.pk: e
        for e in PublicSectorEntity.objects.filter(is_active=True).select_related("department")
    }
    latest_status: dict[tuple[int, int], str] = {}
    for r in (
        KpiReturn.objects.filter(period_id__in=periods)
        .order_by("entity_id", "period_id", "version")
        .values("entity_id", "period_id", "status")
    ):
        latest_status[(r["entity_id"], r["period_id"])] = r["status"]
    reminder_counts = {
        (r["entity_id"], r["period_id"]): r["n"]
        for r in Reminder.objects.filter(period_id__in=periods)
        .values("entity_id", "period_id")
        .annotate(n=Count("id"))
    }
    out = []
    for period in periods.values():
        days = (on - period.deadline).days
        for entity in entities.values():
            status = latest_status.get((entity.pk, period.pk))
            if status is not None and status != KpiReturn.Status.RETURNED:
                continue
            reminders = reminder_counts.get((entity.pk, period.pk), 0)
            if days >= after_days or reminders >= after_reminders:
                out.append(
                    Escalation(
                        entity=entity,
                        period=period,
                        days_overdue=days,
                        reminders=reminders,
                        returned=status == KpiReturn.Status.RETURNED,
                    )
                )
    owed = defaultdict(int)
    for e in out:
        owed[e.entity.pk] += 1
    for e in out:
        e.periods_owed = owed[e.entity.pk]
    out.sort(key=lambda e: (-e.periods_owed, -e.days_overdue, e.entity.code))
    return out


@dataclass
class EscalatedEntity:
    """One entity on the escalation list with every period it owes, most overdue first."""

    entity: PublicSectorEntity
    items: list[Escalation]

    @property
    def days_overdue(self) -> int:
        return max(e.days_overdue for e in self.items)

    @property
    def reminders(self) -> int:
        return sum(e.reminders for e in self.items)


def escalations_by_entity(rows: list[Escalation]) -> list[EscalatedEntity]:
    """``escalations()`` grouped per entity (the order of first appearance is kept)."""
    grouped: dict[int, EscalatedEntity] = {}
    for row in rows:
        grouped.setdefault(row.entity.pk, EscalatedEntity(row.entity, [])).items.append(row)
    for group in grouped.values():
        group.items.sort(key=lambda e: -e.days_overdue)
    return list(grouped.values())


# ---------------------------------------------------------------- staff: returns


def returns_list(
    *, status: str | None = None, period=None, entity=None, department=None
) -> QuerySet:
    """Every version of every return, newest first, with what a list shows loaded and
    ``value_count`` annotated."""
    qs = KpiReturn.objects.select_related(
        "entity__department", "period", "submitted_by", "reviewed_by"
    ).annotate(value_count=Count("values"))
    if status:
        qs = qs.filter(status=status)
    if period is not None:
        qs = qs.filter(period=period)
    if entity is not None:
        qs = qs.filter(entity=entity)
    if department is not None:
        qs = qs.filter(entity__department=department)
    return qs.order_by("-submitted_at", "-pk")


@dataclass
class ReturnsPage:
    """One page of ``returns_page``: the rows and the cursor of the next page (None on the
    last)."""

    rows: list[KpiReturn]
    next_cursor: str | None


def _encode_cursor(kpi_return: KpiReturn) -> str:
    raw = json.dumps([kpi_return.submitted_at.isoformat(), kpi_return.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        at, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = dt.datetime.fromisoformat(at)
    except (ValueError, TypeError):
        return None
    if not isinstance(pk, int) or timezone.is_naive(at):
        return None
    return at, pk


RETURNS_PAGE = 50
_RETURNS_RELATED = ("entity__department", "period", "submitted_by", "reviewed_by")


def returns_page(
    *,
    status: str | None = None,
    period=None,
    department=None,
    cursor: str | None = None,
    limit: int = RETURNS_PAGE,
) -> ReturnsPage:
    """Every version of every return, newest first, ``limit`` at a time: keyset pages on
    (``submitted_at``, ``id``) — index ``kpireturn_newest`` — so a page costs the same in
    year ten as in year one, with no COUNT over the table. Each row has ``value_count``
    (counted for the page's rows only, not by a GROUP BY over every return's values)."""
    if not (status or period or department or cursor) and limit == RETURNS_PAGE:
        rows = _newest_returns()  # the list as the CGU opens it: compiled
    else:
        rows = _returns_rows(status, period, department, cursor, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    counts = dict(_value_counts(return_ids=[r.pk for r in rows])) if rows else {}
    for r in rows:
        r.value_count = counts.get(r.pk, 0)
    return ReturnsPage(rows=rows, next_cursor=_encode_cursor(rows[-1]) if more else None)


def _returns_rows(status, period, department, cursor, limit) -> list[KpiReturn]:
    qs = KpiReturn.objects.all()
    if status:
        qs = qs.filter(status=status)
    if period is not None:
        qs = qs.filter(period=period)
    if department is not None:
        qs = qs.filter(entity__department=department)
    after = _decode_cursor(cursor)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk))
    # The page's ids first, from the return table alone (an index scan on kpireturn_newest,
    # stopping after limit + 1), then the joins for those rows only: joining first let the
    # planner join every return to its entity, period and users before sorting.
    ids = qs.order_by("-submitted_at", "-pk").values("pk")[: limit + 1]
    return list(
        KpiReturn.objects.filter(pk__in=ids)
        .select_related(*_RETURNS_RELATED)
        .order_by("-submitted_at", "-pk")
    )


@compiled
def _newest_returns():
    ids = KpiReturn.objects.order_by("-submitted_at", "-pk").values("pk")[: RETURNS_PAGE + 1]
    return (
        KpiReturn.objects.filter(pk__in=ids)
        .select_related(*_RETURNS_RELATED)
        .order_by("-submitted_at", "-pk")
    )


@compiled
def _value_counts(*, return_ids: list[int]):
    return (
        KpiValue.objects.filter(kpi_return_id__any_of=return_ids)
        .values("kpi_return_id")
        .annotate(n=Count("id"))
        .values_list("kpi_return_id", "n")
    )


@compiled
def recent_periods():
    """The latest 16 periods, newest first (the period choosers of the CGU's lists)."""
    return ReportingPeriod.objects.order_by("-ends_on", "pk")[:16]


@compiled
def departments_with_entities():
    """Departments that have PSEs (the department choosers of the CGU's lists)."""
    return Department.objects.filter(public_sector_entities__isnull=False).distinct()


AWAITING_ON_DASHBOARD = 8


@compiled
def awaiting_review():
    """The oldest ``AWAITING_ON_DASHBOARD`` returns waiting for review (index
    ``kpireturn_queue``), with entity and period loaded: no count of figures, so no GROUP BY
    over every return's values."""
    return (
        KpiReturn.objects.filter(status__in=KpiReturn.OPEN_STATUSES)
        .select_related("entity", "period")
        .order_by("submitted_at", "pk")[:AWAITING_ON_DASHBOARD]
    )


def return_detail(pk: int) -> KpiReturn:
    """One return with its values (and their KPIs) and its other versions."""
    return (
        KpiReturn.objects.select_related(
            "entity__department",
            "entity__monitoring_file",
            "enclosure__file",
            "period",
            "submitted_by",
            "reviewed_by",
            "certified_by",
        )
        .prefetch_related(
            Prefetch(
                "values",
                queryset=KpiValue.objects.select_related("kpi").order_by(
                    "kpi__position", "kpi__code"
                ),
            )
        )
        .get(pk=pk)
    )


def versions_of(kpi_return: KpiReturn) -> QuerySet:
    return (
        KpiReturn.objects.filter(entity_id=kpi_return.entity_id, period_id=kpi_return.period_id)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-version")
    )


def entities_list(*, department=None, entity_type=None, q: str = "") -> QuerySet:
    """The registry for staff, with each PSE's number of returns and latest published
    period annotated."""
    qs = PublicSectorEntity.objects.select_related("department", "monitoring_file").annotate(
        return_count=Count("returns", distinct=True),
        last_published=Max("returns__period__ends_on", filter=Q(returns__is_published=True)),
    )
    if department is not None:
        qs = qs.filter(department=department)
    if entity_type:
        qs = qs.filter(type=entity_type)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name_en__icontains=q) | Q(name_ur__icontains=q))
    return qs.order_by("department__code", "code")


def current_period(*, on: dt.date | None = None, kind: str = ReportingPeriod.Kind.QUARTERLY):
    """The latest period of ``kind`` that has ended (the one returns are coming in for)."""
    return _latest_ended.first(kind=kind, on=on or timezone.localdate())


@compiled
def _latest_ended(*, kind: str, on: dt.date):
    return ReportingPeriod.objects.filter(kind=kind, ends_on__lt=on).order_by("-ends_on", "pk")[:1]
