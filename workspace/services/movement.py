"""Moving files between posts: mark, put up, send back, recall; park, resume, close, reopen,
record room. Each is one ``desk.file_action``: lock the file, check, drive FileFlow one step,
update the file's custody mirror, write the movement and the audit row."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.compiled import compiled
from kernel.errors import ActionRefused, ValidationError
from organisation.models import Post
from organisation.selectors import holds_post
from workspace.audit_actions import DeskAction
from workspace.flows import FileFlow
from workspace.models import File, HoldReason, Movement, NoteParagraph
from workspace.services import desk

MOVE_KINDS = {Movement.Kind.MARK, Movement.Kind.PUT_UP, Movement.Kind.SEND_BACK}
DECISION_KINDS = {Movement.Kind.APPROVE, Movement.Kind.RETURN, Movement.Kind.RECALL}
# The audit action of each movement made through ``_move`` and ``_status_change``.
KIND_ACTIONS = {
    Movement.Kind.MARK: DeskAction.FILE_MARK,
    Movement.Kind.PUT_UP: DeskAction.FILE_PUT_UP,
    Movement.Kind.SEND_BACK: DeskAction.FILE_SEND_BACK,
    Movement.Kind.PARK: DeskAction.FILE_PARK,
    Movement.Kind.RESUME: DeskAction.FILE_RESUME,
    Movement.Kind.RECORD_ROOM: DeskAction.FILE_RECORD_ROOM,
}


def _finalise_drafts(file: File, at) -> int:
    """Once a file moves on, the paragraphs written at the desk it leaves become final."""
    return NoteParagraph.objects.filter(file=file, is_final=False).update(
        is_final=True, finalised_at=at
    )


def _arrive(file: File, post: Post | None, *, due_on=None, status=None) -> None:
    file.holding_post = post
    file.desk_since = timezone.now()
    file.due_on = due_on
    fields = ["holding_post", "desk_since", "due_on", "updated_at"]
    if status:
        file.status = status
        fields.append("status")
    file.save(update_fields=fields)


def _move(*, actor, file, to_post, kind, remarks="", due_on=None) -> Movement:
    """``to_post`` is a Post, or a callable choosing it from the locked file and its post —
    so "put up" and "send back" read where the file is *now*, not where the caller saw it."""
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        from_post = act.acting_post()
        if callable(to_post):
            to_post = to_post(file, from_post)
        if to_post.pk == from_post.pk:
            raise ActionRefused(_("The file is already at %(post)s.") % {"post": from_post})
        desk.require_receivable(to_post)
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError({"due_on": _("The due date cannot be in the past.")})
        step = desk.drive(actor=actor, file=file, action=kind, next_post=to_post, held=from_post)
        _finalise_drafts(file, timezone.now())
        movement = desk.record_movement(
            actor=actor,
            file=file,
            kind=kind,
            from_post=from_post,
            to_post=to_post,
            remarks=remarks,
            due_on=due_on,
            task=step.completed_task,
        )
        _arrive(file, to_post, due_on=due_on)
        act.record(
            KIND_ACTIONS[kind],
            before={"post": from_post.pk},
            after={"post": to_post.pk, "remarks": remarks, "due_on": due_on},
        )
    return movement


def file_mark(
    *, actor, file: File, to_post: Post, remarks: str = "", due_on: date | None = None
) -> Movement:
    """Mark the file to any post, in this department or another live one."""
    return _move(
        actor=actor,
        file=file,
        to_post=to_post,
        kind=Movement.Kind.MARK,
        remarks=remarks,
        due_on=due_on,
    )


def file_put_up(*, actor, file: File, remarks: str = "", due_on: date | None = None) -> Movement:
    """Put the file up to the post the holding post reports to, for orders."""

    def above(file, post):
        if post.reports_to_id is None:
            raise ActionRefused(_("This post reports to no one; mark the file to a post instead."))
        return Post.objects.select_related("section__department").get(pk=post.reports_to_id)

    return _move(
        actor=actor,
        file=file,
        to_post=above,
        kind=Movement.Kind.PUT_UP,
        remarks=remarks,
        due_on=due_on,
    )


def came_from(file: File) -> Post | None:
    """The post that last marked, put up or sent the file to where it is now."""
    if file.holding_post_id is None:
        return None
    last = _last_arrival.first(file_id=file.pk, post_id=file.holding_post_id)
    return last.from_post if last else None


@compiled  # read by every send back and decision
def _last_arrival(*, file_id: int, post_id: int):
    return (
        Movement.objects.filter(
            file_id=file_id, to_post_id=post_id, kind__in=sorted(MOVE_KINDS | DECISION_KINDS)
        )
        .select_related("from_post__section__department")
        .order_by("-at", "-pk")[:1]
    )


UP_KINDS = {Movement.Kind.MARK, Movement.Kind.PUT_UP}


def sent_up_from(file: File) -> Post | None:
    """Where "send back" goes: the post that last marked or put the file up to where it is
    now. A decision, a send back or a recall that brought the file here came from above (or
    undid a step), so it is not where the file goes back down to."""
    if file.holding_post_id is None:
        return None
    last = _last_arrival_up.first(file_id=file.pk, post_id=file.holding_post_id)
    return last.from_post if last else None


@compiled  # read by every send back
def _last_arrival_up(*, file_id: int, post_id: int):
    return (
        Movement.objects.filter(file_id=file_id, to_post_id=post_id, kind__in=sorted(UP_KINDS))
        .select_related("from_post__section__department")
        .order_by("-at", "-pk")[:1]
    )


def file_send_back(
    *, actor, file: File, to_post: Post | None = None, remarks: str = ""
) -> Movement:
    """Send the file back down: to the post that marked or put it up to this one (after a
    decision too: never up to the deciding officer), unless another is chosen."""

    def below(file, post):
        target = to_post or sent_up_from(file)
        if target is None:
            raise ActionRefused(
                _("The file did not come from another post; choose where to send it.")
            )
        return target

    return _move(
        actor=actor, file=file, to_post=below, kind=Movement.Kind.SEND_BACK, remarks=remarks
    )


def file_recall(*, actor, file: File, reason: str) -> Movement:
    """Take back a file I sent, before its new desk has acted on it. The reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for recalling the file.")})
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        last = (
            Movement.objects.filter(file=file, kind__in=MOVE_KINDS)
            .select_related("from_post__section__department")
            .order_by("-at", "-pk")
            .first()
        )
        if last is None or last.to_post_id != file.holding_post_id or last.from_post is None:
            raise ActionRefused(_("There is no movement of this file that you can recall."))
        sender = last.from_post
        if not holds_post(user=actor, post=sender):
            raise ActionRefused(_("Only the post that sent the file can recall it."))
        if NoteParagraph.objects.filter(
            file=file, post_id=file.holding_post_id, created_at__gt=last.at
        ).exists():
            raise ActionRefused(
                _("The file cannot be recalled: %(post)s has already noted on it.")
                % {"post": file.holding_post}
            )
        holder = file.holding_post
        step = desk.drive(
            actor=actor, file=file, action=Movement.Kind.RECALL, next_post=sender, authorised=True
        )
        movement = desk.record_movement(
            actor=actor,
            file=file,
            kind=Movement.Kind.RECALL,
            from_post=holder,
            to_post=sender,
            remarks=reason,
            task=step.completed_task,
        )
        _arrive(file, sender)
        act.record(
            DeskAction.FILE_RECALL,
            post=sender,
            before={"post": holder.pk},
            after={"post": sender.pk, "reason": reason},
        )
    return movement


