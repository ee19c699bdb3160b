"""Diarising incoming letters (dak) and passing them between desks."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import audit
from kernel.errors import ActionRefused, PermissionDenied, ValidationError
from organisation.models import Post
from organisation.selectors import holds_post
from workspace import tracking
from workspace.audit_actions import DeskAction
from workspace.models import Grading, Priority, Receipt
from workspace.services import desk, numbering, papers

RECEIPT_FIELDS = [
    "diary_number",
    "diary_year",
    "sender",
    "subject",
    "letter_number",
    "letter_date",
    "received_on",
    "mode",
    "priority",
    "grading",
    "holding_post",
    "is_citizen_matter",
    "tracking_ref",
]


def receipt_diarise(
    *,
    actor,
    post: Post,
    sender: str,
    subject: str,
    sender_address: str = "",
    letter_number: str = "",
    letter_date: date | None = None,
    received_on: date | None = None,
    mode: str = Receipt.Mode.PHYSICAL,
    priority: int = Priority.ROUTINE,
    grading: int = Grading.UNCLASSIFIED,
    mark_to: Post | None = None,
    citizen_name: str = "",
    citizen_cnic_last4: str = "",
    citizen_mobile_last4: str = "",
    time_limit_days: int | None = None,
    scans=(),
) -> Receipt:
    """Diarise a letter in the section of ``post`` with the next diary number of the year
    (gap-free: taken under a row lock, returned if the transaction rolls back). A citizen's
    matter gets a public tracking reference. ``scans`` (uploaded files) go through the
    documents pipeline and get the diary number stamped on their first page."""
    if not holds_post(user=actor, post=post):
        raise ActionRefused(_("You can diarise only at a post you hold."))
    if not post.section.department.is_live:
        raise ActionRefused(
            _("%(dept)s is not on Daftar yet.") % {"dept": post.section.department.name}
        )
    received_on = received_on or timezone.localdate()
    errors = {}
    if letter_date and letter_date > received_on:
        errors["letter_date"] = _("The letter cannot be dated after the day it was received.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("The date received cannot be in the future.")
    is_citizen = bool(citizen_name.strip())
    for field, value in [
        ("citizen_cnic_last4", citizen_cnic_last4),
        ("citizen_mobile_last4", citizen_mobile_last4),
    ]:
        if value and (len(value) != 4 or not value.isdigit()):
            errors[field] = _("Enter exactly four digits.")
    if is_citizen and not (citizen_cnic_last4 or citizen_mobile_last4):
        errors["citizen_cnic_last4"] = _(
            "A citizen's matter needs the last four digits of the CNIC or of the mobile number, "
            "so the citizen can track it."
        )
    if errors:
        raise ValidationError(errors)
    target = mark_to or post
    if target.pk != post.pk:
        desk.require_receivable(target)
    year = received_on.year
    with papers.uploaded(actor=actor, uploads=scans, kind="scan", title=subject) as versions:
        receipt = _diarise(
            actor=actor,
            post=post,
            target=target,
            year=year,
            versions=versions,
            fields=dict(
                sender=sender,
                sender_address=sender_address,
                letter_number=letter_number,
                letter_date=letter_date,
                received_on=received_on,
                mode=mode,
                subject=subject,
                priority=priority,
                grading=grading,
                is_citizen=is_citizen,
                citizen_name=citizen_name,
                citizen_cnic_last4=citizen_cnic_last4,
                citizen_mobile_last4=citizen_mobile_last4,
                time_limit_days=time_limit_days,
            ),
        )
    stamp = f"{receipt.diary_label}\n{receipt.received_on:%d-%m-%Y}"
    for version in versions:
        papers.stamp_quietly(actor=actor, version=version, text=stamp)
    return receipt


# The service accounts of the apps above the desk that send it receipts of their own
# (complaints: a filed complaint lands at its office's complaint cell). Each app registers its
# account's username in its AppConfig.ready(); the desk takes electronic receipts from those
# accounts only, through ``receipt_receive``.
_SENDERS: set[str] = set()


def register_sender(username: str) -> None:
    _SENDERS.add(username)


def receipt_receive(
    *,
    actor,
    post: Post,
    sender: str,
    subject: str,
    priority: int = Priority.ROUTINE,
    time_limit_days: int | None = None,
) -> Receipt:
    """Diarise an electronic receipt that an app sends to ``post`` (the next diary number of
    its section's year, as ``receipt_diarise``), acting as its registered service account
    ``actor``. No citizen's details: the app keeps its own matter and links to the receipt."""
    if actor is None or not actor.pk or actor.get_username() not in _SENDERS:
        raise PermissionDenied
    desk.require_receivable(post)
    received_on = timezone.localdate()
    return _diarise(
        actor=actor,
        post=post,
        target=post,
        year=received_on.year,
        versions=[],
        in_hand=True,
        fields=dict(
            sender=sender,
            sender_address="",
            letter_number="",
            letter_date=None,
            received_on=received_on,
            mode=Receipt.Mode.ELECTRONIC,
            subject=subject,
            priority=priority,
            grading=Grading.UNCLASSIFIED,
            is_citizen=False,
            citizen_name="",
            citizen_cnic_last4="",
            citizen_mobile_last4="",
            time_limit_days=time_limit_days,
        ),
    )


def _diarise(*, actor, post, target, year, versions, fields, in_hand=False) -> Receipt:
    """``in_hand``: the section, post and actor were read by the caller and the receipt has no
    tracking reference nor citizen, so their checks (a query each) are not asked again; the
    diary number is unique by ``numbering.take``."""
    f = fields
    with transaction.atomic():
        number = numbering.take(f"diary:{post.section_id}:{year}")
        receipt = Receipt(
            section=post.section,
            diary_year=year,
            diary_number=number,
            sender=f["sender"].strip(),
            sender_address=f["sender_address"].strip(),
            letter_number=f["letter_number"].strip(),
            letter_date=f["letter_date"],
            received_on=f["received_on"],
            mode=f["mode"],
            subject=f["subject"].strip(),
            priority=f["priority"],
            grading=f["grading"],
            holding_post=target,
            diarised_by=actor,
            diarised_at=timezone.now(),
            is_citizen_matter=f["is_citizen"],
            citizen_name=f["citizen_name"].strip(),
            citizen_cnic_last4=f["citizen_cnic_last4"],
            citizen_mobile_last4=f["citizen_mobile_last4"],
            time_limit_days=f["time_limit_days"],
        )
        if f["is_citizen"]:
            receipt.tracking_ref = tracking.new_reference()
        if in_hand:
            receipt.full_clean(
                exclude=["section", "holding_post", "diarised_by", "file"],
                validate_unique=False,
                validate_constraints=False,
            )
        else:
            receipt.full_clean()
        receipt.save()
        if versions:
            receipt.papers.set([v.paper for v in versions])
        audit.record(
            actor=actor,
            action=DeskAction.RECEIPT_DIARISE,
            obj=receipt,
            post=post,
            after={
                **audit.snapshot(receipt, RECEIPT_FIELDS),
                "papers": [v.paper_id for v in versions],
            },
        )
    return receipt


def receipt_mark(*, actor, receipt: Receipt, to_post: Post, remarks: str = "") -> Receipt:
    """Pass a pending receipt to another post (e.g. from the diarist to the Section Officer)."""
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update().select_related("holding_post").get(pk=receipt.pk)
        )
        if receipt.status != Receipt.Status.PENDING:
            raise ActionRefused(_("Receipt %(r)s is already on a file.") % {"r": receipt})
        if not holds_post(user=actor, post=receipt.holding_post_id):
            raise ActionRefused(_("Receipt %(r)s is not at a post you hold.") % {"r": receipt})
        if to_post.pk == receipt.holding_post_id:
            raise ActionRefused(_("The receipt is already at %(post)s.") % {"post": to_post})
        desk.require_receivable(to_post)
        before = receipt.holding_post_id
        receipt.holding_post = to_post
        receipt.save(update_fields=["holding_post"])
        audit.record(
            actor=actor,
            action=DeskAction.RECEIPT_MARK,
            obj=receipt,
            post=before,
            before={"post": before},
            after={"post": to_post.pk, "remarks": remarks},
        )
    return receipt


