"""The public outcome of a citizen's matter (``receipt_record_outcome``): written by the officer
at whose desk the matter is, shown on the public tracking page once the matter is decided, and
refused — with nothing written — to anyone else and for a matter the public never sees."""

import pytest

from kernel.errors import ActionRefused, ValidationError
from kernel.models import AuditEvent
from tests.workspace.helpers import api_client, diarise, open_file
from workspace.models import Grading, Receipt
from workspace.services import movement
from workspace.services.receipts import OUTCOME_MAX_CHARS, receipt_record_outcome
from workspace.tracking import Stage, public_status

pytestmark = pytest.mark.django_db

OUTCOME = "Domicile certificate issued; collect it from the DC office, window 3."


def citizen_matter(desk, **kwargs):
    kwargs.setdefault("subject", "Application for a domicile certificate")
    return diarise(
        desk, citizen_name="Gul Bano", citizen_cnic_last4="4321", time_limit_days=30, **kwargs
    )


def on_a_file(desk, receipt, **kwargs):
    return open_file(desk, subject=receipt.subject, receipt=receipt, **kwargs)


def lookup(receipt):
    return public_status(reference=receipt.tracking_ref, second_factor="4321")


def outcome_events(receipt):
    return AuditEvent.objects.filter(action="receipt.outcome", object_id=str(receipt.pk))


def test_the_citizen_reads_the_outcome_once_the_file_is_closed(desk):
    receipt = citizen_matter(desk)
    file = on_a_file(desk, receipt)
    receipt.refresh_from_db()
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=f"  {OUTCOME}\r\n")

    receipt.refresh_from_db()
    assert receipt.outcome == OUTCOME  # trimmed
    status = lookup(receipt)
    assert status.stage == Stage.EXAMINATION
    assert status.outcome == ""  # not before the matter is decided

    movement.file_close(actor=desk.asst_user, file=file)
    status = lookup(receipt)
    assert status.stage == Stage.DECIDED
    assert status.outcome == OUTCOME

    event = outcome_events(receipt).get()
    assert event.actor_id == desk.asst_user.pk
    assert event.post_id == desk.asst.pk
    assert event.before == {"outcome": ""}
    assert event.after == {"outcome": OUTCOME}


def test_after_closing_the_closing_post_may_still_write_or_take_it_off(desk):
    receipt = citizen_matter(desk)
    file = on_a_file(desk, receipt)
    movement.file_close(actor=desk.asst_user, file=file)
    receipt.refresh_from_db()
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    assert lookup(receipt).outcome == OUTCOME
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome="   ")
    assert lookup(receipt).outcome == ""
    assert outcome_events(receipt).count() == 2


def test_a_pending_matter_takes_an_outcome_at_its_own_post(desk):
    receipt = citizen_matter(desk)
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    receipt.refresh_from_db()
    assert receipt.outcome == OUTCOME


def test_the_same_text_again_writes_nothing(desk):
    receipt = citizen_matter(desk)
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME)
    receipt_record_outcome(actor=desk.asst_user, receipt=receipt, outcome=OUTCOME + "  ")
    assert outcome_events(receipt).count() == 1


def _refused(exc_type, desk, receipt, *, actor=None, outcome=OUTCOME, match=None):
    before = Receipt.objects.get(pk=receipt.pk).outcome
    with pytest.raises(exc_type, match=match):
        receipt_record_outcome(actor=actor or desk.asst_user, receipt=receipt, outcome=outcome)
    assert Receipt.objects.get(pk=receipt.pk).outcome == before
    assert not outcome_events(receipt).exists()


def test_refused_to_an_officer_the_file_is_not_with(desk):
    receipt = citizen_matter(desk)
    file = on_a_file(desk, receipt)
    receipt.refresh_from_db()
    # The Section Officer of the same section: the file is at the Assistant's desk.
    _refused(ActionRefused, desk, receipt, actor=desk.so_user, match="not at a post you hold")
    # Another department's officer.
    _refused(ActionRefused, desk, receipt, actor=desk.other_user, match="not at a post you hold")
    movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
    # Now it is the Section Officer's to write, and no longer the Assistant's.
    _refused(ActionRefused, desk, receipt, actor=desk.asst_user)
    receipt_record_outcome(actor=desk.so_user, receipt=receipt, outcome=OUTCOME)
    assert outcome_events(receipt).get().post_id == desk.so.pk


def test_refused_for_a_pending_matter_at_someone_elses_post(desk):
    receipt = citizen_matter(desk)
    _refused(ActionRefused, desk, receipt, actor=desk.so_user, match="not at a post you hold")


