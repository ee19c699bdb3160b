"""The review in Viewflow, driven as officers of different posts: submitted → under review →
accepted, or returned with reasons → resubmitted as a new version; and every refusal."""

import datetime as dt

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cgu.models import KpiReturn
from cgu.selectors import published
from cgu.services import (
    return_accept,
    return_resubmit,
    return_send_back,
    return_submit,
    return_take_up,
)
from kernel.errors import ActionRefused, PermissionDenied, ValidationError
from organisation.models import Holding
from tests.cgu.conftest import uni_rows
from tests.factories import HoldingFactory


def tasks_of(kpi_return):
    return list(
        Task.objects.filter(process__kpireviewprocess__kpi_return=kpi_return)
        .order_by("pk")
        .values_list("flow_task", "status")
    )


def test_submitted_return_waits_at_review_for_the_cgu_section(cgu, submitted):
    task = Task.objects.get(process__kpireviewprocess__kpi_return=submitted, status=STATUS.NEW)
    assert task.flow_task.name == "review"
    assert task.owner_permission == "cgu.review_kpi_return"
    assert int(task.owner_permission_obj_pk) == cgu.section.pk


def test_take_up_then_accept_publishes(cgu, submitted):
    r = return_take_up(actor=cgu.so_user, kpi_return=submitted)
    assert (r.status, r.reviewed_by) == ("under_review", cgu.so_user)
    task = Task.objects.get(process__kpireviewprocess__kpi_return=r, flow_task_type="HUMAN")
    assert (task.status, task.owner) == (STATUS.ASSIGNED, cgu.so_user)

    r = return_accept(actor=cgu.so_user, kpi_return=r)
    assert (r.status, r.is_published) == ("accepted", True)
    assert r.decided_at is not None
    process = r.review_processes.get()
    assert process.status == STATUS.DONE and process.finished is not None
    names = [t.name for t, _ in tasks_of(r)]
    assert names == ["start", "review", "decide", "accept", "end"]
    assert all(status == STATUS.DONE for _, status in tasks_of(r))
    assert published.published_figures(entity=cgu.uni).count() == 5


def test_accept_straight_from_submitted_takes_it_up(cgu, submitted):
    r = return_accept(actor=cgu.head_user, kpi_return=submitted)
    assert (r.status, r.reviewed_by, r.is_published) == ("accepted", cgu.head_user, True)


def test_send_back_needs_reasons_then_resubmit_makes_a_new_version(cgu, submitted):
    with pytest.raises(ValidationError):
        return_send_back(actor=cgu.so_user, kpi_return=submitted, reasons="  ")
    r = return_send_back(
        actor=cgu.so_user, kpi_return=submitted, reasons="Expenditure exceeds the ledger."
    )
    assert (r.status, r.reasons, r.is_published) == (
        "returned",
        "Expenditure exceeds the ledger.",
        False,
    )
    assert [t.name for t, _ in tasks_of(r)] == ["start", "review", "decide", "send_back", "end"]
    assert published.published_figures(entity=cgu.uni).count() == 0

    v2 = return_resubmit(
        actor=cgu.asst_user,
        kpi_return=r,
        rows=uni_rows(EXPENDITURE="950"),
        received_on=dt.date(2025, 11, 5),
    )
    assert (v2.version, v2.status) == (2, "submitted")
    r.refresh_from_db()
    assert (r.status, r.reasons) == ("returned", "Expenditure exceeds the ledger.")
    assert r.values.get(kpi__code="EXPENDITURE").value == 980.25  # the old version stays
    return_accept(actor=cgu.so_user, kpi_return=v2)
    figures = published.published_figures(entity=cgu.uni, kpi=cgu.exp_kpi)
    assert [f.value for f in figures] == [950]


