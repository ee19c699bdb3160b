"""Published performance, shaped for the public pages: a chart and a table per KPI, filing
tables with "not reported", the e-office figures — each a ``DataTable`` so the page, its CSV
and its JSON show the same numbers.

Reads only the CGU's public selectors (``cgu.selectors.published``: published, i.e. accepted,
figures) and ``portal_pages.selectors`` for the e-office. A fixed number of queries per page,
whatever the number of entities, returns or files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cgu.models import KpiDefinition, ReportingPeriod
from cgu.selectors import published as cgu
from portal_pages.selectors import AGE_BUCKETS, EofficeFigures
from portal_pages.tables import Column, DataTable, chart_data

MAX_PERIODS = 8
QUARTERLY = ReportingPeriod.Kind.QUARTERLY

# Chart colours: the site's greens and an amber, each at least 3:1 against white.
PALETTE = ["#0b5d4b", "#8a5a00", "#1a5fb4", "#a4161a", "#5b2a86", "#2f7d32"]


def number(value) -> int | float | None:
    """A figure as JSON and CSV carry it: whole numbers as int, amounts to two decimals."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(round(value, 2))
    return value


@dataclass
class KpiFigure:
    """One KPI over time: its table and the same numbers as a chart."""

    kpi: KpiDefinition
    table: DataTable
    chart: dict

    @property
    def reported_any(self) -> bool:
        return any(row["value"] is not None for row in self.table.rows)


def unit_label(kpi: KpiDefinition) -> str:
    return str(kpi.get_unit_display())


def recent_periods(kind: str = QUARTERLY) -> list[ReportingPeriod]:
    """The last ``MAX_PERIODS`` periods with published figures, oldest first."""
    periods = list(cgu.published_periods(kind=kind))
    return periods[-MAX_PERIODS:]


def filing_period(periods: list[ReportingPeriod], today: dt.date | None = None):
    """The period "not reported" is judged on: the latest whose deadline has passed."""
    today = today or timezone.localdate()
    due = [p for p in periods if p.deadline < today]
    return (due or periods or [None])[-1]


def kpi_figures(
    series: list, periods: list[ReportingPeriod], *, combined: bool, kpis=None
) -> list[KpiFigure]:
    """A chart and table per KPI, one row per period; a period without a figure is "not
    reported" (``None``). ``combined``: figures of several entities (shows how many).
    ``kpis``: show these KPIs even where there is no figure at all."""
    by_kpi = {s.kpi.pk: s for s in series}
    kpi_list = [s.kpi for s in series]
    for kpi in kpis or []:
        if kpi.pk not in by_kpi:
            kpi_list.append(kpi)
    kpi_list.sort(key=lambda k: (k.position, k.code))
    out = []
    for kpi in kpi_list:
        points = {p.period.pk: p for p in by_kpi[kpi.pk].points} if kpi.pk in by_kpi else {}
        columns = [
            Column("period", _("Period"), numeric=False, ltr=True),
            Column("value", _("Value"), unit=unit_label(kpi)),
        ]
        if combined:
            columns.append(Column("entities", _("Entities reporting")))
        rows = []
        for period in periods:
            point = points.get(period.pk)
            row = {"period": period.code, "value": number(point.value) if point else None}
            if combined:
                row["entities"] = point.entities if point else 0
            rows.append(row)
        table = DataTable(
            slug=kpi.code.lower(),
            title=kpi.name,
            columns=columns,
            rows=rows,
            caption=_("%(kpi)s (%(unit)s) by period") % {"kpi": kpi.name, "unit": unit_label(kpi)},
        )
        chart = chart_data(
            [r["period"] for r in rows],
            [{"label": f"{kpi.name} ({unit_label(kpi)})", "data": [r["value"] for r in rows]}],
            type="line" if len(rows) > 2 else "bar",
        )
        out.append(KpiFigure(kpi=kpi, table=table, chart=chart))
    return out


def long_table(figures: list[KpiFigure], slug: str, title: str) -> DataTable:
    """Every KPI table in one (for the CSV): KPI, unit, then the KPI table's columns."""
    if not figures:
        return DataTable(slug=slug, title=title, columns=[])
    columns = [
        Column("kpi", _("KPI"), numeric=False),
        Column("kpi_code", _("KPI code"), numeric=False, ltr=True),
        Column("unit", _("Unit"), numeric=False),
        Column("period", _("Period"), numeric=False, ltr=True),
        Column("value", _("Value")),
    ]
    if any(len(f.table.columns) > 2 for f in figures):
        columns.append(Column("entities", _("Entities reporting")))
    rows = []
    for f in figures:
        for row in f.table.rows:
            rows.append(
                {
                    "kpi": f.kpi.name,
                    "kpi_code": f.kpi.code,
                    "unit": unit_label(f.kpi),
                    **row,
                }
            )
    return DataTable(slug=slug, title=title, columns=columns, rows=rows)


