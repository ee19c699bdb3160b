"""The staff shell in a real browser: sign in, both languages, phone width, axe-core."""

import pytest

from tests.browser.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_in_english_and_urdu_passes_axe(page, live_server, org):
    login(page, live_server, "fd-so")
    assert page.locator("h1").inner_text() == "Inbox"
    assert axe_violations(page) == []
    screenshot(page, "desk-en")
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert axe_violations(page) == []
    screenshot(page, "desk-ur")


def test_sign_in_page_fits_a_phone(phone_page, live_server, org):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a 360 px phone ({width}px)"
    assert axe_violations(phone_page) == []
    screenshot(phone_page, "login-phone")
