"""Two officers of the handling office acting on the same complaint at the same moment, on
PostgreSQL: one wins, the other waits for the lock and is refused cleanly."""

import pytest

from complaints import services
from complaints.flows import ComplaintFlow
from complaints.models import Complaint, ComplaintProcess, Status
from kernel.errors import ActionRefused
from kernel.models import AuditEvent
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def processes(complaint):
    return ComplaintProcess.objects.filter(complaint=complaint).values("pk")


def test_two_officers_resolving_at_once(ladder, filed):
    results = race(
        lambda: services.resolve(actor=ladder.cell_user, complaint=filed, action_taken="A"),
        lambda: services.resolve(actor=ladder.dc_head_user, complaint=filed, action_taken="B"),
    )
    winners = [r for r in results if isinstance(r, Complaint)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ActionRefused), repr(losers[0])
    filed.refresh_from_db()
    assert filed.status == Status.RESOLVED
    assert filed.action_taken == winners[0].action_taken
    assert AuditEvent.objects.filter(action="complaint.resolve").count() == 1
    done = ComplaintFlow.task_class.objects.filter(
        process__in=processes(filed), flow_task=ComplaintFlow.handle
    )
    assert [t.data.get("action") for t in done] == ["resolved"]