@dataclass
class FilingRow:
    entity: object
    reported: bool


@dataclass
class Filing:
    """Who reported for a period (figures accepted and published) and who did not."""

    period: ReportingPeriod | None
    rows: list[FilingRow] = field(default_factory=list)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.reported)

    @property
    def not_reported(self) -> int:
        return len(self.rows) - self.reported

    def table(self) -> DataTable:
        return DataTable(
            slug="filing",
            title=_("Filing for %(period)s") % {"period": self.period.code if self.period else "—"},
            columns=[
                Column("entity_code", _("Code"), numeric=False, ltr=True),
                Column("entity", _("Entity"), numeric=False),
                Column("department", _("Department"), numeric=False),
                Column("status", _("Status"), numeric=False),
            ],
            rows=[
                {
                    "entity_code": r.entity.code,
                    "entity": r.entity.name,
                    "department": r.entity.department.name,
                    "status": _("Reported") if r.reported else _("Not reported"),
                }
                for r in self.rows
            ],
        )


def filing(period: ReportingPeriod | None, *, department=None) -> Filing:
    """Every active entity (of ``department``) with whether it reported for ``period``.
    Two queries."""
    entities = list(cgu.public_entities(department=department))
    if period is None:
        return Filing(period=None, rows=[FilingRow(e, False) for e in entities])
    reported = set(
        cgu.published_returns(period=period, department=department).values_list(
            "entity_id", flat=True
        )
    )
    return Filing(period=period, rows=[FilingRow(e, e.pk in reported) for e in entities])


# ---- the e-office itself ------------------------------------------------------------------


def eoffice_tables(figures: EofficeFigures) -> dict[str, DataTable]:
    live = figures.live_departments
    pending = DataTable(
        slug="pending",
        title=_("Files pending, by how long since they were opened"),
        columns=[Column("department", _("Department"), numeric=False)]
        + [Column(key, str(label)) for key, label, *_r in AGE_BUCKETS]
        + [Column("total", _("Total pending"))],
        rows=[
            {
                "department": d.name,
                **{key: n for (key, *_r), n in zip(AGE_BUCKETS, d.pending, strict=True)},
                "total": d.pending_total,
            }
            for d in live
        ],
    )
    disposal = DataTable(
        slug="disposal",
        title=_("Files moved and disposed of in the last twelve months"),
        columns=[
            Column("department", _("Department"), numeric=False),
            Column("files_moved", _("Files moved between desks")),
            Column("disposed", _("Files disposed of")),
            Column(
                "median_days",
                _("Median days from opening to disposal"),
                none_label=_("none disposed of"),
            ),
        ],
        rows=[
            {
                "department": d.name,
                "files_moved": d.files_moved,
                "disposed": d.disposed,
                "median_days": d.median_days_to_disposal,
            }
            for d in live
        ],
    )
    monthly = DataTable(
        slug="monthly",
        title=_("Files moved between desks, by month"),
        columns=[
            Column("month", _("Month"), numeric=False),
            Column("files_moved", _("Files moved")),
        ],
        rows=[
            {"month": date_format(month, "M Y"), "files_moved": n}
            for month, n in figures.monthly_moves
        ],
    )
    return {"pending": pending, "disposal": disposal, "monthly": monthly}


def eoffice_charts(tables: dict[str, DataTable]) -> dict[str, dict]:
    pending, disposal, monthly = tables["pending"], tables["disposal"], tables["monthly"]
    return {
        "pending": chart_data(
            [r["department"] for r in pending.rows],
            [
                {"label": str(label), "data": [r[key] for r in pending.rows]}
                for key, label, *_r in AGE_BUCKETS
            ],
            type="bar",
            stacked=True,
            horizontal=True,
        ),
        "disposal": chart_data(
            [r["department"] for r in disposal.rows],
            [
                {
                    "label": _("Median days from opening to disposal"),
                    "data": [r["median_days"] for r in disposal.rows],
                }
            ],
            type="bar",
            horizontal=True,
        ),
        "monthly": chart_data(
            [r["month"] for r in monthly.rows],
            [{"label": _("Files moved"), "data": [r["files_moved"] for r in monthly.rows]}],
            type="bar",
        ),
    }
