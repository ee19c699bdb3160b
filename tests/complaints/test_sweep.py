"""The batched escalation sweep: each due complaint moved once, in batches of set-based
statements, the flow moved as one service step would move it (the stay ended, the route
switch done, the next stay opened at the office above), one event, one audit row and one
message per complaint; twice, or on two machines at once, nothing moves twice."""

import pytest
from viewflow.workflow.status import STATUS

from complaints import figures, services
from complaints.flows import ComplaintFlow
from complaints.models import PORTAL_USERNAME, Complaint, ComplaintProcess, Event, Level, Status
from kernel import audit
from kernel.models import AuditEvent
from tests.complaints.conftest import at, clock, sweep
from tests.races import race

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _file_many(ladder, n, day=2):
    with clock(at(2026, 3, day)):
        return [
            services.file_complaint(
                actor=services.portal_actor(), client=f"w{i}", category=ladder.category,
                district=ladder.peshawar,
                description="Street lights out on the main road.",
                mobile=f"03000000{i:03d}", cnic_last4="9876",
            )
            for i in range(n)
        ]  # fmt: skip


def _tasks(complaint):
    """(node name, status, permission office, owner, data, previous nodes) of each task."""
    process = ComplaintProcess.objects.get(complaint=complaint)
    return [
        (
            t.flow_task.name,
            t.status,
            t.owner_permission_obj_pk,
            t.owner.username if t.owner_id else None,
            t.data,
            sorted(p.flow_task.name for p in t.previous.all()),
            t.token,
        )
        for t in process.task_set.order_by("pk")
    ]


def _escalated_once(complaint, ladder):
    complaint.refresh_from_db()
    assert complaint.level == Level.DIVISION and complaint.office == ladder.com
    assert complaint.status == Status.REGISTERED and complaint.assigned_post is None
    assert Event.objects.filter(complaint=complaint, kind=Event.Kind.ESCALATED).count() == 1
    assert AuditEvent.objects.filter(
        action="complaint.escalate", object_id=str(complaint.pk)
    ).count() == 1  # fmt: skip
    process = ComplaintProcess.objects.get(complaint=complaint)
    (task,) = process.task_set.filter(status__in=OPEN)
    assert task.flow_task == ComplaintFlow.handle
    assert task.owner_permission_obj_pk == str(ladder.com.pk)


def test_batches_move_each_due_complaint_once_and_the_flow_as_a_step_would(ladder, settings):
    complaints = _file_many(ladder, 5)
    assigned = complaints[1]  # Peshawar
    services.assign(actor=ladder.cell_user, complaint=assigned, post=ladder.cell_post)
    # One complaint moved by the single step the services take, for comparison (its row
    # put at the division by hand, due later, so that the sweep leaves it alone).
    single = complaints[3]
    with clock(at(2026, 3, 9)):
        Complaint.objects.filter(pk=single.pk).update(
            level=Level.DIVISION, office=ladder.com, due_at=at(2026, 4, 1)
        )
        single.refresh_from_db()
        services._step(
            actor=services.portal_actor(), complaint=single, node=ComplaintFlow.handle,
            action="escalated", route="handle", system=True,
        )  # fmt: skip
    figures.rebuild()
    with clock(at(2026, 3, 9)):
        assert services.escalate_due(now=at(2026, 3, 9), batch=2) == 4
    assert sweep(at(2026, 3, 9)) == 0  # twice: nothing more
    for complaint in complaints:
        if complaint.pk != single.pk:
            _escalated_once(complaint, ladder)
    # The batch wrote the rows a service step writes (timestamps aside).
    batch_one = complaints[1]
    shapes = _tasks(batch_one)
    assert [s[0] for s in shapes] == ["register", "handle", "route", "handle", "route", "handle"]
    assert shapes[1][3:5] == ("cell", {"action": "assigned"})
    assert shapes[3][:5] == ("handle", STATUS.DONE, str(ladder.dc.pk),
                             PORTAL_USERNAME, {"action": "escalated"})  # fmt: skip
    assert shapes[4][:2] == ("route", STATUS.DONE) and shapes[4][5] == ["handle"]
    assert shapes[5][:4] == ("handle", STATUS.NEW, str(ladder.com.pk), None)
    assert shapes[5][5] == ["route"]
    unassigned = _tasks(complaints[0])
    reference = _tasks(single)
    assert [s[0] for s in unassigned] == [s[0] for s in reference]
    for got, want in zip(unassigned, reference, strict=True):
        # Same node, status, owner, data, links and token; the office differs by district.
        assert (got[0], got[1], got[3], got[4], got[5], got[6]) == (
            want[0], want[1], want[3], want[4], want[5], want[6]
        )  # fmt: skip
    assert list(audit.verify()) == []
    kept, scratch = figures.check()
    assert kept == scratch


def test_the_sweep_reads_only_what_is_due(ladder):
    _file_many(ladder, 3)
    assert services.due_complaints(at(2026, 3, 4)).count() == 0
    assert sweep(at(2026, 3, 4)) == 0
    assert services.due_complaints(at(2026, 3, 9)).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_move_each_complaint_once(ladder):
    complaints = _file_many(ladder, 12)
    now = at(2026, 3, 9)

    def one_machine():
        with clock(now):
            return services.escalate_due(now=now, batch=3)

    results = race(one_machine, one_machine)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 12
    for complaint in complaints:
        _escalated_once(complaint, ladder)
    assert sweep(now) == 0
    kept, scratch = figures.check()
    assert kept == scratch
