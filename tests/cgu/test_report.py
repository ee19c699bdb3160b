"""The Service Delivery Performance Monitoring Report: built from accepted figures only, by
one command (as on a schedule) or a service call."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from cgu import report
from cgu.models import PerformanceReport
from cgu.services import report_generate, return_accept, return_submit
from kernel.errors import PermissionDenied
from kernel.models import AuditEvent
from tests.cgu.conftest import hosp_rows, uni_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(cgu):
    day = dt.date(2025, 10, 20)
    for period, budget in [(cgu.q2, "1000"), (cgu.q3, "1100")]:
        r = return_submit(
            actor=cgu.asst_user,
            entity=cgu.uni,
            period=period,
            rows=uni_rows(BUDGET=budget),
            received_on=max(day if period == cgu.q3 else dt.date(2025, 7, 20), period.ends_on),
        )
        return_accept(actor=cgu.so_user, kpi_return=r)
    # Waiting for review: must not appear.
    return_submit(
        actor=cgu.asst_user,
        entity=cgu.hosp,
        period=cgu.q3,
        rows=hosp_rows(BUDGET="4242.42"),
        received_on=day,
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_build_uses_published_figures_and_compares_like_for_like(cgu, figures):
    data = report.build(cgu.q3, on=dt.date(2025, 11, 15))
    assert data.previous == cgu.q2
    assert data.entities_reported == 1
    budget = next(line for line in data.province if line.kpi.code == "BUDGET")
    assert (str(budget.value), str(budget.previous), str(budget.change)) == (
        "1100.00",
        "1000.00",
        "10.0",
    )
    assert sorted(e.code for e in data.not_reported) == ["AWKUM", "LRH-MTI"]
    assert [t.entity_type for t in data.types] == ["university"]
    assert data.compliance.totals.filed == 2


def test_pdf_has_the_accepted_figures_and_not_the_others(cgu, figures):
    content = report.render_pdf(report.build(cgu.q3, on=dt.date(2025, 11, 15)))
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Service Delivery Performance Monitoring Report" in text
    assert "University of Peshawar" in text and "1,100.00" in text
    assert "4,242.42" not in text
    assert "Lady Reading Hospital MTI" in text  # listed as without accepted figures


def test_command_generates_and_stores_with_progress(cgu, figures):
    out = io.StringIO()
    call_command("cgu_report", "--period", "2025-Q3", "--as", "cgu-so", stdout=out)
    row = PerformanceReport.objects.get()
    assert row.period == cgu.q3 and row.generated_by == cgu.so_user
    assert row.pdf.read().startswith(b"%PDF")
    assert "Collecting published figures for 2025-Q3" in out.getvalue()
    assert "1 entities with accepted figures, 2 without" in out.getvalue()
    assert AuditEvent.objects.filter(action="cgu.report_generate").count() == 1


def test_command_defaults_to_the_head_of_the_cgu_and_latest_period(cgu, figures):
    call_command("cgu_report", "--period", "latest", stdout=io.StringIO())
    row = PerformanceReport.objects.get()
    assert row.generated_by == cgu.head_user
    assert row.period.code == "2025-Q3"


def test_command_refusals(cgu):
    with pytest.raises(CommandError, match="No reporting period"):
        call_command("cgu_report", "--period", "1999-Q1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Only officers of the Corporate Governance Unit"):
        call_command("cgu_report", "--period", "2025-Q3", "--as", "no-post", stdout=io.StringIO())
    with pytest.raises(PermissionDenied):
        report_generate(actor=cgu.budget_so_user, period=cgu.q3)


def test_reminders_command(cgu, figures, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cgu_reminders", "--period", "2025-Q3", "--as", "cgu-asst", stdout=out)
    assert "2025-Q3: 1 reminder(s), 0 without email" in out.getvalue()  # AWKUM
