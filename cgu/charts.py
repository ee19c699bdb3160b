"""Chart specifications for the CGU's screens: what Chart.js draws (``static/cgu/charts.js``
reads the JSON) and the table shown beside every chart, from the same numbers."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from cgu.models import KpiDefinition


def fmt(value: Decimal | None, kpi: KpiDefinition | None = None) -> str:
    """A figure as people read it: thousands separated, % for rates, no decimals for counts."""
    if value is None:
        return "—"
    if kpi is not None and kpi.whole_numbers_only:
        return intcomma(f"{value:.0f}")
    text = intcomma(f"{value:.2f}")
    if kpi is not None and kpi.unit == KpiDefinition.Unit.PERCENT:
        return f"{text}%"
    return text


def bidi_isolate(text) -> str:
    """First-strong isolate (as ``dir="auto"``), unless already isolated."""
    text = str(text)
    return text if text[:1] in ("\u2066", "\u2067", "\u2068") else f"\u2068{text}\u2069"


def isolate(text: str) -> str:
    """Left-to-right isolate: period codes (2026-Q3) start with digits, which Urdu's
    right-to-left order would otherwise turn into Q3-2026."""
    return f"\u2066{text}\u2069"


def unit_label(kpi: KpiDefinition) -> str:
    return str(kpi.get_unit_display())


def chart(
    *,
    chart_id: str,
    kind: str,
    title: str,
    labels: list[str],
    datasets: list[dict],
    headers: list[str],
    rows: list[list[str]],
    unit: str = "",
    percent: bool = False,
    wide: bool = False,
) -> dict:
    """One chart and its table. ``datasets`` are ``{"label", "data"}`` with numbers (floats
    for JSON); ``rows`` are the table's formatted cells."""
    return {
        "id": chart_id,
        "data_id": f"{chart_id}-data",
        "title": title,
        "spec": {
            "type": kind,
            # Canvas text has no markup: each label takes its own direction (cgu.charts
            # isolates period codes left to right; the rest by their first letter).
            "labels": [bidi_isolate(label) for label in labels],
            "datasets": [{**d, "label": bidi_isolate(d.get("label", ""))} for d in datasets],
            "unit": unit,
            "percent": percent,
        },
        "headers": headers,
        "rows": rows,
        "wide": wide,
    }


def series_chart(chart_id: str, series, *, title: str | None = None) -> dict:
    """A line over periods for one KPI series (``cgu.selectors.published.Series``)."""
    kpi = series.kpi
    labels = [isolate(p.period.code) for p in series.points]
    return chart(
        chart_id=chart_id,
        kind="line",
        title=title or kpi.name,
        labels=labels,
        datasets=[{"label": kpi.name, "data": [float(p.value) for p in series.points]}],
        headers=[_("Period"), f"{kpi.name} ({unit_label(kpi)})", _("Entities")],
        rows=[[isolate(p.period.code), fmt(p.value, kpi), str(p.entities)] for p in series.points],
        unit=unit_label(kpi),
        percent=kpi.unit == KpiDefinition.Unit.PERCENT,
    )


def compliance_chart(chart_id: str, report) -> dict:
    """Filed on time and filed at all, per cent per department (``PeriodCompliance``)."""
    depts = report.departments
    return chart(
        chart_id=chart_id,
        kind="bar",
        title=_("Compliance by department, %(period)s") % {"period": isolate(report.period.code)},
        labels=[c.department.code for c in depts],
        datasets=[
            {"label": _("Filed on time"), "data": [float(c.on_time_rate) for c in depts]},
            {"label": _("Filed (on time or late)"), "data": [float(c.rate) for c in depts]},
        ],
        headers=[
            _("Department"),
            _("Expected"),
            _("On time"),
            _("Late"),
            _("Not filed"),
            _("Compliance rate"),
        ],
        rows=[
            [
                c.department.name,
                str(c.expected),
                str(c.on_time),
                str(c.late),
                str(c.not_filed),
                f"{c.rate}%",
            ]
            for c in depts
        ],
        unit="%",
        percent=True,
        wide=True,
    )


def department_bar(chart_id: str, kpi: KpiDefinition, period, figures) -> dict:
    """One KPI for one period per department (``DepartmentFigure`` list)."""
    return chart(
        chart_id=chart_id,
        kind="bar",
        title=_("%(kpi)s by department, %(period)s")
        % {"kpi": kpi.name, "period": isolate(period.code)},
        labels=[f.department.code for f in figures],
        datasets=[{"label": kpi.name, "data": [float(f.value) for f in figures]}],
        headers=[
            _("Department"),
            f"{kpi.name} ({unit_label(kpi)})",
            _("Combined as"),
            _("Entities"),
        ],
        rows=[
            [f.department.name, fmt(f.value, kpi), kpi.get_aggregation_display(), str(f.entities)]
            for f in figures
        ],
        unit=unit_label(kpi),
        percent=kpi.unit == KpiDefinition.Unit.PERCENT,
    )
