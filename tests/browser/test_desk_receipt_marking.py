"""The receipt page's mark-to chooser (the file page's) in a real browser, with JavaScript off:
choose another department, see its posts, mark the receipt there — on a phone, in Urdu, with
axe-core."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import axe_violations, login, screenshot
from tests.workspace.conftest import desk  # noqa: F401  (the fixture)
from workspace.selectors.desk import LIVE_DEPARTMENTS_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mark_a_receipt_to_another_department_without_javascript(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import diarise

    cache.delete(LIVE_DEPARTMENTS_KEY)
    receipt = diarise(desk)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    login(page, live_server, "fd-asst")
    with page.expect_navigation():
        page.click(".lang-switch button")
    page.goto(f"{live_server.url}/desk/receipts/{receipt.pk}/")
    assert page.locator("html[dir=rtl]").count() == 1
    assert page.locator(f'#id_to_post option[value="{desk.so.pk}"]').count() == 1
    assert page.locator(f'#id_to_post option[value="{desk.other_so.pk}"]').count() == 0
    page.select_option("#mark-dept", desk.other_dept.code)
    with page.expect_navigation():
        page.click(".mark-dept button")
    assert page.url.endswith(f"?mark_dept={desk.other_dept.code}#mark")
    assert page.locator(f'#id_to_post option[value="{desk.other_so.pk}"]').count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the receipt page scrolls sideways on a phone ({width}px)"
    signed_in = context.storage_state()
    seen = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, storage_state=signed_in
    ).new_page()
    seen.goto(page.url)
    assert axe_violations(seen) == []
    screenshot(seen, "receipt-page-mark-other-department-ur-phone")
    seen.context.close()
    page.select_option("#id_to_post", str(desk.other_so.pk))
    with page.expect_navigation():
        page.click("form[action$='/mark/'] button")
    receipt.refresh_from_db()
    assert receipt.holding_post == desk.other_so
    context.close()
