"""The performance pages: published KPIs of departments and public sector entities, the
Service Delivery Performance Monitoring Reports, and the figures of the e-office itself.

One ``PerformanceIndexPage`` serves a page per department and per entity as routes (there
are 183 entities: editors should not have to keep a page for each), each with CSV and JSON
downloads of exactly the numbers it shows::

    /performance/                                 overview
    /performance/departments/<code>/  (+ csv/, json/)
    /performance/entities/<code>/     (+ csv/, json/)
    /performance/e-office/            (+ csv/, json/)
    /performance/<report-slug>/       a MonitoringReportPage (+ csv/, json/, pdf/)
"""

from __future__ import annotations

from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from cgu.models import KpiDefinition, PerformanceReport
from cgu.selectors import published as cgu
from organisation.models import Department
from portal_pages import figures, reports
from portal_pages.caching import serve_cached
from portal_pages.eoffice import eoffice_figures
from portal_pages.models.base import BilingualPage, bilingual_tabs
from portal_pages.tables import Column, DataTable, csv_response, csv_text, json_response

FIGURES_PREPARING = _(
    "The e-office figures are being prepared. Please look again in a few minutes."
)


class RoutableBilingualPage(RoutablePageMixin, BilingualPage):
    """A bilingual page with sub-routes; every route's answer is publicly cacheable."""

    class Meta:
        abstract = True

    def serve(self, request, view=None, args=None, kwargs=None):
        return serve_cached(
            self,
            request,
            lambda: RoutablePageMixin.serve(self, request, view, args, kwargs),
            self.cache_max_age,
        )

    def route_url(self, name: str, *args) -> str:
        return self.url + self.reverse_subpage(name, args=list(args)).lstrip("/")

    def render_route(self, request, template: str, crumbs: list | None = None, **context):
        """Render a sub-route with the page's context; ``crumbs`` continue the trail."""
        full = self.get_context(request)
        if crumbs:
            full["crumbs"] = full["crumbs"] + crumbs
        full.update(context)
        return TemplateResponse(request, template, full)


