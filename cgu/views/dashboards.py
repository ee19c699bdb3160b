"""Dashboards: the CGU overview, and charts per KPI, entity and department."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cgu import charts
from cgu.charts import fmt
from cgu.models import EntityType, KpiDefinition, PublicSectorEntity, ReportingPeriod
from cgu.selectors import filing, published, registry
from cgu.selectors.overview import overview
from cgu.selectors.returns import returns_list
from cgu.views import cgu_staff_required, chosen_period
from cgu.views.rows import awaiting_rows, code_links
from organisation.models import Department

DEFAULT_KPI = "UTIL_PCT"


def _chosen_kpi(request, kpis) -> KpiDefinition | None:
    code = request.GET.get("kpi") or DEFAULT_KPI
    by_code = {k.code: k for k in kpis}
    return by_code.get(code) or (kpis[0] if kpis else None)


def _matrix(series_list, periods_limit: int = 8):
    """KPI × period table of formatted figures, latest ``periods_limit`` periods."""
    periods = sorted({p.period for s in series_list for p in s.points}, key=lambda p: p.ends_on)[
        -periods_limit:
    ]
    rows = []
    for s in series_list:
        by_period = {p.period.pk: p.value for p in s.points}
        rows.append({"kpi": s.kpi, "cells": [fmt(by_period.get(p.pk), s.kpi) for p in periods]})
    return {"periods": periods, "rows": rows}


@cgu_staff_required
def dashboard(request):
    # The reads that depend on nothing chosen, in one round trip (cgu.selectors.overview).
    chosen = bool(request.GET.get("period"))
    basics = overview(latest_period=not chosen)
    period = chosen_period(request) if chosen else basics.latest_period
    kpis = basics.kpis
    kpi = _chosen_kpi(request, kpis)
    context = {"period": period, "kpis": kpis, "kpi": kpi, "charts": []}
    if period is not None:
        report = filing.compliance_counts(period)  # the counts only, no rows
        context["report"] = report
        context["charts"].append(charts.compliance_chart("chart-compliance", report))
    if kpi is not None:
        stamp = basics.stamp  # once for both cached figures
        trend = published.province_series(
            kind=ReportingPeriod.Kind.QUARTERLY, kpi=kpi, cached=True, stamp=stamp
        )
        if trend:
            context["charts"].append(
                charts.series_chart(
                    "chart-trend",
                    trend[0],
                    title=_("%(kpi)s, all entities, by quarter") % {"kpi": kpi.name},
                )
            )
        if period is not None:
            figures = published.kpi_by_department(kpi, period, stamp=stamp)
            if figures:
                context["charts"].append(
                    charts.department_bar("chart-departments", kpi, period, figures)
                )
    context["awaiting"] = basics.awaiting
    # Built in Python, one f-string a row or link: see cgu/views/rows.py.
    context["awaiting_rows"] = awaiting_rows(context["awaiting"])
    context["periods"] = basics.periods
    if period is not None:  # the departments of active PSEs, by code: the report has them
        context["departments"] = [c.department for c in context["report"].departments]
    else:
        context["departments"] = Department.objects.filter(
            public_sector_entities__is_active=True
        ).distinct()
    context["department_links"] = code_links("cgu:department", context["departments"])
    context["kpi_links"] = code_links("cgu:kpi", kpis)
    return render(request, "cgu/dashboard.html", context)


@cgu_staff_required
def entity_list(request):
    department = None
    if request.GET.get("department"):
        department = Department.objects.filter(code=request.GET["department"]).first()
    entity_type = request.GET.get("type") or None
    if entity_type not in EntityType.values:
        entity_type = None
    q = (request.GET.get("q") or "").strip()[:80]
    qs = registry.entities_list(department=department, entity_type=entity_type, q=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cgu/entity_list.html",
        {
            "page": page,
            "q": q,
            "department": department,
            "entity_type": entity_type,
            "departments": Department.objects.filter(
                public_sector_entities__isnull=False
            ).distinct(),
            "types": EntityType.choices,
        },
    )


@cgu_staff_required
def entity_detail(request, code):
    entity = get_object_or_404(
        PublicSectorEntity.objects.select_related("department", "monitoring_file"), code=code
    )
    series = published.entity_series(entity)
    kpi = _chosen_kpi(request, [s.kpi for s in series])
    chosen = next((s for s in series if s.kpi == kpi), None)
    returns = returns_list(entity=entity).order_by("-period__ends_on", "-version")
    return render(
        request,
        "cgu/entity_detail.html",
        {
            "entity": entity,
            "series": series,
            "kpi": kpi,
            "charts": [charts.series_chart("chart-entity", chosen)] if chosen else [],
            "matrix": _matrix(series),
            "returns": returns,
            "reminders": entity.reminders.select_related("period", "sent_by")[:10],
        },
    )


@cgu_staff_required
def department_detail(request, code):
    department = get_object_or_404(Department, code=code)
    series = published.department_series(department)
    kpi = _chosen_kpi(request, [s.kpi for s in series])
    chosen = next((s for s in series if s.kpi == kpi), None)
    period = chosen_period(request)
    rows = []
    counts = None
    if period is not None:
        report = filing.compliance(period)
        rows = [r for r in report.rows if r.entity.department_id == department.pk]
        counts = next((c for c in report.departments if c.department == department), None)
    return render(
        request,
        "cgu/department.html",
        {
            "department": department,
            "series": series,
            "kpi": kpi,
            "period": period,
            "charts": [
                charts.series_chart(
                    "chart-department",
                    chosen,
                    title=_("%(kpi)s, %(dept)s")
                    % {"kpi": chosen.kpi.name, "dept": department.code},
                )
            ]
            if chosen
            else [],
            "matrix": _matrix(series),
            "rows": rows,
            "counts": counts,
        },
    )


@cgu_staff_required
def kpi_detail(request, code):
    kpi = get_object_or_404(KpiDefinition, code=code)
    period = chosen_period(request)
    context = {"kpi": kpi, "period": period, "charts": [], "ranking": []}
    trend = published.province_series(kpi=kpi, cached=True)
    if trend:
        context["charts"].append(
            charts.series_chart(
                "chart-kpi-trend",
                trend[0],
                title=_("%(kpi)s, all entities, by quarter") % {"kpi": kpi.name},
            )
        )
    if period is not None:
        figures = published.kpi_by_department(kpi, period)
        if figures:
            context["charts"].append(charts.department_bar("chart-kpi-dept", kpi, period, figures))
        context["ranking"] = [
            (v, fmt(v.value, kpi)) for v in published.kpi_ranking(kpi, period)[:25]
        ]
    context["periods"] = registry.recent_periods()
    return render(request, "cgu/kpi.html", context)
