"""The public stage follows the matter (issue 17, points 4 and 13): "decided" when the note is
approved or the letter issued — not only when the file is closed — with the outcome; staff see
in one line what the citizen sees; a receipt on a file is "at" the file's post; a matter
needs no file to be disposed of; a parked matter's public reason is the officer's choice."""

import pytest
from django.utils import timezone, translation

from kernel.errors import ActionRefused, ValidationError
from kernel.models import AuditEvent
from tests.workspace.helpers import api_client, diarise, open_file
from workspace.models import File, Grading, HoldReason, Receipt
from workspace.services import approvals, movement, notes
from workspace.services.receipts import receipt_dispose, receipt_record_outcome
from workspace.tracking import HOLD_REASON_PARKED, Stage, public_status, public_status_of

pytestmark = pytest.mark.django_db

OUTCOME = "Funds of Rs 2 million released to the school; the DEO will write to you."


def citizen_matter(desk, **kwargs):
    kwargs.setdefault("subject", "Repair of the girls' school roof")
    return diarise(desk, citizen_name="Gul Bano", citizen_cnic_last4="4321", **kwargs)


def lookup(receipt):
    return public_status(reference=receipt.tracking_ref, second_factor="4321")


def put_up_to_secretary(desk, receipt):
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Funds may be released.")
    receipt.refresh_from_db()
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    file.refresh_from_db()
    return file, para


def test_decided_when_the_note_is_approved_with_the_outcome(desk):
    receipt = citizen_matter(desk)
    file, para = put_up_to_secretary(desk, receipt)
    assert lookup(receipt).stage == Stage.DECISION
    assert lookup(receipt).outcome == ""
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    file.refresh_from_db()
    assert file.status == File.Status.OPEN  # not closed ...
    status = lookup(receipt)
    assert status.stage == Stage.DECIDED  # ... and yet decided
    assert status.decided_on == timezone.localdate()
    assert status.outcome == OUTCOME
    assert status.hold_reason == ""


def test_a_returned_note_does_not_decide_the_matter(desk):
    receipt = citizen_matter(desk)
    file, para = put_up_to_secretary(desk, receipt)
    approvals.note_decide(
        actor=desk.secretary_user, file=file, paragraph=para, decision="returned", remarks="No"
    )
    assert lookup(receipt).stage != Stage.DECIDED


def test_decided_when_the_letter_is_issued(desk):
    receipt = citizen_matter(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    draft = approvals.draft_create(
        actor=desk.asst_user, file=file, subject="Release", addressees="DEO", body="Sir, ..."
    )
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.draft_decide(actor=desk.secretary_user, file=file, draft=draft, decision="approved")
    assert lookup(receipt).stage != Stage.DECIDED  # a draft approved is not yet the decision
    file.refresh_from_db()
    approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)
    assert lookup(receipt).stage == Stage.DECIDED


def test_an_approval_before_the_matter_came_in_does_not_decide_it(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="An earlier proposal.")
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    receipt = citizen_matter(desk)
    from workspace.services import correspondence, receipts

    receipts.receipt_mark(actor=desk.asst_user, receipt=receipt, to_post=desk.ds)
    file.refresh_from_db()
    correspondence.enclosure_add(actor=desk.ds_user, file=file, receipt=receipt)
    assert lookup(receipt).stage == Stage.DECISION  # at the Deputy Secretary, not decided


def test_staff_see_in_one_line_what_the_citizen_sees(client, desk):
    receipt = citizen_matter(desk)
    file, para = put_up_to_secretary(desk, receipt)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    client.force_login(desk.ds_user)
    for url in (f"/desk/receipts/{receipt.pk}/", f"/desk/files/{file.pk}/"):
        page = client.get(url).content.decode()
        line = page.split("data-citizen-sees>", 1)[1].split("</p>", 1)[0]
        assert "The citizen sees" in line and "Decided" in line and OUTCOME in line


def test_no_line_for_a_matter_the_public_never_sees(client, desk):
    receipt = citizen_matter(desk, grading=Grading.RESTRICTED)
    assert public_status_of(receipt_ids=[receipt.pk]) == {}
    client.force_login(desk.asst_user)
    assert "data-citizen-sees" not in client.get(f"/desk/receipts/{receipt.pk}/").content.decode()


# --- point 13 --------------------------------------------------------------------------------


