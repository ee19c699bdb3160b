"""Opening files."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import audit
from kernel.errors import ActionRefused, ValidationError
from organisation.models import Post
from organisation.selectors import holds_post
from workspace.audit_actions import DeskAction
from workspace.flows import FileFlow
from workspace.models import File, Grading, Movement, Priority, Receipt, SubjectHead
from workspace.services import correspondence, desk, numbering


def file_number(*, post: Post, subject_head: SubjectHead, serial: int, year: int) -> str:
    section = post.section
    return f"{section.department.code}/{section.code}/{subject_head.code}-{serial}/{year}"


def file_open(
    *,
    actor,
    post: Post,
    subject_head: SubjectHead,
    subject: str,
    priority: int = Priority.ROUTINE,
    grading: int = Grading.UNCLASSIFIED,
    receipt: Receipt | None = None,
) -> File:
    """Open a file at ``post`` (which the actor holds), blank or on a receipt; the receipt
    becomes Flag A, the paper under consideration. Starts the file's journey in FileFlow."""

    if not holds_post(user=actor, post=post):
        raise ActionRefused(_("You can open files only at a post you hold."))
    department = post.section.department
    if not department.is_live:
        raise ActionRefused(_("%(dept)s is not on Daftar yet.") % {"dept": department.name})
    if subject_head.department_id != department.pk:
        raise ValidationError(
            {"subject_head": _("Choose a subject head of %(dept)s.") % {"dept": department.name}}
        )
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("Give the file a subject.")})
    year = timezone.localdate().year
    with transaction.atomic():
        serial = numbering.take(f"file:{post.section_id}:{subject_head.pk}:{year}")
        file = File(
            number=file_number(post=post, subject_head=subject_head, serial=serial, year=year),
            department=department,
            section=post.section,
            subject_head=subject_head,
            year=year,
            serial=serial,
            subject=subject,
            priority=priority,
            grading=grading,
            opened_by=actor,
            opened_at=timezone.now(),
            desk_since=timezone.now(),
            holding_post=post,
        )
        file.full_clean()
        file.save()
        FileFlow.start.run(file=file, post=post)
        desk.record_movement(
            actor=actor, file=file, kind=Movement.Kind.OPEN, from_post=None, to_post=post
        )
        audit.record(
            actor=actor,
            action=DeskAction.FILE_OPEN,
            obj=file,
            post=post,
            after=audit.snapshot(
                file, ["number", "subject", "priority", "grading", "holding_post"]
            ),
        )
        if receipt is not None:
            correspondence.enclosure_add(actor=actor, file=file, receipt=receipt, is_puc=True)
        desk.queue_reindex(file)
    return file
