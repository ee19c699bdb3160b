"""Issue 23 (points 3 and 6) in a real browser: a clerk uploads a signed letter and a blank
scan from "My papers"; each paper's page says what intake and OCR found: the signature valid
and who signed, "No recognisable text" for the blank scan, in English and Urdu, at 1280 and
360 px, axe-clean and without sideways scroll."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from documents import ocr
from tests.browser.conftest import axe_violations, login, screenshot
from tests.documents.corpus import text_pdf
from tests.documents.scans import blank_scan
from tests.documents.signing import SIGNER, make_key_and_cert, sign
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(page, live_server, path, title):
    page.goto(f"{live_server.url}/desk/papers/")
    page.fill("#id_title", title)
    page.select_option("#id_kind", "scan")
    page.set_input_files("#id_upload", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_url("**/desk/papers/paper/*/")
    return page.url


def _check_shapes(browser, live_server, url, username, name):
    for lang in ("en", "ur"):
        for shape, label in ((WIDE, "1280"), (PHONE, "360")):
            context = browser.new_context(**shape)
            context.add_cookies(
                [{"name": "django_language", "value": lang, "url": live_server.url}]
            )
            page = context.new_page()
            login(page, live_server, username)
            page.goto(url)
            assert axe_violations(page) == []
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= page.viewport_size["width"], f"{url} scrolls sideways ({width}px)"
            screenshot(page, f"issue23-{name}-{lang}-{label}")
            context.close()


def test_a_signed_letter_shows_its_signature_on_the_paper_page(browser, live_server, tmp_path):
    clerk = UserFactory(username="diary-clerk")
    letter = tmp_path / "signed-letter.pdf"
    # pyHanko's signer runs asyncio.run, which cannot start in Playwright's thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed = pool.submit(sign, text_pdf(1, "Release of funds"), make_key_and_cert()).result()
    letter.write_bytes(signed)
    context = browser.new_context(**WIDE)
    page = context.new_page()
    login(page, live_server, clerk.username)
    url = _upload(page, live_server, letter, "Signed letter from Finance")
    badge = page.locator("[data-signature]")
    assert badge.inner_text() == "Signature valid"
    assert badge.get_attribute("data-signature") == "valid"
    assert f"signed by {SIGNER}" in page.locator("main table").inner_text()
    context.close()
    _check_shapes(browser, live_server, url, clerk.username, "signed-paper")


@pytest.mark.skipif(not ocr.available(), reason=f"OCR needs Tesseract: {ocr.missing()}")
def test_a_blank_scan_says_no_recognisable_text(browser, live_server, tmp_path):
    clerk = UserFactory(username="scan-clerk")
    scan = tmp_path / "blank.png"
    scan.write_bytes(blank_scan())
    context = browser.new_context(**WIDE)
    page = context.new_page()
    login(page, live_server, clerk.username)
    url = _upload(page, live_server, scan, "Blank scan")
    status = page.locator("[data-text-status]")
    assert status.get_attribute("data-text-status") == "blank"
    assert status.inner_text() == "No recognisable text: OCR found no words on this scan."
    context.close()
    _check_shapes(browser, live_server, url, clerk.username, "blank-scan")
