"""Reads for the entities' own portal and API. Every function takes the entity the signed-in
entity user belongs to and reads that entity's rows only; the caller never passes ids from
the request to another entity's rows (the views look a row up *within* the entity, so
another entity's ids are simply not found: 404)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import get_language

from cgu.models import (
    EntityDraft,
    EntityUser,
    KpiReturn,
    KpiValue,
    PublicSectorEntity,
    ReportingPeriod,
)
from cgu.selectors._common import _kpis_by_id, _periods_by_id, _q2
from cgu.selectors.entity_portal import (
    due_periods,
    home_reads,
    members_of,
    open_draft_of,
    period_by_code,
    versions_with_values,
)
from cgu.selectors.published import _cached_published, published_stamp, stamp_of


@dataclass
class DueRow:
    period: ReportingPeriod
    latest: KpiReturn | None
    draft: EntityDraft | None
    overdue: bool
    days_left: int

    @property
    def needs_filing(self) -> bool:
        """Nothing filed yet, or the latest version returned: the entity owes a return."""
        return self.latest is None or self.latest.status == KpiReturn.Status.RETURNED

    @property
    def status_key(self) -> str:
        """What the entity reads: draft/certified (theirs), or the CGU's status of the
        latest version, ``published`` for the accepted and published one."""
        if self.latest is not None and not self.needs_filing:
            return "published" if self.latest.is_published else self.latest.status
        if self.draft is not None:
            return self.draft.state
        if self.latest is not None:
            return self.latest.status
        return "overdue" if self.overdue else "due"


def due(entity: PublicSectorEntity, *, on: dt.date | None = None) -> list[DueRow]:
    """The latest ended periods, newest first, with what the entity has done for each.
    One compiled query whatever the number of periods and versions
    (``cgu.selectors.entity_portal.due_periods``): each period comes with its latest
    version's and its open draft's few fields, as the home page shows them; ``latest`` and
    ``draft`` are built from those fields only."""
    on = on or timezone.localdate()
    return _due_rows(entity, due_periods(entity_id=entity.pk, on=on), on)


def _due_rows(entity: PublicSectorEntity, periods: list, on: dt.date) -> list[DueRow]:
    rows = []
    for p in periods:
        row = DueRow(
            period=p,
            latest=KpiReturn(entity=entity, period=p, **p.latest_row) if p.latest_row else None,
            draft=EntityDraft(entity=entity, period=p, **p.draft_row) if p.draft_row else None,
            overdue=False,
            days_left=(p.deadline - on).days,
        )
        row.overdue = row.needs_filing and on > p.deadline
        rows.append(row)
    return rows


@dataclass
class Home:
    """The entity portal's home page's reads that depend on the entity alone."""

    rows: list[DueRow]  # as ``due`` gives them
    stamp: str  # ``published_stamp``, for ``benchmarks``
    people: list[EntityUser]  # as ``members`` gives them; only if asked for


def home(entity: PublicSectorEntity, *, with_people: bool, on: dt.date | None = None) -> Home:
    """``due``, the published stamp and (for a head) ``members``, read in one round trip
    (``cgu.selectors.entity_portal.home_reads``) rather than three."""
    on = on or timezone.localdate()
    periods, aggregate, people = home_reads(entity_id=entity.pk, on=on, with_people=with_people)
    return Home(rows=_due_rows(entity, periods, on), stamp=stamp_of(aggregate), people=people)


def versions(entity: PublicSectorEntity, period: ReportingPeriod) -> list[KpiReturn]:
    """Every version of the entity's return for ``period``, newest first, with its values
    (``version.values.all()``, with their KPIs, in the KPIs' order)."""
    return versions_with_values(entity_id=entity.pk, period_id=period.pk)


def period_of(code: str) -> ReportingPeriod | None:
    """The period of ``code``, or None."""
    return period_by_code.first(code=code)


def open_draft(entity: PublicSectorEntity, period: ReportingPeriod) -> EntityDraft | None:
    return open_draft_of.first(entity_id=entity.pk, period_id=period.pk)


def members(entity: PublicSectorEntity) -> list[EntityUser]:
    return members_of(entity_id=entity.pk)


@dataclass
class Comparison:
    kpi_code: str
    kpi_name: str
    unit: str
    value: Decimal | None
    department_median: Decimal | None
    province_median: Decimal | None


@dataclass
class Benchmarks:
    period: ReportingPeriod | None
    rows: list[Comparison] = field(default_factory=list)


def _median(values: list[Decimal]) -> Decimal | None:
    return _q2(statistics.median(values)) if values else None


def _medians(period_id: int, department_id: int) -> list[tuple]:
    """``(kpi_id, department's median, province's median)`` of a period's published figures."""
    everyone: dict[int, list[Decimal]] = {}
    department: dict[int, list[Decimal]] = {}
    for kpi_id, value, dept_id in (
        KpiValue.objects.filter(kpi_return__period_id=period_id, kpi_return__is_published=True)
        .order_by()
        .values_list("kpi_id", "value", "kpi_return__entity__department_id")
    ):
        everyone.setdefault(kpi_id, []).append(value)
        if dept_id == department_id:
            department.setdefault(kpi_id, []).append(value)
    return [(k, _median(department.get(k, [])), _median(v)) for k, v in everyone.items()]


def _published_figures_of(entity_id: int) -> list[tuple]:
    """``(period_id, kpi_id, value)`` of the entity's latest published return (the newest
    period it has one for), in one query: the return is found by a subquery."""
    newest = (
        KpiReturn.objects.filter(entity_id=entity_id, is_published=True)
        .order_by("-period__ends_on")
        .values("pk")[:1]
    )
    return list(
        KpiValue.objects.filter(kpi_return=Subquery(newest))
        .order_by()
        .values_list("kpi_return__period_id", "kpi_id", "value")
    )


def benchmarks(entity: PublicSectorEntity, *, periods=(), stamp: str | None = None) -> Benchmarks:
    """The entity's published figures for the latest period it has any, beside the median of
    its department's entities and of every entity in the province (published figures only).
    The figures and the medians are cached under ``published_stamp`` (as the CGU's other
    published aggregates): only a publication changes them, and it changes the stamp, so
    they are never stale. The KPIs' and the period's names are read fresh by id (compiled
    reads), so a registry edit shows at once. ``periods``: periods the caller has read for
    this request (the home page's due periods), so the published period's is not read again.
    The stamp and the KPIs' names, and the period's when it is not among ``periods``; the
    figures and the medians only when the stamp has moved. ``stamp``: the
    ``published_stamp`` the caller read for this request (``home``)."""
    stamp = stamp or published_stamp()
    figures = _cached_published(
        f"entity-figures:{entity.pk}", lambda: _published_figures_of(entity.pk), stamp
    )
    if not figures:
        return Benchmarks(period=None)
    period_id = figures[0][0]
    medians = {
        kpi_id: (dept, province)
        for kpi_id, dept, province in _cached_published(
            f"medians:{period_id}:{entity.department_id}",
            lambda: _medians(period_id, entity.department_id),
            stamp,
        )
    }
    kpis = _kpis_by_id(kpi_id for _period, kpi_id, _value in figures)
    period = next((p for p in periods if p.pk == period_id), None)
    if period is None:
        period = _periods_by_id([period_id])[period_id]
    urdu = (get_language() or "").startswith("ur")
    rows = []
    for _period, kpi_id, value in sorted(
        figures, key=lambda f: (kpis[f[1]].position, kpis[f[1]].code)
    ):
        kpi = kpis[kpi_id]
        dept, province = medians.get(kpi_id, (None, None))
        rows.append(
            Comparison(
                kpi_code=kpi.code,
                kpi_name=kpi.name_ur if urdu and kpi.name_ur else kpi.name_en,
                unit=kpi.unit,
                value=value,
                department_median=dept,
                province_median=province,
            )
        )
    return Benchmarks(period=period, rows=rows)
