"""The complaint on Viewflow: each office action completes one ``handle`` task of its
``ComplaintFlow`` process, driven by the services as users of different posts; who may act is
asked of the flow's nodes, a done task cannot be done again, and the flow's task history reads
as the complaint's own history."""

import pytest
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.status import STATUS

from complaints import services
from complaints.flows import ComplaintFlow
from complaints.models import PORTAL_USERNAME, Complaint, ComplaintProcess, Event, Status
from demo import complaints as demo
from kernel.errors import ActionRefused, NotFound, PermissionDenied
from kernel.models import AuditEvent
from tests.complaints.conftest import at, clock, resolve_at, seed_territory, sweep
from tests.factories import DepartmentFactory, UserFactory

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
# The complaint's events that are office actions, each one completed handle task.
OFFICE_EVENTS = ["assigned", "marked", "info_requested", "escalated", "resolved"]


def processes(complaint):
    return ComplaintProcess.objects.filter(complaint=complaint).values("pk")


def process_of(complaint) -> ComplaintProcess:
    return ComplaintProcess.objects.get(complaint=complaint)


def open_tasks(complaint):
    return list(
        ComplaintFlow.task_class.objects.filter(process__in=processes(complaint), status__in=OPEN)
    )


def handle_history(complaint):
    """(action, office pk, done by) of each completed stay at an office, in order."""
    return [
        (t.data["action"], int(t.owner_permission_obj_pk), t.owner.username)
        for t in ComplaintFlow.task_class.objects.filter(
            process__in=processes(complaint), flow_task=ComplaintFlow.handle, status=STATUS.DONE
        )
        .select_related("owner")
        .order_by("pk")
    ]


def at_the_node_its_status_says(complaint) -> bool:
    process = process_of(complaint)
    tasks = open_tasks(complaint)
    if complaint.status == Status.CLOSED:
        return (
            process.finished is not None
            and not tasks
            and process.task_set.filter(flow_task=ComplaintFlow.close, status=STATUS.DONE).exists()
        )
    if len(tasks) != 1 or process.finished is not None:
        return False
    (task,) = tasks
    if complaint.status == Status.RESOLVED:
        return task.flow_task == ComplaintFlow.await_feedback
    return task.flow_task == ComplaintFlow.handle and task.owner_permission_obj_pk == str(
        complaint.office_id
    )


def test_filing_starts_the_flow_at_the_handling_office(ladder, filed):
    process = process_of(filed)
    (task,) = open_tasks(filed)
    assert task.flow_task == ComplaintFlow.handle and task.owner_id is None
    assert task.owner_permission_obj_pk == str(ladder.dc.pk)
    assert process.task_set.filter(flow_task=ComplaintFlow.register, status=STATUS.DONE).exists()
    # Anyone holding a post in the DC's office may take it; the line office, another
    # district's cell and a superuser may not.
    handle = ComplaintFlow.handle
    assert handle.can_assign(ladder.cell_user, task)
    assert handle.can_assign(ladder.dc_head_user, task)
    for outsider in (ladder.line_user, ladder.mardan_user, ladder.com_user):
        assert not handle.can_assign(outsider, task)
    assert not handle.can_assign(UserFactory(is_superuser=True, is_staff=True), task)


def test_the_task_history_is_the_complaints_history(ladder, filed):
    portal = services.portal_actor()
    with clock(at(2026, 3, 2, 12)):
        services.assign(actor=ladder.dc_head_user, complaint=filed, post=ladder.cell_post)
        services.mark_to(actor=ladder.cell_user, complaint=filed, section=ladder.line)
        services.request_info(actor=ladder.cell_user, complaint=filed, question="Which ward?")
    with clock(at(2026, 3, 3)):
        services.answer_info(actor=portal, complaint=filed, answer="Ward 4")
    resolve_at(ladder.cell_user, filed, at(2026, 3, 4))
    filed.refresh_from_db()
    assert at_the_node_its_status_says(filed)
    with clock(at(2026, 3, 5)):
        services.give_feedback(actor=portal, complaint=filed, satisfied=False, comment="No")
    filed.refresh_from_db()
    assert filed.status == Status.REGISTERED and at_the_node_its_status_says(filed)
    resolve_at(ladder.com_user, filed, at(2026, 3, 6))
    with clock(at(2026, 3, 7)):
        services.give_feedback(actor=portal, complaint=filed, satisfied=True)
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and at_the_node_its_status_says(filed)

    dc, com = ladder.dc.pk, ladder.com.pk
    assert handle_history(filed) == [
        ("assigned", dc, "dc"),
        ("marked", dc, "cell"),
        ("info_requested", dc, "cell"),
        ("resolved", dc, "cell"),
        ("resolved", com, "commissioner"),
    ]
    events = Event.objects.filter(complaint=filed, kind__in=OFFICE_EVENTS).order_by("at", "pk")
    assert [a for a, _, _ in handle_history(filed)] == [e.kind for e in events]
    feedback = ComplaintFlow.task_class.objects.filter(
        process__in=processes(filed), flow_task=ComplaintFlow.await_feedback
    ).order_by("pk")
    assert [(t.status, t.owner.username) for t in feedback] == [(STATUS.DONE, PORTAL_USERNAME)] * 2
    assert Event.objects.filter(complaint=filed, kind=Event.Kind.FEEDBACK).count() == 2
    # Closed: nothing is left to act on, in the flow or through the services.
    with pytest.raises(ActionRefused):
        services.resolve(actor=ladder.com_user, complaint=filed, action_taken="again")
    assert not open_tasks(filed)


