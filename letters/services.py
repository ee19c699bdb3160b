"""The letters' writes: each is one function with a required ``actor``, its permission check
first, one transaction, and its audit row in that transaction.

``sign_issued_letter`` and ``queue_approval_signature`` are steps of workspace's own issue and
decision services (registered in ``apps.py``): they run inside those services' transactions, so
a letter that cannot be rendered or signed leaves the draft unissued, with no number taken. A
decision's signature is made by a background job the decision queues (``tasks.sign_approval``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import audit
from kernel.audit_actions import RecordActions
from kernel.errors import NotFound, PermissionDenied, ValidationError
from kernel.tasks import enqueue_on_commit
from letters import codes, render, selectors, signing
from letters.audit_actions import LetterAction
from letters.models import EmailSent, IssuedLetter, LetterTemplate, SignedApproval, StandardText
from organisation.selectors import my_department_ids
from workspace.models import Approval, Draft
from workspace.services import approvals, desk


def _in_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("an issue or decision step runs inside its service's transaction")


def _unused_code() -> str:
    for _attempt in range(8):
        code = codes.new_code()
        if not IssuedLetter.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find an unused verification code")  # pragma: no cover


def sign_issued_letter(*, actor, entry) -> IssuedLetter:
    """Issue step: render the issued draft on its department's letterhead (PDF/A), sign it
    with the office's key (PAdES), keep the signed bytes, and write their SHA-256 on the
    dispatch register."""
    _in_transaction()
    department = entry.section.department
    template = LetterTemplate.objects.filter(department=department).first()
    code = _unused_code()
    pdf = render.render_pdf(render.letter_context(entry=entry, template=template, code=code))
    signed, signer = signing.sign_pdf(
        pdf, department=department, reason=f"Issued as {entry.outgoing_number}"
    )
    digest = hashlib.sha256(signed).hexdigest()
    letter = IssuedLetter(
        dispatch=entry,
        department=department,
        code=code,
        pdf=signed,
        sha256=digest,
        signer_subject=signer[:300],
    )
    letter.full_clean(exclude=["dispatch"])
    letter.save(force_insert=True)
    entry.signed_sha256 = digest
    entry.save(update_fields=["signed_sha256"])
    audit.record(
        actor=actor,
        action=LetterAction.SIGN,
        obj=letter,
        post=entry.issued_post,
        after={"outgoing_number": entry.outgoing_number, "code": code, "sha256": digest},
    )
    return letter


def approval_statement(approval) -> bytes:
    """What the office signs for an approval: who, at which post, when, decided what on which
    record, and the hash of exactly that record's words (canonical JSON)."""
    target = approval.paragraph or approval.draft
    payload = {
        "approval": approval.pk,
        "file": approval.file.number,
        "target": str(target),
        "decision": approval.decision,
        "by": approval.by.get_username(),
        "post": approval.post.designation_en,
        "at": approval.at.isoformat(),
        "content_hash": approval.content_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def queue_approval_signature(*, actor, approval) -> None:
    """Decision step: queue the office's signature of the decision (``tasks.sign_approval``),
    written in the decision's own transaction (``kernel.tasks.enqueue_on_commit``): the job
    exists if and only if the decision committed.

    Signing is a job, not part of the decision: making the detached CMS signature took
    ~20 ms of CPU (pyHanko's ASN.1), more than the rest of an approval and on its own over the
    page rule (issue 20; docs/benchmarks.md "Approving"), and an office key on a token or HSM
    is slower still. No screen reads the signed record; the decision itself, its content hash
    and its audit row are written in the transaction as before. A job that was lost is queued
    again by the scheduler (``letters_approvals``), one that failed (no key installed) too."""
    _in_transaction()
    from letters import tasks  # the tasks module imports this one

    # The statement is written now (no query: the service's records are loaded), so the job
    # signs the post's designation and the officer's name as they were at the decision.
    enqueue_on_commit(tasks.sign_approval, approval.pk, approval_statement(approval).decode())


def sign_approval(*, approval_id: int, statement: str | None = None) -> SignedApproval | None:
    """The office signs the record of who approved (or returned) what; the background job
    ``tasks.sign_approval`` calls this, with the statement the decision wrote (or none, when
    the scheduler queues a lost one again: then it is written from the approval now). Signing
    a signed approval changes nothing (answers its record); an approval that does not exist
    answers None."""
    with transaction.atomic():
        # The approval's row locked (its trigger refuses changes; a lock is no change), so two
        # jobs for one approval — the first, and the scheduler's requeue — sign it once.
        approval = (
            Approval.objects.select_for_update(of=("self",))
            .select_related("file", "by", "post__section__department", "paragraph", "draft")
            .filter(pk=approval_id)
            .first()
        )
        if approval is None:
            return None
        signed = SignedApproval.objects.filter(approval_id=approval.pk).first()
        if signed is not None:
            return signed
        if not _statement_of(approval, statement):
            statement = approval_statement(approval).decode()
        statement = statement.encode()
        signature, signer = signing.sign_statement(
            statement, department=approval.post.section.department
        )
        # No audit row: the decision's own row (written by the service, in its transaction)
        # already records this action and its hash.
        return SignedApproval.objects.create(
            approval=approval,
            statement=statement.decode(),
            signature=signature,
            signer_subject=signer[:300],
        )


def _statement_of(approval, statement: str | None) -> bool:
    """Whether ``statement`` (the job's argument) is a statement of this approval and of the
    words it decided on; a job's row is not trusted to say otherwise."""
    try:
        said = json.loads(statement or "")
    except ValueError:
        return False
    return (
        isinstance(said, dict)
        and said.get("approval") == approval.pk
        and said.get("content_hash") == approval.content_hash
        and said.get("decision") == approval.decision
    )


# An unsigned approval is looked for this long after its decision (older ones were signed, or
# predate the signing), and not before a few minutes have passed (its job is still queued).
SIGN_RETRY_WINDOW = dt.timedelta(days=2)
SIGN_RETRY_AFTER = dt.timedelta(minutes=5)


def unsigned_approvals(now: dt.datetime | None = None) -> list[int]:
    """Approvals of the last ``SIGN_RETRY_WINDOW`` (but not the last few minutes) that have no
    signed record: their job was lost or failed."""
    now = now or timezone.now()
    return list(
        Approval.objects.filter(
            signed__isnull=True,
            at__gte=now - SIGN_RETRY_WINDOW,
            at__lt=now - SIGN_RETRY_AFTER,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


# ---- emailing from the register ------------------------------------------------------------


def _clean_recipients(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace(",", "\n").replace(";", "\n").splitlines()
    recipients = []
    for item in raw:
        item = item.strip()
        if not item:
            continue
        try:
            validate_email(item)
        except DjangoValidationError:
            raise ValidationError(
                {"to": _("%(address)s is not an email address.") % {"address": item}}
            )
        if item not in recipients:
            recipients.append(item)
    if not recipients:
        raise ValidationError({"to": _("Give at least one email address to send the letter to.")})
    if len(recipients) > 50:
        raise ValidationError({"to": _("Send to at most 50 addresses at once.")})
    return recipients


def letter_email(*, actor, letter: IssuedLetter, to) -> EmailSent:
    """Email the signed letter, exactly as kept, to its addressees (Django's mail backend,
    after the transaction commits)."""
    if not selectors.can_view_letter(user=actor, letter=letter):
        raise NotFound(_("There is no such letter among those you may see."))
    if not selectors.may_dispatch(user=actor, letter=letter):
        raise PermissionDenied(_("Only the issuing section can send this letter."))
    recipients = _clean_recipients(to)
    entry = letter.dispatch
    with transaction.atomic():
        sent = EmailSent(letter=letter, to="\n".join(recipients), by=actor, at=timezone.now())
        sent.full_clean()
        sent.save()
        audit.record(
            actor=actor,
            action=LetterAction.EMAIL,
            obj=letter,
            after={"outgoing_number": entry.outgoing_number, "to": recipients},
        )
        subject = f"{entry.outgoing_number}: {entry.draft.subject}"
        body = _(
            "Please find attached letter No. %(number)s. It is signed digitally; check it at "
            "%(url)s with the verification code %(code)s."
        ) % {
            "number": entry.outgoing_number,
            "url": render.verify_url(letter.code),
            "code": codes.display(letter.code),
        }
        pdf = bytes(letter.pdf)
        filename = f"{entry.outgoing_number.replace('/', '-')}.pdf"

        def send():
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            message.attach(filename, pdf, "application/pdf")
            message.send()

        transaction.on_commit(send)
    return sent


# ---- what the department's administrator keeps ---------------------------------------------


# The audit actions of the settings ``setting_save``/``setting_delete`` keep.
SETTING_ACTIONS = {
    LetterTemplate: RecordActions(
        LetterAction.TEMPLATE_CREATE, LetterAction.TEMPLATE_CHANGE, LetterAction.TEMPLATE_DELETE
    ),
    StandardText: RecordActions(
        LetterAction.STANDARD_TEXT_CREATE,
        LetterAction.STANDARD_TEXT_CHANGE,
        LetterAction.STANDARD_TEXT_DELETE,
    ),
}


def _require_admin(actor, instance, verb: str):
    """An administrator with the model's permission, of the department the template or text
    belongs to: one who holds a post there (a superuser keeps every department's). A change
    is checked against the department the row had and the one it is given, so nobody moves
    another department's text into theirs or theirs into another's."""
    perm = f"letters.{verb}_{instance._meta.model_name}"
    if not (actor.is_active and actor.is_staff and actor.has_perm(perm)):
        raise PermissionDenied(_("Only an administrator may change letter templates."))
    if actor.is_superuser:
        return
    departments = {instance.department_id}
    if instance.pk is not None:
        departments |= set(
            type(instance).objects.filter(pk=instance.pk).values_list("department_id", flat=True)
        )
    if not departments <= set(my_department_ids(actor)):
        raise PermissionDenied(
            _("Only an administrator of this department may change its letters' settings.")
        )


def setting_save(*, actor, instance: LetterTemplate | StandardText):
    """Create or change a department's letter template or a standard text."""
    creating = instance.pk is None
    _require_admin(actor, instance, "add" if creating else "change")
    if isinstance(instance, LetterTemplate):
        instance.updated_at = timezone.now()
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        audit.record(
            actor=actor,
            action=SETTING_ACTIONS[type(instance)].saved(creating=creating),
            obj=instance,
        )
    return instance


def setting_delete(*, actor, instance: LetterTemplate | StandardText) -> None:
    _require_admin(actor, instance, "delete")
    with transaction.atomic():
        audit.record(actor=actor, action=SETTING_ACTIONS[type(instance)].delete, obj=instance)
        instance.delete()


# ---- what an officer drafting a letter uses ------------------------------------------------

LANGUAGES = ("en", "ur")


def standard_text_insert(*, actor, draft: Draft, text_id: int, language: str) -> Draft:
    """Append one of the department's standard texts to a draft's body, in English or Urdu.
    Only at the desk holding the file, and only a text of the department of that desk's post
    (another department's text is refused as if it did not exist). The draft's own rules (an
    open file, a draft not yet approved) are workspace's ``draft_edit``, which audits the new
    body; this audits which text went in, in the same transaction."""
    if language not in LANGUAGES:
        raise ValidationError(_("Choose English or Urdu."), code="language")
    with transaction.atomic():
        file = desk.lock_file(draft.file_id)
        post = desk.acting_post(actor=actor, file=file)
        text = StandardText.objects.filter(pk=text_id, department__sections__posts=post).first()
        if text is None:
            raise PermissionDenied(_("This is not one of your department's standard texts."))
        current = Draft.objects.get(pk=draft.pk, file_id=file.pk)
        body = "\n\n".join(part for part in (current.body.rstrip(), text.body(language)) if part)
        draft = approvals.draft_edit(
            actor=actor,
            draft=current,
            subject=current.subject,
            addressees=current.addressees,
            body=body,
        )
        audit.record(
            actor=actor,
            action=LetterAction.STANDARD_TEXT_INSERT,
            obj=text,
            post=post,
            after={
                "file": file.pk,
                "draft": draft.number,
                "title": text.title,
                "language": language,
            },
        )
    return draft
