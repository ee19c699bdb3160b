"""Factories for the public site's tests: citizen receipts and files (ORM, for speed; one
test drives the real diarise service), CGU figures, and the Wagtail page tree."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Site

from cgu.models import (
    EntityType,
    KpiDefinition,
    KpiReturn,
    KpiValue,
    PublicSectorEntity,
    ReportingPeriod,
)
from portal_pages.models import (
    DepartmentIndexPage,
    DepartmentPage,
    HomePage,
    MonitoringReportPage,
    NewsIndexPage,
    NewsPage,
    PerformanceIndexPage,
    StandardPage,
    TrackingPage,
)
from tests.factories import UserFactory
from workspace import tracking
from workspace.models import File, Grading, Movement, Receipt, SubjectHead

_serial = itertools.count(1)


def subject_head(department):
    head, _ = SubjectHead.objects.get_or_create(
        department=department, code="1", defaults={"name_en": "General"}
    )
    return head


class FileFactory(factory.django.DjangoModelFactory):
    """A file at ``holding_post`` (its section and department follow the post)."""

    class Meta:
        model = File

    holding_post = None
    section = factory.LazyAttribute(lambda o: o.holding_post.section)
    department = factory.LazyAttribute(lambda o: o.holding_post.section.department)
    subject_head = factory.LazyAttribute(lambda o: subject_head(o.department))
    year = 2025
    serial = factory.LazyFunction(lambda: next(_serial))
    number = factory.LazyAttribute(
        lambda o: f"{o.department.code}/{o.section.code}/1-{o.serial}/{o.year}"
    )
    subject = "Application for a domicile certificate"
    opened_by = factory.SubFactory(UserFactory)
    opened_at = factory.LazyFunction(timezone.now)
    desk_since = factory.LazyFunction(timezone.now)


class CitizenReceiptFactory(factory.django.DjangoModelFactory):
    """A citizen's application, diarised with a tracking reference."""

    class Meta:
        model = Receipt

    holding_post = None
    section = factory.LazyAttribute(lambda o: o.holding_post.section)
    diary_year = 2025
    diary_number = factory.LazyFunction(lambda: next(_serial))
    sender = "Gul Bano"
    subject = "Application for a domicile certificate"
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3))
    diarised_by = factory.SubFactory(UserFactory)
    is_citizen_matter = True
    citizen_name = "Gul Bano"
    citizen_cnic_last4 = "4321"
    citizen_mobile_last4 = "8765"
    tracking_ref = factory.LazyFunction(tracking.new_reference)
    time_limit_days = 30
    grading = Grading.UNCLASSIFIED


def on_file(receipt, *, post=None, **file_kwargs) -> File:
    """Put ``receipt`` on a new file held at ``post`` (the receipt's post by default)."""
    file = FileFactory(holding_post=post or receipt.holding_post, **file_kwargs)
    receipt.file = file
    receipt.status = Receipt.Status.ON_FILE
    receipt.save(update_fields=["file", "status"])
    return file


def move(file, *, by, from_post, to_post, kind=Movement.Kind.MARK, at=None, remarks=""):
    return Movement.objects.create(
        file=file,
        kind=kind,
        from_post=from_post,
        to_post=to_post,
        by=by,
        at=at or timezone.now(),
        remarks=remarks,
    )


# ---- CGU -----------------------------------------------------------------------------------


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicSectorEntity
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PSE-{n}")
    name_en = factory.LazyAttribute(lambda o: f"Entity {o.code}")
    name_ur = factory.LazyAttribute(lambda o: f"ادارہ {o.code}")
    type = EntityType.AUTHORITY
    department = None
    contact_name = "Focal Person Who Must Not Appear"


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiDefinition
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KPI{n}")
    name_en = factory.LazyAttribute(lambda o: f"Indicator {o.code}")
    name_ur = factory.LazyAttribute(lambda o: f"اشاریہ {o.code}")
    unit = KpiDefinition.Unit.PKR_MILLION
    category = KpiDefinition.Category.FINANCIAL


def quarter(year: int, q: int) -> ReportingPeriod:
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
    period, _ = ReportingPeriod.objects.get_or_create(
        code=f"{year}-Q{q}",
        defaults={
            "kind": ReportingPeriod.Kind.QUARTERLY,
            "starts_on": start,
            "ends_on": end,
            "deadline": end + dt.timedelta(days=30),
        },
    )
    return period


def kpi_return(entity, period, values: dict, *, status="accepted", published=True, version=1):
    """A return with ``values`` ({kpi: value}); accepted and published unless told."""
    ret = KpiReturn.objects.create(
        entity=entity,
        period=period,
        version=version,
        status=status,
        source=KpiReturn.Source.FORM,
        received_on=period.deadline - dt.timedelta(days=5),
        submitted_by=UserFactory(),
        is_published=published,
        reasons="" if status != "returned" else "Figures do not add up",
    )
    for kpi, value in values.items():
        KpiValue.objects.create(kpi_return=ret, kpi=kpi, value=Decimal(str(value)))
    return ret


# ---- Wagtail page tree ---------------------------------------------------------------------


class Tree:
    home: HomePage
    tracking: TrackingPage
    performance: PerformanceIndexPage
    departments: DepartmentIndexPage
    news: NewsIndexPage
    about: StandardPage


def build_tree() -> Tree:
    """Home as the default site's root, with one page of each kind under it."""
    from demo.portal import ensure_root

    root = ensure_root()  # a transactional test may have flushed Wagtail's initial data
    t = Tree()
    t.home = root.add_child(
        instance=HomePage(
            title="Citizen portal",
            title_ur="شہری پورٹل",
            slug="home-test",
            intro="Track your application and see how government performs.",
            intro_ur="اپنی درخواست کا پتہ لگائیں۔",
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": t.home, "site_name": "Daftar"},
    )
    for attr, model, slug, title, title_ur in [
        ("tracking", TrackingPage, "track", "Track your application", "درخواست کا پتہ"),
        ("performance", PerformanceIndexPage, "performance", "Performance", "کارکردگی"),
        ("departments", DepartmentIndexPage, "departments", "Departments", "محکمے"),
        ("news", NewsIndexPage, "news", "News", "خبریں"),
        ("about", StandardPage, "about", "About", "تعارف"),
    ]:
        page = t.home.add_child(
            instance=model(title=title, title_ur=title_ur, slug=slug, show_in_menus=True)
        )
        setattr(t, attr, page)
    return t


def department_page(tree: Tree, department, **kwargs) -> DepartmentPage:
    return tree.departments.add_child(
        instance=DepartmentPage(
            title=department.name_en,
            title_ur=department.name_ur,
            slug=department.code.lower(),
            department=department,
            **kwargs,
        )
    )


def news_page(tree: Tree, title: str, date: dt.date, **kwargs) -> NewsPage:
    return tree.news.add_child(
        instance=NewsPage(title=title, slug=slugify(title), date=date, **kwargs)
    )


def report_page(tree: Tree, period, **kwargs) -> MonitoringReportPage:
    return tree.performance.add_child(
        instance=MonitoringReportPage(
            title=f"Monitoring report {period.code}",
            slug=f"sdpmr-{period.code.lower()}",
            period=period,
            **kwargs,
        )
    )