def test_refused_for_a_letter_that_is_not_a_citizens_matter(desk):
    receipt = diarise(desk)
    assert not receipt.tracking_ref
    _refused(ActionRefused, desk, receipt, match="not a citizen's matter")


def test_refused_for_a_graded_matter_or_one_on_a_graded_file(desk):
    restricted = citizen_matter(desk, grading=Grading.RESTRICTED)
    _refused(ActionRefused, desk, restricted, match="graded above unclassified")
    receipt = citizen_matter(desk)
    on_a_file(desk, receipt, grading=Grading.CONFIDENTIAL)
    receipt.refresh_from_db()
    _refused(ActionRefused, desk, receipt, match="graded above unclassified")


def test_refused_when_too_long_saying_how_long(desk):
    receipt = citizen_matter(desk)
    text = "x" * (OUTCOME_MAX_CHARS + 7)
    _refused(ValidationError, desk, receipt, outcome=text, match=str(OUTCOME_MAX_CHARS + 7))


def test_refused_when_put_on_a_file_after_the_callers_read(desk):
    receipt = citizen_matter(desk)
    stale = Receipt.objects.get(pk=receipt.pk)  # read while pending
    on_a_file(desk, receipt)
    _refused(ActionRefused, desk, stale, match="Someone else is acting")


# ------------------------------------------------------------------- the page and the API
def test_receipt_page_offers_the_form_only_at_the_desk(client, desk):
    receipt = citizen_matter(desk)
    on_a_file(desk, receipt)
    url = f"/desk/receipts/{receipt.pk}/"
    client.force_login(desk.asst_user)
    html = client.get(url).content.decode()
    assert f'action="/desk/receipts/{receipt.pk}/outcome/"' in html
    response = client.post(f"{url}outcome/", {"outcome": "Certificate issued.\nCollect it."})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Certificate issued.<br>Collect it." in html  # shown to the desk, as written

    client.force_login(desk.so_user)  # sees the receipt (same department), not at the desk
    html = client.get(url).content.decode()
    assert "Certificate issued.<br>Collect it." in html
    assert "/outcome/" not in html
    response = client.post(f"{url}outcome/", {"outcome": "Rejected."}, follow=True)
    assert "not at a post you hold" in response.content.decode()
    assert Receipt.objects.get(pk=receipt.pk).outcome == "Certificate issued.\nCollect it."


def test_receipt_page_offers_no_form_for_a_matter_the_public_never_sees(client, desk):
    plain = diarise(desk)
    graded = citizen_matter(desk, grading=Grading.RESTRICTED)
    client.force_login(desk.asst_user)
    for receipt in (plain, graded):
        html = client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
        assert "/outcome/" not in html


def test_another_departments_officer_cannot_reach_the_receipt(client, desk):
    receipt = citizen_matter(desk)
    client.force_login(desk.other_user)
    response = client.post(f"/desk/receipts/{receipt.pk}/outcome/", {"outcome": "Rejected."})
    assert response.status_code == 404
    assert Receipt.objects.get(pk=receipt.pk).outcome == ""


def test_api_writes_the_outcome_and_refuses_others(desk):
    receipt = citizen_matter(desk)
    url = f"/api/v1/receipts/{receipt.pk}/outcome/"
    response = api_client(desk.asst_user).post(url, {"outcome": OUTCOME}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == OUTCOME

    response = api_client(desk.so_user).post(url, {"outcome": "Rejected."}, format="json")
    assert response.status_code == 409
    assert "not at a post you hold" in response.json()["detail"]
    response = api_client(desk.other_user).post(url, {"outcome": "Rejected."}, format="json")
    assert response.status_code == 404
    response = api_client(desk.asst_user).post(
        url, {"outcome": "x" * (OUTCOME_MAX_CHARS + 1)}, format="json"
    )
    assert response.status_code == 400
    assert Receipt.objects.get(pk=receipt.pk).outcome == OUTCOME


def test_the_outcome_card_costs_the_receipt_page_no_query(client, desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receipt = citizen_matter(desk)
    on_a_file(desk, receipt)
    url = f"/desk/receipts/{receipt.pk}/"
    counts = {}
    for user in (desk.asst_user, desk.so_user):  # at the file's desk, and a colleague
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        counts[user.username] = (len(queries.captured_queries), "/outcome/" in html)
    assert counts[desk.asst_user.username][1] and not counts[desk.so_user.username][1]
    assert counts[desk.asst_user.username][0] == counts[desk.so_user.username][0]
