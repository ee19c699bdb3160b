"""The mark-to chooser of the file page and of the receipt page (the same chooser) in a real
browser, with JavaScript off: choose another department, see its posts, mark the file or the
receipt there — on a phone, in Urdu, with axe-core."""

import pytest

from tests.browser.conftest import axe_violations, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}


def _a_file(desk):  # noqa: F811
    from tests.workspace.helpers import open_file

    return open_file(desk), "files"


def _a_receipt(desk):  # noqa: F811
    from tests.workspace.helpers import diarise

    return diarise(desk), "receipts"


@pytest.mark.parametrize(
    ("make", "page_name"),
    [(_a_file, "file-page"), (_a_receipt, "receipt-page")],
    ids=["file", "receipt"],
)
def test_mark_to_another_department_without_javascript(
    browser,
    live_server,
    desk,  # noqa: F811
    make,
    page_name,
):
    thing, path = make(desk)
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "fd-asst")
    with page.expect_navigation():
        page.click(".lang-switch button")
    page.goto(f"{live_server.url}/desk/{path}/{thing.pk}/")
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
    assert width <= 360, f"the {page_name} scrolls sideways on a phone ({width}px)"
    # axe-core needs JavaScript: the same page, signed in the same way, in a context with it.
    seen = browser.new_context(**PHONE, storage_state=context.storage_state()).new_page()
    seen.goto(page.url)
    assert axe_violations(seen) == []
    screenshot(seen, f"{page_name}-mark-other-department-ur-phone")
    seen.context.close()
    page.select_option("#id_to_post", str(desk.other_so.pk))
    with page.expect_navigation():
        page.click("form[action$='/mark/'] button")
    thing.refresh_from_db()
    assert thing.holding_post == desk.other_so
    context.close()
