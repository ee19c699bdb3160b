"""The Content-Security-Policy in a real browser: every browser test fails on a violation
Chromium reports (``csp_violations`` in tests/browser/conftest.py); this file proves that
watch works, and walks the admins — Django's under Daftar's strict policy, Wagtail's under
its own looser one — so that they keep working with the policy enforced."""

import pytest

from tests.browser.conftest import login
from tests.portal_pages.factories import build_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_violation_is_caught_and_would_fail_the_test(page, live_server, org, csp_violations):
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'self'" in policy
    # An inline script, as a careless template would write it: refused, and reported.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran === undefined")
    assert any("script-src" in v for v in csp_violations), csp_violations
    # An inline style attribute is refused too.
    page.evaluate(
        "() => { document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>'); }"
    )
    page.wait_for_timeout(200)
    assert any("style-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # this test caused them on purpose


def test_django_admin_works_under_the_strict_policy(page, live_server, org, admin_user):
    admin_user.set_password("pw-for-tests")
    admin_user.save()
    page.goto(f"{live_server.url}/django-admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.click("input[type=submit]")
    for path in [
        "/django-admin/",
        "/django-admin/organisation/department/",
        f"/django-admin/organisation/department/{org.dept.pk}/change/",
        "/django-admin/organisation/post/add/",
        "/django-admin/organisation/holding/",
        "/django-admin/kernel/auditevent/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store, private"
    # The admin's own scripts run (the collapsible filter, the select-all box).
    page.goto(f"{live_server.url}/django-admin/organisation/holding/")
    assert page.evaluate("typeof django !== 'undefined' && typeof django.jQuery === 'function'")


def test_wagtail_admin_works_under_its_own_policy(page, live_server, org, admin_user):
    tree = build_tree()
    admin_user.set_password("pw-for-tests")
    admin_user.save()
    page.goto(f"{live_server.url}/cms/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-for-tests")
    with page.expect_navigation():
        page.click("button[type=submit]")
    for path in [
        "/cms/",
        "/cms/pages/",
        f"/cms/pages/{tree.home.pk}/edit/",
        "/cms/images/",
        "/cms/documents/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
        assert response.headers["cache-control"] == "no-store, private"
    # The page editor's scripts ran: its form and its side panels are drawn.
    page.goto(f"{live_server.url}/cms/pages/{tree.home.pk}/edit/")
    page.wait_for_selector("form#page-edit-form")


def test_desk_pages_and_public_pages_carry_their_headers(page, live_server, org):
    login(page, live_server, "fd-asst")
    response = page.goto(f"{live_server.url}/desk/")
    assert response.headers["cache-control"] == "no-store, private"
    assert "camera=()" in response.headers["permissions-policy"]


def test_a_daftar_page_may_frame_its_own_pages_for_the_paper_viewer(page, live_server, org):
    """frame-ancestors 'self' (which CSP-reading browsers follow instead of X-Frame-Options):
    the file page may show a page of its own origin in a frame."""
    login(page, live_server, "fd-asst")
    page.goto(f"{live_server.url}/desk/")
    page.evaluate(
        "() => { const f = document.createElement('iframe'); f.id = 'viewer';"
        " f.title = 'viewer'; f.src = '/desk/receipts/'; document.body.append(f); }"
    )
    frame = page.frame_locator("#viewer")
    frame.locator("main").first.wait_for()
    assert page.frames[-1].url.endswith("/desk/receipts/")


def test_the_refusal_of_a_nul_byte_reads_well_in_english_and_urdu(browser, live_server, org):
    from tests.browser.conftest import axe_violations, screenshot

    for name, viewport in [("wide", (1280, 860)), ("phone", (360, 740))]:
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        page = context.new_page()
        login(page, live_server, "fd-asst")
        response = page.goto(f"{live_server.url}/desk/search/go/?number=FD%00")
        assert response.status == 400
        assert "contains a NUL character" in page.inner_text("main")
        screenshot(page, f"refusal-nul-en-{name}")
        assert axe_violations(page) == []
        page.click(".lang-switch button")
        page.wait_for_selector("html[dir=rtl]")
        page.goto(f"{live_server.url}/desk/search/go/?number=FD%00")
        assert "NUL" in page.inner_text("main")
        assert "contains a NUL character" not in page.inner_text("main")
        screenshot(page, f"refusal-nul-ur-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0]
        assert axe_violations(page) == []
        context.close()
