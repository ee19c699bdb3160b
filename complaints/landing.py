"""A filed complaint lands at its office's complaint cell as a receipt of the desk (issue 21,
item 3): diarised through the desk's receipts service by the portal's service account, with
the complaint's number, category and district and nothing of the complainant.

It happens after filing has committed, in a background task (``complaints.tasks``), not in
the citizen's request: the cell's diary number is taken under a row lock per office and year,
which would queue every filing in a district behind the one before it, and filing's own work
stays within its benchmark rule. A task that is lost (a worker killed, the queue down) is
found again by the scheduler's ``complaints_receipts`` job."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from complaints.audit_actions import ComplaintAction
from complaints.models import PORTAL_USERNAME, Complaint
from kernel import audit
from kernel.errors import PermissionDenied
from kernel.locks import cap_lock_wait
from organisation.models import District, Post, TerritorialRole
from workspace.services import receipts

# The scheduler looks this far back for complaints a lost task left without their receipt
# (complaints filed before receipts existed are not diarised after the fact).
RETRY_WINDOW = dt.timedelta(days=2)
# ...and leaves the newest this long to their own task.
RETRY_AFTER = dt.timedelta(minutes=5)


def cell_at(district: District) -> Post | None:
    """The complaint cell of the district's Deputy Commissioner's office, where a complaint
    filed for ``district`` lands: the office's Section Officer's post (the cell's officer),
    else its lowest active post; read with its office and department in one query."""
    return (
        Post.objects.filter(
            section__territorial_role=TerritorialRole.DEPUTY_COMMISSIONER,
            section__district=district,
            is_active=True,
        )
        .select_related("section__department")
        .order_by(
            Case(When(level=Post.Level.SECTION_OFFICER, then=Value(0)), default=Value(1)),
            "section_id",
            "level",
            "pk",
        )
        .first()
    )


def _receipt_at_cell(*, actor, cell: Post, complaint: Complaint):
    """The receipt: its number, category and district (in the site's language), never the
    complainant's name, mobile, CNIC or email, nor the description they typed."""
    with override(settings.LANGUAGE_CODE):
        subject = _("Citizen's complaint %(number)s: %(category)s, %(district)s") % {
            "number": complaint.display_ref,
            "category": complaint.category.name,
            "district": complaint.district.name,
        }
        sender = _("Citizens' complaints portal")
    return receipts.receipt_receive(
        actor=actor,
        post=cell,
        sender=sender,
        subject=subject,
        time_limit_days=complaint.category.limit_days,
    )


def complaint_land(*, actor, complaint_id: int) -> Complaint:
    """Diarise the filed complaint at the complaint cell of its district's DC office, once:
    a complaint that already has its receipt is left as it is (the task and the scheduler may
    both ask). Only the portal's service account lands complaints."""
    if actor is None or not actor.pk or actor.get_username() != PORTAL_USERNAME:
        raise PermissionDenied
    with transaction.atomic():
        cap_lock_wait()
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("category", "district")
            .get(pk=complaint_id)
        )
        if complaint.receipt_id is not None:
            return complaint
        cell = cell_at(complaint.district)
        if cell is None:  # the office went off line since filing: the scheduler tries again
            raise PermissionDenied(_("No complaint cell is on line for this district."))
        complaint.receipt = _receipt_at_cell(actor=actor, cell=cell, complaint=complaint)
        complaint.save(update_fields=["receipt"])
        audit.record(
            actor=actor,
            action=ComplaintAction.LAND,
            obj=complaint,
            post=cell,
            after={"receipt": complaint.receipt_id, "cell": cell.pk},
        )
    return complaint


def waiting_to_land(now: dt.datetime | None = None) -> list[int]:
    """Complaints filed in the last ``RETRY_WINDOW`` (but not the last few minutes) that have
    no receipt yet: their task was lost."""
    now = now or timezone.now()
    return list(
        Complaint.objects.filter(
            receipt__isnull=True,
            registered_at__gte=now - RETRY_WINDOW,
            registered_at__lt=now - RETRY_AFTER,
        )
        .order_by("registered_at")
        .values_list("pk", flat=True)[:1000]
    )
