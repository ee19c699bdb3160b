"""A filed complaint lands as a receipt at its office's complaint cell (issue 21 item 3),
diarised through the desk's receipts service, with nothing of the complainant in it."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import landing, services, tasks
from complaints.audit_actions import ComplaintAction
from complaints.models import Complaint
from kernel.errors import PermissionDenied, ValidationError
from kernel.models import AuditEvent
from workspace.audit_actions import DeskAction
from workspace.models import Receipt
from workspace.services import receipts

NAME, MOBILE, CNIC, EMAIL = "Gul Rehman Afridi", "03451234567", "8642", "gul@example.pk"


def file(ladder, **kw):
    return services.file_complaint(
        actor=services.portal_actor(),
        client="1.2.3.4",
        category=kw.pop("category", ladder.category),
        district=ladder.peshawar,
        description="The hospital has had no doctor at night for a week.",
        mobile=MOBILE,
        cnic_last4=CNIC,
        email=EMAIL,
        name=NAME,
        **kw,
    )


def test_the_complaint_is_a_receipt_at_its_cell_without_the_complainant(
    ladder, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file(ladder)
    complaint.refresh_from_db()
    receipt = complaint.receipt
    assert receipt is not None and Receipt.objects.get().pk == receipt.pk
    assert receipt.section_id == ladder.dc.pk and receipt.holding_post_id == ladder.cell_post.pk
    assert receipt.mode == Receipt.Mode.ELECTRONIC and receipt.status == Receipt.Status.PENDING
    assert complaint.display_ref in receipt.subject and "Hospitals" in receipt.subject
    assert receipt.time_limit_days == ladder.category.limit_days
    assert not receipt.is_citizen_matter and receipt.tracking_ref is None
    assert (receipt.citizen_name, receipt.citizen_cnic_last4, receipt.citizen_mobile_last4) == (
        "",
        "",
        "",
    )
    # Diarised by the desk's service (its audit row, as the portal's account).
    row = AuditEvent.objects.get(action=DeskAction.RECEIPT_DIARISE)
    assert row.actor_id == services.portal_actor().pk
    landed = AuditEvent.objects.get(action=ComplaintAction.LAND)
    assert (landed.object_id, landed.after["receipt"]) == (str(complaint.pk), receipt.pk)
    # The cell's officer finds it in the desk's receipts; nothing there names the citizen.
    client.force_login(ladder.cell_user)
    listed = client.get(reverse("workspace:receipts")).content.decode()
    assert complaint.display_ref in listed
    shown = client.get(reverse("workspace:receipt", args=[receipt.pk])).content.decode()
    assert complaint.display_ref in shown
    for page in (listed, shown):
        for secret in (NAME, MOBILE, MOBILE[-4:], EMAIL):
            assert secret not in page
    stored = " ".join(str(v) for v in Receipt.objects.filter(pk=receipt.pk).values().get().values())
    for secret in (NAME, MOBILE, CNIC, EMAIL):
        assert secret not in stored


def test_a_refused_filing_leaves_no_receipt(
    ladder, monkeypatch, django_capture_on_commit_callbacks
):
    ladder.category.is_active = False
    ladder.category.save()
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        file(ladder)
    ladder.category.is_active = True
    ladder.category.save()

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.figures, "change", broken)  # late in filing's transaction
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        file(ladder)
    assert not Receipt.objects.exists()
    assert not AuditEvent.objects.filter(action=DeskAction.RECEIPT_DIARISE).exists()


def test_only_a_registered_service_account_sends_receipts(ladder):
    with pytest.raises(PermissionDenied):
        receipts.receipt_receive(
            actor=ladder.cell_user, post=ladder.cell_post, sender="x", subject="y"
        )
    assert not Receipt.objects.exists()


def test_a_lost_landing_is_found_by_the_scheduler_and_lands_once(ladder):
    complaint = file(ladder)  # committed, but its task never ran (the callbacks are dropped)
    assert Complaint.objects.get(pk=complaint.pk).receipt_id is None
    later = timezone.now() + landing.RETRY_AFTER + dt.timedelta(seconds=1)
    assert landing.waiting_to_land(now=timezone.now()) == []  # its own task may still come
    assert landing.waiting_to_land(now=later) == [complaint.pk]
    with mock.patch.object(landing.timezone, "now", return_value=later):
        assert tasks.requeue_landings() == 1  # the task runs inline in the embedded default
    first = Complaint.objects.get(pk=complaint.pk).receipt_id
    assert first is not None and landing.waiting_to_land(now=later) == []
    # The task and the scheduler may both ask: the second changes nothing.
    again = landing.complaint_land(actor=services.portal_actor(), complaint_id=complaint.pk)
    assert again.receipt_id == first and Receipt.objects.count() == 1
    assert AuditEvent.objects.filter(action=ComplaintAction.LAND).count() == 1


def test_only_the_portal_lands_complaints(ladder):
    complaint = file(ladder)
    with pytest.raises(PermissionDenied):
        landing.complaint_land(actor=ladder.cell_user, complaint_id=complaint.pk)
    assert not Receipt.objects.exists()
    assert not AuditEvent.objects.filter(action=ComplaintAction.LAND).exists()