def test_escalation_ends_the_stay_and_opens_the_next_office(ladder, filed):
    services.assign(actor=ladder.cell_user, complaint=filed, post=ladder.cell_post)
    assert sweep(at(2026, 3, 6, 1)) == 1
    assert sweep(at(2026, 3, 6, 1)) == 0  # twice: no second stay ended, no task added
    filed.refresh_from_db()
    assert at_the_node_its_status_says(filed)
    assert handle_history(filed) == [
        ("assigned", ladder.dc.pk, "cell"),
        ("escalated", ladder.dc.pk, PORTAL_USERNAME),
    ]
    (task,) = open_tasks(filed)
    assert ComplaintFlow.handle.can_assign(ladder.com_user, task)
    assert not ComplaintFlow.handle.can_assign(ladder.cell_user, task)
    with pytest.raises(PermissionDenied):
        services.assign(actor=ladder.cell_user, complaint=filed, post=ladder.cell_post)
    services.assign(actor=ladder.com_user, complaint=filed, post=ladder.com_post)
    assert handle_history(filed)[-1] == ("assigned", ladder.com.pk, "commissioner")


def test_a_post_outside_the_office_cannot_act_and_a_done_task_cannot_be_redone(ladder, filed):
    services.mark_to(actor=ladder.cell_user, complaint=filed, section=ladder.line)
    # The line office sees the complaint marked to it but does not handle it.
    with pytest.raises(PermissionDenied):
        services.resolve(actor=ladder.line_user, complaint=filed, action_taken="done")
    with pytest.raises(NotFound):
        services.assign(actor=ladder.mardan_user, complaint=filed, post=ladder.mardan_post)
    with pytest.raises(PermissionDenied):  # the flow's own check, asked by the service
        services._step(
            actor=ladder.line_user,
            complaint=filed,
            node=ComplaintFlow.handle,
            action="resolved",
            route="resolve",
        )
    done = ComplaintFlow.task_class.objects.get(
        process__in=processes(filed), flow_task=ComplaintFlow.handle, status=STATUS.DONE
    )
    assert not ComplaintFlow.handle.can_assign(ladder.cell_user, done)
    with pytest.raises(TransitionNotAllowed):
        ComplaintFlow.handle.activation_class(done).execute()
    # The citizen's turn has not come: there is no feedback task to complete.
    with pytest.raises(ActionRefused, match="not waiting"):
        services._step(
            actor=services.portal_actor(),
            complaint=filed,
            node=ComplaintFlow.await_feedback,
            action="feedback",
            route="close",
        )
    # An officer cannot give the citizen's feedback, even on a resolved complaint.
    resolve_at(ladder.cell_user, filed, at(2026, 3, 3))
    with pytest.raises(PermissionDenied):
        services.give_feedback(actor=ladder.cell_user, complaint=filed, satisfied=True)
    filed.refresh_from_db()
    assert filed.status == Status.RESOLVED and at_the_node_its_status_says(filed)
    assert len(handle_history(filed)) == 2
    assert AuditEvent.objects.filter(action="complaint.feedback").count() == 0


def test_unanswered_feedback_closes_the_process(ladder, filed):
    resolve_at(ladder.cell_user, filed, at(2026, 3, 3))
    assert services.close_unanswered(now=at(2026, 3, 14)) == 1
    assert services.close_unanswered(now=at(2026, 3, 15)) == 0
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and at_the_node_its_status_says(filed)


def test_every_demo_complaint_is_at_the_node_its_status_says(db):
    seed_territory()
    for code in demo.LINE:  # the line departments the workspace demo makes
        DepartmentFactory(code=code)
    assert demo.seed(progress=lambda *a: None) > 0
    complaints = list(Complaint.objects.all())
    assert {c.status for c in complaints} == set(Status.values)
    assert ComplaintProcess.objects.count() == len(complaints)
    wrong = [(c.pk, c.status) for c in complaints if not at_the_node_its_status_says(c)]
    assert wrong == []