def _status_change(*, actor, file, kind, new_status, from_statuses, remarks="", hold_reason=""):
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        if file.status not in from_statuses:
            raise ActionRefused(
                _("File %(number)s is %(status)s; this cannot be done now.")
                % {"number": file.number, "status": file.get_status_display().lower()}
            )
        post = act.acting_post()
        before = file.status
        movement = desk.record_movement(
            actor=actor, file=file, kind=kind, from_post=post, to_post=post, remarks=remarks
        )
        file.status = new_status
        before_reason, file.hold_reason = file.hold_reason, hold_reason
        file.save(update_fields=["status", "hold_reason", "updated_at"])
        act.record(
            KIND_ACTIONS[kind],
            before={"status": before, **({"hold_reason": before_reason} if before_reason else {})},
            after={
                "status": new_status,
                "remarks": remarks,
                **({"hold_reason": hold_reason} if hold_reason else {}),
            },
        )
    return movement


def file_park(
    *, actor, file: File, remarks: str = "", hold_reason: str = HoldReason.AWAITING_OFFICE
) -> Movement:
    """Park the file at its desk (awaiting something outside); it leaves the inbox.
    ``hold_reason`` (``HoldReason``) is what the tracking page tells a citizen whose matter
    is on the file; the remarks stay inside the office."""
    if hold_reason not in HoldReason.values:
        raise ValidationError(
            {"hold_reason": _("Choose what the citizen is told the hold is for.")}
        )
    return _status_change(
        actor=actor,
        file=file,
        kind=Movement.Kind.PARK,
        new_status=File.Status.PARKED,
        from_statuses={File.Status.OPEN},
        remarks=remarks,
        hold_reason=hold_reason,
    )


