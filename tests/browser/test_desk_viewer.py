"""Issue 17 in a real browser, journeys 1–3 of DOMAIN.md: the clerk diarises a citizen's letter
with its scan and prints the slip; the Secretary opens Flag A beside the note sheet and sees
its first page before approving; the letter is issued; the citizen's tracking page says
decided, with the outcome; send back after the decision goes down; a frozen paper refuses a
new version (screen and API) and a non-holder is refused with nothing stored. Screenshots of
the file page with the viewer at 1280 and 360 px, English and Urdu, axe-clean."""

import pytest

from documents import storage
from documents.models import PaperVersion
from kernel.models import AuditEvent
from tests.browser.conftest import axe_violations, login, screenshot
from tests.documents.corpus import text_pdf
from workspace.models import File, Receipt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
OUTCOME = "Funds released to the school; the DEO Swat will write to you."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _first_page_loaded(page, scope="#viewer") -> int:
    """The natural width of the viewer's first page image, once it has loaded (0 = broken)."""
    image = page.locator(f"{scope} .viewer-page img").first
    image.wait_for()
    page.wait_for_function("(img) => img.complete", arg=image.element_handle(), timeout=20_000)
    return image.evaluate("(img) => img.naturalWidth")


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def _to_urdu(page):
    with page.expect_navigation():
        page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")


def _diarise_with_scan(page, live_server, tmp_path):
    scan = tmp_path / "ag-letter.pdf"
    scan.write_bytes(text_pdf(2, "Request for repair of the girls school roof"))
    page.goto(f"{live_server.url}/desk/receipts/new/")
    page.fill("#id_sender", "Gul Bano, Mingora")
    page.fill("#id_subject", "Repair of the girls' school roof, Mingora")
    page.fill("#id_citizen_name", "Gul Bano")
    page.fill("#id_citizen_cnic_last4", "4321")
    page.set_input_files("#id_scans", str(scan))
    _submit(page, "main form.stack button[type=submit]")
    return Receipt.objects.get()


def test_the_desk_as_people_use_it(browser, live_server, desk, tmp_path):  # noqa: F811
    from tests.portal_pages.factories import build_tree
    from tests.workspace.helpers import api_client
    from workspace.services import approvals, movement, receipts

    tree = build_tree()
    context = browser.new_context(**WIDE)
    page = context.new_page()

    # 1. The clerk diarises the citizen's letter with its scan and prints the slip at once.
    login(page, live_server, "fd-asst")
    receipt = _diarise_with_scan(page, live_server, tmp_path)
    assert page.url.endswith(f"/desk/receipts/{receipt.pk}/?diarised=1")
    assert page.locator(".slip-card").is_visible()
    slip = page.locator(".slip-card a").get_attribute("href")
    answer = page.request.get(f"{live_server.url}{slip}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    # ... and the receipt page itself (not only right after diarising) offers it and shows the
    # scan page by page.
    page.goto(f"{live_server.url}/desk/receipts/{receipt.pk}/")
    assert page.locator("a.slip-link").get_attribute("href") == slip
    assert _first_page_loaded(page) > 0
    assert page.locator("#viewer .viewer-page img").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "issue17-receipt-scan-en-1280")
    # The scan is kept as received (its only version); the diary stamp is on a copy beside
    # it, which the clerk opens from the viewer (issue 23: stamps make renditions).
    scan = receipt.papers.get()
    assert scan.versions.count() == 1
    copy = page.locator("#viewer a[data-rendition=stamped]")
    assert receipt.diary_label in copy.inner_text()
    copy_url = f"{live_server.url}{copy.get_attribute('href')}"
    answer = page.request.get(copy_url)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    with storage.open_object(scan.current_version.storage_name) as received:
        assert answer.body() != received.read()
    # Another department's officer, who cannot see the receipt, cannot open the copy.
    stranger = browser.new_context(**WIDE).new_page()
    login(stranger, live_server, "hed-so")
    assert stranger.request.get(copy_url).status == 404
    stranger.context.close()

    # The file is opened on the receipt; the note cites Flag A in its own words.
    page.select_option("#id_subject_head", label=f"{desk.head}")
    _submit(page, "text=Open the file")
    file = File.objects.get()
    page.fill("#new-note", "The request at Flag A is in order. Funds may be released.")
    page.check("input[name=flags]")
    _submit(page, "text=Add paragraph")
    receipt.refresh_from_db()
    receipts.receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)

    # 2. The Secretary reads Flag A beside the note sheet before deciding.
    page.context.clear_cookies()
    login(page, live_server, "fd-secretary")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    opened = AuditEvent.objects.filter(action="paper.open").count()
    page.click(".para a[data-viewer]:text('Flag A')")
    assert _first_page_loaded(page) > 0
    assert page.url.endswith(f"/desk/files/{file.pk}/")  # beside the note sheet, same page
    note = page.locator(".note-sheet").bounding_box()
    viewer = page.locator("#viewer").bounding_box()
    assert viewer["x"] >= note["x"] + note["width"] - 1, "the viewer is beside the note sheet"
    assert viewer["y"] < note["y"] + note["height"]
    assert "Flag A" in page.locator("#viewer-title").inner_text()
    assert AuditEvent.objects.filter(action="paper.open").count() == opened + 1
    assert axe_violations(page) == []
    screenshot(page, "issue17-file-viewer-en-1280")
    _submit(page, ".decision button[value=approved]")
    assert "Approved and sent down." in page.content()

    # The Deputy Secretary drafts the letter; approved and issued.
    file.refresh_from_db()
    draft = approvals.draft_create(
        actor=desk.ds_user, file=file, subject="Repair", addressees="DEO Swat", body="Sir, ..."
    )
    movement.file_put_up(actor=desk.ds_user, file=file)
    approvals.draft_decide(actor=desk.secretary_user, file=file, draft=draft, decision="approved")
    file.refresh_from_db()
    approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)

    # 3. The citizen's tracking page: decided, with the outcome — the file is still open.
    public = browser.new_context(**WIDE).new_page()
    public.goto(f"{live_server.url}{tree.tracking.url}")
    public.fill("#id_reference", receipt.tracking_ref)
    public.fill("#id_second_factor", "4321")
    public.click("form.track-form button[type=submit]")
    public.wait_for_selector(".track-result")
    assert public.locator("#result-head").inner_text() == "Decided"
    assert OUTCOME in public.locator(".track-result").inner_text()
    assert "Decided on" in public.locator(".track-result").inner_text()
    public.context.close()
    # Staff see the same in one line.
    page.context.clear_cookies()
    login(page, live_server, "fd-ds")
    page.goto(f"{live_server.url}/desk/receipts/{receipt.pk}/")
    line = page.locator("[data-citizen-sees]").inner_text()
    assert "Decided" in line and OUTCOME in line

    # A frozen paper refuses a new version, on the screen and through the API.
    scan = receipt.papers.get()
    scan.refresh_from_db()
    assert scan.is_frozen
    page.goto(f"{live_server.url}/desk/papers/paper/{scan.pk}/")
    assert page.locator("#version-refusal").is_visible()
    assert page.locator("form[action$='/versions/']").count() == 0
    stored = sorted(storage.iter_object_names())
    versions = PaperVersion.objects.count()
    refused = api_client(desk.ds_user).post(
        f"/api/v1/papers/{scan.pk}/versions/",
        {"upload": _pdf_upload()},
        format="multipart",
    )
    assert refused.status_code == 409
    # A non-holder (the Section Officer sees the file but does not hold it): refused too.
    stranger = api_client(desk.so_user).post(
        f"/api/v1/papers/{scan.pk}/versions/", {"upload": _pdf_upload()}, format="multipart"
    )
    assert stranger.status_code in (403, 409)
    assert sorted(storage.iter_object_names()) == stored
    assert PaperVersion.objects.count() == versions

    # Send back after the decision lands on the post below, not on the Secretary.
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    assert f"Send back to {desk.so.designation_en}" in page.content()
    _submit(page, "form[action$='/send_back/'] button")
    file.refresh_from_db()
    assert file.holding_post == desk.so
    context.close()


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("forged.pdf", text_pdf(1, "A different letter"))


