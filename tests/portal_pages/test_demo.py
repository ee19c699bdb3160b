"""The public site's demo seed: the page tree, the editor, citizens' matters at each stage."""

import pytest
from wagtail.models import Site

from demo import organisation as workspace_demo
from demo import portal as demo
from demo.steps import later_steps
from portal_pages.models import (
    DepartmentPage,
    HomePage,
    MonitoringReportPage,
    NewsPage,
    TrackingPage,
)
from workspace import tracking
from workspace.tracking import Stage

pytestmark = pytest.mark.django_db


def test_seed_builds_the_site_and_is_idempotent(client):
    from organisation.models import Department
    from tests.portal_pages.factories import EntityFactory, KpiFactory, kpi_return, quarter

    workspace_demo.seed_organisation(progress=lambda *_: None)
    kpi_return(
        EntityFactory(code="BOK", department=Department.objects.get(code="FD")),
        quarter(2025, 2),
        {KpiFactory(code="BUDGET"): 10},
    )
    lines = []
    demo.seed(progress=lines.append)
    demo.seed(progress=lambda *_: None)  # again: nothing doubles

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert TrackingPage.objects.count() == 1
    assert DepartmentPage.objects.count() == Department.objects.count() == 7
    assert NewsPage.objects.count() == len(demo.NEWS)
    assert MonitoringReportPage.objects.get().period.code == "2025-Q2"
    urls = ["/", "/track/", "/performance/", "/departments/", "/departments/fd/", "/news/"]
    urls += ["/about/", "/performance/sdpmr-2025-q2/", "/performance/departments/fd/"]
    for url in urls:
        assert client.get(url).status_code == 200, url

    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="editor")
    assert editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.check_password(workspace_demo.DEMO_PASSWORD)

    matters = demo.seed_matters(progress=lambda *_: None)
    assert len(matters) == len(demo.MATTERS)
    stages = {}
    for ref, factor, name, _label in matters:
        status = tracking.public_status(reference=ref, second_factor=factor)
        stages[name] = status.stage if status else None
    assert stages == {
        "Gul Bano": Stage.RECEIVED,
        "Sher Alam": Stage.EXAMINATION,
        "Nasreen Akhtar": Stage.DECISION,
        "Amanullah": Stage.EXAMINATION,
        "Zarmina Bibi": Stage.ON_HOLD,
        "Fazal Rabi": Stage.DECIDED,
        "Haji Gul": None,  # graded restricted: never public
    }
    assert any("editor / daftar-demo" in line for line in lines)


def test_later_steps_include_the_public_site():
    steps = dict(later_steps())
    assert demo.seed in steps.values()
