"""The file page's mark-to chooser in a real browser, with JavaScript off: choose another
department, see its posts, mark the file there — on a phone, in Urdu, with axe-core."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import axe_violations, login, screenshot
from tests.workspace.conftest import desk  # noqa: F401  (the fixture)
from workspace.selectors.desk import LIVE_DEPARTMENTS_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mark_to_another_department_without_javascript(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import open_file

    cache.delete(LIVE_DEPARTMENTS_KEY)
    file = open_file(desk)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    login(page, live_server, "fd-asst")
    with page.expect_navigation():
        page.click(".lang-switch button")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    assert page.locator("html[dir=rtl]").count() == 1
    assert page.locator(f'#id_to_post option[value="{desk.so.pk}"]').count() == 1
    assert page.locator(f'#id_to_post option[value="{desk.other_so.pk}"]').count() == 0
    page.select_option("#mark-dept", desk.other_dept.code)
    with page.expect_navigation():
        page.click(".mark-dept button")
    assert page.url.endswith(f"?mark_dept={desk.other_dept.code}#mark")
    assert page.locator(f'#id_to_post option[value="{desk.other_so.pk}"]').count() == 1
    assert page.locator(f'#id_to_post option[value="{desk.so.pk}"]').count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the file page scrolls sideways on a phone ({width}px)"
    # axe-core needs JavaScript: the same page, signed in the same way, in a context with it.
    signed_in = context.storage_state()
    seen = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, storage_state=signed_in
    ).new_page()
    seen.goto(page.url)
    assert axe_violations(seen) == []
    screenshot(seen, "file-page-mark-other-department-ur-phone")
    seen.context.close()
    page.select_option("#id_to_post", str(desk.other_so.pk))
    with page.expect_navigation():
        page.click("form[action$='/mark/'] button")
    file.refresh_from_db()
    assert file.holding_post == desk.other_so
    context.close()
