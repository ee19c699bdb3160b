"""The registry and the calendar as the CGU's staff screens read them: the KPIs in use, the
periods and departments their choosers offer, the current and the latest due period, and the
list of PSEs with their returns counted.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from cgu.models import KpiDefinition, PublicSectorEntity, ReportingPeriod
from kernel.compiled import compiled
from organisation.models import Department


# Reads of the CGU's screens that run on every view are compiled once (``kernel.compiled``).
@compiled
def active_kpis():
    """The KPIs in use, in their order (the dashboard's chooser and lists)."""
    return KpiDefinition.objects.filter(is_active=True)


@compiled
def recent_periods():
    """The latest 16 periods, newest first (the period choosers of the CGU's lists)."""
    return ReportingPeriod.objects.order_by("-ends_on", "pk")[:16]


@compiled
def departments_with_entities():
    """Departments that have PSEs (the department choosers of the CGU's lists)."""
    return Department.objects.filter(public_sector_entities__isnull=False).distinct()


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


def current_period(*, on: dt.date | None = None, kind: str = ReportingPeriod.Kind.QUARTERLY):
    """The latest period of ``kind`` that has ended (the one returns are coming in for)."""
    return _latest_ended.first(kind=kind, on=on or timezone.localdate())


@compiled
def _latest_ended(*, kind: str, on: dt.date):
    return ReportingPeriod.objects.filter(kind=kind, ends_on__lt=on).order_by("-ends_on", "pk")[:1]


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
