"""The public site in headless Chromium: tracking (found, not found, rate-limited) and a
performance page, in English and Urdu, at desktop and 360 px phone width, with axe-core
WCAG 2.2 AA checks and screenshots to look at (test-artifacts/screenshots/portal-*.png)."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.portal_pages.factories import (
    CitizenReceiptFactory,
    EntityFactory,
    KpiFactory,
    build_tree,
    department_page,
    kpi_return,
    move,
    on_file,
    quarter,
)
from workspace import tracking

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(org):
    tree = build_tree()
    department_page(tree, org.dept, intro="Prepares the provincial budget.")
    receipt = CitizenReceiptFactory(holding_post=org.asst, time_limit_days=30)
    file = on_file(receipt)
    move(file, by=org.asst_user, from_post=org.asst, to_post=org.so)
    file.holding_post = org.so
    file.save(update_fields=["holding_post"])
    budget = KpiFactory(code="BUDGET", name_en="Budget allocation", name_ur="بجٹ مختص")
    util = KpiFactory(
        code="UTIL", name_en="Budget utilisation", name_ur="بجٹ کا استعمال", unit="percent",
        aggregation="mean", position=2,
    )  # fmt: skip
    bok = EntityFactory(code="BOK", name_en="The Bank of Khyber", name_ur="بینک آف خیبر",
                        department=org.dept)  # fmt: skip
    EntityFactory(code="KPPF", name_en="KP Pension Fund", name_ur="پنشن فنڈ", department=org.dept)
    for i, (year, q) in enumerate([(2024, 4), (2025, 1), (2025, 2), (2025, 3)]):
        kpi_return(bok, quarter(year, q), {budget: 1000 + 150 * i, util: 70 + 5 * i})
    return {"tree": tree, "receipt": receipt}


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"scrolls sideways ({width}px)"


def track(page, reference, factor):
    page.fill("#id_reference", reference)
    page.fill("#id_second_factor", factor)
    page.click("form.track-form button[type=submit]")
    page.wait_for_load_state()


def switch_to_urdu(page):
    page.click(".public-lang button")
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("html").get_attribute("lang") == "ur"


def test_home_and_tracking_found_in_english_and_urdu(page, live_server, site):
    ref = tracking.display(site["receipt"].tracking_ref)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Citizen portal"
    assert axe_violations(page) == []
    screenshot(page, "portal-home-en")

    page.fill("#home-ref", ref)
    page.click(".track-box button")
    page.wait_for_url("**/track/?ref=*")
    assert page.input_value("#id_reference") == ref
    assert axe_violations(page) == []
    screenshot(page, "portal-track-form-en")

    page.fill("#id_second_factor", "4321")
    page.click("form.track-form button[type=submit]")
    page.wait_for_selector(".track-result")
    assert page.locator("#result-head").inner_text() == "Being examined"
    assert "Budget-I" in page.locator(".track-result").inner_text()
    assert "Gul Bano" not in page.content()
    assert axe_violations(page) == []
    screenshot(page, "portal-track-found-en")

    switch_to_urdu(page)
    track(page, ref, "8765")
    page.wait_for_selector(".track-result")
    assert page.locator("#result-head").inner_text() != "Being examined"
    assert axe_violations(page) == []
    screenshot(page, "portal-track-found-ur")
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    screenshot(page, "portal-home-ur")


def test_tracking_not_found_is_one_answer(page, live_server, site):
    page.goto(live_server.url + site["tree"].tracking.url)
    track(page, site["receipt"].tracking_ref, "0000")
    wrong_factor = page.locator("#not-found").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "portal-track-not-found-en")
    track(page, tracking.new_reference(), "4321")
    assert page.locator("#not-found").inner_text() == wrong_factor
    # a mistyped number is caught before any lookup, and the field says so
    track(page, "K7M2Q-X9PT5", "4321")
    assert page.get_attribute("#id_reference", "aria-invalid") == "true"
    assert axe_violations(page) == []
    switch_to_urdu(page)
    track(page, tracking.new_reference(), "4321")
    assert page.locator("#not-found").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "portal-track-not-found-ur")


def test_tracking_rate_limited(page, live_server, site, settings):
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (2, 600)
    page.goto(live_server.url + site["tree"].tracking.url)
    for _ in range(2):
        track(page, site["receipt"].tracking_ref, "4321")
        assert page.locator(".track-result").is_visible()
    track(page, site["receipt"].tracking_ref, "4321")
    assert page.locator(".notice-error h2").inner_text() == "Please wait before trying again"
    assert axe_violations(page) == []
    screenshot(page, "portal-track-limited-en")


def test_performance_page_with_charts_in_english_and_urdu(page, live_server, site):
    page.goto(live_server.url + site["tree"].performance.url + "departments/fd/")
    page.wait_for_function(
        "window.Chart && Chart.instances && Object.keys(Chart.instances).length > 0"
    )
    charts = page.evaluate("Object.keys(Chart.instances).length")
    assert charts == 2  # one per KPI
    assert page.locator("table.data").count() >= 3  # filing + a table beside each chart
    assert "Not reported" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "portal-performance-en")
    switch_to_urdu(page)
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length > 0")
    assert axe_violations(page) == []
    screenshot(page, "portal-performance-ur")
    page.goto(live_server.url + site["tree"].performance.url + "e-office/")
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length == 3")
    assert axe_violations(page) == []
    screenshot(page, "portal-eoffice-ur")


def test_phone_width_without_sideways_scrolling(phone_page, live_server, site):
    tree = site["tree"]
    for name, path in [
        ("home", "/"),
        ("track", tree.tracking.url),
        ("performance", tree.performance.url + "departments/fd/"),
        ("entity", tree.performance.url + "entities/bok/"),
    ]:
        phone_page.goto(live_server.url + path)
        phone_page.wait_for_load_state("networkidle")
        no_sideways_scroll(phone_page)
        assert axe_violations(phone_page) == [], name
        screenshot(phone_page, f"portal-{name}-phone-en")
    phone_page.goto(live_server.url + tree.tracking.url)
    switch_to_urdu(phone_page)
    track(phone_page, site["receipt"].tracking_ref, "4321")
    phone_page.wait_for_selector(".track-result")
    no_sideways_scroll(phone_page)
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "portal-track-found-phone-ur")


def test_tracking_while_redis_is_down_says_try_again_shortly(
    page, phone_page, live_server, site, settings
):
    """Issue 19, point 5: with Redis unreachable the page still answers, and the lookup is
    refused (fails closed) with a notice a citizen can act on, in English and in Urdu."""
    from tests.test_health import redis_at_a_closed_port

    redis_at_a_closed_port(settings)
    page.goto(live_server.url + site["tree"].tracking.url)
    track(page, site["receipt"].tracking_ref, "4321")
    assert page.locator("#unavailable h2").inner_text() == "Please try again shortly"
    assert "try again shortly" in page.locator("#unavailable p").inner_text()
    assert not page.locator(".track-result").count()
    assert axe_violations(page) == []
    screenshot(page, "portal-track-unavailable-en")

    phone_page.goto(live_server.url + site["tree"].tracking.url)
    switch_to_urdu(phone_page)
    track(phone_page, site["receipt"].tracking_ref, "4321")
    notice = phone_page.locator("#unavailable h2").inner_text()
    assert notice and notice != "Please try again shortly"  # in Urdu
    no_sideways_scroll(phone_page)
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "portal-track-unavailable-ur-phone")
