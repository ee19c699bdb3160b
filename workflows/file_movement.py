"""FileFlow: a file's journey through the desks, on Viewflow.

    start ─► desk ─► route ─┬─► desk (marked, put up, sent back, recalled: the next post)
                            ├─► decide ─► desk   (a note or draft approved or returned)
                            ├─► issue ──► desk   (an approved draft issued with a number)
                            └─► end              (closed)

Each stay at a desk is one ``desk`` task whose permission object is the post (recorded on the
task as ``owner_permission_obj``); the task history reads as the file's movement history.
Viewflow checks permissions only in its own HTTP views, so ``workspace.services.movement``
asks ``can_assign``/``can_execute`` itself and drives every step here; nothing else does.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task

from workflows.models import FileProcess
from workspace.selectors import holds_post

DESK_PERMISSION = "workflows.act_at_post"


class DeskView(flow.View):
    """A stay at a desk. Whoever holds the task's post *now* may take and act on it — the
    regular holder or an additional-charge holder — and nobody else, superusers included."""

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return task.owner_permission_obj_pk is not None and holds_post(
            user=user, post=int(task.owner_permission_obj_pk)
        )

    def can_execute(self, user, task):
        return (
            task.owner_id == getattr(user, "pk", None)
            and task.owner_permission_obj_pk is not None
            and holds_post(user=user, post=int(task.owner_permission_obj_pk))
        )


def _desk_post(process):
    return process.route_post


def open_desk_view(request, **kwargs):
    """Viewflow wants a view per human node; Daftar's screens live in workspace, so this one
    only sends people to the file page."""
    from django.shortcuts import redirect

    from workflows.models import FileProcess

    process = FileProcess.objects.only("file_id").get(pk=kwargs["process_pk"])
    return redirect("workspace:file", pk=process.file_id)


class FileFlow(flow.Flow):
    process_class = FileProcess
    task_class = Task
    # A select-for-update lock that *waits* (capped by the lock_timeout the movement service
    # sets) rather than NOWAIT-and-retry, which inside the service's own transaction turns a
    # lost race into "current transaction is aborted" (see shared/VIEWFLOW.md).
    lock_impl = lock.SelectForUpdateLock(nowait=False, attempts=1)

    process_title = _("File")
    process_description = _("A file's journey through the desks")

    start = flow.StartHandle(this.start_file).Annotation(title=_("Open the file")).Next(this.desk)
    desk = (
        DeskView(open_desk_view)
        .Annotation(title=_("At a desk"))
        .Permission(DESK_PERMISSION, obj=_desk_post)
        .Next(this.route)
    )
    route = (
        flow.Switch()
        .Annotation(title=_("Route"))
        .Case(this.decide, lambda a: a.process.route_action == "decide")
        .Case(this.issue, lambda a: a.process.route_action == "issue")
        .Case(this.end, lambda a: a.process.route_action == "close")
        .Default(this.desk)
    )
    decide = (
        flow.Function(this.record_decision).Annotation(title=_("Approve or return")).Next(this.desk)
    )
    issue = flow.Function(this.issue_draft).Annotation(title=_("Issue")).Next(this.desk)
    end = flow.End().Annotation(title=_("Closed"))

    def start_file(self, activation, *, file, post):
        activation.process.file = file
        activation.process.route_post = post
        return activation.process

    def record_decision(self, activation):
        from workspace.models import Approval

        # Tie the approval (written by the service just before) to this step of the flow.
        Approval.objects.filter(pk=activation.process.route_ref).update(task=activation.task)

    def issue_draft(self, activation):
        from workspace.models import DispatchEntry

        # Tie the dispatch entry (written by the service just before) to this step.
        DispatchEntry.objects.filter(pk=activation.process.route_ref).update(task=activation.task)
