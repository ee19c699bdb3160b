"""Journey 1 in a real browser: diarise, open a file on the receipt, note, put up through the
Section Officer and the Deputy Secretary to the Secretary, approve; draft, approve, issue.
Screenshots of each screen land in test-artifacts/screenshots/ for people to look at."""

import pytest

from tests.browser.conftest import axe_violations, login, screenshot
from workspace.models import DispatchEntry, File, Movement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _urdu_phone(browser, live_server, username, path):
    """``path`` opened by ``username`` in Urdu on a 360 px phone; it must not scroll sideways."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    login(page, live_server, username)
    page.click(".lang-switch button")
    page.wait_for_selector("html[dir=rtl]")
    page.goto(f"{live_server.url}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} scrolls sideways on a phone ({width}px)"
    return context, page


def test_journey_one_end_to_end(page, live_server, desk):  # noqa: F811
    _as(page, live_server, "fd-asst")
    page.goto(f"{live_server.url}/desk/receipts/new/")
    page.fill("#id_sender", "Accountant General KP")
    page.fill("#id_subject", "Release of funds for the Swat ADP scheme")
    page.fill("#id_letter_number", "AG/B/2211")
    screenshot(page, "journey-1-diarise")
    _submit(page, "main form.stack button[type=submit]")
    assert "Diarised as FD/SO(B-I)/D-1/" in page.content()

    # Open a file on the receipt.
    page.select_option("#id_subject_head", label=f"{desk.head}")
    _submit(page, "text=Open the file")
    file = File.objects.get()
    assert page.url.endswith(f"/desk/files/{file.pk}/")
    page.fill(
        "#new-note",
        "The AG's letter at Flag A asks for the release of funds. Submitted for orders.",
    )
    page.check("input[name=flags]")
    _submit(page, "text=Add paragraph")
    _submit(page, "form[action$='/put_up/'] button")
    assert "File put up." in page.content()

    for user in ["fd-so", "fd-ds"]:
        _as(page, live_server, user)
        page.goto(f"{live_server.url}/desk/")
        assert file.number in page.content()
        page.click(f"text={file.number}")
        page.fill("#putup-remarks", "For approval please")
        _submit(page, "form[action$='/put_up/'] button")

    # The Secretary's inbox; read the note sheet; approve in one action.
    _as(page, live_server, "fd-secretary")
    page.goto(f"{live_server.url}/desk/")
    screenshot(page, "journey-1-secretary-inbox")
    assert axe_violations(page) == []
    page.click(f"text={file.number}")
    screenshot(page, "journey-1-secretary-file")
    assert axe_violations(page) == []
    _submit(page, ".decision button[value=approved]")
    assert "Approved and sent down." in page.content()
    file.refresh_from_db()
    assert file.holding_post == desk.ds

    # The DS drafts the letter and puts it up; the Secretary approves the draft; the DS issues it.
    _as(page, live_server, "fd-ds")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    page.click("text=Add a draft for approval")
    page.fill("#id_subject", "Release of funds: Swat ADP scheme")
    page.fill("#id_addressees", "Accountant General KP")
    page.fill("#id_body", "I am directed to convey the sanction of the competent authority.")
    _submit(page, "text=Add draft")
    page.fill("#putup-remarks", "DFA for approval")
    _submit(page, "form[action$='/put_up/'] button")
    _as(page, live_server, "fd-secretary")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    _submit(page, "text=Approve draft")
    _as(page, live_server, "fd-ds")
    page.goto(f"{live_server.url}/desk/files/{file.pk}/")
    _submit(page, "text=Issue with a number")
    entry = DispatchEntry.objects.get()
    assert f"Issued as {entry.outgoing_number}" in page.content()
    screenshot(page, "journey-1-issued")
    page.goto(f"{live_server.url}/desk/dispatch/")
    assert entry.outgoing_number in page.content()
    kinds = list(Movement.objects.filter(file=file).values_list("kind", flat=True))
    assert kinds == ["open", "put_up", "put_up", "put_up", "approve", "put_up", "approve", "issue"]


def test_file_page_in_urdu_and_on_a_phone(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import open_file
    from workspace.services import notes

    file = open_file(desk)
    notes.note_add(
        actor=desk.asst_user, file=file, text="فنڈز کے اجراء کی تجویز منظوری کے لیے پیش ہے۔"
    )
    context, page = _urdu_phone(browser, live_server, "fd-asst", f"/desk/files/{file.pk}/")
    assert axe_violations(page) == []
    screenshot(page, "file-page-ur-phone")
    context.close()


def test_outcome_written_on_the_receipt_page_in_urdu_on_a_phone(browser, live_server, desk):  # noqa: F811
    from tests.workspace.helpers import diarise, open_file
    from workspace.models import Receipt
    from workspace.services import movement
    from workspace.tracking import Stage, public_status

    receipt = diarise(desk, citizen_name="Gul Bano", citizen_cnic_last4="4321")
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    movement.file_close(actor=desk.asst_user, file=file, remarks="Sanctioned.")
    context, page = _urdu_phone(browser, live_server, "fd-asst", f"/desk/receipts/{receipt.pk}/")
    outcome = "آپ کا ڈومیسائل سرٹیفکیٹ جاری ہو گیا ہے۔"
    page.fill("#id_outcome", outcome)
    assert axe_violations(page) == []
    screenshot(page, "receipt-outcome-ur-phone")
    _submit(page, "form[action$='/outcome/'] button")
    assert Receipt.objects.get(pk=receipt.pk).outcome == outcome
    status = public_status(reference=receipt.tracking_ref, second_factor="4321")
    assert (status.stage, status.outcome) == (Stage.DECIDED, outcome)
    assert axe_violations(page) == []
    screenshot(page, "receipt-outcome-saved-ur-phone")
    context.close()
