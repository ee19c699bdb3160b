"""Reviewing a return at the CGU: take it up, accept it (its figures are published), or
return it to the entity with reasons. Each drives ``KpiReviewFlow`` one step."""

from __future__ import annotations

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from cgu import access
from cgu.audit_actions import CguAction
from cgu.flows import KpiReviewFlow
from cgu.models import KpiReturn, KpiReviewProcess
from kernel import audit
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from kernel.locks import cap_lock_wait

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def _busy() -> ActionRefused:
    # Translated when raised, in the language of the request (a module-level _() would be
    # translated once, at import, in the server's default language).
    return ActionRefused(
        _("Someone else is deciding on this return at this moment. Reload in a second.")
    )


def _lock_return(pk: int) -> KpiReturn:
    cap_lock_wait()
    try:
        with transaction.atomic():
            return (
                KpiReturn.objects.select_for_update(of=("self",))
                .select_related("entity", "period", "submitted_by", "reviewed_by")
                .get(pk=pk)
            )
    except KpiReturn.DoesNotExist:
        raise NotFound(_("No such return."))
    except DatabaseError:
        raise _busy()


def _reviewer_post(actor, kpi_return: KpiReturn):
    """Refuse, with the reason, anyone who may not review this return."""
    post = access.reviewing_post(actor)
    if post is None:
        raise PermissionDenied(
            _(
                "Only officers of the Corporate Governance Unit at Section Officer level or "
                "above can review returns."
            )
        )
    if kpi_return.submitted_by_id == actor.pk:
        raise ActionRefused(
            _("You entered this return; another officer of the CGU must review it.")
        )
    return post


def _require_open(kpi_return: KpiReturn, actor) -> None:
    if not kpi_return.is_open:
        raise ActionRefused(
            _("Version %(version)s of this return has already been %(status)s.")
            % {"version": kpi_return.version, "status": kpi_return.get_status_display().lower()}
        )
    reviewer = kpi_return.reviewed_by
    if kpi_return.status == KpiReturn.Status.UNDER_REVIEW and reviewer.pk != actor.pk:
        raise ActionRefused(
            _("%(name)s is reviewing this return.")
            % {"name": reviewer.get_full_name() or reviewer.username}
        )


def _review_task(kpi_return: KpiReturn):
    process = (
        KpiReviewProcess.objects.filter(kpi_return=kpi_return, finished__isnull=True)
        .order_by("-pk")
        .first()
    )
    if process is None:
        raise ActionRefused(_("This return is not waiting for review."))
    task = (
        KpiReviewFlow.task_class.objects.filter(
            process_id=process.pk, flow_task=KpiReviewFlow.review, status__in=OPEN_TASK
        )
        .order_by("-pk")
        .first()
    )
    if task is None:
        raise ActionRefused(_("This return is not waiting for review."))
    return process, task


def _step(*, actor, kpi_return: KpiReturn, decision: str | None):
    """Under the flow's lock: take up the review task if nobody has, and, with a
    ``decision``, complete it so the flow routes to ``accept`` or ``send_back``."""

    process, task = _review_task(kpi_return)
    try:
        with KpiReviewFlow.lock(process.pk):
            task.refresh_from_db()
            if task.status not in OPEN_TASK:
                raise ActionRefused(_("This return has just been decided by someone else."))
            flow_task = task.flow_task
            if task.owner_id is None:
                if not flow_task.can_assign(actor, task):
                    raise PermissionDenied(_("You may not review this return."))
                task.assigned = timezone.now()
                flow_task.activation_class(task).assign(actor)
            if decision is None:
                return task
            if not flow_task.can_execute(actor, task):
                raise PermissionDenied(_("You may not review this return."))
            process.decision = decision
            process.save(update_fields=["decision"])
            task.process = process  # let the gateway read the decision without a reload
            activation = flow_task.activation_class(task)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            activation.execute()
            return task
    except FlowLockFailed:
        raise _busy()


def return_take_up(*, actor, kpi_return: KpiReturn) -> KpiReturn:
    """Take a submitted return up for review: it is *under review* by ``actor`` from now on,
    and no other reviewer can decide on it."""
    with transaction.atomic():
        kpi_return = _lock_return(kpi_return.pk)
        post = _reviewer_post(actor, kpi_return)
        _require_open(kpi_return, actor)
        if kpi_return.status == KpiReturn.Status.UNDER_REVIEW:
            raise ActionRefused(_("You are already reviewing this return."))
        _step(actor=actor, kpi_return=kpi_return, decision=None)
        kpi_return.status = KpiReturn.Status.UNDER_REVIEW
        kpi_return.reviewed_by = actor
        kpi_return.save(update_fields=["status", "reviewed_by"])
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_TAKE_UP,
            obj=kpi_return,
            post=post,
            before={"status": KpiReturn.Status.SUBMITTED},
            after={"status": kpi_return.status},
        )
    return kpi_return


def return_accept(*, actor, kpi_return: KpiReturn) -> KpiReturn:
    """Accept the return (taking it up first if nobody has): its figures become the
    published figures of the entity for the period, replacing any earlier accepted version."""
    with transaction.atomic():
        kpi_return = _lock_return(kpi_return.pk)
        post = _reviewer_post(actor, kpi_return)
        _require_open(kpi_return, actor)
        before = {"status": kpi_return.status}
        previous = (
            KpiReturn.objects.filter(
                entity_id=kpi_return.entity_id, period_id=kpi_return.period_id, is_published=True
            )
            .values_list("pk", flat=True)
            .first()
        )
        if kpi_return.reviewed_by_id is None:
            kpi_return.reviewed_by = actor
            kpi_return.save(update_fields=["reviewed_by"])
        _step(actor=actor, kpi_return=kpi_return, decision="accept")
        kpi_return.refresh_from_db(fields=["status", "is_published", "decided_at"])
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_ACCEPT,
            obj=kpi_return,
            post=post,
            before=before,
            after={
                "status": kpi_return.status,
                "published": kpi_return.is_published,
                "replaces": previous,
            },
        )
    return kpi_return


def return_send_back(*, actor, kpi_return: KpiReturn, reasons: str) -> KpiReturn:
    """Return the return to the entity with ``reasons`` (what it must correct). Its figures
    are never published; the entity resubmits a new version."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Say why the return is being sent back.")})
    with transaction.atomic():
        kpi_return = _lock_return(kpi_return.pk)
        post = _reviewer_post(actor, kpi_return)
        _require_open(kpi_return, actor)
        before = {"status": kpi_return.status}
        kpi_return.reasons = reasons[:4000]
        kpi_return.reviewed_by = actor
        kpi_return.save(update_fields=["reasons", "reviewed_by"])
        _step(actor=actor, kpi_return=kpi_return, decision="send_back")
        kpi_return.refresh_from_db(fields=["status", "decided_at"])
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_SEND_BACK,
            obj=kpi_return,
            post=post,
            before=before,
            after={"status": kpi_return.status, "reasons": kpi_return.reasons},
        )
    return kpi_return
