"""The CGU's staff screens: who gets in, entering and reviewing through the pages, and list
pages whose query count does not grow with rows."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cgu.models import KpiReturn, PerformanceReport
from cgu.services import return_accept, return_submit
from tests.cgu.conftest import uni_rows
from tests.cgu.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def so_client(client, cgu):
    client.force_login(cgu.so_user)
    return client


@pytest.fixture
def asst_client(client, cgu):
    client.force_login(cgu.asst_user)
    return client


def test_only_cgu_staff_get_in(client, cgu):
    url = reverse("cgu:dashboard")
    assert client.get(url).status_code == 302  # to sign in
    for user in [cgu.budget_so_user, cgu.outsider, cgu.superuser]:
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("cgu:returns")).status_code == 403
    client.force_login(cgu.asst_user)
    page = client.get(url)
    assert page.status_code == 200
    assert 'href="/desk/cgu/"' in page.content.decode()  # the staff nav links the CGU


def test_pages_render(so_client, cgu, submitted):
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    for name, args in [
        ("cgu:dashboard", []),
        ("cgu:entities", []),
        ("cgu:entity", ["UOP"]),
        ("cgu:department", ["HED"]),
        ("cgu:kpi", ["UTIL_PCT"]),
        ("cgu:returns", []),
        ("cgu:return", [submitted.pk]),
        ("cgu:compliance", []),
        ("cgu:compliance_period", ["2025-Q3"]),
        ("cgu:escalations", []),
        ("cgu:reports", []),
        ("cgu:return_new", []),
    ]:
        response = so_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    dashboard = so_client.get(reverse("cgu:dashboard") + "?period=2025-Q3").content.decode()
    assert "chart.umd.min.js" in dashboard and 'data-chart="chart-compliance-data"' in dashboard


def test_enter_a_return_in_the_form(asst_client, cgu):
    start = asst_client.get(reverse("cgu:return_new"), {"entity": cgu.uni.pk, "period": cgu.q3.pk})
    assert start.status_code == 200
    assert b"kpi_ENROLMENT" in start.content and b"kpi_OPD" not in start.content
    data = {"received_on": "2025-10-20", **{f"kpi_{r['kpi_code']}": r["value"] for r in uni_rows()}}
    response = asst_client.post(
        reverse("cgu:return_new") + f"?entity={cgu.uni.pk}&period={cgu.q3.pk}", data
    )
    r = KpiReturn.objects.get()
    assert response.status_code == 302 and response.url == reverse("cgu:return", args=[r.pk])
    assert r.values.count() == 5


def test_form_errors_sit_beside_their_fields_and_nothing_is_saved(asst_client, cgu):
    data = {
        "received_on": "2025-10-20",
        **{f"kpi_{r['kpi_code']}": r["value"] for r in uni_rows(UTIL_PCT="300", STAFF="many")},
    }
    url = reverse("cgu:return_new") + f"?entity={cgu.uni.pk}&period={cgu.q3.pk}"
    response = asst_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["kpi_UTIL_PCT"] == ["300 is outside the valid range of UTIL_PCT (0 to 150)."]
    assert form.errors["kpi_STAFF"] == ["“many” is not a number."]
    assert [(e.row, e.column) for e in response.context["row_errors"]] == [
        (3, "value"),
        (4, "value"),
    ]
    assert KpiReturn.objects.count() == 0


def test_upload_errors_are_listed_with_row_and_column(asst_client, cgu):
    csv = "kpi_code,value\nBUDGET,1\nNOPE,2\n"
    url = reverse("cgu:return_new") + f"?entity={cgu.uni.pk}&period={cgu.q3.pk}"
    response = asst_client.post(
        url, {"received_on": "2025-10-20", "upload": SimpleUploadedFile("r.csv", csv.encode())}
    )
    body = response.content.decode()
    assert "Unknown KPI code “NOPE”." in body
    assert response.context["row_errors"][0].row == 3
    assert KpiReturn.objects.count() == 0


def test_review_through_the_pages(client, cgu, submitted):
    client.force_login(cgu.asst_user)
    page = client.get(reverse("cgu:return", args=[submitted.pk])).content.decode()
    assert "Accept and publish" not in page  # the clerk who entered it cannot review
    client.force_login(cgu.so_user)
    page = client.get(reverse("cgu:return", args=[submitted.pk])).content.decode()
    assert "Take up for review" in page and "Accept and publish" in page
    client.post(reverse("cgu:return_send_back", args=[submitted.pk]), {"reasons": ""})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"  # no reasons, no return
    client.post(reverse("cgu:return_send_back", args=[submitted.pk]), {"reasons": "Fix staff."})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.reasons) == ("returned", "Fix staff.")
    resubmit = client.get(reverse("cgu:return_resubmit", args=[submitted.pk]))
    assert resubmit.context["form"].initial["kpi_STAFF"] == "2300"


def test_refusal_is_a_message_not_an_error_page(client, cgu, submitted):
    client.force_login(cgu.asst_user)
    response = client.post(reverse("cgu:return_accept", args=[submitted.pk]), follow=True)
    assert response.status_code == 200
    assert "Section Officer level" in response.content.decode()


def test_template_downloads(asst_client, cgu):
    q = {"entity": "UOP", "period": "2025-Q3"}
    csv = asst_client.get(reverse("cgu:return_template", args=["csv"]), q)
    assert csv["Content-Disposition"] == 'attachment; filename="kpi-return-UOP-2025-Q3.csv"'
    assert csv.content.decode("utf-8-sig").startswith("entity_code,period,kpi_code")
    xlsx = asst_client.get(reverse("cgu:return_template", args=["xlsx"]), q)
    assert xlsx.content[:2] == b"PK"


def test_report_generated_from_the_page_and_opened(so_client, cgu, submitted):
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    response = so_client.post(reverse("cgu:reports"), {"period": cgu.q3.pk})
    assert response.status_code == 302
    report = PerformanceReport.objects.get()
    pdf = so_client.get(reverse("cgu:report_pdf", args=[report.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_generate_now_without_a_period_says_so_and_the_latest_is_chosen(so_client, cgu):
    page = so_client.get(reverse("cgu:reports")).content.decode()
    # the latest quarter whose returns were due is selected already
    assert f'<option value="{cgu.q3.pk}" selected>' in page
    response = so_client.post(reverse("cgu:reports"), {"period": ""})
    assert response.status_code == 200
    assert "Choose the period the report should cover." in response.content.decode()
    assert not PerformanceReport.objects.exists()


def _grow(cgu, n):
    for i in range(n):
        e = EntityFactory(code=f"GROW{i}", department=cgu.hed)
        r = return_submit(
            actor=cgu.asst_user,
            entity=e,
            period=cgu.q3,
            rows=uni_rows(),
            received_on=dt.date(2025, 10, 10),
        )
        if i % 2:
            return_accept(actor=cgu.so_user, kpi_return=r)


@pytest.mark.parametrize(
    "name, args",
    [
        ("cgu:entities", []),
        ("cgu:returns", []),
        ("cgu:compliance_period", ["2025-Q3"]),
        ("cgu:dashboard", []),
        ("cgu:department", ["HED"]),
        ("cgu:kpi", ["BUDGET"]),
        ("cgu:escalations", []),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(
    so_client, cgu, name, args, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(cgu, 2)
    url = reverse(name, args=args) + "?period=2025-Q3"
    with CaptureQueriesContext(connection) as few:
        assert so_client.get(url).status_code == 200
    for i in range(6):
        EntityFactory(code=f"MORE{i}", department=cgu.hd)
    _more(cgu)
    with django_assert_max_num_queries(len(few)):
        assert so_client.get(url).status_code == 200


def _more(cgu):
    for i in range(6, 12):
        e = EntityFactory(code=f"GROW{i}", department=cgu.hed)
        r = return_submit(
            actor=cgu.asst_user,
            entity=e,
            period=cgu.q3,
            rows=uni_rows(),
            received_on=dt.date(2025, 11, 10),
        )
        if i % 2:
            return_accept(actor=cgu.so_user, kpi_return=r)
