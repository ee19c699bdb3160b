"""A citizen on a 360 px phone files a complaint in Urdu with a photo, gets the tracking
number, later finds it escalated to the Commissioner's office and gives feedback; the
offices' side (the DC's complaint cell, then the Commissioner's office) acts on it. Screens at
1280 and 360 px in English and Urdu, axe-clean, no sideways scroll, no CSP violation
(test-artifacts/screenshots/complaints-*.png)."""

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, Status
from tests.browser.conftest import axe_violations, login, screenshot
from tests.complaints.conftest import jpeg_with_gps
from tests.complaints.conftest import ladder as ladder  # noqa: F401 — the offices
from tests.complaints.conftest import media_root as media_root  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def checked(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} scrolls sideways ({width}px)"
    assert axe_violations(page) == [], name
    screenshot(page, f"complaints-{name}")


def to_urdu(page):
    page.click(".public-lang button")
    page.wait_for_selector("html[dir=rtl]")


def test_citizen_files_in_urdu_on_a_phone_and_the_offices_act(
    browser, live_server, ladder, tmp_path
):  # noqa: F811
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_with_gps())
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server.url}/complaints/new/")
    checked(page, "new-en-360")
    to_urdu(page)
    page.select_option("#id_category", str(ladder.category.pk))
    page.select_option("#id_district", str(ladder.peshawar.pk))
    page.fill(
        "#id_description", "ہسپتال میں رات کو کوئی ڈاکٹر موجود نہیں ہوتا، مریض واپس جاتے ہیں۔"
    )
    page.set_input_files("#id_evidence", str(photo))
    page.fill("#id_mobile", "03001234567")
    page.fill("#id_cnic_last4", "2468")
    checked(page, "new-ur-360")
    page.click("form.complaint-form button[type=submit]")
    page.wait_for_selector("#tracking-number")
    reference = page.locator("#tracking-number").inner_text().strip()
    complaint = Complaint.objects.get()
    assert reference == complaint.display_ref and complaint.language == "ur"
    assert complaint.evidence.count() == 1
    checked(page, "filed-ur-360")

    # The complaint cell (DC's office) sees it at the top of its queue, without the person.
    desk = browser.new_context(viewport=DESKTOP)
    officer = desk.new_page()
    login(officer, live_server, "cell")
    officer.goto(f"{live_server.url}/desk/complaints/")
    assert reference in officer.locator("#complaint-queue").inner_text()
    checked(officer, "queue-en-1280")
    officer.click(f"text={reference}")
    officer.wait_for_selector("#complaint-status")
    assert "03001234567" not in officer.content()
    checked(officer, "detail-en-1280")
    officer.goto(f"{live_server.url}/desk/complaints/dashboard/")
    assert officer.locator("#pending-total").inner_text() == "1"
    checked(officer, "dashboard-en-1280")

    # Nobody resolves it in time: the scheduler's sweep moves it up.
    later = timezone.now() + timezone.timedelta(days=30)
    assert services.escalate_due(now=later) == 1

    # Later, on the phone, in a fresh browser: by the number and the four digits.
    phone2 = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone2.new_page()
    page.goto(f"{live_server.url}/complaints/track/")
    to_urdu(page)
    page.fill("#id_reference", reference)
    page.fill("#id_second_factor", "2468")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#escalations")
    assert ladder.com.name_ur in page.locator("#escalations").inner_text()
    checked(page, "escalated-ur-360")

    # The Commissioner's office acts on it, in Urdu, on a phone-sized screen too.
    commissioner = desk.new_page()
    desk.clear_cookies()
    login(commissioner, live_server, "commissioner")
    commissioner.goto(f"{live_server.url}/desk/complaints/{complaint.pk}/")
    assert commissioner.locator(".badge-urgent").first.is_visible()
    commissioner.fill("#id_action_taken", "A night-duty doctor has been posted to the ward.")
    commissioner.click("#actions form:last-of-type button[type=submit]")
    commissioner.wait_for_selector(".messages")
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    commissioner.click(".lang-switch button")
    commissioner.wait_for_selector("html[dir=rtl]")
    commissioner.set_viewport_size(PHONE)
    commissioner.goto(f"{live_server.url}/desk/complaints/")
    checked(commissioner, "queue-ur-360")
    commissioner.goto(f"{live_server.url}/desk/complaints/{complaint.pk}/")
    checked(commissioner, "detail-ur-360")
    commissioner.goto(f"{live_server.url}/desk/complaints/dashboard/")
    assert commissioner.locator("#escalations-table").is_visible()
    checked(commissioner, "dashboard-ur-360")

    # The citizen gives feedback: satisfied; the complaint closes.
    page.reload()
    page.wait_for_selector("#feedback-form")
    assert "night-duty doctor" in page.locator(".action-taken").inner_text()
    page.check("#id_satisfied_0")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector(".messages")
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED and complaint.feedback == "satisfied"
    checked(page, "closed-ur-360")
    page.set_viewport_size(DESKTOP)
    checked(page, "closed-ur-1280")
    page.goto(f"{live_server.url}/complaints/new/")
    checked(page, "new-ur-1280")
    page.goto(f"{live_server.url}/complaints/statistics/")
    page.wait_for_selector("#table-districts")
    assert "1" in page.locator("#table-districts tbody").inner_text()
    checked(page, "statistics-ur-1280")
    # A phone loads the page at its own width: measured right after shrinking the window,
    # the charts had not yet redrawn for it and the page once measured 1,083 px wide.
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector("#table-districts")
    checked(page, "statistics-ur-360")
    for context in (phone, phone2, desk):
        context.close()