def test_a_receipt_on_a_file_is_at_the_files_post(client, desk):
    receipt = citizen_matter(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    movement.file_put_up(actor=desk.asst_user, file=file)
    receipt.refresh_from_db()
    assert receipt.holding_post == desk.asst  # its own post stays where it was diarised
    client.force_login(desk.so_user)
    page = client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
    assert f"At <strong>{desk.so.designation_en}</strong>" in page
    assert f"At <strong>{desk.asst.designation_en}</strong>" not in page


def test_disposing_of_a_matter_without_a_file(desk):
    receipt = citizen_matter(desk)
    receipt_dispose(actor=desk.asst_user, receipt=receipt, outcome=f" {OUTCOME} ")
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.DISPOSED
    assert receipt.outcome == OUTCOME and receipt.disposed_at is not None
    event = AuditEvent.objects.get(action="receipt.dispose", object_id=str(receipt.pk))
    assert event.actor_id == desk.asst_user.pk and event.post_id == desk.asst.pk
    assert event.after == {"status": "disposed", "outcome": OUTCOME}
    status = lookup(receipt)
    assert status.stage == Stage.DECIDED and status.outcome == OUTCOME
    assert status.decided_on == timezone.localdate()


def _unchanged(receipt):
    fresh = Receipt.objects.get(pk=receipt.pk)
    return (fresh.status, fresh.outcome, fresh.disposed_at)


def test_disposal_refusals_leave_nothing(desk):
    receipt = citizen_matter(desk)
    before = (_unchanged(receipt), AuditEvent.objects.count())
    with pytest.raises(ActionRefused, match="not at a post you hold"):
        receipt_dispose(actor=desk.so_user, receipt=receipt, outcome=OUTCOME)
    with pytest.raises(ValidationError):
        receipt_dispose(actor=desk.asst_user, receipt=receipt, outcome="   ")
    assert (_unchanged(receipt), AuditEvent.objects.count()) == before
    on_file = citizen_matter(desk, subject="Another")
    open_file(desk, subject=on_file.subject, receipt=on_file)
    with pytest.raises(ActionRefused, match="on a file"):
        receipt_dispose(actor=desk.asst_user, receipt=on_file, outcome=OUTCOME)
    receipt_dispose(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    with pytest.raises(ActionRefused, match="already disposed"):
        receipt_dispose(actor=desk.asst_user, receipt=receipt, outcome="Again")


def test_an_ordinary_letter_is_disposed_of_without_an_outcome(desk):
    letter = diarise(desk, subject="Circular for information")
    receipt_dispose(actor=desk.asst_user, receipt=letter, outcome="")
    assert Receipt.objects.get(pk=letter.pk).status == Receipt.Status.DISPOSED


def test_disposal_on_the_screen_and_through_the_api(client, desk):
    receipt = citizen_matter(desk)
    client.force_login(desk.so_user)  # a colleague: refused, nothing written
    assert "/dispose/" not in client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
    client.post(f"/desk/receipts/{receipt.pk}/dispose/", {"outcome": OUTCOME})
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.PENDING
    refused = api_client(desk.so_user).post(
        f"/api/v1/receipts/{receipt.pk}/dispose/", {"outcome": OUTCOME}, format="json"
    )
    assert refused.status_code == 409
    client.force_login(desk.asst_user)
    assert "/dispose/" in client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
    client.post(f"/desk/receipts/{receipt.pk}/dispose/", {"outcome": OUTCOME})
    assert Receipt.objects.get(pk=receipt.pk).status == Receipt.Status.DISPOSED
    other = citizen_matter(desk, subject="Other")
    done = api_client(desk.asst_user).post(
        f"/api/v1/receipts/{other.pk}/dispose/", {"outcome": OUTCOME}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "disposed"


def test_the_officer_chooses_the_public_hold_reason(client, desk):
    receipt = citizen_matter(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    client.force_login(desk.asst_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    assert 'name="hold_reason"' in page and "awaiting_citizen" in page
    client.post(
        f"/desk/files/{file.pk}/park/",
        {"hold_reason": HoldReason.AWAITING_CITIZEN, "remarks": "Ask for the NOC"},
    )
    file.refresh_from_db()
    assert file.status == File.Status.PARKED and file.hold_reason == HoldReason.AWAITING_CITIZEN
    status = lookup(receipt)
    assert status.stage == Stage.ON_HOLD
    assert status.hold_reason == str(HoldReason.AWAITING_CITIZEN.label)
    assert "NOC" not in status.hold_reason  # the remarks stay inside the office
    with translation.override("ur"):
        urdu = lookup(receipt).hold_reason
    assert urdu and urdu != status.hold_reason  # in Urdu for an Urdu page
    event = AuditEvent.objects.filter(action="file.park").latest("pk")
    assert event.after["hold_reason"] == HoldReason.AWAITING_CITIZEN
    # Taken out of park, the reason goes.
    movement.file_resume(actor=desk.asst_user, file=file)
    file.refresh_from_db()
    assert file.hold_reason == "" and lookup(receipt).hold_reason == ""


def test_park_refuses_an_unknown_reason_and_the_api_takes_one(desk):
    receipt = citizen_matter(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    with pytest.raises(ValidationError):
        movement.file_park(actor=desk.asst_user, file=file, hold_reason="because")
    file.refresh_from_db()
    assert file.status == File.Status.OPEN
    response = api_client(desk.asst_user).post(
        f"/api/v1/files/{file.pk}/park/", {"hold_reason": "before_court"}, format="json"
    )
    assert response.status_code == 200
    assert lookup(receipt).hold_reason == str(HoldReason.BEFORE_COURT.label)
    bad = api_client(desk.asst_user).post(f"/api/v1/files/{file.pk}/resume/", {}, format="json")
    assert bad.status_code == 200
    assert lookup(receipt).hold_reason == ""
    # A file parked by a caller that names no reason: the general one.
    movement.file_park(actor=desk.asst_user, file=file)
    assert lookup(receipt).hold_reason == str(HoldReason.AWAITING_OFFICE.label)
    assert str(HOLD_REASON_PARKED)


def test_the_receipts_list_says_at_the_files_post(client, desk):
    receipt = citizen_matter(desk)
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    movement.file_put_up(actor=desk.asst_user, file=file)
    client.force_login(desk.asst_user)
    page = client.get("/desk/receipts/").content.decode()
    row = page.split(f'href="/desk/receipts/{receipt.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert desk.so.designation_en in row and desk.asst.designation_en not in row
