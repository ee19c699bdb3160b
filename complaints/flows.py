"""ComplaintFlow: a citizen's complaint from registration to closing, on Viewflow.

    register ─► handle ─► route ─┬─► handle          (assigned, marked, asked, escalated:
                                 │                     the next stay, at the same or next office)
                                 └─► await_feedback ─► settle ─┬─► handle  (not satisfied:
                                                               │            reopened one level
                                                               │            up, once)
                                                               └─► close

Each stay at the handling office is one ``handle`` task whose permission object is the office
(the complaint cell, a ``workspace.Section``), recorded on the task: the task history reads as
the complaint's handling history, and the escalation sweep ends the stay at one office so the
next ``handle`` task opens at the next. ``await_feedback`` is the citizen's turn, taken through
the portal's service account (their feedback, or the scheduler closing it unanswered).

Viewflow checks permissions only in its own HTTP views, so ``complaints.services`` asks
``can_assign``/``can_execute`` itself and drives every step, under this flow's lock, in the
transaction of the action; nothing else drives it.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task

from complaints.models import PORTAL_USERNAME, ComplaintProcess
from organisation.models import Post

HANDLE_PERMISSION = "complaints.handle_complaint"


class HandleView(flow.View):
    """A stay at the handling office: whoever holds a post of the task's office *now* may
    take and complete it, and nobody else, superusers included."""

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return _holds_post_in(user, task.owner_permission_obj_pk)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and _holds_post_in(
            user, task.owner_permission_obj_pk
        )


def _holds_post_in(user, section_pk) -> bool:
    if section_pk is None or not user.is_active:
        return False
    return Post.objects.held_by(user).filter(section_id=int(section_pk)).exists()


class FeedbackView(flow.View):
    """The citizen's turn: only the portal's service account (the citizen's feedback, or the
    scheduler closing an unanswered one) completes it."""

    def can_assign(self, user, task):
        return not task.owner_id and _is_portal(user)

    def can_execute(self, user, task):
        return task.owner_id == getattr(user, "pk", None) and _is_portal(user)


def _is_portal(user) -> bool:
    return user is not None and getattr(user, "username", None) == PORTAL_USERNAME


def _handling_office(process):
    return process.complaint.office


def open_complaint_view(request, **kwargs):
    """Viewflow wants a view per human node; the complaint screens live in ``complaints``'
    views, so this one only sends people to the complaint's page."""
    from django.shortcuts import redirect

    process = ComplaintProcess.objects.only("complaint_id").get(pk=kwargs["process_pk"])
    return redirect("complaints:detail", pk=process.complaint_id)


class ComplaintFlow(flow.Flow):
    process_class = ComplaintProcess
    task_class = Task
    # A select-for-update lock that waits (capped by ``kernel.locks.cap_lock_wait``, set by
    # the services) rather than NOWAIT-and-retry, which inside the service's own transaction
    # turns a lost race into "current transaction is aborted" (see shared/VIEWFLOW.md).
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)

    process_title = _("Complaint")
    process_description = _("A citizen's complaint from registration to closing")

    register = (
        flow.StartHandle(this.register_complaint)
        .Annotation(title=_("Register the complaint"))
        .Next(this.handle)
    )
    handle = (
        HandleView(open_complaint_view)
        .Annotation(title=_("Handle the complaint"))
        .Permission(HANDLE_PERMISSION, obj=_handling_office)
        .Next(this.route)
    )
    route = (
        flow.Switch()
        .Annotation(title=_("Resolved, or another stay?"))
        .Case(this.await_feedback, lambda a: a.process.route == "resolve")
        .Default(this.handle)
    )
    await_feedback = (
        FeedbackView(open_complaint_view)
        .Annotation(title=_("Wait for the citizen's feedback"))
        .Next(this.settle)
    )
    settle = (
        flow.Switch()
        .Annotation(title=_("Satisfied?"))
        .Case(this.handle, lambda a: a.process.route == "reopen")
        .Default(this.close)
    )
    close = flow.End().Annotation(title=_("Close the complaint"))

    def register_complaint(self, activation, *, complaint):
        activation.process.complaint = complaint
        return activation.process
