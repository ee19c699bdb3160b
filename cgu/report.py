"""The Service Delivery Performance Monitoring Report for a period: what it contains
(``build``, used by the PDF and by the public web page) and the PDF itself (``render_pdf``,
reportlab). Published figures only — the report is public.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cgu.models import EntityType, KpiDefinition, PublicSectorEntity, ReportingPeriod
from cgu.selectors import filing, published

# Financial KPIs shown for every entity in the per-type tables.
TYPE_TABLE_FINANCIAL = ["UTIL_PCT", "OSR", "SURPLUS"]
TYPE_TABLE_SERVICE_MAX = 3


@dataclass
class KpiLine:
    kpi: KpiDefinition
    value: Decimal | None
    previous: Decimal | None = None  # the same entities' figure in the previous period
    entities: int = 0
    value_same: Decimal | None = None  # this period, the entities with a previous figure

    @property
    def change(self) -> Decimal | None:
        """Per cent change on the previous period of the same kind, like for like."""
        if self.value_same is None or not self.previous:
            return None
        change = ((self.value_same - self.previous) * 100 / abs(self.previous)).quantize(
            Decimal("0.1")
        )
        return change if change else Decimal("0.0")  # never "-0.0"


@dataclass
class DepartmentSection:
    department: object
    counts: filing.ComplianceCounts
    lines: list[KpiLine] = field(default_factory=list)


@dataclass
class TypeTable:
    entity_type: str
    label: str
    kpis: list[KpiDefinition]
    rows: list[tuple[PublicSectorEntity, list[Decimal | None]]]


@dataclass
class ReportData:
    period: ReportingPeriod
    previous: ReportingPeriod | None
    on: dt.date
    compliance: filing.PeriodCompliance
    province: list[KpiLine]
    departments: list[DepartmentSection]
    types: list[TypeTable]
    not_reported: list[PublicSectorEntity]
    entities_reported: int


def _combine(kpi: KpiDefinition, values: list[Decimal]) -> Decimal:
    total = sum(values, Decimal(0))
    if kpi.aggregation == KpiDefinition.Aggregation.MEAN:
        total = total / len(values)
    return total.quantize(Decimal("0.01"))


def build(period: ReportingPeriod, *, on: dt.date | None = None) -> ReportData:
    """Everything the report shows for ``period``, from published figures and the filing
    record. A fixed number of queries."""
    on = on or timezone.localdate()
    previous = (
        ReportingPeriod.objects.filter(kind=period.kind, ends_on__lt=period.ends_on)
        .order_by("-ends_on")
        .first()
    )
    kpis = list(KpiDefinition.objects.filter(is_active=True))
    compliance = filing.compliance(period, on=on)

    figures = list(published.published_figures(period=period))
    before: dict[int, dict[int, Decimal]] = {}
    if previous is not None:
        for v in published.published_figures(period=previous):
            before.setdefault(v.kpi_id, {})[v.kpi_return.entity_id] = v.value
    dept_values: dict[int, dict[int, list[Decimal]]] = {}
    by_entity: dict[int, dict[int, Decimal]] = {}
    entities: dict[int, PublicSectorEntity] = {}
    for v in figures:
        entity = v.kpi_return.entity
        entities[entity.pk] = entity
        by_entity.setdefault(entity.pk, {})[v.kpi_id] = v.value
        dept_values.setdefault(entity.department_id, {}).setdefault(v.kpi_id, []).append(v.value)
    # Province totals; the change on the previous period compares the same entities only
    # (those with accepted figures in both), so late filers do not look like a fall.
    province = []
    for k in kpis:
        now_k = {e: vals[k.pk] for e, vals in by_entity.items() if k.pk in vals}
        if not now_k:
            continue
        common = [e for e in now_k if e in before.get(k.pk, {})]
        line = KpiLine(kpi=k, value=_combine(k, list(now_k.values())), entities=len(now_k))
        if common:
            line.value_same = _combine(k, [now_k[e] for e in common])
            line.previous = _combine(k, [before[k.pk][e] for e in common])
        province.append(line)

    departments = []
    for counts in compliance.departments:
        lines = []
        for k in kpis:
            vals = dept_values.get(counts.department.pk, {}).get(k.pk)
            if not vals:
                continue
            total = sum(vals, Decimal(0))
            value = total / len(vals) if k.aggregation == KpiDefinition.Aggregation.MEAN else total
            lines.append(KpiLine(kpi=k, value=value.quantize(Decimal("0.01")), entities=len(vals)))
        departments.append(
            DepartmentSection(department=counts.department, counts=counts, lines=lines)
        )

    # Per entity type: each reporting entity with its key figures.
    by_code = {k.code: k for k in kpis}
    types = []
    for value, label in EntityType.choices:
        members = sorted((e for e in entities.values() if e.type == value), key=lambda e: e.code)
        if not members:
            continue
        columns = [by_code[c] for c in TYPE_TABLE_FINANCIAL if c in by_code]
        service = [
            k
            for k in kpis
            if k.category == KpiDefinition.Category.SERVICE
            and k.entity_types
            and value in k.entity_types
        ][:TYPE_TABLE_SERVICE_MAX]
        columns += service
        rows = [(e, [by_entity[e.pk].get(k.pk) for k in columns]) for e in members]
        types.append(TypeTable(entity_type=value, label=str(label), kpis=columns, rows=rows))

    return ReportData(
        period=period,
        previous=previous,
        on=on,
        compliance=compliance,
        province=province,
        departments=departments,
        types=types,
        not_reported=list(published.not_reported(period)),
        entities_reported=len(entities),
    )


# ---------------------------------------------------------------- PDF


FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


def _register_fonts() -> tuple[str, str]:
    """Noto Naskh Arabic for Urdu (reportlab embeds TrueType only); Helvetica for English."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
    if "Naskh" not in pdfmetrics.getRegisteredFontNames() and regular.exists():
        pdfmetrics.registerFont(TTFont("Naskh", str(regular)))
    return ("Naskh" if "Naskh" in pdfmetrics.getRegisteredFontNames() else "Helvetica"), "Helvetica"


