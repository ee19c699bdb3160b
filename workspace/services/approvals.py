"""Approving or returning notes and drafts, and issuing approved drafts.

An approval records who, at which post, when, and the sha256 of exactly what was decided on;
it is final (the database refuses changes). Deciding and issuing are steps of FileFlow."""

from __future__ import annotations

import hashlib
import json

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.compiled import compiled
from kernel.errors import ActionRefused, ValidationError
from organisation.models import Post
from workspace.audit_actions import DeskAction
from workspace.models import (
    Approval,
    DispatchEntry,
    Draft,
    Enclosure,
    File,
    Movement,
    NoteParagraph,
)
from workspace.services import desk, numbering, papers
from workspace.services.movement import _arrive, _finalise_drafts, came_from

# Steps an upper app adds to a decision or an issue, called by name inside the service's own
# transaction, after its record is saved (the letters app signs each approval, and renders
# and signs the letter an issue sends out). A step that raises undoes the whole action.
# Registered once at start-up (an AppConfig.ready); workspace never imports the app itself.
_DECISION_STEPS: list = []
_ISSUE_STEPS: list = []
_LETTER_URLS: list = []
_DRAFT_LINKS: list = []


def register_decision_step(step) -> None:
    """``step(*, actor, approval)``: called after an approval or return is recorded."""
    if step not in _DECISION_STEPS:
        _DECISION_STEPS.append(step)


def register_issue_step(step, *, letter_url=None) -> None:
    """``step(*, actor, entry)``: called after an issued draft's dispatch entry is saved.
    ``letter_url(entry)`` answers the staff page of what the step made (or None)."""
    if step not in _ISSUE_STEPS:
        _ISSUE_STEPS.append(step)
    if letter_url is not None and letter_url not in _LETTER_URLS:
        _LETTER_URLS.append(letter_url)


def letter_url(entry) -> str | None:
    """The staff page of the letter an issue made, if an issue step made one."""
    for url in _LETTER_URLS:
        found = url(entry)
        if found:
            return found
    return None


def register_draft_link(link) -> None:
    """``link(draft)`` answers ``(label, url)`` of a screen an upper app offers for a draft
    still being written (the letters app: insert a standard text), or None."""
    if link not in _DRAFT_LINKS:
        _DRAFT_LINKS.append(link)


def draft_links(draft) -> list[tuple[str, str]]:
    """What upper apps offer for ``draft`` (no query: a link is built from the draft)."""
    return [found for link in _DRAFT_LINKS if (found := link(draft))]


# The audit action of a decision: (on a note paragraph?, the decision).
DECISION_ACTIONS = {
    (True, Approval.Decision.APPROVED): DeskAction.NOTE_APPROVED,
    (True, Approval.Decision.RETURNED): DeskAction.NOTE_RETURNED,
    (False, Approval.Decision.APPROVED): DeskAction.DRAFT_APPROVED,
    (False, Approval.Decision.RETURNED): DeskAction.DRAFT_RETURNED,
}


def content_hash(obj) -> str:
    """The hash of exactly what is being approved: its words and its identity."""
    if isinstance(obj, NoteParagraph):
        payload = {
            "kind": "paragraph",
            "file": obj.file.number,
            "number": obj.number,
            "text": obj.text,
            "author": obj.author_id,
            "post": obj.post_id,
        }
    else:
        payload = {
            "kind": "draft",
            "file": obj.file.number,
            "number": obj.number,
            "subject": obj.subject,
            "addressees": obj.addressees,
            "body": obj.body,
        }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# The reads of a decision, compiled once (``kernel.compiled``).
@compiled
def _paragraph_locked(*, pk: int):
    # Whether it is already approved, read with the locked row: one round trip.
    approved = Approval.objects.filter(
        paragraph=OuterRef("pk"), decision=Approval.Decision.APPROVED
    )
    return (
        NoteParagraph.objects.select_for_update()
        .annotate(already_approved=Exists(approved))
        .filter(pk=pk)
        .order_by()
    )


@compiled
def _draft_locked(*, pk: int):
    return Draft.objects.select_for_update().filter(pk=pk).order_by()


