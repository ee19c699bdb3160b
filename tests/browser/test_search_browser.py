"""The search page (search/) in a real browser, in English and Urdu, with axe-core; screenshots in
test-artifacts/screenshots/search-*.png for people to look at."""

import pytest

from search import backends
from tests.browser.conftest import axe_violations, login, screenshot
from tests.search.conftest import corpus, desk  # noqa: F401 — the search app's fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def backend_name(settings):  # the screens on the database backend
    settings.DAFTAR_SEARCH_BACKEND = "database"
    backends.reset()
    yield "database"
    backends.reset()


def test_search_page_in_english_and_urdu(page, live_server, corpus):  # noqa: F811 — fixture
    login(page, live_server, "fd-asst")
    page.goto(f"{live_server.url}/desk/search/?q=pension")
    assert page.locator("h1").inner_text() == "Search files"
    assert page.locator(".hit").count() == 2
    assert page.locator(".hit mark").first.inner_text().lower() == "pension"
    assert axe_violations(page) == []
    screenshot(page, "search-en")
    page.click(".facet-link:has-text('Closed')")
    page.wait_for_url("**status=closed**")
    assert page.locator(".hit").count() == 1
    page.goto(f"{live_server.url}/desk/search/?q=اساتذہ")
    assert page.locator(".hit").count() == 1
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("h1").inner_text() == "فائلیں تلاش کریں"
    assert axe_violations(page) == []
    screenshot(page, "search-ur")
    page.goto(f"{live_server.url}/desk/search/go/?number=FD/SO(B-I)")
    assert page.locator("tbody tr").count() == 4
    assert axe_violations(page) == []
    screenshot(page, "search-go-ur")
