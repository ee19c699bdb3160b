"""Urdu written on an English page — a note, a subject — is drawn in the Naskh font Daftar
serves, not in whatever system font happens to lack some of its letters (``ے`` came out as
empty boxes in Chromium on a machine with only DejaVu); English text keeps the system font,
and Urdu pages keep Nastaliq. A note runs in its own script's direction on either page."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URDU = "ان حالات میں تجویز منظوری کے لیے پیش خدمت ہے۔"
ENGLISH = "Comments of the concerned department may be obtained."


def _fonts_used(page, selector: str) -> set[str]:
    """The fonts Chromium actually drew the element's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"] for f in fonts}


def test_urdu_note_on_an_english_page_uses_the_served_naskh_font(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import open_file
    from workspace.services import notes

    file = open_file(desk)
    notes.note_add(actor=desk.asst_user, file=file, text=URDU)
    notes.note_add(actor=desk.asst_user, file=file, text=ENGLISH)
    page = browser.new_context().new_page()
    login(page, live_server, "fd-asst")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    assert page.locator("html[lang=en]").count() == 1
    page.evaluate("document.fonts.ready")
    urdu = _fonts_used(page, "#para-1 p")
    english = _fonts_used(page, "#para-2 p")
    assert "Noto Naskh Arabic" in urdu, urdu
    assert not english & {"Noto Naskh Arabic", "Noto Nastaliq Urdu"}, english
    # Each note runs in its own script's direction (dir="auto"): Urdu from the right.
    direction = "el => getComputedStyle(el).direction"
    assert page.locator("#para-1 p").first.evaluate(direction) == "rtl"
    assert page.locator("#para-2 p").first.evaluate(direction) == "ltr"
    # The same note on the page in Urdu: Nastaliq, as all of that page's Urdu.
    page.context.add_cookies([{"name": "django_language", "value": "ur", "url": live_server.url}])
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    assert page.locator("html[lang=ur]").count() == 1
    page.evaluate("document.fonts.ready")
    assert "Noto Nastaliq Urdu" in _fonts_used(page, "#para-1 p")
    assert page.locator("#para-2 p").first.evaluate(direction) == "ltr"  # English stays LTR
    page.context.close()