def test_a_non_holder_sees_why_and_stores_nothing(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import open_file
    from workspace.services import correspondence

    file = open_file(desk)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=_pdf_upload(), is_puc=True
    )
    context = browser.new_context(**WIDE)
    page = context.new_page()
    login(page, live_server, "fd-secretary")  # sees the unclassified file; not her desk
    page.goto(f"{live_server.url}/desk/papers/paper/{enclosure.paper_id}/")
    assert "at whose desk" in page.locator("#version-refusal").inner_text()
    assert page.locator("form[action$='/versions/']").count() == 0
    before = (sorted(storage.iter_object_names()), PaperVersion.objects.count())
    token = page.evaluate(
        "() => document.cookie.split('; ').find(c => c.startsWith('csrftoken='))?.split('=')[1]"
    )
    answer = page.request.post(
        f"{live_server.url}/desk/papers/paper/{enclosure.paper_id}/versions/",
        multipart={
            "csrfmiddlewaretoken": token or "",
            "upload": {"name": "f.pdf", "mimeType": "application/pdf", "buffer": text_pdf(1)},
        },
        headers={"Referer": page.url},
    )
    assert answer.status in (403, 400)
    assert (sorted(storage.iter_object_names()), PaperVersion.objects.count()) == before
    context.close()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_file_page_viewer_at_1280_and_360(browser, live_server, desk, lang):  # noqa: F811
    from tests.documents.corpus import upload
    from tests.workspace.helpers import diarise, open_file
    from workspace.services import correspondence, movement, notes

    receipt = diarise(
        desk,
        subject="Repair of the girls' school roof, Mingora",
        citizen_name="Gul Bano",
        citizen_cnic_last4="4321",
        scans=[upload("letter.pdf", text_pdf(2, "Request for repair of the roof"))],
    )
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    text = (
        "The request at Flag A is in order. Funds may be released."
        if lang == "en"
        else "Flag A پر درخواست درست ہے۔ فنڈز جاری کیے جا سکتے ہیں۔"
    )
    notes.note_add(
        actor=desk.asst_user, file=file, text=text, refers_to_flags=list(file.enclosures.all())
    )
    correspondence.paper_enclose(actor=desk.asst_user, file=file, upload=_pdf_upload())
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)

    for size, shape in (("1280", WIDE), ("360", PHONE)):
        context = browser.new_context(**shape)
        page = context.new_page()
        login(page, live_server, "fd-secretary")
        if lang == "ur":
            _to_urdu(page)
        page.goto(f"{live_server.url}/desk/files/{file.pk}/")
        _no_sideways_scroll(page)
        assert axe_violations(page) == []
        screenshot(page, f"issue17-file-page-{lang}-{size}")
        page.click(".para a[data-viewer]")
        if size == "360":
            # On a phone the paper opens in its own screen.
            page.wait_for_url(f"**/desk/files/{file.pk}/read/**")
        assert _first_page_loaded(page) > 0
        _no_sideways_scroll(page)
        assert axe_violations(page) == []
        screenshot(page, f"issue17-file-viewer-{lang}-{size}")
        context.close()
