"""The CGU's models in Django's admin (one test each; see tests/workspace/test_admin_reads.py
for the rest): the registry is configuration and shown; returns not yet accepted, their
review reasons and the reminders are the CGU's own and shown to CGU staff only."""

import pytest
from django.urls import reverse

import daftar.urls  # noqa: F401  (admin_site.configure() has run)
from cgu.models import PerformanceReport, Reminder

pytestmark = pytest.mark.django_db


def _page(client, name, *args) -> str:
    response = client.get(reverse(f"admin:{name}", args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


@pytest.fixture
def root(client, cgu):
    """A superuser outside the CGU."""
    client.force_login(cgu.superuser)
    return client


def as_cgu_staff(client, cgu):
    cgu.so_user.is_staff = True
    cgu.so_user.save()
    client.force_login(cgu.so_user)
    return client


def test_entity(root, cgu):
    assert cgu.uni.code in _page(root, "cgu_publicsectorentity_changelist")


def test_kpi_definition(root, cgu):
    assert cgu.budget_kpi.code in _page(root, "cgu_kpidefinition_changelist")


def test_reporting_period(root, cgu):
    assert cgu.q3.code in _page(root, "cgu_reportingperiod_changelist")


def test_unaccepted_return_is_the_cgus_own(root, cgu, submitted):
    html = _page(root, "cgu_kpireturn_changelist")
    assert cgu.uni.name_en not in html
    response = root.get(reverse("admin:cgu_kpireturn_change", args=[submitted.pk]))
    assert response.status_code == 302  # "doesn't exist" for this person
    staff = as_cgu_staff(root, cgu)
    assert cgu.uni.name_en in _page(staff, "cgu_kpireturn_changelist")
    assert "reasons" in _page(staff, "cgu_kpireturn_change", submitted.pk).lower()


def test_published_return_is_shown_without_the_review(root, cgu, submitted):
    from cgu.services import return_accept, return_take_up

    return_take_up(actor=cgu.so_user, kpi_return=submitted)
    accepted = return_accept(actor=cgu.so_user, kpi_return=submitted)
    assert accepted.is_published
    html = _page(root, "cgu_kpireturn_change", accepted.pk)
    assert 'name="reasons"' not in html and "field-reasons" not in html


def test_reminder(root, cgu):
    reminder = Reminder.objects.create(
        entity=cgu.uni, period=cgu.q3, email="registrar@uop.example", reason="overdue",
        sent_by=cgu.so_user,
    )  # fmt: skip
    assert "registrar@uop.example" not in _page(root, "cgu_reminder_changelist")
    assert root.get(reverse("admin:cgu_reminder_change", args=[reminder.pk])).status_code == 302
    staff = as_cgu_staff(root, cgu)
    assert "registrar@uop.example" in _page(staff, "cgu_reminder_changelist")


def test_performance_report_is_public_and_shown(root, cgu):
    report = PerformanceReport.objects.create(
        period=cgu.q3, pdf="reports/q3.pdf", sha256="0" * 64, size=10, entities_reported=0,
        generated_by=cgu.so_user,
    )  # fmt: skip
    assert cgu.q3.code in _page(root, "cgu_performancereport_changelist")
    _page(root, "cgu_performancereport_change", report.pk)
