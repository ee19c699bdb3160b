"""Every desk action refused to those who may not take it, with nothing changed."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from kernel.errors import ActionRefused, ValidationError
from kernel.models import AuditEvent
from organisation import services as org_services
from organisation.models import Holding
from tests.factories import HoldingFactory, UserFactory
from tests.workspace.helpers import diarise, open_file
from workspace import custody
from workspace.models import Approval, File, Movement, NoteParagraph
from workspace.services import approvals, correspondence, movement, notes

pytestmark = pytest.mark.django_db


def _snapshot(file):
    file.refresh_from_db()
    return (
        file.holding_post_id,
        file.status,
        Movement.objects.filter(file=file).count(),
        NoteParagraph.objects.filter(file=file).count(),
        AuditEvent.objects.count(),
    )


def test_only_the_holding_post_can_note_or_move(desk):
    file = open_file(desk)
    before = _snapshot(file)
    for user in [desk.so_user, desk.secretary_user, desk.other_user]:
        with pytest.raises(ActionRefused, match="not at a post you hold"):
            notes.note_add(actor=user, file=file, text="Not mine to write")
        with pytest.raises(ActionRefused, match="not at a post you hold"):
            movement.file_mark(actor=user, file=file, to_post=desk.ds)
        with pytest.raises(ActionRefused, match="not at a post you hold"):
            movement.file_put_up(actor=user, file=file)
        with pytest.raises(ActionRefused, match="not at a post you hold"):
            movement.file_close(actor=user, file=file)
        with pytest.raises(ActionRefused, match="not at a post you hold"):
            movement.file_park(actor=user, file=file)
    assert _snapshot(file) == before
    assert custody.disagreements() == []


def test_a_superuser_is_not_a_holder(desk, admin_user):
    file = open_file(desk)
    with pytest.raises(ActionRefused):
        movement.file_put_up(actor=admin_user, file=file)


def test_additional_charge_holder_acts_and_ended_holder_cannot(desk, admin_user):
    stand_in = UserFactory(username="stand-in")
    org_services.holding_assign(
        actor=admin_user, post=desk.asst, user=stand_in, kind=Holding.Kind.ADDITIONAL
    )
    file = open_file(desk)
    notes.note_add(actor=stand_in, file=file, text="Noted on additional charge.")
    # The regular holder is transferred: the holding ends and grants nothing.
    org_services.holding_end(
        actor=admin_user, holding=Holding.objects.get(post=desk.asst, user=desk.asst_user)
    )
    with pytest.raises(ActionRefused):
        movement.file_put_up(actor=desk.asst_user, file=file)
    movement.file_put_up(actor=stand_in, file=file)
    file.refresh_from_db()
    assert file.holding_post == desk.so


def test_a_department_not_live_cannot_receive_a_file(desk):
    file = open_file(desk)
    before = _snapshot(file)
    with pytest.raises(ActionRefused, match="not on Daftar yet"):
        movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.dead_post)
    assert _snapshot(file) == before


def test_marking_across_departments_is_everyday_work(desk):
    file = open_file(desk)
    movement.file_mark(
        actor=desk.asst_user, file=file, to_post=desk.other_so, remarks="For comments"
    )
    file.refresh_from_db()
    assert file.holding_post == desk.other_so
    notes.note_add(actor=desk.other_user, file=file, text="Comments of HED are as under.")


def test_marking_to_the_same_post_or_with_a_past_due_date_is_refused(desk):
    file = open_file(desk)
    with pytest.raises(ActionRefused, match="already at"):
        movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.asst)
    with pytest.raises(ValidationError):
        movement.file_mark(
            actor=desk.asst_user,
            file=file,
            to_post=desk.so,
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_a_paragraph_becomes_final_when_the_file_moves_on(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Draft para")
    notes.note_edit(actor=desk.asst_user, paragraph=para, text="Draft para, revised")
    movement.file_put_up(actor=desk.asst_user, file=file)
    para.refresh_from_db()
    assert para.is_final and para.text == "Draft para, revised"
    # The file comes back: the author's post still cannot change the final paragraph.
    movement.file_send_back(actor=desk.so_user, file=file)
    with pytest.raises(ActionRefused, match="final"):
        notes.note_edit(actor=desk.asst_user, paragraph=para, text="Rewriting history")
    with pytest.raises(ActionRefused, match="final"):
        notes.note_delete(actor=desk.asst_user, paragraph=para)
    para.refresh_from_db()
    assert para.text == "Draft para, revised"


def test_the_database_itself_refuses_to_change_a_final_paragraph(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Final soon")
    movement.file_put_up(actor=desk.asst_user, file=file)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        NoteParagraph.objects.filter(pk=para.pk).update(text="changed behind the service's back")
    para.refresh_from_db()
    assert para.text == "Final soon"


def test_only_the_author_post_edits_a_draft_paragraph(desk, admin_user):
    stand_in = UserFactory(username="stand-in2")
    org_services.holding_assign(
        actor=admin_user, post=desk.so, user=stand_in, kind=Holding.Kind.ADDITIONAL
    )
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Assistant's draft")
    with pytest.raises(ActionRefused):
        notes.note_edit(actor=desk.so_user, paragraph=para, text="SO edits the assistant's draft")


def test_only_the_last_draft_paragraph_can_be_withdrawn(desk):
    file = open_file(desk)
    first = notes.note_add(actor=desk.asst_user, file=file, text="one")
    notes.note_add(actor=desk.asst_user, file=file, text="two")
    with pytest.raises(ActionRefused, match="last paragraph"):
        notes.note_delete(actor=desk.asst_user, paragraph=first)


def test_empty_note_is_refused_with_a_message(desk):
    file = open_file(desk)
    with pytest.raises(ValidationError):
        notes.note_add(actor=desk.asst_user, file=file, text="   ")


def test_recall_rules(desk):
    file = open_file(desk)
    with pytest.raises(ValidationError):
        movement.file_recall(actor=desk.asst_user, file=file, reason="")
    movement.file_put_up(actor=desk.asst_user, file=file)
    with pytest.raises(ActionRefused, match="Only the post that sent"):
        movement.file_recall(actor=desk.ds_user, file=file, reason="Not mine")
    movement.file_recall(actor=desk.asst_user, file=file, reason="Wrong enclosure attached")
    file.refresh_from_db()
    assert file.holding_post == desk.asst
    recall = Movement.objects.filter(file=file).latest("at")
    assert recall.kind == "recall" and recall.remarks == "Wrong enclosure attached"
    # Once the new desk has noted on it, it cannot be recalled.
    movement.file_put_up(actor=desk.asst_user, file=file)
    notes.note_add(actor=desk.so_user, file=file, text="Seen.")
    with pytest.raises(ActionRefused, match="already noted"):
        movement.file_recall(actor=desk.asst_user, file=file, reason="Too late")
    assert custody.disagreements() == []


def test_park_close_reopen_record_room(desk):
    file = open_file(desk)
    movement.file_park(actor=desk.asst_user, file=file)
    with pytest.raises(ActionRefused):
        movement.file_put_up(actor=desk.asst_user, file=file)
    with pytest.raises(ActionRefused):
        movement.file_park(actor=desk.asst_user, file=file)
    movement.file_resume(actor=desk.asst_user, file=file)
    with pytest.raises(ActionRefused):
        movement.file_to_record_room(actor=desk.asst_user, file=file)
    with pytest.raises(ActionRefused):
        movement.file_reopen(actor=desk.asst_user, file=file)
    movement.file_close(actor=desk.asst_user, file=file)
    assert custody.disagreements() == []
    with pytest.raises(ActionRefused):
        notes.note_add(actor=desk.asst_user, file=file, text="After closing")
    movement.file_reopen(actor=desk.asst_user, file=file)
    file.refresh_from_db()
    assert file.status == File.Status.OPEN and file.processes.count() == 2
    movement.file_close(actor=desk.asst_user, file=file)
    movement.file_to_record_room(actor=desk.asst_user, file=file)
    file.refresh_from_db()
    assert file.status == File.Status.RECORD_ROOM
    assert custody.disagreements() == []
    call_command("custody_verify")


def _at_secretary(desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Proposal")
    movement.file_put_up(actor=desk.asst_user, file=file)
    movement.file_put_up(actor=desk.so_user, file=file)
    movement.file_put_up(actor=desk.ds_user, file=file)
    return file, para


def test_only_a_post_with_the_power_approves(desk):
    file, para = _at_secretary(desk)
    movement.file_send_back(actor=desk.secretary_user, file=file)
    with pytest.raises(ActionRefused, match="no power to approve"):
        approvals.note_decide(actor=desk.ds_user, file=file, paragraph=para, decision="approved")
    assert not Approval.objects.exists()


def test_returning_needs_a_reason_and_approval_is_final(desk):
    file, para = _at_secretary(desk)
    with pytest.raises(ValidationError):
        approvals.note_decide(
            actor=desk.secretary_user, file=file, paragraph=para, decision="returned"
        )
    approval = approvals.note_decide(
        actor=desk.secretary_user, file=file, paragraph=para, decision="approved"
    )
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        Approval.objects.filter(pk=approval.pk).update(remarks="edited afterwards")
    approval.refresh_from_db()
    assert approval.remarks == ""
    assert approval.content_hash == approvals.content_hash(para)


def test_a_draft_must_be_approved_before_issue_and_unchanged_since(desk):
    file, _ = _at_secretary(desk)
    movement.file_send_back(actor=desk.secretary_user, file=file)
    draft = approvals.draft_create(
        actor=desk.ds_user, file=file, subject="Letter", addressees="AG KP", body="Text"
    )
    with pytest.raises(ActionRefused, match="Only an approved draft"):
        approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)
    movement.file_put_up(actor=desk.ds_user, file=file)
    approvals.draft_decide(actor=desk.secretary_user, file=file, draft=draft, decision="approved")
    with pytest.raises(ActionRefused, match="cannot be changed"):
        approvals.draft_edit(
            actor=desk.ds_user, draft=draft, subject="Letter", addressees="AG KP", body="Other text"
        )
    entry = approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)
    with pytest.raises(ActionRefused):
        approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)
    assert entry.serial == 1


def test_a_receipt_goes_on_a_file_once_and_only_from_my_desk(desk):
    receipt = diarise(desk)
    file = open_file(desk, receipt=receipt)
    other = open_file(desk, subject="Another")
    with pytest.raises(ActionRefused, match="already on a file"):
        correspondence.enclosure_add(actor=desk.asst_user, file=other, receipt=receipt)
    stranger_receipt = diarise(desk, mark_to=desk.ds)
    with pytest.raises(ActionRefused, match="not at a post you hold"):
        correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=stranger_receipt)


def test_a_failed_step_leaves_nothing_half_written(desk, monkeypatch):
    file = open_file(desk)
    notes.note_add(actor=desk.asst_user, file=file, text="Draft")
    before = _snapshot(file)

    def explode(**kwargs):
        raise RuntimeError("disk full")

    from workspace.services import desk as desk_machinery

    monkeypatch.setattr(desk_machinery, "record_movement", explode)
    with pytest.raises(RuntimeError):
        movement.file_put_up(actor=desk.asst_user, file=file)
    assert _snapshot(file) == before
    assert not NoteParagraph.objects.get(file=file).is_final
    assert custody.disagreements() == []
    monkeypatch.undo()
    movement.file_put_up(actor=desk.asst_user, file=file)
    assert custody.disagreements() == []


def test_diary_numbers_run_per_section_per_year(desk):
    first, second = diarise(desk), diarise(desk)
    assert (first.diary_number, second.diary_number) == (1, 2)
    other_section_receipt = diarise(desk)  # same section: 3
    assert other_section_receipt.diary_number == 3


def test_receipt_validation_messages(desk):
    with pytest.raises(ValidationError) as exc:
        diarise(desk, letter_date=timezone.localdate() + dt.timedelta(days=3))
    assert "letter_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        diarise(desk, citizen_name="Gul Bibi")
    assert "citizen_cnic_last4" in exc.value.message_dict
    with pytest.raises(ValidationError):
        diarise(desk, citizen_name="Gul Bibi", citizen_cnic_last4="12a4")


def test_a_put_up_audit_row_says_who_from_where_to_where(desk):
    # That every desk action writes its row: tests/workspace/test_audit_rows.py.
    _at_secretary(desk)
    event = AuditEvent.objects.filter(action="file.put_up").order_by("at").first()
    assert event.actor == desk.asst_user and event.post_id == desk.asst.pk
    assert event.before == {"post": desk.asst.pk} and event.after["post"] == desk.so.pk


def test_holding_another_user_post_later_does_not_reopen_old_desks(desk):
    HoldingFactory(post=desk.ds, user=UserFactory(username="x"), kind="additional")
    file = open_file(desk)
    assert custody.disagreements() == []
    assert file.holding_post == desk.asst
