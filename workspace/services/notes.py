"""Writing the note sheet."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import ActionRefused, ValidationError
from workspace import access
from workspace.audit_actions import DeskAction
from workspace.models import Enclosure, File, NoteParagraph
from workspace.services import desk

MAX_PARAGRAPH = 20_000


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note before saving it.")})
    if len(text) > MAX_PARAGRAPH:
        raise ValidationError(
            {"text": _("A paragraph can be at most %(n)s characters.") % {"n": MAX_PARAGRAPH}}
        )
    return text


def _references(*, actor, file, flags, files):
    flags = list(flags or [])
    files = list(files or [])
    if flags and Enclosure.objects.filter(pk__in=[f.pk for f in flags]).exclude(file=file).exists():
        raise ValidationError({"refers_to_flags": _("A note can cite only flags of its own file.")})
    visible = set(
        access.visible_files(actor)
        .filter(pk__in=[f.pk for f in files])
        .values_list("pk", flat=True)
    )
    if any(f.pk not in visible for f in files):
        raise ValidationError({"refers_to_files": _("You can refer only to files you can see.")})
    return flags, files


def note_add(
    *, actor, file: File, text: str, refers_to_flags=(), refers_to_files=()
) -> NoteParagraph:
    """Add the next numbered paragraph, as a draft of the holding post."""
    text = _clean_text(text)
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        post = act.acting_post()
        flags, files = _references(
            actor=actor, file=file, flags=refers_to_flags, files=refers_to_files
        )
        number = (file.paragraphs.aggregate(m=Max("number"))["m"] or 0) + 1
        paragraph = NoteParagraph.objects.create(
            file=file, number=number, text=text, author=actor, post=post, created_at=timezone.now()
        )
        paragraph.refers_to_flags.set(flags)
        paragraph.refers_to_files.set(files)
        act.record(DeskAction.NOTE_ADD, after={"paragraph": number, "text": text})
    return paragraph


def _editable(act, paragraph) -> NoteParagraph:
    paragraph = NoteParagraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.is_final:
        raise ActionRefused(
            _("Paragraph %(n)s is final: the file has moved on since it was written.")
            % {"n": paragraph.number}
        )
    post = act.acting_post()
    if paragraph.post_id != post.pk:
        raise ActionRefused(
            _("Only the post that wrote paragraph %(n)s can change it.") % {"n": paragraph.number}
        )
    return paragraph


def note_edit(
    *, actor, paragraph: NoteParagraph, text: str, refers_to_flags=(), refers_to_files=()
) -> NoteParagraph:
    """Change a draft paragraph (its author's post only, before the file moves on)."""
    text = _clean_text(text)
    with desk.file_action(actor=actor, file_id=paragraph.file_id) as act:
        file, paragraph = act.file, _editable(act, paragraph)
        flags, files = _references(
            actor=actor, file=file, flags=refers_to_flags, files=refers_to_files
        )
        before = paragraph.text
        paragraph.text = text
        paragraph.edited_at = timezone.now()
        paragraph.save(update_fields=["text", "edited_at"])
        paragraph.refers_to_flags.set(flags)
        paragraph.refers_to_files.set(files)
        act.record(
            DeskAction.NOTE_EDIT,
            before={"paragraph": paragraph.number, "text": before},
            after={"paragraph": paragraph.number, "text": text},
        )
    return paragraph


def note_delete(*, actor, paragraph: NoteParagraph) -> None:
    """Withdraw a draft paragraph; only the last one, so numbering stays unbroken."""
    with desk.file_action(actor=actor, file_id=paragraph.file_id) as act:
        file, paragraph = act.file, _editable(act, paragraph)
        if file.paragraphs.filter(number__gt=paragraph.number).exists():
            raise ActionRefused(
                _("Only the last paragraph can be withdrawn; edit this one instead.")
            )
        act.record(
            DeskAction.NOTE_WITHDRAW,
            before={"paragraph": paragraph.number, "text": paragraph.text},
        )
        paragraph.refers_to_flags.clear()
        paragraph.refers_to_files.clear()
        paragraph.delete()
