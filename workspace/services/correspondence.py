"""The correspondence side of a file: papers and receipts under flags, and the PUC."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import ActionRefused, ValidationError
from organisation.selectors import holds_post
from workspace.audit_actions import DeskAction
from workspace.models import Enclosure, File, Receipt
from workspace.models.files import flag_label
from workspace.services import desk, papers


def enclosure_add(
    *,
    actor,
    file: File,
    title: str = "",
    receipt: Receipt | None = None,
    paper=None,
    is_puc: bool = False,
) -> Enclosure:
    """Put a receipt or a paper on the file under the next flag (A, B, … Z, AA, …)."""
    if receipt is None and paper is None:
        raise ValidationError(_("Choose a receipt or a paper to put on the file."))
    with desk.file_action(actor=actor, file_id=file.pk) as act:
        file = act.file
        desk.require_open(file, allow_parked=True)
        post = act.acting_post()
        if receipt is not None:
            receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
            if receipt.status != Receipt.Status.PENDING:
                raise ActionRefused(_("Receipt %(r)s is already on a file.") % {"r": receipt})
            if not holds_post(user=actor, post=receipt.holding_post_id):
                raise ActionRefused(_("Receipt %(r)s is not at a post you hold.") % {"r": receipt})
            title = title or receipt.subject
        position = (file.enclosures.aggregate(m=Max("position"))["m"] or 0) + 1
        if is_puc:
            file.enclosures.filter(is_puc=True).update(is_puc=False)
        enclosure = Enclosure(
            file=file,
            position=position,
            flag=flag_label(position - 1),
            title=(title or "").strip()[:300] or _("Paper"),
            receipt=receipt,
            is_puc=is_puc,
            added_by=actor,
            added_post=post,
            added_at=timezone.now(),
        )
        if paper is not None:
            enclosure.paper = paper
        enclosure.full_clean()
        enclosure.save()
        if receipt is not None:
            receipt.status = Receipt.Status.ON_FILE
            receipt.file = file
            receipt.save(update_fields=["status", "file"])
        act.record(
            DeskAction.FILE_ENCLOSE,
            after={
                "flag": enclosure.flag,
                "title": enclosure.title,
                "receipt": getattr(receipt, "pk", None),
                "puc": is_puc,
            },
        )
    return enclosure


def paper_enclose(*, actor, file: File, upload, title: str = "", is_puc: bool = False) -> Enclosure:
    """Upload a paper (through the documents pipeline) and put it on the file under the next
    flag, stamped with its flag label. Nothing is left behind if either step fails."""
    with papers.uploaded(actor=actor, uploads=[upload], kind="attachment", title=title) as versions:
        enclosure = enclosure_add(
            actor=actor,
            file=file,
            paper=versions[0].paper,
            title=title or versions[0].paper.title,
            is_puc=is_puc,
        )
    papers.stamp_quietly(
        actor=actor, version=versions[0], text=_("Flag %(flag)s") % {"flag": enclosure.flag}
    )
    return enclosure


def puc_mark(*, actor, enclosure: Enclosure) -> Enclosure:
    """Mark a flagged paper as the paper under consideration (one per file)."""
    with desk.file_action(actor=actor, file_id=enclosure.file_id, reindex=False) as act:
        file = act.file
        desk.require_open(file, allow_parked=True)
        act.acting_post()
        previous = list(file.enclosures.filter(is_puc=True).values_list("flag", flat=True))
        file.enclosures.filter(is_puc=True).update(is_puc=False)
        Enclosure.objects.filter(pk=enclosure.pk).update(is_puc=True)
        enclosure.refresh_from_db()
        act.record(
            DeskAction.FILE_PUC,
            before={"puc": previous[0] if previous else None},
            after={"puc": enclosure.flag},
        )
    return enclosure