def test_correction_of_an_accepted_return_replaces_it_on_acceptance_only(cgu, submitted):
    v1 = return_accept(actor=cgu.so_user, kpi_return=submitted)
    v2 = return_resubmit(actor=cgu.asst_user, kpi_return=v1, rows=uni_rows(BUDGET="1300"))
    # While the correction waits, the public still sees version 1.
    assert [f.value for f in published.published_figures(kpi=cgu.budget_kpi)] == [
        v1.values.get(kpi__code="BUDGET").value
    ]
    return_accept(actor=cgu.so_user, kpi_return=v2)
    v1.refresh_from_db()
    assert (v1.status, v1.is_published) == ("accepted", False)
    assert [f.value for f in published.published_figures(kpi=cgu.budget_kpi)] == [1300]
    assert KpiReturn.objects.filter(is_published=True).count() == 1


# ---- refusals


def test_officers_outside_the_cgu_cannot_review(cgu, submitted):
    for user in [cgu.budget_so_user, cgu.outsider, cgu.superuser]:
        for action in (return_take_up, return_accept):
            with pytest.raises(PermissionDenied):
                action(actor=user, kpi_return=submitted)
        with pytest.raises(PermissionDenied):
            return_send_back(actor=user, kpi_return=submitted, reasons="No.")
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_assistant_level_cannot_review(cgu):
    r = return_submit(
        actor=cgu.so_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 1),
    )
    with pytest.raises(PermissionDenied, match="Section Officer level"):
        return_accept(actor=cgu.asst_user, kpi_return=r)


def test_the_officer_who_entered_a_return_cannot_review_it(cgu):
    r = return_submit(
        actor=cgu.so_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 1),
    )
    with pytest.raises(ActionRefused, match="another officer"):
        return_accept(actor=cgu.so_user, kpi_return=r)
    # ...and the flow's own check agrees, should anyone call Viewflow directly.
    task = Task.objects.get(process__kpireviewprocess__kpi_return=r, status=STATUS.NEW)
    assert not task.flow_task.can_assign(cgu.so_user, task)
    assert task.flow_task.can_assign(cgu.head_user, task)
    assert not task.flow_task.can_assign(cgu.superuser, task)


def test_another_reviewer_cannot_decide_a_return_under_review(cgu, submitted):
    return_take_up(actor=cgu.so_user, kpi_return=submitted)
    with pytest.raises(ActionRefused, match="is reviewing this return"):
        return_accept(actor=cgu.head_user, kpi_return=submitted)
    with pytest.raises(ActionRefused, match="already reviewing"):
        return_take_up(actor=cgu.so_user, kpi_return=submitted)


def test_wrong_state_is_refused(cgu, submitted):
    accepted = return_accept(actor=cgu.so_user, kpi_return=submitted)
    with pytest.raises(ActionRefused, match="already been accepted"):
        return_accept(actor=cgu.so_user, kpi_return=accepted)
    with pytest.raises(ActionRefused, match="already been accepted"):
        return_send_back(actor=cgu.so_user, kpi_return=accepted, reasons="Late thoughts")
    with pytest.raises(ActionRefused):
        return_take_up(actor=cgu.head_user, kpi_return=accepted)


def test_resubmit_refusals(cgu, submitted):
    with pytest.raises(ActionRefused, match="still submitted"):
        return_resubmit(actor=cgu.asst_user, kpi_return=submitted, rows=uni_rows())
    returned = return_send_back(actor=cgu.so_user, kpi_return=submitted, reasons="Fix it.")
    v2 = return_resubmit(actor=cgu.asst_user, kpi_return=returned, rows=uni_rows())
    with pytest.raises(ActionRefused, match="Version 2 is newer"):
        return_resubmit(actor=cgu.asst_user, kpi_return=returned, rows=uni_rows())
    with pytest.raises(PermissionDenied):
        return_resubmit(actor=cgu.budget_so_user, kpi_return=v2, rows=uni_rows())
    assert KpiReturn.objects.count() == 2


def test_additional_charge_holder_may_review(cgu, submitted):
    deputy = HoldingFactory(post=cgu.so, kind=Holding.Kind.ADDITIONAL).user
    r = return_accept(actor=deputy, kpi_return=submitted)
    assert r.reviewed_by == deputy


def test_ended_holding_grants_nothing(cgu, submitted):
    from django.utils import timezone

    Holding.objects.filter(user=cgu.so_user).update(ends_at=timezone.now())
    with pytest.raises(PermissionDenied):
        return_accept(actor=cgu.so_user, kpi_return=submitted)