def urdu(text: str) -> str:
    """Urdu shaped and ordered for a PDF (reportlab draws glyphs left to right)."""
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def fmt(value: Decimal | None, kpi: KpiDefinition | None = None) -> str:
    if value is None:
        return "—"
    if kpi is not None and kpi.unit == KpiDefinition.Unit.PERCENT:
        return f"{value:,.1f}%"
    if kpi is not None and kpi.whole_numbers_only:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _compliance_chart(data: ReportData):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    depts = data.compliance.departments
    drawing = Drawing(460, 190)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 35, 400, 130
    chart.data = [[float(c.on_time_rate) for c in depts], [float(c.rate) for c in depts]]
    chart.categoryAxis.categoryNames = [c.department.code for c in depts]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#0b5d4b")
    chart.bars[1].fillColor = colors.HexColor("#8fc1b3")
    chart.barSpacing = 1
    drawing.add(chart)
    drawing.add(
        String(
            40,
            175,
            _("Filed on time (dark) and filed at all (light), per cent of PSEs"),
            fontSize=8,
            fontName="Helvetica",
        )
    )
    return drawing


def render_pdf(data: ReportData) -> bytes:
    """The report as a PDF (A4), in English with its title in Urdu too. An official English
    document whatever the language of whoever runs it."""
    with translation.override("en"):
        return _render_pdf(data)


