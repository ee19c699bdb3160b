"""Staff reads of who filed (the caller checks ``cgu.access.is_cgu_staff``): each PSE's filing
for a period (on time, late, overdue), the counts per department, and the escalation list for
the head of the CGU. They see every version of a return, not only the published one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from cgu.models import KpiReturn, PublicSectorEntity, Reminder, ReportingPeriod
from cgu.selectors._common import _departments_by_id, _q2
from kernel.compiled import compiled, together
from organisation.models import Department

ESCALATE_AFTER_DAYS = 30
ESCALATE_AFTER_REMINDERS = 2


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
    dashboard). Three queries whatever the number of PSEs, the first two in one round trip
    (``kernel.compiled.together``)."""
    on = on or timezone.localdate()
    first: dict[int, dt.date] = {}
    latest: dict[int, str] = {}
    filings, entities = together(_filings_of.bind(period_id=period.pk), _active_entities.bind())
    for entity_id, received_on, status in filings:
        first.setdefault(entity_id, received_on)
        latest[entity_id] = status
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


@dataclass(slots=True)
class FilingRow:
    """One PSE's line on the compliance screen (``compliance_table``): what its
    ``EntityCompliance`` says, from plain values, with no PSE or return instance. The
    ``latest_*`` fields are those of its newest version (None if it never filed)."""

    entity_code: str
    name_en: str
    name_ur: str
    department_code: str
    state: str
    days_late: int
    first_received_on: dt.date | None
    latest_id: int | None
    latest_version: int | None
    latest_status: str | None
    latest_channel: str | None
    reminders: int

    @property
    def filed(self) -> bool:
        return self.state in (FilingState.ON_TIME, FilingState.LATE)

    @property
    def owes_return(self) -> bool:
        """As ``EntityCompliance.owes_return``."""
        if self.state == FilingState.OVERDUE:
            return True
        return self.latest_status == KpiReturn.Status.RETURNED


@dataclass
class ComplianceTable:
    """``PeriodCompliance`` as the compliance screen shows it: the same counts, and a
    ``FilingRow`` per active PSE instead of an ``EntityCompliance`` with instances."""

    period: ReportingPeriod
    on: dt.date
    rows: list[FilingRow]
    totals: ComplianceCounts
    departments: list[ComplianceCounts]

    def with_state(self, state: str) -> list[FilingRow]:
        return [r for r in self.rows if r.state == state]

    @property
    def owing(self) -> list[FilingRow]:
        return [r for r in self.rows if r.owes_return]

    @property
    def self_filed(self) -> int:
        return sum(1 for r in self.rows if r.latest_channel == "entity")

    @property
    def keyed_in(self) -> int:
        return sum(1 for r in self.rows if r.latest_channel == "cgu")


def compliance_table(period: ReportingPeriod, *, on: dt.date | None = None) -> ComplianceTable:
    """``compliance`` (same rules, same figures, same rows) from plain values, for the
    compliance screen: its 183 PSEs and their ~170 returns made ~360 model instances a page
    (~10 ms of CPU at 100k files, docs/benchmarks.md "The CGU's screens (issue 20)").
    Four queries whatever the number of PSEs; ``tests/cgu/test_compliance.py`` compares it
    with ``compliance`` row by row."""
    on = on or timezone.localdate()
    first: dict[int, dt.date] = {}
    latest: dict[int, tuple] = {}
    for entity_id, pk, version, status, received_on, channel in _filing_rows_of(
        period_id=period.pk
    ):
        first.setdefault(entity_id, received_on)
        latest[entity_id] = (pk, version, status, channel)
    reminders = dict(
        (entity_id, n) for entity_id, n, _last in _reminder_counts(period_id=period.pk)
    )
    entities = _active_entity_names()
    departments = _departments_by_id(row[4] for row in entities)
    totals = ComplianceCounts(department=None)
    per_dept: dict[int, ComplianceCounts] = {}
    rows = []
    never = (None, None, None, None)
    for pk, code, name_en, name_ur, dept in entities:
        received_on = first.get(pk)
        state, days = _filing(received_on, period, on)
        latest_id, version, status, channel = latest.get(pk, never)
        department = departments[dept]
        rows.append(
            FilingRow(
                entity_code=code,
                name_en=name_en,
                name_ur=name_ur,
                department_code=department.code,
                state=state,
                days_late=days,
                first_received_on=received_on,
                latest_id=latest_id,
                latest_version=version,
                latest_status=status,
                latest_channel=channel,
                reminders=reminders.get(pk, 0),
            )
        )
        totals.count(state, status)
        counts = per_dept.get(dept)
        if counts is None:
            counts = per_dept[dept] = ComplianceCounts(department=department)
        counts.count(state, status)
    ordered = sorted(per_dept.values(), key=lambda c: c.department.code)
    return ComplianceTable(period=period, on=on, rows=rows, totals=totals, departments=ordered)


@compiled
def _filing_rows_of(*, period_id: int):
    return (
        KpiReturn.objects.filter(period_id=period_id)
        .order_by("entity_id", "version")
        .values_list("entity_id", "id", "version", "status", "received_on", "channel")
    )


@compiled
def _active_entity_names():
    return PublicSectorEntity.objects.filter(is_active=True).values_list(
        "pk", "code", "name_en", "name_ur", "department_id"
    )  # by department code, then code, as ``compliance``


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