OUTCOME_MAX_CHARS = Receipt._meta.get_field("outcome").max_length


def receipt_record_outcome(*, actor, receipt: Receipt, outcome: str) -> Receipt:
    """Write the outcome of a citizen's matter: what the public tracking page shows, as
    written, once the matter is decided (``workspace.tracking``). Empty text takes an outcome
    back off.

    Only the officer at whose desk the matter is may write it: the post holding the receipt's
    file, or the receipt itself while it is pending. Refused for a letter that is not a
    citizen's matter, and for one graded above unclassified (on the receipt or its file),
    since the public page would never show it."""
    text = outcome.replace("\r\n", "\n").strip()
    if len(text) > OUTCOME_MAX_CHARS:
        raise ValidationError(
            _("Keep the outcome within %(n)d characters; this one has %(len)d.")
            % {"n": OUTCOME_MAX_CHARS, "len": len(text)}
        )
    with transaction.atomic():
        # Every file action locks the file first; so does this one, in the same order.
        file = desk.lock_file(receipt.file_id) if receipt.file_id else None
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if receipt.file_id != (file.pk if file else None):
            # Put on a file between the caller's read and this one.
            raise ActionRefused(desk.BUSY)
        # Whose it is first: the rest says things about the matter.
        if file is not None:
            post = desk.acting_post(actor=actor, file=file)
            receipt.file = file  # the locked row, for the grading rule below
        elif holds_post(user=actor, post=receipt.holding_post_id):
            post = receipt.holding_post_id
        else:
            raise ActionRefused(_("Receipt %(r)s is not at a post you hold.") % {"r": receipt})
        if not (receipt.is_citizen_matter and receipt.tracking_ref):
            raise ActionRefused(
                _(
                    "Receipt %(r)s is not a citizen's matter: there is no public tracking page "
                    "to show an outcome on."
                )
                % {"r": receipt}
            )
        if not receipt.is_public_matter:
            raise ActionRefused(
                _(
                    "Receipt %(r)s is graded above unclassified, or is on a file that is, so "
                    "the public tracking page does not show it; an outcome written here would "
                    "never be read."
                )
                % {"r": receipt}
            )
        before = receipt.outcome
        if text == before:
            return receipt
        receipt.outcome = text
        receipt.save(update_fields=["outcome"])
        audit.record(
            actor=actor,
            action=DeskAction.RECEIPT_OUTCOME,
            obj=receipt,
            post=post,
            before={"outcome": before},
            after={"outcome": text},
        )
    return receipt