def _render_pdf(data: ReportData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    urdu_font, _latin = _register_fonts()
    styles = getSampleStyleSheet()
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontSize=18, leading=22)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], textColor=colors.HexColor("#073f33"))
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    ur = ParagraphStyle("ur", parent=body, fontName=urdu_font, fontSize=13, leading=22, alignment=2)
    ur_title = ParagraphStyle("ur_title", parent=ur, alignment=1, fontSize=15)
    cell = ParagraphStyle("cell", parent=small, fontSize=7, leading=8.5)

    period = data.period
    table_style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 7.5),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f1ed")),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d7dde5")),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def page_footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#4a5568"))
        canvas.drawString(
            18 * mm,
            10 * mm,
            _(
                "Service Delivery Performance Monitoring Report %(period)s — Corporate Governance "
                "Unit, Finance Department"
            )
            % {"period": period.code},
        )
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    story = [
        Paragraph(_("Service Delivery Performance Monitoring Report"), h1),
        Paragraph(urdu("سروس ڈیلیوری پرفارمنس مانیٹرنگ رپورٹ"), ur_title),
        Paragraph(
            _(
                "Period %(code)s (%(start)s to %(end)s) · returns were due by %(deadline)s · "
                "figures as accepted by %(on)s"
            )
            % {
                "code": period.code,
                "start": period.starts_on.isoformat(),
                "end": period.ends_on.isoformat(),
                "deadline": period.deadline.isoformat(),
                "on": data.on.isoformat(),
            },
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            _(
                "This report shows only figures the Corporate Governance Unit has reviewed and "
                "accepted. Entities whose returns are missing, under review or returned for "
                "correction are listed at the end without figures."
            ),
            small,
        ),
        Spacer(1, 6 * mm),
        Paragraph(_("1. Compliance"), h2),
    ]
    t = data.compliance.totals
    story.append(
        Table(
            [
                [
                    _("PSEs expected"),
                    _("Filed on time"),
                    _("Filed late"),
                    _("Not filed"),
                    _("Accepted"),
                    _("Compliance rate"),
                ],
                [t.expected, t.on_time, t.late, t.not_filed, t.accepted, f"{t.rate}%"],
            ],
            style=table_style,
            hAlign="LEFT",
        )
    )
    story.append(Spacer(1, 4 * mm))
    rows = [
        [
            _("Department"),
            _("Expected"),
            _("On time"),
            _("Late"),
            _("Not filed"),
            _("Accepted"),
            _("Compliance"),
        ]
    ]
    for c in data.compliance.departments:
        rows.append(
            [
                Paragraph(c.department.name_en, cell),
                c.expected,
                c.on_time,
                c.late,
                c.not_filed,
                c.accepted,
                f"{c.rate}%",
            ]
        )
    story.append(
        Table(
            rows,
            colWidths=[70 * mm] + [17 * mm] * 6,
            style=table_style,
            hAlign="LEFT",
            repeatRows=1,
        )
    )
    if data.compliance.departments:
        story += [Spacer(1, 4 * mm), _compliance_chart(data)]

    story += [Paragraph(_("2. Province totals"), h2)]
    rows = [[_("KPI"), _("Unit"), _("This period"), _("PSEs"), _("Change on previous period*")]]
    for line in data.province:
        rows.append(
            [
                Paragraph(line.kpi.name_en, cell),
                line.kpi.get_unit_display(),
                fmt(line.value, line.kpi),
                line.entities,
                "—" if line.change is None else f"{line.change:+}%",
            ]
        )
    story.append(
        Table(
            rows,
            colWidths=[66 * mm, 24 * mm, 28 * mm, 14 * mm, 34 * mm],
            style=table_style,
            hAlign="LEFT",
            repeatRows=1,
        )
    )

    if data.previous is not None:
        story.append(
            Paragraph(
                _(
                    "* Compared with %(previous)s for the same entities only (those with "
                    "accepted figures in both periods)."
                )
                % {"previous": data.previous.code},
                small,
            )
        )
    story += [PageBreak(), Paragraph(_("3. Departments"), h2)]
    for section in data.departments:
        block = [
            Paragraph(
                f"{section.department.name_en} ({section.department.code})", styles["Heading4"]
            )
        ]
        if section.department.name_ur:
            block.append(Paragraph(urdu(section.department.name_ur), ur))
        block.append(
            Paragraph(
                _("%(filed)s of %(expected)s PSEs filed (%(rate)s%%), %(accepted)s accepted.")
                % {
                    "filed": section.counts.filed,
                    "expected": section.counts.expected,
                    "rate": section.counts.rate,
                    "accepted": section.counts.accepted,
                },
                small,
            )
        )
        if section.lines:
            rows = [[_("KPI"), _("Combined"), _("Value"), _("PSEs")]]
            for line in section.lines:
                rows.append(
                    [
                        Paragraph(line.kpi.name_en, cell),
                        line.kpi.get_aggregation_display(),
                        fmt(line.value, line.kpi),
                        line.entities,
                    ]
                )
            block.append(
                Table(
                    rows,
                    colWidths=[80 * mm, 25 * mm, 30 * mm, 15 * mm],
                    style=table_style,
                    hAlign="LEFT",
                )
            )
        block.append(Spacer(1, 4 * mm))
        story.append(KeepTogether(block))

    story += [PageBreak(), Paragraph(_("4. Entities by type"), h2)]
    for table in data.types:
        story.append(Paragraph(table.label, styles["Heading4"]))
        header = [_("Entity")] + [Paragraph(k.name_en, cell) for k in table.kpis]
        rows = [header]
        for entity, values in table.rows:
            rows.append(
                [
                    Paragraph(
                        f"{entity.name_en} <font color='#4a5568'>({entity.department.code})</font>",
                        cell,
                    )
                ]
                + [fmt(v, k) for v, k in zip(values, table.kpis, strict=True)]
            )
        width = (174 - 58) / max(1, len(table.kpis))
        story.append(
            Table(
                rows,
                colWidths=[58 * mm] + [width * mm] * len(table.kpis),
                style=table_style,
                hAlign="LEFT",
                repeatRows=1,
            )
        )
        story.append(Spacer(1, 4 * mm))

    story += [Paragraph(_("5. Entities without accepted figures"), h2)]
    if data.not_reported:
        rows = [[_("Entity"), _("Department"), _("Type")]]
        for e in data.not_reported:
            rows.append([Paragraph(e.name_en, cell), e.department.code, e.get_type_display()])
        story.append(
            Table(
                rows,
                colWidths=[100 * mm, 25 * mm, 45 * mm],
                style=table_style,
                hAlign="LEFT",
                repeatRows=1,
            )
        )
    else:
        story.append(Paragraph(_("Every entity has accepted figures for this period."), body))

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Service Delivery Performance Monitoring Report {period.code}",
        author="Corporate Governance Unit, Finance Department",
        subject=period.code,
    )
    doc.build(story, onFirstPage=page_footer, onLaterPages=page_footer)
    return out.getvalue()


