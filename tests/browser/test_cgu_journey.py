"""Journey 4 of DOMAIN.md, the CGU's part, through the screens: the CGU's assistant enters a
university's quarterly return (the CGU's own entry, for an entity that cannot file itself),
the Section Officer takes it up and returns it with a reason, the assistant resubmits
corrected figures, the Section Officer takes up and accepts the resubmission, and the
accepted figures — and only they — appear on the public performance page and its CSV."""

import csv
import io
import re

import pytest

from cgu.models import KpiReturn
from cgu.services import monitoring_file_open
from tests.browser.conftest import axe_violations, screenshot
from tests.cgu.conftest import _media_in_tmp as _media_in_tmp  # noqa: F401 — CGU fixtures
from tests.cgu.conftest import cgu as cgu  # noqa: F401
from tests.portal_pages.factories import build_tree
from workspace.models import SubjectHead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/desk/**")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_cgu_returns_a_return_accepts_the_resubmission_and_the_public_sees_it(
    page,
    live_server,
    cgu,  # noqa: F811
):
    tree = build_tree()
    head = SubjectHead.objects.create(department=cgu.fd, code="PSE", name_en="PSE monitoring")
    monitoring_file_open(actor=cgu.asst_user, entity=cgu.uni, subject_head=head)

    # The CGU's assistant keys in the University of Peshawar's 2025-Q3 return.
    _sign_in(page, live_server, "cgu-asst")
    page.goto(f"{live_server.url}/desk/cgu/returns/new/?entity={cgu.uni.pk}&period={cgu.q3.pk}")
    for code, value in [
        ("BUDGET", "1200.50"),
        ("EXPENDITURE", "980.25"),
        ("UTIL_PCT", "81.65"),
        ("STAFF", "23"),  # a slip: 2,300 meant
        ("ENROLMENT", "14500"),
    ]:
        page.fill(f"#id_kpi_{code}", value)
    _submit(page, "main form.card button[type=submit]")
    first = KpiReturn.objects.get()
    assert page.url.endswith(f"/desk/cgu/returns/{first.pk}/")
    assert "waits for review" in page.content()
    # The one who entered it may not review it (four eyes): no take-up button for them.
    assert page.locator("text=Take up for review").count() == 0

    # The Section Officer takes it up and returns it with a reason.
    _sign_in(page, live_server, "cgu-so")
    page.goto(f"{live_server.url}/desk/cgu/returns/{first.pk}/")
    _submit(page, "text=Take up for review")
    first.refresh_from_db()
    assert first.status == KpiReturn.Status.UNDER_REVIEW and first.reviewed_by == cgu.so_user
    page.fill("#id_reasons", "Staff strength of 23 cannot be right for a university; check.")
    screenshot(page, "journey-4-return-under-review")
    assert axe_violations(page) == []
    _submit(page, "text=Return with these reasons")
    first.refresh_from_db()
    assert first.status == KpiReturn.Status.RETURNED
    assert "Staff strength of 23 cannot be right" in page.content()
    # Nothing is public yet.
    public = f"{live_server.url}{tree.performance.url}entities/{cgu.uni.code.lower()}/"
    page.goto(public)
    assert "2,300" not in page.content()

    # The assistant reads the reason and resubmits the corrected figure.
    _sign_in(page, live_server, "cgu-asst")
    page.goto(f"{live_server.url}/desk/cgu/returns/{first.pk}/")
    _submit(page, "main .actions >> text=Resubmit")
    assert "Staff strength of 23 cannot be right" in page.content()  # the reason, beside
    assert page.input_value("#id_kpi_BUDGET") == "1200.5"  # the old figures, to correct
    page.fill("#id_kpi_STAFF", "2300")
    _submit(page, "main form.card button[type=submit]")
    second = KpiReturn.objects.get(version=2)
    assert page.url.endswith(f"/desk/cgu/returns/{second.pk}/")

    # The Section Officer takes up and accepts the resubmission: it is published.
    _sign_in(page, live_server, "cgu-so")
    page.goto(f"{live_server.url}/desk/cgu/returns/{second.pk}/")
    _submit(page, "text=Take up for review")
    _submit(page, "text=Accept and publish")
    second.refresh_from_db()
    assert second.status == KpiReturn.Status.ACCEPTED and second.is_published
    screenshot(page, "journey-4-accepted")
    assert "published" in page.locator("main .page-head").inner_text()

    # The public performance page shows the accepted figures as a chart and a table.
    page.context.clear_cookies()
    page.goto(public)
    page.wait_for_selector("canvas")
    html = page.content()
    assert "University of Peshawar" in html
    shown = page.locator("main").inner_text()
    # the Staff figure's table: the accepted 2,300, never the returned 23
    assert re.search(r"Staff \(number\)\s+Period\s+Value \(number\)\s+2025-Q3\s+2,300\b", shown)
    assert not re.search(r"2025-Q3\s+23\b", shown)
    assert axe_violations(page) == []
    screenshot(page, "journey-4-public-entity")
    response = page.request.get(public + "csv/")
    rows = list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"))))
    staff_rows = [r for r in rows if "Staff" in "".join(r.values())]
    assert staff_rows and all("2300" in "".join(r.values()) for r in staff_rows)
