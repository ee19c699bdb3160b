"""Complaints' background work (django-tasks): a filed complaint landing at its cell as a
receipt (``complaints.landing``), and the citizens' messages (``complaints.notify``)."""

from __future__ import annotations

from django_tasks import task

from complaints import landing, notify
from complaints.models import portal_actor


@task()
def land_complaint(complaint_id: int) -> str:
    """Diarise the filed complaint at its cell (``landing.complaint_land``)."""
    complaint = landing.complaint_land(actor=portal_actor(), complaint_id=complaint_id)
    return f"receipt {complaint.receipt_id}"


def requeue_landings() -> int:
    """The scheduler's ``complaints_receipts`` job: enqueue again the complaints a lost task
    left without their receipt. Returns how many."""
    ids = landing.waiting_to_land()
    for pk in ids:
        land_complaint.enqueue(pk)
    return len(ids)


@task()
def tell_citizens(complaint_ids: list[int], what: str) -> str:
    """Send the complaints' citizens their message (``notify.tell``)."""
    return f"{notify.tell(complaint_ids, what)} told"
