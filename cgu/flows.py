"""KpiReviewFlow: the CGU's review of one version of a PSE's KPI return, on Viewflow.

    start ─► review ─► decide ─┬─► accept ────► end   (figures published)
                               └─► send_back ─► end   (returned with reasons)

``start`` runs when a return (or a resubmission, which is a new version with its own
process) is entered: the return is *submitted*. A CGU reviewer taking up the ``review`` task
makes it *under review*; completing it with a decision routes to ``accept`` or ``send_back``,
which write the outcome onto the return in the same transaction.

The ``review`` task's permission object is the CGU section (recorded on the task); who may
take it is decided by ``cgu.access`` (a reviewer-level CGU post, not the person who entered
the return). Viewflow checks permissions only in its own HTTP views, so the services in
``cgu.services.review`` ask ``can_assign``/``can_execute`` themselves and drive every step.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task

from cgu import access
from cgu.models import KpiReturn, KpiReviewProcess

REVIEW_PERMISSION = "cgu.review_kpi_return"


class ReviewView(flow.View):
    """The review of a return at the CGU. Holders of reviewer-level posts in the task's
    section may take it up, except the officer who entered the return; superusers and global
    permission holders get nothing from being so."""

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return _may_review_task(user, task)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and _may_review_task(user, task)


def _may_review_task(user, task) -> bool:
    if task.owner_permission_obj_pk is None:
        return False
    if access.reviewing_post(user, section_id=int(task.owner_permission_obj_pk)) is None:
        return False
    entered_by = (
        KpiReturn.objects.filter(review_processes__pk=task.process_id)
        .values_list("submitted_by_id", flat=True)
        .first()
    )
    return entered_by != user.pk


def _review_section(process):
    return access.cgu_section()


def open_review_view(request, **kwargs):
    """Viewflow wants a view per human node; the CGU's screens live in ``cgu``, so this one
    only sends people to the return's page."""
    from django.shortcuts import redirect

    process = KpiReviewProcess.objects.only("kpi_return_id").get(pk=kwargs["process_pk"])
    return redirect("cgu:return", pk=process.kpi_return_id)


class KpiReviewFlow(flow.Flow):
    process_class = KpiReviewProcess
    task_class = Task
    # A select-for-update lock that waits (capped by the lock_timeout the review service
    # sets on PostgreSQL): NOWAIT-and-retry inside the service's own transaction turns a lost
    # race into "current transaction is aborted" (see shared/VIEWFLOW.md).
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)

    process_title = _("KPI return review")
    process_description = _("A public sector entity's KPI return reviewed at the CGU")

    start = (
        flow.StartHandle(this.start_review)
        .Annotation(title=_("Submit the return"))
        .Next(this.review)
    )
    review = (
        ReviewView(open_review_view)
        .Annotation(title=_("Review the return"))
        .Permission(REVIEW_PERMISSION, obj=_review_section)
        .Next(this.decide)
    )
    decide = (
        flow.Switch()
        .Annotation(title=_("Accept or return?"))
        .Case(this.accept, lambda activation: activation.process.decision == "accept")
        .Case(this.send_back, lambda activation: activation.process.decision == "send_back")
    )
    accept = (
        flow.Function(this.accept_return)
        .Annotation(title=_("Accept and publish the figures"))
        .Next(this.end)
    )
    send_back = (
        flow.Function(this.return_to_entity)
        .Annotation(title=_("Return to the entity with reasons"))
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Reviewed"))

    def start_review(self, activation, *, kpi_return):
        activation.process.kpi_return = kpi_return
        return activation.process

    def accept_return(self, activation):
        """Accept the version under review and make it the published one for its entity and
        period, in place of any earlier accepted version."""
        kpi_return = KpiReturn.objects.select_for_update().get(pk=activation.process.kpi_return_id)
        KpiReturn.objects.filter(
            Q(entity_id=kpi_return.entity_id, period_id=kpi_return.period_id, is_published=True)
            & ~Q(pk=kpi_return.pk)
        ).update(is_published=False)
        kpi_return.status = KpiReturn.Status.ACCEPTED
        kpi_return.is_published = True
        kpi_return.decided_at = timezone.now()
        kpi_return.save(update_fields=["status", "is_published", "decided_at"])

    def return_to_entity(self, activation):
        """Mark the version returned; the reasons were written by the review service."""
        KpiReturn.objects.filter(pk=activation.process.kpi_return_id).update(
            status=KpiReturn.Status.RETURNED, decided_at=timezone.now()
        )
