"""The public projection of a citizen's matter: what it says at each stage, and what it
refuses to say."""

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.portal_pages.factories import CitizenReceiptFactory, move, on_file
from workspace import tracking
from workspace.models import File, Grading, Movement, NoteParagraph, Receipt
from workspace.tracking import PublicStatus, Stage, public_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(org):
    return CitizenReceiptFactory(holding_post=org.asst)


def lookup(receipt, factor="4321"):
    return public_status(reference=receipt.tracking_ref, second_factor=factor)


def test_found_with_either_second_factor_and_any_typing(receipt):
    ref = receipt.tracking_ref
    for reference, factor in [
        (ref, "4321"),
        (ref, "8765"),
        (tracking.display(ref).lower(), " 43-21 "),
        (f"{ref[:4]} {ref[4:]}", "8765"),
    ]:
        status = public_status(reference=reference, second_factor=factor)
        assert isinstance(status, PublicStatus), (reference, factor)
        assert status.reference == tracking.display(ref)


def test_received_stage_names_the_section_and_department_never_a_person(receipt, org):
    status = lookup(receipt)
    assert status.stage == Stage.RECEIVED
    assert status.stage_label == "Received and registered"
    assert status.section == "Budget-I"
    assert status.department == "Finance Department"
    assert status.received_on == receipt.received_on
    assert status.time_limit_days == 30
    assert status.due_on == receipt.received_on + dt.timedelta(days=30)
    assert not status.is_overdue
    assert status.next_step
    assert status.outcome == ""


def test_wrong_factor_unknown_reference_and_bad_input_all_answer_none(receipt):
    other = tracking.new_reference()
    assert public_status(reference=receipt.tracking_ref, second_factor="0000") is None
    assert public_status(reference=other, second_factor="4321") is None
    assert public_status(reference=receipt.tracking_ref, second_factor="") is None
    assert public_status(reference=receipt.tracking_ref, second_factor="432") is None
    assert public_status(reference="", second_factor="4321") is None
    typo = receipt.tracking_ref[:-1] + ("A" if receipt.tracking_ref[-1] != "A" else "B")
    assert public_status(reference=typo, second_factor="4321") is None


def test_a_matter_without_a_mobile_is_not_found_by_an_empty_factor(org):
    receipt = CitizenReceiptFactory(holding_post=org.asst, citizen_mobile_last4="")
    assert lookup(receipt, "4321") is not None
    assert lookup(receipt, "") is None
    assert lookup(receipt, "0000") is None


def test_graded_receipt_or_file_is_not_public(org):
    restricted = CitizenReceiptFactory(holding_post=org.asst, grading=Grading.RESTRICTED)
    assert lookup(restricted) is None
    receipt = CitizenReceiptFactory(holding_post=org.asst)
    on_file(receipt, grading=Grading.CONFIDENTIAL)
    assert lookup(receipt) is None


def test_not_a_citizen_matter_is_not_public(org):
    receipt = CitizenReceiptFactory(holding_post=org.asst)
    Receipt.objects.filter(pk=receipt.pk).update(is_citizen_matter=False)
    assert lookup(receipt) is None


def test_stages_follow_the_file(receipt, org):
    file = on_file(receipt)
    assert lookup(receipt).stage == Stage.EXAMINATION
    move(file, by=org.asst_user, from_post=org.asst, to_post=org.so, kind=Movement.Kind.PUT_UP)
    File.objects.filter(pk=file.pk).update(holding_post=org.so)
    assert lookup(receipt).stage == Stage.EXAMINATION
    File.objects.filter(pk=file.pk).update(holding_post=org.secretary)
    status = lookup(receipt)
    assert status.stage == Stage.DECISION
    assert status.section == org.secy_section.name_en  # the office holding the file now

    File.objects.filter(pk=file.pk).update(holding_post=org.so, status=File.Status.PARKED)
    status = lookup(receipt)
    assert status.stage == Stage.ON_HOLD
    assert status.position == Stage.EXAMINATION
    assert status.hold_reason
    assert [s["state"] for s in status.steps] == ["done", "current", "todo", "todo"]

    closed_at = timezone.now() - dt.timedelta(days=1)
    move(
        file,
        by=org.so_user,
        from_post=org.so,
        to_post=org.so,
        kind=Movement.Kind.CLOSE,
        at=closed_at,
    )
    File.objects.filter(pk=file.pk).update(status=File.Status.CLOSED)
    Receipt.objects.filter(pk=receipt.pk).update(outcome="Certificate issued.")
    status = lookup(receipt)
    assert status.stage == Stage.DECIDED
    assert status.decided_on == timezone.localdate(closed_at)
    assert status.outcome == "Certificate issued."
    assert not status.is_overdue
    assert all(s["state"] == "done" for s in status.steps)


def test_overdue_when_past_its_time_limit(org):
    receipt = CitizenReceiptFactory(
        holding_post=org.asst,
        received_on=timezone.localdate() - dt.timedelta(days=40),
        time_limit_days=30,
    )
    status = lookup(receipt)
    assert status.is_overdue
    assert status.due_on == timezone.localdate() - dt.timedelta(days=10)


def test_outcome_is_shown_only_once_decided(receipt):
    Receipt.objects.filter(pk=receipt.pk).update(outcome="Draft outcome being considered")
    assert lookup(receipt).outcome == ""


def test_projection_holds_no_name_note_or_paper(receipt, org):
    file = on_file(receipt, subject="Secret subject of the file")
    NoteParagraph.objects.create(
        file=file, number=1, text="Ayesha Khan says refuse", author=org.so_user, post=org.so
    )
    move(file, by=org.so_user, from_post=org.asst, to_post=org.so, remarks="Bilal Ahmad to see")
    status = lookup(receipt)
    fields = {f.name for f in dataclasses.fields(PublicStatus)}
    assert fields == {
        "reference", "stage", "stage_label", "position", "department", "section",
        "received_on", "in_office_since", "time_limit_days", "due_on", "is_overdue",
        "decided_on", "hold_reason", "next_step", "outcome",
    }  # fmt: skip
    text = repr(status.as_dict()) + repr(status)
    for secret in [
        "Gul Bano", "Ayesha", "Bilal", "Secret subject", "domicile", "4321", "8765",
        org.so_user.username, org.so_user.last_name, "Section Officer",
    ]:  # fmt: skip
        assert secret not in text


def test_office_and_stage_in_urdu(receipt):
    with translation.override("ur"):
        status = lookup(receipt)
    assert status.department == "محکمہ FD"  # the department's Urdu name
    assert status.section == "سیکشن"
    assert status.stage_label != "Received and registered"  # from the Urdu catalogue


def test_lookup_is_one_query(receipt, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert lookup(receipt) is not None
    with django_assert_num_queries(1):
        assert lookup(receipt, "0000") is None
    on_file(receipt)
    with django_assert_num_queries(1):
        assert lookup(receipt) is not None


def test_diarise_service_gives_a_citizen_matter_a_valid_reference(org):
    from workspace.services.receipts import receipt_diarise

    receipt = receipt_diarise(
        actor=org.asst_user,
        post=org.asst,
        sender="Zarmina",
        subject="Pension case",
        citizen_name="Zarmina",
        citizen_cnic_last4="1111",
        time_limit_days=15,
    )
    assert tracking.is_valid(receipt.tracking_ref)
    status = public_status(reference=receipt.tracking_ref, second_factor="1111")
    assert status.stage == Stage.RECEIVED
    assert status.section == "Budget-I"
