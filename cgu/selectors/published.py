"""Public reads: *published* figures only, safe for anyone, signed in or not.

A published figure is the latest accepted version of each PSE's return for each period
(``KpiReturn.is_published``, which a database constraint allows only on accepted returns).
Submitted, under-review, returned and superseded figures never come out of here. The
aggregates the CGU's screens show are cached under ``published_stamp`` (a publication changes
it, so a cached figure is never stale).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Max, QuerySet, Sum

from cgu.models import KpiDefinition, KpiReturn, KpiValue, PublicSectorEntity, ReportingPeriod
from cgu.selectors._common import _departments_by_id, _kpis_by_id, _periods_by_id, _q2
from kernel.compiled import compiled
from organisation.models import Department


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
    return stamp_of(_published_aggregate())


def stamp_of(rows: list) -> str:
    """``published_stamp`` from the rows of ``_published_aggregate`` (read by a caller that
    sends it with its other reads, ``kernel.compiled.together``)."""
    n, top, last = rows[0] if rows else (0, None, None)
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
