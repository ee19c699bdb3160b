"""Reads for the entities' own portal and API. Every function takes the entity the signed-in
entity user belongs to and reads that entity's rows only; the caller never passes ids from
the request to another entity's rows (the views look a row up *within* the entity, so
another entity's ids are simply not found: 404)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
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
from cgu.selectors._common import _q2
from cgu.selectors.published import _cached_published

DUE_PERIODS = 8  # the periods the portal lists: the latest ended ones


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
    Three queries whatever the number of periods and versions."""
    on = on or timezone.localdate()
    periods = list(
        ReportingPeriod.objects.filter(ends_on__lt=on).order_by("-ends_on", "kind")[:DUE_PERIODS]
    )
    ids = [p.pk for p in periods]
    latest: dict[int, KpiReturn] = {}
    for r in (
        KpiReturn.objects.filter(entity=entity, period_id__in=ids)
        .only(
            "id",
            "entity_id",
            "period_id",
            "version",
            "status",
            "is_published",
            "reasons",
            "received_on",
        )
        .order_by("period_id", "version")
    ):
        latest[r.period_id] = r
    drafts = {
        d.period_id: d
        for d in EntityDraft.objects.filter(
            entity=entity, period_id__in=ids, state__in=[EntityDraft.State.DRAFT, "certified"]
        ).defer("upload_content")
    }
    rows = []
    for p in periods:
        row = DueRow(
            period=p,
            latest=latest.get(p.pk),
            draft=drafts.get(p.pk),
            overdue=False,
            days_left=(p.deadline - on).days,
        )
        row.overdue = row.needs_filing and on > p.deadline
        rows.append(row)
    return rows


def versions(entity: PublicSectorEntity, period: ReportingPeriod) -> list[KpiReturn]:
    """Every version of the entity's return for ``period``, newest first, with its values."""
    return list(
        KpiReturn.objects.filter(entity=entity, period=period)
        .select_related("period", "certified_by", "submitted_by")
        .prefetch_related(
            Prefetch(
                "values",
                queryset=KpiValue.objects.select_related("kpi").order_by(
                    "kpi__position", "kpi__code"
                ),
            )
        )
        .order_by("-version")
    )


def open_draft(entity: PublicSectorEntity, period: ReportingPeriod) -> EntityDraft | None:
    return (
        EntityDraft.objects.filter(
            entity=entity, period=period, state__in=[EntityDraft.State.DRAFT, "certified"]
        )
        .select_related("prepared_by", "certified_by")
        .defer("upload_content")
        .first()
    )


def members(entity: PublicSectorEntity) -> list[EntityUser]:
    return list(
        EntityUser.objects.filter(entity=entity).select_related("user").order_by("role", "pk")
    )


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
    for kpi_id, value, dept_id in KpiValue.objects.filter(
        kpi_return__period_id=period_id, kpi_return__is_published=True
    ).values_list("kpi_id", "value", "kpi_return__entity__department_id"):
        everyone.setdefault(kpi_id, []).append(value)
        if dept_id == department_id:
            department.setdefault(kpi_id, []).append(value)
    return [(k, _median(department.get(k, [])), _median(v)) for k, v in everyone.items()]


def benchmarks(entity: PublicSectorEntity) -> Benchmarks:
    """The entity's published figures for the latest period it has any, beside the median of
    its department's entities and of every entity in the province (published figures only).
    The medians are cached under ``published_stamp`` (as the CGU's other published
    aggregates): a publication changes the stamp, so they are never stale. Three queries."""
    mine = (
        KpiReturn.objects.filter(entity=entity, is_published=True)
        .select_related("period")
        .order_by("-period__ends_on")
        .first()
    )
    if mine is None:
        return Benchmarks(period=None)
    period = mine.period
    medians = {
        kpi_id: (dept, province)
        for kpi_id, dept, province in _cached_published(
            f"medians:{period.pk}:{entity.department_id}",
            lambda: _medians(period.pk, entity.department_id),
        )
    }
    urdu = (get_language() or "").startswith("ur")
    rows = []
    for v in (
        KpiValue.objects.filter(kpi_return=mine)
        .select_related("kpi")
        .order_by("kpi__position", "kpi__code")
    ):
        dept, province = medians.get(v.kpi_id, (None, None))
        rows.append(
            Comparison(
                kpi_code=v.kpi.code,
                kpi_name=v.kpi.name_ur if urdu and v.kpi.name_ur else v.kpi.name_en,
                unit=v.kpi.unit,
                value=v.value,
                department_median=dept,
                province_median=province,
            )
        )
    return Benchmarks(period=period, rows=rows)
