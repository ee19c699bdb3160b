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

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.context import context
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.func import FunctionActivation
from viewflow.workflow.nodes.switch import SwitchActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_finished, task_started
from viewflow.workflow.status import STATUS

from organisation.selectors import holds_post
from workflows.models import FileProcess

DESK_PERMISSION = "workflows.act_at_post"

# (user id, post id) that the running service has just checked, in its own transaction.
_known_holding: ContextVar[tuple[int, int] | None] = ContextVar("known_holding", default=None)


@contextmanager
def holding_known(user, post):
    """Within the block, DeskView takes "``user`` holds ``post``" as answered: the movement
    service asked it a moment ago in the same transaction, with the file locked, and a step
    asks it twice more (assign, execute). Any other user or post is still asked."""
    if user is None or post is None or not getattr(user, "pk", None):
        yield
        return
    token = _known_holding.set((user.pk, post.pk))
    try:
        yield
    finally:
        _known_holding.reset(token)


def _holds(user, post_pk) -> bool:
    post_id = int(post_pk)
    if _known_holding.get() == (user.pk, post_id) and user.is_active:
        return True
    return holds_post(user=user, post=post_id)


class DeskActivation(ViewActivation):
    @Activation.status.transition(
        source=STATUS.NEW,
        target=STATUS.STARTED,
        permission=lambda activation, user: activation.flow_task.can_assign(user, activation.task),
    )
    def take(self, user):
        """Assign and start in one transition, for the movement service that does both and
        executes in one transaction: ``assign`` would save an ASSIGNED row no one else can
        ever see; ``execute`` saves the task once, done."""
        self.task.owner = user
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        self.task.started = now()


class DeskView(flow.View):
    """A stay at a desk. Whoever holds the task's post *now* may take and act on it — the
    regular holder or an additional-charge holder — and nobody else, superusers included."""

    activation_class = DeskActivation

    def can_assign(self, user, task):
        if task.owner_id or user is None or not user.is_authenticated:
            return False
        return task.owner_permission_obj_pk is not None and _holds(
            user, task.owner_permission_obj_pk
        )

    def can_execute(self, user, task):
        return (
            task.owner_id == getattr(user, "pk", None)
            and task.owner_permission_obj_pk is not None
            and _holds(user, task.owner_permission_obj_pk)
        )


# RouteActivation and StepActivation below re-implement Viewflow's ``create``/``activate`` of
# the Switch and Function nodes and read their private ``_branches`` and ``_func``: a
# measured fast path (one task write instead of an insert and an update, no savepoint;
# docs/benchmarks.md). They were written against this release, and
# tests/workspace/test_flow_overrides.py fails on any other until they are checked against it.
# The complaints' escalation sweep (complaints.services._escalate_flows) writes Viewflow's task
# rows for a whole batch in SQL, for the same release: it is checked with them.
WRITTEN_FOR_VIEWFLOW = "2.4.0"


# Viewflow wraps a gateway's choice and a function node's callback in a savepoint so that,
# when a failure is *not* propagated (timers, jobs), it can record the task as failed and
# go on. FileFlow's steps run inside the movement service's transaction and a failure
# propagates, undoing the whole step: the savepoint is then two round trips for nothing.
def _savepoint() -> bool:
    return not context.propagate_exception


class RouteActivation(SwitchActivation):
    """The gateway's choice reads only the process in memory, so its task is written once,
    already done, instead of inserted new and then updated to done."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        activation.activate()  # NEW: chooses the branch; no SQL
        task.status = STATUS.DONE
        task.finished = now()
        task.save()
        task.previous.add(prev_activation.task)
        task_finished.send(sender=activation.flow_class, process=activation.process, task=task)
        return activation

    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), transaction.atomic(savepoint=_savepoint()):
            for node, cond in self.flow_task._branches:
                if cond is None or cond(self):
                    self.next_task = node
                    break
            if not self.next_task:
                raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class Route(flow.Switch):
    activation_class = RouteActivation


class StepActivation(FunctionActivation):
    """A function node (decide, issue) runs inside the service's step and a failure undoes
    the whole step, so its task is written once, already done, before the callback runs (the
    callback ties the step's record to it), instead of inserted new and then updated."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        if not context.propagate_exception:  # Viewflow's own path records a failed callback
            return super().create(flow_task, prev_activation, token, data=data, seed=seed)
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        task.status = STATUS.DONE
        task.started = task.finished = now()
        task.save()
        task.previous.add(prev_activation.task)
        activation = cls(task)
        task_started.send(sender=activation.flow_class, process=activation.process, task=task)
        with activation.exception_guard():
            flow_task._func(activation)
        task_finished.send(sender=activation.flow_class, process=activation.process, task=task)
        return activation

    @Activation.status.super()
    def activate(self):
        with self.exception_guard(), transaction.atomic(savepoint=_savepoint()):
            self.task.started = now()
            task_started.send(sender=self.flow_class, process=self.process, task=self.task)
            self.flow_task._func(self)


class Step(flow.Function):
    activation_class = StepActivation


def _desk_post(process):
    return process.route_post


def open_desk_view(request, **kwargs):
    """Viewflow wants a view per human node; Daftar's screens live in workspace, so this one
    only sends people to the file page."""
    from django.shortcuts import redirect

    process = FileProcess.objects.only("file_id").get(pk=kwargs["process_pk"])
    return redirect("workspace:file", pk=process.file_id)


class FileFlow(flow.Flow):
    process_class = FileProcess
    task_class = Task
    # A select-for-update lock that *waits* (capped by the lock_timeout the movement service
    # sets) rather than NOWAIT-and-retry, which inside the service's own transaction turns a
    # lost race into "current transaction is aborted" (see shared/VIEWFLOW.md). The movement
    # service takes this same row lock in the statement that finds the process
    # (``desk.current_process(lock=True)``); this is for Viewflow's own paths.
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
        Route()
        .Annotation(title=_("Route"))
        .Case(this.decide, lambda a: a.process.route_action == "decide")
        .Case(this.issue, lambda a: a.process.route_action == "issue")
        .Case(this.end, lambda a: a.process.route_action == "close")
        .Default(this.desk)
    )
    decide = Step(this.record_decision).Annotation(title=_("Approve or return")).Next(this.desk)
    issue = Step(this.issue_draft).Annotation(title=_("Issue")).Next(this.desk)
    end = flow.End().Annotation(title=_("Closed"))

    def start_file(self, activation, *, file, post):
        activation.process.file = file
        activation.process.route_post = post
        return activation.process

    def record_decision(self, activation):
        # Write the approval (prepared and checked by the service) tied to this step of the
        # flow; the service reads the task back from the process (``desk.drive``'s Step).
        self._write_record(activation)

    def issue_draft(self, activation):
        # Write the dispatch entry (prepared by the service) tied to this step.
        self._write_record(activation)

    @staticmethod
    def _write_record(activation):
        record = activation.process.routed_record
        record.task = activation.task
        record.save(force_insert=True)
        activation.process.routed_task = activation.task
