"""Journey 1 through the services: diarise, open, note, put up to the Secretary, approve,
draft, approve, issue — every step in the file's history with times."""

import pytest

from kernel.models import AuditEvent
from workflows.models import FileProcess
from workspace.flows import FileFlow
from workspace.models import Approval, DispatchEntry, Draft, File, Movement, Receipt
from workspace.services import approvals, files, movement, notes, receipts

pytestmark = pytest.mark.django_db


def test_journey_one(desk):
    o = desk
    receipt = receipts.receipt_diarise(
        actor=o.asst_user,
        post=o.asst,
        sender="Accountant General KP",
        subject="Revised budget estimates 2025-26",
    )
    assert receipt.diary_number == 1 and receipt.holding_post == o.asst
    file = files.file_open(
        actor=o.asst_user,
        post=o.asst,
        subject_head=o.head,
        subject="Revised budget estimates 2025-26",
        receipt=receipt,
    )
    assert file.number.startswith("FD/SO(B-I)/12-1/")
    receipt.refresh_from_db()
    assert receipt.status == Receipt.Status.ON_FILE and receipt.file == file
    assert file.enclosures.get().flag == "A"
    notes.note_add(actor=o.asst_user, file=file, text="PUC at Flag A is placed for perusal.")
    movement.file_put_up(actor=o.asst_user, file=file, remarks="For orders")
    file.refresh_from_db()
    assert file.holding_post == o.so
    para1 = file.paragraphs.get(number=1)
    assert para1.is_final
    notes.note_add(
        actor=o.so_user, file=file, text="Submitted for approval of the proposal at para 1."
    )
    movement.file_put_up(actor=o.so_user, file=file)
    movement.file_put_up(actor=o.ds_user, file=file)
    file.refresh_from_db()
    assert file.holding_post == o.secretary
    approval = approvals.note_decide(
        actor=o.secretary_user,
        file=file,
        paragraph=file.paragraphs.get(number=2),
        decision="approved",
        remarks="Approved.",
    )
    assert approval.task is not None and approval.content_hash
    file.refresh_from_db()
    assert file.holding_post == o.ds  # back down to the post that put it up
    # The DS drafts the letter and puts it up; the Secretary approves the draft.
    draft = approvals.draft_create(
        actor=o.ds_user,
        file=file,
        subject="Revised estimates",
        addressees="Accountant General KP",
        body="I am directed to convey the approval…",
    )
    movement.file_put_up(actor=o.ds_user, file=file)
    approvals.draft_decide(actor=o.secretary_user, file=file, draft=draft, decision="approved")
    draft.refresh_from_db()
    assert draft.status == Draft.Status.APPROVED
    entry = approvals.draft_issue(actor=o.ds_user, file=file, draft=draft)
    assert entry.outgoing_number.startswith("FD/SO(B-I)/O-1/")
    assert entry.task is not None
    draft.refresh_from_db()
    assert draft.status == Draft.Status.ISSUED
    kinds = list(Movement.objects.filter(file=file).values_list("kind", flat=True))
    assert kinds == ["open", "put_up", "put_up", "put_up", "approve", "put_up", "approve", "issue"]
    # Every desk stay is one flow task, and the open one is at the post holding the file.
    process = FileProcess.objects.get(file=file)
    open_tasks = process.task_set.filter(
        flow_task=FileFlow.desk, status__in=["NEW", "ASSIGNED", "STARTED"]
    )
    assert [int(t.owner_permission_obj_pk) for t in open_tasks] == [o.ds.pk]
    assert AuditEvent.objects.filter(object_id=str(file.pk)).count() >= 10
    assert Approval.objects.count() == 2 and DispatchEntry.objects.count() == 1
    assert File.objects.get(pk=file.pk).status == File.Status.OPEN
