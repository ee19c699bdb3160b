"""The figures of a Service Delivery Performance Monitoring Report page: for one period,
every active entity with its published figures — or "not reported" — grouped by department,
and a count per department. Two queries, from the CGU's public selectors."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cgu.selectors import published as cgu
from portal_pages.figures import number, unit_label
from portal_pages.tables import Column, DataTable, chart_data


@dataclass
class DepartmentFigures:
    name: str
    code: str
    table: DataTable  # entity × the KPIs its entities reported
    entities: int
    reported: int


@dataclass
class ReportData:
    by_department: list[DepartmentFigures]
    departments: DataTable  # reported / not reported per department
    chart: dict
    expected: int
    reported: int
    kpis: list = field(default_factory=list)

    @property
    def not_reported(self) -> int:
        return self.expected - self.reported

    def long_table(self) -> DataTable:
        """Every cell of the department tables, one row each (the CSV download)."""
        rows = []
        for dept in self.by_department:
            kpi_cols = [c for c in dept.table.columns if c.numeric]
            for row in dept.table.rows:
                base = {
                    "department": dept.name,
                    "entity_code": row["entity_code"],
                    "entity": row["entity"],
                    "status": row["status"],
                }
                if not kpi_cols:
                    rows.append({**base, "kpi_code": "", "kpi": "", "unit": "", "value": None})
                for col in kpi_cols:
                    rows.append(
                        {
                            **base,
                            "kpi_code": col.key,
                            "kpi": col.label,
                            "unit": col.unit,
                            "value": row.get(col.key),
                        }
                    )
        return DataTable(
            slug="figures",
            title="",
            columns=[
                Column("department", _("Department"), numeric=False),
                Column("entity_code", _("Code"), numeric=False, ltr=True),
                Column("entity", _("Entity"), numeric=False),
                Column("status", _("Status"), numeric=False),
                Column("kpi_code", _("KPI code"), numeric=False, ltr=True),
                Column("kpi", _("KPI"), numeric=False),
                Column("unit", _("Unit"), numeric=False),
                Column("value", _("Value")),
            ],
            rows=rows,
        )


def report_tables(period) -> ReportData:
    values = list(cgu.published_figures(period=period))
    entities = list(cgu.public_entities())
    by_entity: dict[int, dict] = {}
    kpis = {}
    for v in values:
        kpis[v.kpi.code] = v.kpi
        by_entity.setdefault(v.kpi_return.entity_id, {})[v.kpi.code] = number(v.value)

    grouped: dict[int, list] = {}
    for entity in entities:
        grouped.setdefault(entity.department_id, []).append(entity)

    by_department = []
    for members in grouped.values():
        department = members[0].department
        codes = {code for e in members for code in by_entity.get(e.pk, {})}
        dept_kpis = sorted((kpis[c] for c in codes), key=lambda k: (k.position, k.code))
        columns = [
            Column("entity", _("Entity"), numeric=False),
            Column("entity_code", _("Code"), numeric=False, ltr=True),
            Column("status", _("Status"), numeric=False),
        ] + [Column(k.code, k.name, unit=unit_label(k)) for k in dept_kpis]
        rows = []
        for entity in members:
            got = by_entity.get(entity.pk)
            row = {
                "entity": entity.name,
                "entity_code": entity.code,
                "status": _("Reported") if got else _("Not reported"),
            }
            for k in dept_kpis:
                row[k.code] = got.get(k.code) if got else None
            rows.append(row)
        reported = sum(1 for e in members if e.pk in by_entity)
        by_department.append(
            DepartmentFigures(
                name=department.name,
                code=department.code,
                table=DataTable(
                    slug=f"dept-{department.code.lower()}",
                    title=department.name,
                    columns=columns,
                    rows=rows,
                ),
                entities=len(members),
                reported=reported,
            )
        )

    dept_rows = [
        {
            "department": d.name,
            "entities": d.entities,
            "reported": d.reported,
            "not_reported": d.entities - d.reported,
        }
        for d in by_department
    ]
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
    chart = chart_data(
        [r["department"] for r in dept_rows],
        [
            {"label": _("Reported"), "data": [r["reported"] for r in dept_rows]},
            {"label": _("Not reported"), "data": [r["not_reported"] for r in dept_rows]},
        ],
        type="bar",
        stacked=True,
        horizontal=True,
    )
    return ReportData(
        by_department=by_department,
        departments=departments,
        chart=chart,
        expected=len(entities),
        reported=sum(d.reported for d in by_department),
        kpis=sorted(kpis.values(), key=lambda k: (k.position, k.code)),
    )
