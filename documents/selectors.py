"""Reads of papers for screens and for other apps, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from documents import pdf, storage
from documents.access import can_view_paper, paper_visibility
from documents.intake import spooled, types
from documents.models import Paper, PaperRendition, PaperVersion
from kernel.compiled import compiled, together
from kernel.errors import NotFound


def papers_uploaded_by(*, user) -> QuerySet[Paper]:
    """The papers ``user`` uploaded and may still see (``access.paper_visibility``: not one
    since put on a receipt or file out of their sight), newest first, with their current
    version."""
    return (
        Paper.objects.filter(paper_visibility(user), created_by=user)
        .select_related("current_version")
        .order_by("-created_at", "-pk")
    )


def paper_for(*, user, paper_id: int) -> Paper:
    paper = Paper.objects.select_related("created_by", "frozen_by").filter(pk=paper_id).first()
    if paper is None or not can_view_paper(user=user, paper=paper):
        raise NotFound()
    return paper


def versions_of(*, paper: Paper) -> QuerySet[PaperVersion]:
    # The text record (OCR's confidence) comes in the same query.
    return paper.versions.select_related("created_by", "derived_from", "text").order_by("-number")


def version_for(*, user, version_id: int) -> PaperVersion:
    """A version ``user`` may open, or ``NotFound``."""
    version = PaperVersion.objects.select_related("paper").filter(pk=version_id).first()
    if version is None or not can_view_paper(user=user, paper=version.paper):
        raise NotFound()
    return version


def rendition_for(*, user, rendition_id: int) -> PaperRendition:
    """A rendition (stamped copy) of a paper ``user`` may see, or ``NotFound``."""
    rendition = (
        PaperRendition.objects.select_related("version__paper").filter(pk=rendition_id).first()
    )
    if rendition is None or not can_view_paper(user=user, paper=rendition.version.paper):
        raise NotFound()
    return rendition


def renditions_of(*, versions) -> dict[int, list[PaperRendition]]:
    """The renditions of ``versions``, by version id, newest first: one query."""
    found: dict[int, list[PaperRendition]] = {}
    for rendition in PaperRendition.objects.filter(version__in=versions).order_by(
        "-created_at", "-pk"
    ):
        found.setdefault(rendition.version_id, []).append(rendition)
    return found


# The viewer's reads beside the version it opens, compiled (``kernel.compiled``) and sent in
# one round trip: as two ORM queries they were ~3 ms of CPU an opening at 100,000 files
# (docs/benchmarks.md, "The viewer beside the note sheet").
@compiled
def _versions_of_paper(*, paper_id: int):
    return PaperVersion.objects.filter(paper_id=paper_id).order_by("-number")


@compiled
def _renditions_of_version(*, version_id: int):
    return PaperRendition.objects.filter(version_id=version_id).order_by("-created_at", "-pk")


def versions_and_copies(*, version: PaperVersion) -> tuple[list, list]:
    """What the viewer offers beside ``version``: every version of its paper, newest first,
    and the stamped copies (renditions) of this one, newest first. One round trip."""
    return together(
        _versions_of_paper.bind(paper_id=version.paper_id),
        _renditions_of_version.bind(version_id=version.pk),
    )


def version_content(version: PaperVersion) -> bytes:
    with storage.open_object(version.storage_name) as stored:
        return stored.read()


def version_as_pdf(version: PaperVersion) -> bytes | None:
    """The version as PDF bytes for ``pdf.assemble``/``pdf.stamp``: a PDF as stored, a scan
    converted; ``None`` for office files and tables, which have no printed form here."""
    family = types.ACCEPTED.get(version.mime_type)
    if family is None or family.family not in ("pdf", "image"):
        return None
    content = version_content(version)
    if family.family == "image":
        return pdf.images_to_pdf_bytes([spooled(content)])
    return content
