"""The CGU in miniature: the Finance Department's CGU section with its head, a Section
Officer and an Assistant; an officer of another section; a few KPIs, periods and entities."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cgu.models import EntityType, KpiDefinition
from tests.cgu.factories import EntityFactory, KpiFactory, PeriodFactory
from tests.factories import (
    DepartmentFactory,
    HoldingFactory,
    PostFactory,
    SectionFactory,
    UserFactory,
)

L = PostFactory._meta.model.Level


@pytest.fixture
def cgu(db):
    o = SimpleNamespace()
    o.fd = DepartmentFactory(code="FD", name_en="Finance Department")
    o.hed = DepartmentFactory(code="HED", name_en="Higher Education Department")
    o.hd = DepartmentFactory(code="HD", name_en="Health Department", is_live=False, live_since=None)
    o.section = SectionFactory(department=o.fd, code="CGU", name_en="Corporate Governance Unit")
    o.budget = SectionFactory(department=o.fd, code="SO(B-I)", name_en="Budget-I")
    o.head = PostFactory(section=o.section, level=L.DEPUTY_SECRETARY, designation_en="Head, CGU")
    o.so = PostFactory(
        section=o.section, level=L.SECTION_OFFICER, designation_en="SO (CGU)", reports_to=o.head
    )
    o.asst = PostFactory(
        section=o.section, level=L.ASSISTANT, designation_en="Assistant (CGU)", reports_to=o.so
    )
    o.budget_so = PostFactory(
        section=o.budget, level=L.SECTION_OFFICER, designation_en="SO (Budget-I)"
    )
    for name in ["head", "so", "asst", "budget_so"]:
        user = UserFactory(username=f"cgu-{name}", first_name=name.title())
        HoldingFactory(post=getattr(o, name), user=user)
        setattr(o, f"{name}_user", user)
    o.outsider = UserFactory(username="no-post")
    o.superuser = UserFactory(username="root-cgu", is_superuser=True, is_staff=True)

    U, F, S = KpiDefinition.Unit, KpiDefinition.Category.FINANCIAL, KpiDefinition.Category.SERVICE
    o.budget_kpi = KpiFactory(code="BUDGET", name_en="Budget", position=1)
    o.exp_kpi = KpiFactory(code="EXPENDITURE", name_en="Expenditure", position=2)
    o.util_kpi = KpiFactory(
        code="UTIL_PCT",
        name_en="Budget utilisation",
        unit=U.PERCENT,
        min_value=Decimal("0"),
        max_value=Decimal("150"),
        aggregation=KpiDefinition.Aggregation.MEAN,
        position=3,
    )
    o.staff_kpi = KpiFactory(
        code="STAFF",
        name_en="Staff",
        unit=U.COUNT,
        category=F,
        max_value=Decimal("50000"),
        position=4,
    )
    o.enrol_kpi = KpiFactory(
        code="ENROLMENT",
        name_en="Students enrolled",
        unit=U.COUNT,
        category=S,
        entity_types=[EntityType.UNIVERSITY],
        max_value=Decimal("200000"),
        position=5,
    )
    o.opd_kpi = KpiFactory(
        code="OPD",
        name_en="Outpatient visits",
        unit=U.COUNT,
        category=S,
        entity_types=[EntityType.TEACHING_HOSPITAL],
        max_value=Decimal("5000000"),
        position=6,
    )
    o.note_kpi = KpiFactory(
        code="COMPLAINTS_PCT",
        name_en="Complaints resolved",
        unit=U.PERCENT,
        category=S,
        is_required=False,
        max_value=Decimal("100"),
        position=7,
    )
    o.q2 = PeriodFactory(
        code="2025-Q2",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2025, 6, 30),
        deadline=dt.date(2025, 7, 31),
    )
    o.q3 = PeriodFactory(code="2025-Q3")
    o.uni = EntityFactory(code="UOP", name_en="University of Peshawar", department=o.hed)
    o.uni2 = EntityFactory(code="AWKUM", name_en="Abdul Wali Khan University", department=o.hed)
    o.hosp = EntityFactory(
        code="LRH-MTI",
        name_en="Lady Reading Hospital MTI",
        type=EntityType.TEACHING_HOSPITAL,
        department=o.hd,
    )
    return o


def uni_rows(**overrides):
    """A clean return of a university, as form/API rows; ``overrides`` change values."""
    values = {
        "BUDGET": "1200.50",
        "EXPENDITURE": "980.25",
        "UTIL_PCT": "81.65",
        "STAFF": "2300",
        "ENROLMENT": "14500",
    }
    values.update(overrides)
    return [{"kpi_code": k, "value": v} for k, v in values.items() if v is not None]


def hosp_rows(**overrides):
    values = {
        "BUDGET": "9000",
        "EXPENDITURE": "8100",
        "UTIL_PCT": "90",
        "STAFF": "4100",
        "OPD": "1250000",
    }
    values.update(overrides)
    return [{"kpi_code": k, "value": v} for k, v in values.items() if v is not None]


@pytest.fixture
def submitted(cgu):
    """A university's clean return for 2025-Q3, entered by the CGU Assistant."""
    from cgu.services import return_submit

    return return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 20),
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Papers (uploaded returns, generated reports) go to a temporary folder, not var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
