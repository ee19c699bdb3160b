"""The desk's rule for papers, given to the papers' layer at start-up (``documents.access``).

Papers are seen through the receipts and files they are on: ``workspace.access`` states who
may see and change them, and this module hands that rule down, with where a paper is."""

from __future__ import annotations

from documents.access import PaperRule
from documents.models import Paper
from workspace.access import (
    can_view_paper,
    paper_visibility,
    papers_seen,
    version_refusal,
    visible_files,
    visible_receipts,
)
from workspace.models import Enclosure


def places_of(*, user, paper: Paper) -> dict:
    """Where the paper is, as far as ``user`` may see: the files it is flagged on (with the
    flag) and the receipts it is a scan of. Two queries."""
    enclosures = list(
        Enclosure.objects.filter(paper=paper, file__in=visible_files(user))
        .select_related("file")
        .order_by("file_id", "position")
    )
    receipts = list(
        visible_receipts(user)
        .filter(papers=paper)
        .select_related("section__department")
        .order_by("pk")
    )
    return {"enclosures": enclosures, "receipts": receipts}


RULE = PaperRule(
    visibility=paper_visibility,
    can_view=can_view_paper,
    version_refusal=version_refusal,
    places=places_of,
    seen_among=papers_seen,
)
