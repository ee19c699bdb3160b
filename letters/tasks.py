"""Letters' background work (django-tasks): the office's signature of each decision."""

from __future__ import annotations

from django_tasks import task

from letters import services


@task()
def sign_approval(approval_id: int, statement: str | None = None) -> str:
    """Sign the record of a decision (``services.sign_approval``), queued by the decision with
    its statement."""
    signed = services.sign_approval(approval_id=approval_id, statement=statement)
    return "no such approval" if signed is None else f"signed approval {approval_id}"


def requeue_unsigned() -> int:
    """The scheduler's ``letters_approvals`` job: queue again the signing of the decisions a lost
    or failed job left unsigned. Returns how many."""
    ids = services.unsigned_approvals()
    for pk in ids:
        sign_approval.enqueue(pk)
    return len(ids)
