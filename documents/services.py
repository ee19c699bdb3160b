"""Writes on papers. Each takes the acting user, works in one transaction with its audit row,
and keeps storage and rows in step: the object is written first, then the rows are committed;
if the rows fail the object is deleted at once, and objects of deleted rows are deleted only
after the commit.

(When a caller wraps one of these in its own ``transaction.atomic`` and that outer
transaction later rolls back, the object cannot be removed at that moment: Django has no
rollback hook. ``manage.py documents_verify --delete-orphans`` finds and removes such objects.)
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import intake as pipeline
from documents import pdf, storage
from documents.access import can_view_paper, papers_seen, version_refusal
from documents.audit_actions import PaperAction
from documents.conf import limit
from documents.intake import types
from documents.intake.base import Intake
from documents.models import Paper, PaperRendition, PaperVersion
from documents.tasks import extract_text
from kernel import audit
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError

logger = logging.getLogger("daftar.documents")

#: The intake steps a rendition's own bytes go through: all but the signature check.
RENDITION_STEPS = [step for step in pipeline.STEPS if step is not pipeline.read_signatures]


def _require_active(actor) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Sign in with an active account to work with papers."))


def _require_view(actor, paper: Paper) -> None:
    _require_active(actor)
    if not can_view_paper(user=actor, paper=paper):
        raise PermissionDenied(_("You cannot work on this paper."))


def _kind(kind: str) -> str:
    if kind not in Paper.Kind.values:
        raise ValidationError(_("Choose what kind of paper this is."), code="kind")
    return kind


def _frozen(paper: Paper) -> ActionRefused:
    return ActionRefused(
        _(
            "This paper is part of an approved note or an issued letter and can no longer be "
            "changed (%(reason)s). Upload the new text as a new paper."
        )
        % {"reason": paper.frozen_reason}
    )


def _title(title: str, intake: Intake) -> str:
    title = " ".join((title or "").split())
    if not title:
        name = intake.display_name
        title = name.rsplit(".", 1)[0] if "." in name else name
    return title[:255]


def _store(
    *,
    actor,
    intake: Intake,
    action: PaperAction,
    paper: Paper | None = None,
    kind: str = "",
    title: str = "",
    derived_from: PaperVersion | None = None,
    note: str = "",
    audit_extra: dict | None = None,
    recheck=None,
) -> PaperVersion:
    """Write the object, then the rows and the audit row in one transaction; compensate.
    ``recheck(paper)``, if given, runs again with the paper's row locked (the file may have
    moved on since the caller checked), and a refusal there deletes the object."""
    refused = _(
        "The paper could not be stored just now, so nothing was saved. Try again in a "
        "few minutes; if it keeps failing, tell the IT cell."
    )
    with _kept_object(intake, what="an upload", refused=refused) as name:
        if paper is None:
            paper = Paper(title=_title(title, intake), kind=kind, created_by=actor)
            paper.full_clean()
            paper.save(force_insert=True)
            number = 1
        else:
            paper = Paper.objects.select_for_update().get(pk=paper.pk)
            if paper.is_frozen:
                raise _frozen(paper)
            if recheck is not None:
                recheck(paper)
            number = (paper.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = PaperVersion(
            paper=paper,
            number=number,
            storage_name=name,
            original_filename=intake.display_name,
            sha256=intake.sha256,
            size=intake.size,
            mime_type=intake.mime,
            page_count=intake.page_count,
            derived_from=derived_from,
            note=note[:255],
            signature_status=intake.signature[0],
            signature_signer=intake.signature[1],
            signature_trusted=intake.signature[2],
            created_by=actor,
        )
        version.full_clean(validate_unique=False, validate_constraints=False)
        version.save(force_insert=True)
        paper.current_version = version
        paper.save(update_fields=["current_version"])
        audit.record(
            actor=actor,
            action=action,
            obj=version,
            after={
                "paper": paper.pk,
                "kind": paper.kind,
                "version": number,
                "file": intake.display_name,
                "type": intake.mime,
                "size": intake.size,
                "pages": intake.page_count,
                "sha256": intake.sha256,
                "received_sha256": intake.received_sha256,
                "changes": intake.changes,
                **(
                    {"signature": intake.signature[0], "signed_by": intake.signature[1]}
                    if intake.signature[0]
                    else {}
                ),
                **(audit_extra or {}),
            },
        )
        transaction.on_commit(partial(_after_commit, version.pk), robust=True)
    return version


@contextmanager
def _kept_object(intake: Intake, *, what: str, refused: str):
    """Write ``intake``'s object, then give its name to the caller, whose rows go in one
    transaction opened here; if that transaction does not commit, the object is deleted
    again, so no stored object outlives a refusal or a failure."""
    try:
        name = storage.save_object(intake.storage_name, intake.stream, intake.mime)
    except Exception as exc:
        logger.exception("Storing %s failed", what)
        raise ActionRefused(refused) from exc
    committed: list[bool] = []
    try:
        with transaction.atomic():
            yield name
            transaction.on_commit(partial(committed.append, True))
    except BaseException:
        if not committed:
            storage.delete_quietly(name)
        raise


def _after_commit(version_id: int) -> None:
    extract_text.enqueue(version_id)


def paper_upload(*, actor, upload, kind: str, title: str = "") -> PaperVersion:
    """Take in one uploaded file as a new paper (its version 1), through the whole intake
    pipeline. Refusals raise ``ValidationError`` with a message for the clerk."""
    _require_active(actor)
    intake = pipeline.run(pipeline.from_upload(upload, kind=_kind(kind)))
    return _store(actor=actor, intake=intake, action=PaperAction.UPLOAD, kind=kind, title=title)


def _require_may_version(actor, paper: Paper) -> None:
    """``access.version_refusal`` as the service's refusal: frozen → ``ActionRefused``,
    not the desk it is at → ``PermissionDenied``."""
    refusal = version_refusal(user=actor, paper=paper)
    if refusal is None:
        return
    code, message = refusal
    raise ActionRefused(message) if code == "frozen" else PermissionDenied(message)


def paper_add_version(*, actor, paper: Paper, upload) -> PaperVersion:
    """Add a new version to a paper; the old versions stay as they were. Only from the desk
    the paper is at, and never once it is final (``access.version_refusal``). The right to
    act is checked before the upload is read or stored, and again under the paper's lock, so
    a refusal leaves no object, no row, no audit row and no queued task."""
    _require_view(actor, paper)
    paper.refresh_from_db(fields=["frozen_at", "frozen_reason", "kind", "created_by"])
    _require_may_version(actor, paper)
    intake = pipeline.run(pipeline.from_upload(upload, kind=paper.kind))
    return _store(
        actor=actor,
        intake=intake,
        action=PaperAction.ADD_VERSION,
        paper=paper,
        recheck=lambda locked: _require_may_version(actor, locked),
    )


def paper_freeze(*, actor, paper: Paper, reason: str) -> Paper:
    """Make a paper final because it is part of an approved note or an issued letter: no new
    versions from now on. Freezing a frozen paper changes nothing."""
    _require_view(actor, paper)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Say why the paper is being frozen."), code="reason")
    with transaction.atomic():
        paper = (
            Paper.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=paper.pk)
        )
        if paper.is_frozen:
            return paper
        paper.frozen_at = timezone.now()
        paper.frozen_by = actor
        paper.frozen_reason = reason[:255]
        paper.full_clean()
        paper.save(update_fields=["frozen_at", "frozen_by", "frozen_reason"])
        current = paper.current_version
        audit.record(
            actor=actor,
            action=PaperAction.FREEZE,
            obj=paper,
            before={"frozen": False},
            after={
                "frozen": True,
                "reason": paper.frozen_reason,
                "version": current.number if current else None,
                "sha256": current.sha256 if current else None,
            },
        )
    return paper


def papers_freeze(*, actor, paper_ids, reason: str) -> list[Paper]:
    """``paper_freeze`` for several papers at once (an approved note's papers), in a number of
    queries that does not grow with them: the rows not frozen yet are locked in id order (two
    approvals sharing papers queue, never deadlock), the actor must see every one of them
    (``papers_seen``; else nothing is frozen), they are frozen in one UPDATE and their audit
    rows written together (``audit.record_many``). Answers the papers it froze. Inside a
    caller's transaction it takes no savepoint: a refusal undoes the caller's whole action."""
    _require_active(actor)
    paper_ids = sorted({pk for pk in paper_ids if pk is not None})
    if not paper_ids:
        return []
    with transaction.atomic(savepoint=False):
        papers = list(
            Paper.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .filter(pk__in=paper_ids, frozen_at__isnull=True)
            .order_by("pk")
        )
        if not papers:
            return []
        seen = papers_seen(user=actor, papers=papers)
        if any(paper.pk not in seen for paper in papers):
            raise PermissionDenied(_("You cannot work on this paper."))
        reason = " ".join((reason or "").split())
        if not reason:
            raise ValidationError(_("Say why the paper is being frozen."), code="reason")
        now = timezone.now()
        for paper in papers:
            paper.frozen_at, paper.frozen_by, paper.frozen_reason = now, actor, reason[:255]
            # ``paper_freeze``'s full_clean, less its queries: the keys it would look up are
            # the locked row's own and the signed-in actor, and the one constraint (frozen
            # with who and when) holds by the line above.
            paper.clean_fields(exclude=["created_by", "current_version", "frozen_by"])
        Paper.objects.filter(pk__in=[paper.pk for paper in papers]).update(
            frozen_at=now, frozen_by=actor, frozen_reason=reason[:255]
        )
        audit.record_many(
            actor=actor,
            action=PaperAction.FREEZE,
            rows=[(paper, {"frozen": False}, _frozen_after(paper)) for paper in papers],
        )
    return papers


def _frozen_after(paper: Paper) -> dict:
    current = paper.current_version
    return {
        "frozen": True,
        "reason": paper.frozen_reason,
        "version": current.number if current else None,
        "sha256": current.sha256 if current else None,
    }


def images_to_pdf(*, actor, uploads, title: str) -> PaperVersion:
    """Combine scanned images (PNG, JPEG, TIFF; in the order given) into one PDF, kept as a
    new scanned paper. Each image goes through the intake checks first, metadata removed."""
    _require_active(actor)
    uploads = list(uploads)
    if not uploads:
        raise ValidationError(_("Choose at least one scanned image."), code="no_images")
    if len(uploads) > limit("DAFTAR_SCANS_MAX_IMAGES"):
        raise ValidationError(
            _("At most %(limit)d images can be combined at once.")
            % {"limit": limit("DAFTAR_SCANS_MAX_IMAGES")},
            code="too_many_images",
        )
    sources: list[Intake] = []
    for upload in uploads:
        source = pipeline.from_upload(upload, kind=Paper.Kind.SCAN)
        pipeline.check_size(source)
        pipeline.sniff_type(source)
        if types.ACCEPTED[source.mime].family != "image":
            raise ValidationError(
                _(
                    "%(name)s is not a scanned image. Only PNG, JPEG and TIFF images can be "
                    "combined into a PDF."
                )
                % {"name": pipeline.clean_display_name(source.original_name)},
                code="not_an_image",
            )
        pipeline.run(source, pipeline.STEPS[2:])
        sources.append(source)
    combined = pdf.images_to_pdf_bytes(s.stream for s in sources)
    title = " ".join((title or "").split())
    intake = pipeline.run(
        pipeline.from_bytes(combined, kind=Paper.Kind.SCAN, name=f"{title or 'scan'}.pdf")
    )
    return _store(
        actor=actor,
        intake=intake,
        action=PaperAction.COMBINE_SCANS,
        kind=Paper.Kind.SCAN,
        title=title,
        note=_("Combined from %(count)d scanned images") % {"count": len(sources)},
        audit_extra={
            "sources": [{"file": s.display_name, "sha256": s.received_sha256} for s in sources]
        },
    )


def paper_stamp(
    *, actor, version: PaperVersion, text: str, corner: str = "top-right"
) -> PaperRendition:
    """Make a stamped copy of ``version``: ``text`` (a diary number and date, or a flag label)
    on its first page, kept as a rendition beside the version, never as a new version. The
    version stays the paper's only record of what was received, byte for byte (a signed
    PDF's signature stays valid; the copy's is broken by the stamp, as on paper). A scanned
    image is stamped on a PDF made from it. Refused once the paper is frozen."""
    paper = version.paper
    _require_view(actor, paper)
    paper.refresh_from_db(fields=["frozen_at", "frozen_reason"])
    if paper.is_frozen:
        raise _frozen(paper)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what the stamp should say."), code="stamp_text")
    family = types.ACCEPTED[version.mime_type].family
    if family not in ("pdf", "image"):
        raise ActionRefused(_("Only PDFs and scanned images can be stamped."))
    with storage.open_object(version.storage_name) as stored:
        content = stored.read()
    if family == "image":
        content = pdf.images_to_pdf_bytes([pipeline.spooled(content)])
    stamped = pdf.stamp(content, text, corner=corner)
    stem = version.download_name.rsplit(".", 1)[0]
    # Our own output: checked like any PDF, but its (broken) signatures are not recorded.
    intake = pipeline.run(
        pipeline.from_bytes(stamped, kind=paper.kind, name=f"{stem}.pdf"), RENDITION_STEPS
    )
    refused = _("The stamped copy could not be stored just now.")
    with _kept_object(intake, what="a stamped copy", refused=refused) as name:
        rendition = PaperRendition(
            version=version,
            kind=PaperRendition.Kind.STAMPED,
            storage_name=name,
            sha256=intake.sha256,
            size=intake.size,
            mime_type=intake.mime,
            page_count=intake.page_count,
            note=text.replace("\n", " · ")[:255],
            created_by=actor,
        )
        rendition.full_clean(validate_unique=False, validate_constraints=False)
        rendition.save(force_insert=True)
        audit.record(
            actor=actor,
            action=PaperAction.STAMP,
            obj=rendition,
            after={
                "paper": paper.pk,
                "version": version.number,
                "version_sha256": version.sha256,
                "stamp": text,
                "sha256": intake.sha256,
                "size": intake.size,
            },
        )
    return rendition


def paper_discard(*, actor, paper: Paper) -> None:
    """Remove a paper uploaded by mistake, with all its versions, while it is on nothing:
    only its uploader, never once frozen or put on a receipt or file."""
    _require_view(actor, paper)
    if paper.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded a paper can discard it."))
    with transaction.atomic():
        paper = Paper.objects.select_for_update().get(pk=paper.pk)
        if paper.is_frozen:
            raise _frozen(paper)
        versions = list(paper.versions.order_by("-number"))
        renditions = list(PaperRendition.objects.filter(version__paper=paper))
        names = [n for v in versions for n in (v.storage_name, v.thumbnail_name)]
        names += [r.storage_name for r in renditions]
        audit.record(
            actor=actor,
            action=PaperAction.DISCARD,
            obj=paper,
            before={
                "title": paper.title,
                "kind": paper.kind,
                "versions": [{"number": v.number, "sha256": v.sha256} for v in versions],
            },
        )
        try:
            with transaction.atomic():
                paper.current_version = None
                paper.save(update_fields=["current_version"])
                for rendition in renditions:
                    rendition.delete()
                for version in versions:
                    version.delete()
                paper.delete()
        except ProtectedError:
            raise ActionRefused(
                _("This paper is on a receipt or a file and cannot be discarded.")
            ) from None
        storage.delete_on_commit(names)


def paper_download_record(*, actor, version: PaperVersion) -> None:
    """Check that ``actor`` may open this version and write the download to the audit trail.
    Raises ``NotFound`` otherwise (the view answers 404, so existence is not told)."""
    _record_reading(actor=actor, version=version, action=PaperAction.DOWNLOAD)


def paper_open(*, actor, version: PaperVersion) -> None:
    """Check that ``actor`` may read this version and write the opening to the audit trail:
    one row per opening in the viewer, however many page images it then shows. Raises
    ``NotFound`` otherwise (the view answers 404, so existence is not told)."""
    _record_reading(actor=actor, version=version, action=PaperAction.OPEN)


def rendition_download_record(*, actor, rendition: PaperRendition) -> None:
    """A stamped copy is read like the paper: the same check, and a download row in the audit
    trail naming the copy. ``NotFound`` to those who may not see the paper."""
    version = rendition.version
    _record_reading(
        actor=actor,
        version=version,
        action=PaperAction.DOWNLOAD,
        obj=rendition,
        after={"rendition": rendition.kind, "sha256": rendition.sha256},
    )


def _record_reading(
    *, actor, version: PaperVersion, action: PaperAction, obj=None, after: dict | None = None
) -> None:
    """The one check and audit row of every way a paper is read (downloaded, opened)."""
    if (
        actor is None
        or not getattr(actor, "is_authenticated", False)
        or not can_view_paper(user=actor, paper=version.paper)
    ):
        raise NotFound()
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=action,
            obj=obj or version,
            after={
                "paper": version.paper_id,
                "version": version.number,
                "sha256": version.sha256,
                **(after or {}),
            },
        )