class PerformanceIndexPage(RoutableBilingualPage):
    """How the province's departments and public sector entities perform, from the figures
    the Corporate Governance Unit has accepted; and how the e-office itself is used."""

    max_count = 1
    parent_page_types = ["portal_pages.HomePage"]
    subpage_types = ["portal_pages.MonitoringReportPage"]
    edit_handler = bilingual_tabs(BilingualPage.english_panels, BilingualPage.urdu_panels)

    class Meta:
        verbose_name = _("performance index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["performance_page"] = self
        context["eoffice_url"] = self.route_url("eoffice")
        return context

    # ---- overview
    def _overview_data(self):
        periods = figures.recent_periods()
        period = figures.filing_period(periods)
        filing = figures.filing(period)
        by_dept: dict[int, list] = {}
        for row in filing.rows:
            by_dept.setdefault(row.entity.department_id, []).append(row)
        departments = [
            {
                "department": dept,
                "url": self.route_url("department", dept.code.lower()),
                "entities": len(by_dept.get(dept.pk, [])),
                "reported": sum(1 for r in by_dept.get(dept.pk, []) if r.reported),
            }
            for dept in Department.objects.order_by("code")
        ]
        for row in departments:
            row["not_reported"] = row["entities"] - row["reported"]
        province = figures.kpi_figures(
            cgu.province_series(kind=figures.QUARTERLY), periods, combined=True
        )
        return period, filing, departments, _headline_table(province, period)

    @path("")
    def overview(self, request):
        period, filing, departments, headline = self._overview_data()
        reports = (
            MonitoringReportPage.objects.live()
            .public()
            .child_of(self)
            .select_related("period")
            .order_by("-period__ends_on")
        )
        return self.render_route(
            request,
            "portal_pages/performance_index_page.html",
            period=period,
            filing=filing,
            departments=departments,
            headline=headline,
            reports=reports,
            eoffice=eoffice_figures(),
            downloads=[
                (gettext("CSV (spreadsheet)"), self.route_url("overview_csv")),
                (gettext("JSON (data)"), self.route_url("overview_json")),
            ],
        )

    # Fixed words, not ``<slug:fmt>/``: a slug route here would shadow the report pages below.
    @path("csv/", name="overview_csv")
    def overview_csv(self, request):
        return self._overview_download("csv")

    @path("json/", name="overview_json")
    def overview_json(self, request):
        return self._overview_download("json")

    def _overview_download(self, fmt: str):
        """The overview's two tables: the province's latest figure of each KPI, and the
        departments' filing for that period; one CSV (the two under their titles) or JSON."""

        period, _filing, departments, headline = self._overview_data()
        by_department = _departments_table(departments, period)
        if fmt == "csv":
            return csv_response(
                None, "performance-overview", text=csv_text([headline, by_department])
            )
        return json_response(
            [headline, by_department],
            "performance-overview",
            period=period.code if period else None,
        )

    # ---- a department
    def _department(self, code: str):
        department = Department.objects.filter(code__iexact=code).first()
        if department is None:
            raise Http404
        return department

    def _department_data(self, department):
        periods = figures.recent_periods()
        kpi_figs = figures.kpi_figures(
            cgu.department_series(department, kind=figures.QUARTERLY), periods, combined=True
        )
        filing = figures.filing(figures.filing_period(periods), department=department)
        return periods, kpi_figs, filing

    @path("departments/<slug:code>/")
    def department(self, request, code):
        department = self._department(code)
        periods, kpi_figs, filing = self._department_data(department)
        entity_urls = {
            r.entity.pk: self.route_url("entity", r.entity.code.lower()) for r in filing.rows
        }
        page = getattr(department, "public_page", None)
        return self.render_route(
            request,
            "portal_pages/performance_department.html",
            crumbs=[{"title": department.name, "url": ""}],
            department=department,
            department_page=page if page is not None and page.live else None,
            periods=periods,
            kpi_figures=kpi_figs,
            filing=filing,
            entity_urls=entity_urls,
            downloads=self._downloads("department_download", department.code.lower()),
        )

    @path("departments/<slug:code>/<slug:fmt>/")
    def department_download(self, request, code, fmt):
        department = self._department(code)
        _periods, kpi_figs, filing = self._department_data(department)
        name = f"{department.code.lower()}-performance"
        if fmt == "csv":
            return csv_response(figures.long_table(kpi_figs, "kpis", department.name), name)
        if fmt == "json":
            return json_response(
                [f.table for f in kpi_figs] + [filing.table()],
                name,
                department={"code": department.code, "name": department.name},
            )
        raise Http404

    # ---- an entity
    def _entity(self, code: str):
        entity = cgu.public_entities().filter(code__iexact=code).first()
        if entity is None:
            raise Http404
        return entity

    def _entity_data(self, entity):
        periods = figures.recent_periods()
        kpis = [
            k for k in KpiDefinition.objects.filter(is_active=True) if k.applies_to(entity.type)
        ]
        kpi_figs = figures.kpi_figures(
            cgu.entity_series(entity, kind=figures.QUARTERLY), periods, combined=False, kpis=kpis
        )
        reported = {
            row["period"] for f in kpi_figs for row in f.table.rows if row["value"] is not None
        }
        return periods, kpi_figs, reported

    @path("entities/<slug:code>/")
    def entity(self, request, code):
        entity = self._entity(code)
        periods, kpi_figs, reported = self._entity_data(entity)
        return self.render_route(
            request,
            "portal_pages/performance_entity.html",
            crumbs=[
                {
                    "title": entity.department.name,
                    "url": self.route_url("department", entity.department.code.lower()),
                },
                {"title": entity.name, "url": ""},
            ],
            entity=entity,
            department_url=self.route_url("department", entity.department.code.lower()),
            periods=[(p, p.code in reported) for p in periods],
            kpi_figures=kpi_figs,
            reported_any=bool(reported),
            downloads=self._downloads("entity_download", entity.code.lower()),
        )

    @path("entities/<slug:code>/<slug:fmt>/")
    def entity_download(self, request, code, fmt):
        entity = self._entity(code)
        _periods, kpi_figs, _reported = self._entity_data(entity)
        name = f"{slugify(entity.code)}-performance"
        if fmt == "csv":
            return csv_response(figures.long_table(kpi_figs, "kpis", entity.name), name)
        if fmt == "json":
            return json_response(
                [f.table for f in kpi_figs],
                name,
                entity={
                    "code": entity.code,
                    "name": entity.name,
                    "type": entity.type,
                    "department": entity.department.code,
                },
            )
        raise Http404

    # ---- the e-office itself
    def _eoffice(self):
        data = eoffice_figures()
        tables = figures.eoffice_tables(data)
        return data, tables, figures.eoffice_charts(tables)

    @path("e-office/")
    def eoffice(self, request):
        data, tables, charts = self._eoffice()
        return self.render_route(
            request,
            "portal_pages/performance_eoffice.html",
            crumbs=[{"title": gettext("The e-office in figures"), "url": ""}],
            eoffice=data,
            tables=tables,
            charts=charts,
            downloads=self._downloads("eoffice_download"),
        )

    @path("e-office/<slug:fmt>/")
    def eoffice_download(self, request, fmt):
        data, tables, _charts = self._eoffice()
        if not data.ready:
            response = HttpResponse(FIGURES_PREPARING, status=503, content_type="text/plain")
            response["Retry-After"] = "60"
            return response
        if fmt == "csv":
            # One CSV of the three tables, each under its title.
            merged = DataTable(
                slug="eoffice",
                title="",
                columns=tables["disposal"].columns
                + [c for c in tables["pending"].columns if c.key != "department"],
                rows=[
                    {**d, **p}
                    for d, p in zip(tables["disposal"].rows, tables["pending"].rows, strict=True)
                ],
            )
            return csv_response(merged, "e-office-departments")
        if fmt == "json":
            return json_response(
                list(tables.values()),
                "e-office",
                period={
                    "from": data.period_start.isoformat(),
                    "to": data.period_end.isoformat(),
                },
            )
        raise Http404

    def _downloads(self, route: str, *args) -> list[tuple[str, str]]:
        return [
            (gettext("CSV (spreadsheet)"), self.route_url(route, *args, "csv")),
            (gettext("JSON (data)"), self.route_url(route, *args, "json")),
        ]


def _headline_table(province, period):
    """The province's latest figure of each KPI (the overview's table)."""

    rows = []
    for f in province:
        row = next((r for r in f.table.rows if period and r["period"] == period.code), None)
        rows.append(
            {
                "kpi": f.kpi.name,
                "unit": str(f.kpi.get_unit_display()),
                "value": row["value"] if row else None,
                "entities": row["entities"] if row else 0,
            }
        )
    return DataTable(
        slug="province",
        title=gettext("The province, %(period)s") % {"period": period.code if period else "—"},
        columns=[
            Column("kpi", gettext("KPI"), numeric=False),
            Column("unit", gettext("Unit"), numeric=False),
            Column("value", gettext("Value")),
            Column("entities", gettext("Entities reporting")),
        ],
        rows=rows,
    )


def _departments_table(departments: list[dict], period):
    """The overview's "by department" table as data (departments with entities only)."""

    return DataTable(
        slug="departments",
        title=gettext("Public sector entities reporting, by department, %(period)s")
        % {"period": period.code if period else "—"},
        columns=[
            Column("code", gettext("Code"), numeric=False),
            Column("department", gettext("Department"), numeric=False),
            Column("entities", gettext("Entities")),
            Column("reported", gettext("Reported")),
            Column("not_reported", gettext("Not reported")),
        ],
        rows=[
            {
                "code": row["department"].code,
                "department": row["department"].name,
                "entities": row["entities"],
                "reported": row["reported"],
                "not_reported": row["not_reported"],
            }
            for row in departments
            if row["entities"]
        ],
    )


class MonitoringReportPage(RoutableBilingualPage):
    """A Service Delivery Performance Monitoring Report: the editors' account of a period,
    with every entity's published figures for it, those that did not report, and the
    CGU's generated PDF when there is one."""

    period = models.ForeignKey(
        "cgu.ReportingPeriod",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting period"),
        help_text=_("The period the report covers; its published figures are shown."),
    )

    parent_page_types = ["portal_pages.PerformanceIndexPage"]
    subpage_types: list[str] = []
    edit_handler = bilingual_tabs(
        [FieldPanel("period")] + BilingualPage.english_panels, BilingualPage.urdu_panels
    )

    class Meta:
        verbose_name = _("monitoring report page")

    def _data(self):
        return reports.report_tables(self.period)

    @path("")
    def report(self, request):
        data = self._data()
        pdf = PerformanceReport.objects.filter(period=self.period).order_by("-generated_at").first()
        return self.render_route(
            request,
            "portal_pages/monitoring_report_page.html",
            data=data,
            pdf_url=self.route_url("report_pdf") if pdf else "",
            pdf=pdf,
            downloads=[
                (gettext("CSV (spreadsheet)"), self.route_url("report_download", "csv")),
                (gettext("JSON (data)"), self.route_url("report_download", "json")),
            ],
        )

    @path("pdf/")
    def report_pdf(self, request):
        pdf = PerformanceReport.objects.filter(period=self.period).order_by("-generated_at").first()
        if pdf is None:
            raise Http404
        return FileResponse(
            pdf.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"sdpmr-{slugify(self.period.code)}.pdf",
        )

    @path("<slug:fmt>/")
    def report_download(self, request, fmt):
        data = self._data()
        name = f"sdpmr-{slugify(self.period.code)}"
        if fmt == "csv":
            return csv_response(data.long_table(), name)
        if fmt == "json":
            return json_response(
                [data.departments] + [d.table for d in data.by_department],
                name,
                period={
                    "code": self.period.code,
                    "from": str(self.period.starts_on),
                    "to": str(self.period.ends_on),
                },
            )
        raise Http404