def file_resume(*, actor, file: File, remarks: str = "") -> Movement:
    """Take a parked file out of park; it returns to the inbox."""
    return _status_change(
        actor=actor,
        file=file,
        kind=Movement.Kind.RESUME,
        new_status=File.Status.OPEN,
        from_statuses={File.Status.PARKED},
        remarks=remarks,
    )


def file_close(*, actor, file: File, remarks: str = "") -> Movement:
    """Close the file: its journey (the flow process) ends; it stays with the closing post."""
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file, allow_parked=True)
        post = act.acting_post()
        step = desk.drive(actor=actor, file=file, action="close", next_post=None, held=post)
        _finalise_drafts(file, timezone.now())
        movement = desk.record_movement(
            actor=actor,
            file=file,
            kind=Movement.Kind.CLOSE,
            from_post=post,
            to_post=post,
            remarks=remarks,
            task=step.completed_task,
        )
        before = file.status
        file.status = File.Status.CLOSED
        file.save(update_fields=["status", "updated_at"])
        act.record(
            DeskAction.FILE_CLOSE,
            before={"status": before},
            after={"status": file.status, "remarks": remarks},
        )
    return movement


def file_reopen(*, actor, file: File, remarks: str = "") -> Movement:
    """Reopen a closed file at the post that holds it: a new journey starts there."""

    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        if file.status != File.Status.CLOSED:
            raise ActionRefused(
                _("Only a closed file can be reopened; this one is %(status)s.")
                % {"status": file.get_status_display().lower()}
            )
        post = act.acting_post()
        FileFlow.start.run(file=file, post=post)
        movement = desk.record_movement(
            actor=actor,
            file=file,
            kind=Movement.Kind.REOPEN,
            from_post=post,
            to_post=post,
            remarks=remarks,
        )
        _arrive(file, post, status=File.Status.OPEN)
        act.record(
            DeskAction.FILE_REOPEN,
            before={"status": File.Status.CLOSED},
            after={"status": File.Status.OPEN, "remarks": remarks},
        )
    return movement


def file_to_record_room(*, actor, file: File, remarks: str = "") -> Movement:
    """Send a closed file to the record room."""
    return _status_change(
        actor=actor,
        file=file,
        kind=Movement.Kind.RECORD_ROOM,
        new_status=File.Status.RECORD_ROOM,
        from_statuses={File.Status.CLOSED},
        remarks=remarks,
    )
