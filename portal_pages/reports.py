"""The figures of a Service Delivery Performance Monitoring Report page: for one period,
every active entity with its published figures — or "not reported" — and a count per
department. Two queries, from the CGU's public selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cgu import selectors as cgu
from portal_pages.figures import number, unit_label
from portal_pages.tables import Column, DataTable, chart_data


@dataclass
class ReportData:
    figures: DataTable  # entity × KPI, one row per active entity
    departments: DataTable  # reported / not reported per department
    chart: dict
    expected: int
    reported: int

    @property
    def not_reported(self) -> int:
        return self.expected - self.reported


def report_tables(period) -> ReportData:
    values = list(cgu.published_figures(period=period))
    entities = list(cgu.public_entities())
    kpis = {}
    by_entity: dict[int, dict] = {}
    for v in values:
        kpis[v.kpi_id] = v.kpi
        by_entity.setdefault(v.kpi_return.entity_id, {})[v.kpi.code] = number(v.value)
    kpi_list = sorted(kpis.values(), key=lambda k: (k.position, k.code))
    columns = [
        Column("department", _("Department"), numeric=False),
        Column("entity_code", _("Code"), numeric=False),
        Column("entity", _("Entity"), numeric=False),
    ] + [Column(k.code, k.name, unit=unit_label(k)) for k in kpi_list]
    rows = []
    per_dept: dict[int, dict] = {}
    for entity in entities:
        got = by_entity.get(entity.pk)
        row = {
            "department": entity.department.name,
            "entity_code": entity.code,
            "entity": entity.name,
        }
        for k in kpi_list:
            row[k.code] = got.get(k.code) if got else None
        rows.append(row)
        counts = per_dept.setdefault(
            entity.department_id,
            {"department": entity.department.name, "entities": 0, "reported": 0},
        )
        counts["entities"] += 1
        counts["reported"] += 1 if got else 0
    dept_rows = [{**c, "not_reported": c["entities"] - c["reported"]} for c in per_dept.values()]
    departments = DataTable(
        slug="departments",
        title=_("Entities that reported, by department"),
        columns=[
            Column("department", _("Department"), numeric=False),
            Column("entities", _("Entities")),
            Column("reported", _("Reported")),
            Column("not_reported", _("Not reported")),
        ],
        rows=dept_rows,
    )
    figures = DataTable(
        slug="figures",
        title=_("Published figures for %(period)s") % {"period": period.code},
        columns=columns,
        rows=rows,
    )
    chart = chart_data(
        [r["department"] for r in dept_rows],
        [
            {"label": _("Reported"), "data": [r["reported"] for r in dept_rows]},
            {"label": _("Not reported"), "data": [r["not_reported"] for r in dept_rows]},
        ],
        type="bar",
        stacked=True,
    )
    reported = sum(r["reported"] for r in dept_rows)
    return ReportData(
        figures=figures,
        departments=departments,
        chart=chart,
        expected=len(entities),
        reported=reported,
    )
