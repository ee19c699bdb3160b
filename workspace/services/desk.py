"""The machinery every file action shares: locking the file, checking the acting post, and
driving FileFlow one step. Private to the services; screens call the services, not this."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.status import STATUS

from kernel import audit
from kernel.compiled import compiled
from kernel.errors import ActionRefused, NotFound
from kernel.locks import cap_lock_wait
from organisation.models import Post
from organisation.selectors import holds_post
from workflows.models import FileProcess
from workspace import signals
from workspace.flows import FileFlow, holding_known
from workspace.models import File, Movement

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]

BUSY = gettext_lazy(
    "Someone else is acting on this file at this moment. Wait a second and try again."
)
NOT_YOURS = gettext_lazy(
    "This file is not at a post you hold. Only the post holding a file can act on it."
)


def lock_file(file_id: int) -> File:
    """Lock the file row for the rest of the transaction, waiting at most
    ``locks.LOCK_TIMEOUT_MS``. Every file action takes this lock first, so actions on one file
    queue in one order."""
    cap_lock_wait()
    try:
        # No savepoint: a lock that times out aborts the caller's transaction, and the caller
        # (a service, inside its own ``transaction.atomic``) is left by the refusal anyway.
        with transaction.atomic(savepoint=False):
            locked = _file_locked.first(pk=file_id)
    except DatabaseError:
        raise ActionRefused(BUSY)
    if locked is None:
        raise NotFound(_("No such file."))
    # Read the file with its post only now that its row is ours. Locking the joined read in
    # one statement is wrong on PostgreSQL: when the row was locked by a move, the wait ends
    # with the *new* file row re-checked against the post row of the statement's old
    # snapshot, the outer join no longer matches, and the file comes back with no holding
    # post ("not at a post you hold" to the officer it just reached). A new statement after
    # the lock reads the committed post.
    return _file_with_post.first(pk=file_id)


@dataclass
class FileAction:
    """One desk action under way (``file_action``): the file, locked; the post acting, once
    ``acting_post`` has checked the actor holds it; the audit row, once recorded."""

    actor: object
    file: File
    post: Post | None = None
    recorded: list = field(default_factory=list)

    def acting_post(self) -> Post:
        """Check the actor holds the post holding the file, and act through it."""
        self.post = acting_post(actor=self.actor, file=self.file)
        return self.post

    def record(self, action, *, before=None, after=None, post=None, obj=None):
        """The action's audit row: by the actor, through the acting post unless another is
        named, about the file unless another object is."""
        row = audit.record(
            actor=self.actor,
            action=action,
            obj=self.file if obj is None else obj,
            post=self.post if post is None else post,
            before=before,
            after=after,
        )
        self.recorded.append(row)
        return row


@contextmanager
def file_action(*, actor, file_id: int, reindex: bool = True) -> Iterator[FileAction]:
    """Lock → check → move → audit: the one shape of every action on a file.

    One transaction; the file's row locked first (``lock_file``: actions on one file queue in
    one order, the wait capped); the caller checks and does its work inside the block, and
    writes its audit row with ``act.record``; then, still in the transaction, search is told the
    file changed (``queue_reindex``; unless ``reindex`` is off: nothing it indexes changed),
    and the file is reindexed once the change commits. A refusal raised inside leaves nothing
    written and nothing queued. A block that ends without an audit row is a bug in the
    service, and it is refused with everything undone::

        with desk.file_action(actor=actor, file_id=file.pk) as act:
            post = act.acting_post()
            ...  # check, then move
            act.record(DeskAction.FILE_CLOSE, before=..., after=...)
    """
    with transaction.atomic():
        act = FileAction(actor=actor, file=lock_file(file_id))
        yield act
        if not act.recorded:
            raise RuntimeError("A file action ended without writing its audit row.")
        if reindex:
            queue_reindex(act.file)


# The reads every file action makes, compiled once (``kernel.compiled``).
@compiled
def _file_locked(*, pk: int):
    # The file row alone: no join whose rows a lock wait could leave stale.
    return File.objects.select_for_update().filter(pk=pk).only("pk").order_by()


@compiled
def _file_with_post(*, pk: int):
    return (
        File.objects.select_related("holding_post__section__department", "department", "section")
        .filter(pk=pk)
        .order_by()
    )


@compiled
def _open_process_locked(*, file_id: int):
    return (
        FileProcess.objects.filter(file_id=file_id, finished__isnull=True)
        .order_by("-pk")
        .select_for_update(of=("self",))[:1]
    )


@compiled
def _open_desk_task(*, process_id: int):
    return FileFlow.task_class.objects.filter(
        process_id=process_id, flow_task=FileFlow.desk, status__in=OPEN_TASK
    ).order_by("-pk")[:1]


def acting_post(*, actor, file: File) -> Post:
    """The post through which ``actor`` acts on ``file``: the post holding it, if the actor
    holds that post now (regular or additional charge)."""
    post = file.holding_post
    if post is None or not holds_post(user=actor, post=post):
        raise ActionRefused(NOT_YOURS)
    return post


def require_open(file: File, *, allow_parked: bool = False) -> None:
    allowed = {File.Status.OPEN} | ({File.Status.PARKED} if allow_parked else set())
    if file.status not in allowed:
        raise ActionRefused(
            _("File %(number)s is %(status)s; this cannot be done now.")
            % {"number": file.number, "status": file.get_status_display().lower()}
        )


def require_receivable(post: Post) -> None:
    """A department where Daftar is not live cannot receive a file electronically."""
    if not post.is_active:
        raise ActionRefused(_("%(post)s is no longer an active post.") % {"post": post})
    dept = post.section.department
    if not dept.is_live:
        raise ActionRefused(
            _(
                "%(dept)s is not on Daftar yet, so it cannot receive files electronically. "
                "Send the file physically, or mark it to a post in a live department."
            )
            % {"dept": dept.name}
        )


@dataclass
class Step:
    """The result of driving the flow one step."""

    completed_task: object
    process: object
    # The task of the node the step went through (decide, issue), if it recorded one.
    routed_task: object = None


def current_process(file: File, *, lock: bool = False):
    """The file's open FileFlow process. With ``lock``, its row is locked as FileFlow's own
    lock (``FileFlow.lock_impl``: select for update, waiting) would lock it — taken in the same
    statement that finds it, rather than a second round trip and a savepoint."""

    try:
        if lock:
            process = _open_process_locked.first(file_id=file.pk)
        else:
            processes = FileProcess.objects.filter(file=file, finished__isnull=True)
            process = processes.order_by("-pk").first()
    except DatabaseError:
        # The lock_timeout of lock_file ran out: someone holds the process (no file action
        # does, having the file's lock first; Viewflow's own admin actions might).
        raise ActionRefused(BUSY)
    if process is None:
        raise ActionRefused(_("File %(number)s is not on any desk.") % {"number": file.number})
    return process


def drive(
    *,
    actor,
    file: File,
    action: str,
    next_post: Post | None,
    ref: int | None = None,
    record=None,
    held: Post | None = None,
    authorised: bool = False,
) -> Step:
    """Complete the file's open desk task and let FileFlow route to the next node.

    Permission is checked here, because Viewflow checks it only in its own HTTP views: the
    actor must be able to assign and execute the desk task (hold its post now). ``held`` is
    the post the calling service has just found the actor holding (``acting_post``), in this
    transaction with the file locked: the flow's checks take that answer instead of asking
    the database twice more. ``authorised`` is for the one action taken by a post that does
    not hold the file — a recall — whose service has checked its own rule. ``record`` is the
    unsaved record of a decide or issue step, saved by that node with its task."""

    # The process row is FileFlow's lock; the task is read after it is taken, so its status
    # is the committed one (a racer that lost the file lock finds it done, not a stale copy).
    process = current_process(file, lock=True)
    task = _open_desk_task.first(process_id=process.pk)
    if task is None:
        raise ActionRefused(
            _("This file has just been moved by someone else. Reload to see where it is.")
        )
    flow_task = task.flow_task
    with holding_known(actor, held):
        if not authorised and not flow_task.can_assign(actor, task):
            raise ActionRefused(NOT_YOURS)
        process.route_action = action
        process.route_post = next_post
        process.route_ref = ref
        process.save(update_fields=["route_action", "route_post", "route_ref"])
        # The step's record (an Approval, a DispatchEntry), unsaved: the flow's decide or
        # issue node writes it once, tied to its own task, instead of it being inserted here
        # and updated there.
        process.routed_record = record
        # Let the gateway and the next node read the route without re-loading the process.
        task.process = process
        activation = flow_task.activation_class(task)
        activation.take(actor)
        if not authorised and not flow_task.can_execute(actor, task):
            raise ActionRefused(_("You may not act on this file."))
        activation.execute()
    return Step(
        completed_task=task, process=process, routed_task=getattr(process, "routed_task", None)
    )


def record_movement(
    *,
    actor,
    file: File,
    kind: str,
    from_post: Post | None,
    to_post: Post | None,
    remarks: str = "",
    due_on=None,
    task=None,
) -> Movement:
    now = timezone.now()
    desk_seconds = max(0, int((now - file.desk_since).total_seconds())) if from_post else 0
    return Movement.objects.create(
        file=file,
        kind=kind,
        from_post=from_post,
        to_post=to_post,
        by=actor,
        at=now,
        remarks=remarks,
        due_on=due_on,
        desk_seconds=desk_seconds,
        task=task,
    )


def queue_reindex(file: File) -> None:
    """Tell whoever indexes files that the file changed, inside the change's transaction
    (``workspace.signals.file_changed_in_transaction``): search writes its reindex job in that
    transaction (database queue) or queues it once the change commits (inline tasks), so a
    change rolled back queues nothing, and a committed one costs no commit of its own."""
    signals.file_changed_in_transaction.send(sender=File, file_id=file.pk)