def return_pdf(*, entity, period, version: int, values: dict, by_entity: bool = False) -> bytes:
    """A one-page PDF of a return entered in the form or the API, so that it goes on the
    monitoring file as a paper like an uploaded one; it says who entered the figures (the
    entity itself, ``by_entity``, or the CGU on its behalf)."""
    with translation.override("en"):
        return _return_pdf(
            entity=entity, period=period, version=version, values=values, by_entity=by_entity
        )


def _return_pdf(*, entity, period, version, values, by_entity) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    kpis = {k.pk: k for k in KpiDefinition.objects.filter(pk__in=values)}
    rows = [[_("Code"), _("KPI"), _("Unit"), _("Value")]]
    for kpi in sorted(kpis.values(), key=lambda k: (k.position, k.code)):
        rows.append([kpi.code, kpi.name_en, kpi.get_unit_display(), fmt(values[kpi.pk], kpi)])
    story = [
        Paragraph(_("KPI return"), styles["Title"]),
        Paragraph(
            f"{entity.name_en} ({entity.code}) · {_('period')} {period.code} · "
            f"{_('version')} {version}",
            styles["Heading3"],
        ),
        Paragraph(
            _("Figures filed in Daftar by the entity itself and certified by its head.")
            if by_entity
            else _("Figures entered in Daftar by the Corporate Governance Unit."),
            styles["BodyText"],
        ),
        Spacer(1, 5 * mm),
        Table(
            rows,
            colWidths=[32 * mm, 80 * mm, 28 * mm, 30 * mm],
            style=TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f1ed")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d7dde5")),
                    ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                ]
            ),
            hAlign="LEFT",
        ),
    ]
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"KPI return {entity.code} {period.code} v{version}",
        author="Corporate Governance Unit, Finance Department",
    ).build(story)
    return out.getvalue()
