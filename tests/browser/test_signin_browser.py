"""Signing in with a second factor in a real browser: first sign-in enrols an authenticator
(QR code, key, recovery codes), later ones ask for the code; English and Urdu, 360 px and
1280 px, axe-core on every screen."""

import base64

import pytest
from django_otp.oath import totp

from tests.accounts.support import current_code, verified_device
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_second_factor,
]


def _fits(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    screenshot(page, name)
    assert width <= viewport, f"{name} scrolls sideways ({width}px > {viewport}px)"
    assert axe_violations(page) == [], name


def _password(page, live_server, username):
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.click("main form.stack button[type=submit]")


def test_first_sign_in_enrols_in_urdu_on_a_phone(browser, live_server, org):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    _fits(page, "signin-login-ur-phone")
    _password(page, live_server, "fd-so")
    assert "/accounts/second-factor/" in page.url
    assert page.locator(".qr-image svg").is_visible()
    _fits(page, "signin-enrol-ur-phone")

    # What a person does: the app reads the key (here, from the page) and shows a code.
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.fill("#id_otp_token", "000000")
    with page.expect_navigation():
        page.press("#id_otp_token", "Enter")
    assert page.locator("[role=alert]").is_visible()
    _fits(page, "signin-enrol-error-ur-phone")
    page.wait_for_timeout(1100)  # django-otp slows the try after a wrong code by a second
    page.fill("#id_otp_token", code)
    with page.expect_navigation():
        page.press("#id_otp_token", "Enter")
    assert page.locator(".recovery-codes li").count() == 10
    _fits(page, "signin-recovery-codes-ur-phone")
    with page.expect_navigation():
        page.click("main a.btn")
    assert page.url.endswith("/desk/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    context.close()


def test_later_sign_in_asks_for_the_code_in_english(page, live_server, org):
    verified_device(org.ds_user)
    page.goto(f"{live_server.url}/desk/")
    _password(page, live_server, "fd-ds")
    assert "/accounts/second-factor/" in page.url
    # The desk is out of reach until the code is given.
    page.goto(f"{live_server.url}/desk/sent/")
    assert "/accounts/second-factor/" in page.url
    _fits(page, "signin-code-en")
    page.fill("#id_otp_token", current_code("fd-ds"))
    with page.expect_navigation():
        page.press("#id_otp_token", "Enter")
    assert page.url.endswith("/desk/sent/")

    page.goto(f"{live_server.url}/accounts/security/")
    page.fill("#id_token_name", "scanner desk")
    with page.expect_navigation():
        page.click("text=Create a token")
    assert page.locator(".new-token").inner_text().startswith("dft_")
    _fits(page, "signin-security-en")
    page.goto(f"{live_server.url}/accounts/confirm/?next=/desk/")
    _fits(page, "signin-confirm-en")


def test_sessions_and_tokens_page_in_urdu_on_a_phone(browser, live_server, org):
    verified_device(org.asst_user)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    _password(page, live_server, "fd-asst")
    _fits(page, "signin-code-ur-phone")
    page.fill("#id_otp_token", current_code("fd-asst"))
    with page.expect_navigation():
        page.press("#id_otp_token", "Enter")
    page.goto(f"{live_server.url}/accounts/security/")
    page.fill("#id_token_name", "اسکینر")
    with page.expect_navigation():
        page.click("main form.stack button[type=submit]")
    _fits(page, "signin-security-ur-phone")
    context.close()


def test_the_lockout_page_in_english_and_urdu(page, live_server, org, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(2):
        page.fill("#id_username", "fd-so")
        page.fill("#id_password", "wrong-password")
        with page.expect_navigation():
            page.click("main form.stack button[type=submit]")
    assert "Signing in is paused" in page.locator("h1").inner_text()
    _fits(page, "signin-locked-en")
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    page.fill("#id_username", "fd-so")
    page.fill("#id_password", "wrong-password")
    with page.expect_navigation():
        page.click("main form.stack button[type=submit]")
    assert "Signing in is paused" not in page.locator("h1").inner_text()  # in Urdu now
    _fits(page, "signin-locked-ur")


def test_the_suites_login_helper_types_the_code(page, live_server, org):
    """The helper every browser test uses signs in through the real second-factor page when
    the test does not skip it."""
    from kernel.models import AuditEvent
    from tests.browser.conftest import login

    login(page, live_server, "fd-so")
    assert page.url.endswith("/desk/")
    assert AuditEvent.objects.get(action="auth.signed_in").after["factor"] == "totp"