@compiled
def _papers_of_note(*, file_id: int, paragraph_id: int):
    # The papers an approved note rests on: those under the flags it cites and the PUC, and
    # the scans of a receipt under one of them — (paper, receipt's scan) pairs, one statement
    # whether or not there are any (a second one for the receipts' scans made the count vary).
    # A note cites only its own file's flags (notes._references), so the file's enclosures
    # are the whole candidate set: filtering on the file first keeps this an index scan of
    # one file, not an OR across the M2M join of every enclosure.
    return (
        Enclosure.objects.filter(file_id=file_id)
        .filter(Q(cited_by=paragraph_id) | Q(is_puc=True))
        .values_list("paper_id", "receipt__papers")
        .order_by()
    )


def _decide(*, actor, file, target, decision, remarks, send_to):
    remarks = (remarks or "").strip()
    if decision not in Approval.Decision.values:
        raise ValidationError({"decision": _("Choose approve or return.")})
    if decision == Approval.Decision.RETURNED and not remarks:
        raise ValidationError({"remarks": _("Say why you are returning it.")})
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        post = act.acting_post()
        if not post.may_approve:
            raise ActionRefused(
                _("%(post)s has no power to approve; put the file up to the competent officer.")
                % {"post": post}
            )
        is_paragraph = isinstance(target, NoteParagraph)
        locked = (_paragraph_locked if is_paragraph else _draft_locked).first(pk=target.pk)
        if locked is None:
            raise type(target).DoesNotExist
        target = locked
        if target.file_id != file.pk:
            raise ValidationError(_("That is not part of this file."))
        target.file = file  # the locked row; content_hash reads its number
        if is_paragraph:
            if not target.is_final:
                raise ActionRefused(
                    _("You cannot approve a paragraph still being written at your own desk.")
                )
            if target.already_approved:
                raise ActionRefused(
                    _("Paragraph %(n)s is already approved.") % {"n": target.number}
                )
        elif target.status not in {Draft.Status.DRAFT}:
            raise ActionRefused(
                _("This draft is %(s)s; only a draft put up for approval can be decided.")
                % {"s": target.get_status_display().lower()}
            )
        next_post = send_to or came_from(file)
        if next_post is None:
            raise ActionRefused(_("Choose the post to send the file to after your decision."))
        desk.require_receivable(next_post)
        now = timezone.now()
        if remarks:
            number = (file.paragraphs.aggregate(m=Max("number"))["m"] or 0) + 1
            NoteParagraph.objects.create(
                file=file, number=number, text=remarks, author=actor, post=post, created_at=now
            )
        approval = Approval(  # written by FileFlow's decide step, tied to its task
            file=file,
            paragraph=target if is_paragraph else None,
            draft=None if is_paragraph else target,
            decision=decision,
            remarks=remarks,
            by=actor,
            post=post,
            at=now,
            content_hash=content_hash(target),
        )
        if is_paragraph and decision == Approval.Decision.APPROVED:
            # The papers an approved note rests on become immutable.
            rows = _papers_of_note(file_id=file.pk, paragraph_id=target.pk)
            papers.freeze_all(
                actor=actor,
                paper_ids={pk for row in rows for pk in row if pk is not None},
                reason=_("Part of approved note %(para)s") % {"para": target},
            )
        if not is_paragraph:
            target.status = (
                Draft.Status.APPROVED
                if decision == Approval.Decision.APPROVED
                else Draft.Status.RETURNED
            )
            target.save(update_fields=["status"])
        step = desk.drive(
            actor=actor,
            file=file,
            action="decide",
            next_post=next_post,
            record=approval,
            held=post,
        )
        _finalise_drafts(file, now)
        kind = (
            Movement.Kind.APPROVE
            if decision == Approval.Decision.APPROVED
            else Movement.Kind.RETURN
        )
        desk.record_movement(
            actor=actor,
            file=file,
            kind=kind,
            from_post=post,
            to_post=next_post,
            remarks=remarks,
            task=step.completed_task,
        )
        _arrive(file, next_post)
        for decision_step in _DECISION_STEPS:
            decision_step(actor=actor, approval=approval)
        act.record(
            DECISION_ACTIONS[is_paragraph, decision],
            after={
                "target": str(target),
                "hash": approval.content_hash,
                "remarks": remarks,
                "to_post": next_post.pk,
            },
        )
    return approval


def note_decide(
    *,
    actor,
    file: File,
    paragraph: NoteParagraph,
    decision: str,
    remarks: str = "",
    send_to: Post | None = None,
) -> Approval:
    """Approve or return a note: the decision is recorded, then the file goes back down (to the
    post that put it up, unless another is chosen) — one action."""
    return _decide(
        actor=actor,
        file=file,
        target=paragraph,
        decision=decision,
        remarks=remarks,
        send_to=send_to,
    )


