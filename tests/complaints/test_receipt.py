"""A filed complaint lands as a receipt at its office's complaint cell (issue 21 item 3),
diarised through the desk's receipts service, with nothing of the complainant in it."""

import pytest
from django.urls import reverse

from complaints import services
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


def test_the_complaint_is_a_receipt_at_its_cell_without_the_complainant(ladder, client):
    complaint = file(ladder)
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


def test_a_refused_filing_leaves_no_receipt(ladder, monkeypatch):
    ladder.category.is_active = False
    ladder.category.save()
    with pytest.raises(ValidationError):
        file(ladder)
    ladder.category.is_active = True
    ladder.category.save()

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services.figures, "change", broken)  # after the receipt, same transaction
    with pytest.raises(RuntimeError):
        file(ladder)
    assert not Receipt.objects.exists()
    assert not AuditEvent.objects.filter(action=DeskAction.RECEIPT_DIARISE).exists()


def test_only_a_registered_service_account_sends_receipts(ladder):
    with pytest.raises(PermissionDenied):
        receipts.receipt_receive(
            actor=ladder.cell_user, post=ladder.cell_post, sender="x", subject="y"
        )
    assert not Receipt.objects.exists()