def receipt_dispose(*, actor, receipt: Receipt, outcome: str) -> Receipt:
    """Dispose of a pending receipt without a file — the matter needs no file (answered at
    once, sent on to the office it belongs to, a duplicate) — with the outcome the public
    tracking page shows for a citizen's matter. Only the officer at whose post the receipt
    is; never one already on a file or disposed of. For a citizen's matter the outcome is
    required: the citizen is told the matter is decided, and what was decided."""
    text = outcome.replace("\r\n", "\n").strip()
    if len(text) > OUTCOME_MAX_CHARS:
        raise ValidationError(
            _("Keep the outcome within %(n)d characters; this one has %(len)d.")
            % {"n": OUTCOME_MAX_CHARS, "len": len(text)}
        )
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if not holds_post(user=actor, post=receipt.holding_post_id):
            raise ActionRefused(_("Receipt %(r)s is not at a post you hold.") % {"r": receipt})
        if receipt.status == Receipt.Status.ON_FILE:
            raise ActionRefused(
                _(
                    "Receipt %(r)s is on a file: the matter is decided on the file (an approved "
                    "note or an issued letter), not by disposing of the receipt."
                )
                % {"r": receipt}
            )
        if receipt.status == Receipt.Status.DISPOSED:
            raise ActionRefused(_("Receipt %(r)s is already disposed of.") % {"r": receipt})
        if receipt.is_citizen_matter and not text:
            raise ValidationError(
                {"outcome": _("Write the outcome: the citizen reads it on the tracking page.")}
            )
        receipt.status = Receipt.Status.DISPOSED
        receipt.disposed_at = timezone.now()
        receipt.outcome = text
        receipt.full_clean(validate_unique=False, validate_constraints=False)
        receipt.save(update_fields=["status", "disposed_at", "outcome"])
        audit.record(
            actor=actor,
            action=DeskAction.RECEIPT_DISPOSE,
            obj=receipt,
            post=receipt.holding_post_id,
            before={"status": Receipt.Status.PENDING},
            after={"status": Receipt.Status.DISPOSED, "outcome": text},
        )
    return receipt
