"""The CGU dashboard in a real browser (Debian's Chromium): charts drawn, axe-core clean,
in English and in Urdu (right to left). Screenshots go to test-artifacts/screenshots/."""

import datetime as dt

import pytest

from cgu.services import return_accept, return_send_back, return_submit
from tests.browser.conftest import axe_violations, screenshot
from tests.cgu.conftest import _media_in_tmp as _media_in_tmp  # noqa: F401 — CGU fixtures
from tests.cgu.conftest import cgu as cgu  # noqa: F401
from tests.cgu.conftest import hosp_rows, uni_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def figures(cgu):
    for period, day in [(cgu.q2, dt.date(2025, 7, 25)), (cgu.q3, dt.date(2025, 10, 25))]:
        for entity, rows in [(cgu.uni, uni_rows()), (cgu.hosp, hosp_rows())]:
            r = return_submit(
                actor=cgu.asst_user, entity=entity, period=period, rows=rows, received_on=day
            )
            return_accept(actor=cgu.so_user, kpi_return=r)
    late = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni2,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 11, 4),
    )
    return_send_back(actor=cgu.so_user, kpi_return=late, reasons="Totals do not add up.")


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{live_server.url}/desk/**")


def charts_drawn(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].map(c => !!Chart.getChart(c))"
    )


def test_dashboard_in_english_and_urdu(page, live_server, cgu, figures):
    sign_in(page, live_server, "cgu-so")
    page.goto(f"{live_server.url}/desk/cgu/?period=2025-Q3")
    page.wait_for_selector("canvas[data-chart]")
    assert page.locator("h1").inner_text() == "Corporate Governance Unit"
    assert charts_drawn(page) == [True, True, True]
    assert axe_violations(page) == []
    screenshot(page, "cgu-dashboard-en")

    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    page.goto(f"{live_server.url}/desk/cgu/?period=2025-Q3")
    page.wait_for_selector("canvas[data-chart]")
    assert charts_drawn(page) == [True, True, True]
    assert axe_violations(page) == []
    screenshot(page, "cgu-dashboard-ur")


def test_return_page_and_compliance_pass_axe(page, live_server, cgu, figures):
    sign_in(page, live_server, "cgu-so")
    for path, name in [
        ("/desk/cgu/compliance/2025-Q3/", "cgu-compliance-en"),
        ("/desk/cgu/returns/", "cgu-returns-en"),
        ("/desk/cgu/entities/UOP/", "cgu-entity-en"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
        screenshot(page, name)