def draft_decide(
    *,
    actor,
    file: File,
    draft: Draft,
    decision: str,
    remarks: str = "",
    send_to: Post | None = None,
) -> Approval:
    """Approve or return a draft for approval (DFA); the file then goes back down."""
    return _decide(
        actor=actor, file=file, target=draft, decision=decision, remarks=remarks, send_to=send_to
    )


def _clean_draft(subject, addressees, body):
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = _("Give the letter a subject.")
    if not (addressees or "").strip():
        errors["addressees"] = _("Name at least one addressee.")
    if not (body or "").strip():
        errors["body"] = _("Write the text of the letter.")
    if errors:
        raise ValidationError(errors)
    return subject.strip(), addressees.strip(), body.strip()


def draft_create(*, actor, file: File, subject: str, addressees: str, body: str) -> Draft:
    """Attach a draft letter for approval to the file, at the holding post."""
    subject, addressees, body = _clean_draft(subject, addressees, body)
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        post = act.acting_post()
        number = (file.drafts.aggregate(m=Max("number"))["m"] or 0) + 1
        draft = Draft.objects.create(
            file=file,
            number=number,
            subject=subject,
            addressees=addressees,
            body=body,
            author=actor,
            post=post,
        )
        act.record(
            DeskAction.DRAFT_CREATE,
            after={"draft": number, "subject": subject},
        )
    return draft


def draft_edit(*, actor, draft: Draft, subject: str, addressees: str, body: str) -> Draft:
    """Revise a draft (a returned one, or one not yet decided) at the holding post."""
    subject, addressees, body = _clean_draft(subject, addressees, body)
    with desk.file_action(actor=actor, file_id=draft.file_id, reindex=False) as act:
        file = act.file
        desk.require_open(file)
        act.acting_post()
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.status not in {Draft.Status.DRAFT, Draft.Status.RETURNED}:
            raise ActionRefused(_("An approved or issued draft cannot be changed."))
        before = {"subject": draft.subject, "addressees": draft.addressees, "body": draft.body}
        draft.subject, draft.addressees, draft.body = subject, addressees, body
        draft.status = Draft.Status.DRAFT
        draft.save(update_fields=["subject", "addressees", "body", "status"])
        act.record(
            DeskAction.DRAFT_EDIT,
            before=before,
            after={"subject": subject, "addressees": addressees, "body": body},
        )
    return draft


def draft_issue(*, actor, file: File, draft: Draft) -> DispatchEntry:
    """Issue an approved draft with the section's next outgoing number; it enters the dispatch
    register. The approved text must be exactly what is issued."""
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file)
        post = act.acting_post()
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        if draft.file_id != file.pk:
            raise ValidationError(_("That draft is not part of this file."))
        draft.file = file  # the locked row; content_hash reads its number
        if draft.status != Draft.Status.APPROVED:
            raise ActionRefused(
                _("Only an approved draft can be issued; this one is %(s)s.")
                % {"s": draft.get_status_display().lower()}
            )
        approval = (
            draft.approvals.filter(decision=Approval.Decision.APPROVED).order_by("-at").first()
        )
        if approval is None or approval.content_hash != content_hash(draft):
            raise ActionRefused(_("The draft differs from what was approved; it cannot be issued."))
        year = timezone.localdate().year
        section = file.section
        serial = numbering.take(f"outgoing:{section.pk}:{year}")
        entry = DispatchEntry(  # written by FileFlow's issue step, tied to its task
            section=section,
            year=year,
            serial=serial,
            outgoing_number=f"{section.department.code}/{section.code}/O-{serial}/{year}",
            draft=draft,
            addressees=draft.addressees,
            issued_by=actor,
            issued_post=post,
            issued_at=timezone.now(),
        )
        draft.status = Draft.Status.ISSUED
        draft.save(update_fields=["status"])
        step = desk.drive(
            actor=actor, file=file, action="issue", next_post=post, record=entry, held=post
        )
        desk.record_movement(
            actor=actor,
            file=file,
            kind=Movement.Kind.ISSUE,
            from_post=post,
            to_post=post,
            remarks=entry.outgoing_number,
            task=step.completed_task,
        )
        _arrive(file, post)
        act.record(
            DeskAction.DRAFT_ISSUE,
            after={"draft": draft.number, "outgoing_number": entry.outgoing_number},
        )
        for issue_step in _ISSUE_STEPS:
            issue_step(actor=actor, entry=entry)
    return entry
