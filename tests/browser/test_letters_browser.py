"""Issue 23 in a real browser: the issuing officer issues an approved draft and opens the
signed letter; a citizen on a 360 px phone, in Urdu, checks it by its code on the public page,
and an altered copy is refused as altered while the genuine one is confirmed."""

import pytest
from django.urls import reverse

from letters import codes
from letters.models import IssuedLetter, LetterTemplate, StandardText
from tests.browser.conftest import axe_violations, login, screenshot
from tests.workspace.helpers import open_file
from workspace.services import approvals, movement, notes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"scrolls sideways ({width}px)"


def _approved_draft(o):
    LetterTemplate.objects.create(
        department=o.dept,
        heading_en="Government of Khyber Pakhtunkhwa, Finance Department",
        heading_ur="حکومت خیبر پختونخوا، محکمہ خزانہ",
    )
    file = open_file(o, subject="Release of funds: Swat ADP scheme")
    notes.note_add(actor=o.asst_user, file=file, text="For orders.")
    movement.file_put_up(actor=o.asst_user, file=file)
    movement.file_put_up(actor=o.so_user, file=file)
    draft = approvals.draft_create(
        actor=o.ds_user,
        file=file,
        subject="Release of funds: Swat ADP scheme",
        addressees="Accountant General KP <ag@kp.gov.pk>",
        body="I am directed to convey the sanction of the competent authority.\n\n"
        "ان حالات میں تجویز منظوری کے لیے پیش خدمت ہے۔",
    )
    movement.file_put_up(actor=o.ds_user, file=file)
    approvals.draft_decide(actor=o.secretary_user, file=file, draft=draft, decision="approved")
    return file


def _verify(page, code, pdf=None):
    page.fill("#id_code", code)
    if pdf is not None:
        page.set_input_files(
            "#id_pdf", files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": pdf}]
        )
    with page.expect_navigation():
        page.click("form.track-form button[type=submit]")


def test_issue_open_and_verify_a_signed_letter(browser, live_server, desk):  # noqa: F811
    file = _approved_draft(desk)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "fd-ds")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    with page.expect_navigation():
        page.click("text=Issue with a number")
    letter = IssuedLetter.objects.get()
    assert f"Issued as {letter.dispatch.outgoing_number}" in page.content()

    # The register names the signed bytes and leads to the letter.
    page.goto(f"{live_server.url}/desk/dispatch/")
    assert letter.sha256[:16] in page.content()
    with page.expect_navigation():
        page.click("text=Open the signed letter")
    assert codes.display(letter.code) in page.locator("#verification-code").inner_text()
    screenshot(page, "letters-letter-page-en")
    assert axe_violations(page) == []
    pdf = page.request.get(live_server.url + page.locator("#open-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == bytes(letter.pdf)  # what the officer opens is what was signed
    genuine = pdf.body()
    # The letter page in Urdu on a phone.
    phone_staff = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    staff = phone_staff.new_page()
    login(staff, live_server, "fd-ds")
    staff.click(".lang-switch button")
    staff.wait_for_selector("html[dir=rtl]")
    staff.goto(f"{live_server.url}/desk/letters/{letter.dispatch_id}/")
    screenshot(staff, "letters-letter-page-ur-360")
    _no_sideways_scroll(staff)
    assert axe_violations(staff) == []

    # A citizen, on a phone, in Urdu.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    citizen = phone.new_page()
    citizen.goto(f"{live_server.url}/verify/")
    citizen.click(".public-lang button")
    citizen.wait_for_selector("html[dir=rtl]")
    _verify(citizen, codes.display(letter.code).lower())
    assert citizen.locator("#letter-found").is_visible()
    assert letter.dispatch.outgoing_number in citizen.locator("#letter-number").inner_text()
    screenshot(citizen, "letters-verify-found-ur-360")
    _no_sideways_scroll(citizen)
    assert axe_violations(citizen) == []

    at = genuine.index(b"stream") + 40
    altered = genuine[:at] + bytes([genuine[at] ^ 0x01]) + genuine[at + 1 :]
    _verify(citizen, codes.display(letter.code), pdf=altered)
    assert citizen.locator("#upload-altered").is_visible()
    assert citizen.locator("#upload-genuine").count() == 0
    screenshot(citizen, "letters-verify-altered-ur-360")
    assert axe_violations(citizen) == []

    _verify(citizen, codes.display(letter.code), pdf=genuine)
    assert citizen.locator("#upload-genuine").is_visible()

    # The same page in English on a desktop.
    page.goto(f"{live_server.url}/verify/?code={codes.display(letter.code)}")
    assert page.locator("#letter-found").is_visible()
    screenshot(page, "letters-verify-found-en")
    _no_sideways_scroll(page)
    assert axe_violations(page) == []
    for ctx in (context, phone_staff, phone):
        ctx.close()


def test_an_officer_inserts_a_standard_text_in_urdu_without_script(
    browser,
    live_server,
    desk,  # noqa: F811
):
    """The Deputy Secretary writing a draft picks the department's standard text in Urdu and
    inserts it; it is appended to the draft's text. A plain form post: JavaScript is off."""
    StandardText.objects.create(
        department=desk.dept,
        title="I am directed to refer",
        title_ur="حوالہ",
        text="I am directed to refer to your letter cited above.",
        text_ur="مجھے ہدایت ہوئی ہے کہ آپ کے مذکورہ بالا خط کا حوالہ دوں۔",
    )
    StandardText.objects.create(department=desk.other_dept, title="HEC", text="Per the HEC.")
    file = open_file(desk, at=desk.ds, user=desk.ds_user, subject="Release of funds")
    approvals.draft_create(
        actor=desk.ds_user, file=file, subject="Release of funds", addressees="AG KP", body="Sir,"
    )
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    login(page, live_server, "fd-ds")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    with page.expect_navigation():
        page.click("text=Insert a standard text")
    options = page.locator("#id_text option").all_inner_texts()
    assert options == ["I am directed to refer (English)", "I am directed to refer (Urdu)"]
    page.select_option("#id_text", label="I am directed to refer (Urdu)")
    with page.expect_navigation():
        page.click("#insert-text button[type=submit]")
    assert "The standard text was added to the draft." in page.content()
    body = page.locator("#draft-body").inner_text()
    assert body.startswith("Sir,") and "مذکورہ بالا خط" in body
    _no_sideways_scroll(page)
    context.close()
    # axe needs its script: the same screen with JavaScript on, at 1280 px.
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    login(page, live_server, "fd-ds")
    draft_texts = reverse("letters:draft_texts", args=[file.drafts.get().pk])
    page.goto(f"{live_server.url}{draft_texts}")
    assert axe_violations(page) == []
    screenshot(page, "issue23-standard-texts-en-1280")
    wide.close()
