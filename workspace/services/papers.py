"""Bringing uploaded papers onto receipts and files without orphans.

Uploads go through the documents pipeline first, each in its own transaction (the object is
stored, then its rows). If the desk action that uses them then fails, the papers are
discarded again, so no stored object outlives a rolled-back action."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from documents import services as documents
from kernel.errors import ActionRefused

logger = logging.getLogger("daftar.desk")


@contextmanager
def uploaded(*, actor, uploads, kind: str, title: str = ""):
    """Yield the new PaperVersions for ``uploads``; discard them if the block fails."""
    versions = []
    try:
        for upload in uploads:
            versions.append(
                documents.paper_upload(actor=actor, upload=upload, kind=kind, title=title)
            )
        yield versions
    except BaseException:
        for version in versions:
            try:
                documents.paper_discard(actor=actor, paper=version.paper)
            except Exception:  # keep the original error; documents_verify reports leftovers
                logger.exception(
                    "Could not discard paper %s after a failed action", version.paper_id
                )
        raise


def stamp_quietly(*, actor, version, text: str) -> None:
    """Stamp a diary number or flag label on a PDF or scan; other kinds are left as they are.
    A failed stamp never undoes the desk action it follows — it is logged."""
    try:
        documents.paper_stamp(actor=actor, version=version, text=text)
    except ActionRefused:
        return  # not a PDF or a scan: nothing to stamp on
    except Exception:
        logger.exception("Could not stamp paper version %s", version.pk)


def freeze_all(*, actor, paper_ids, reason: str) -> None:
    """Make papers immutable (part of an approved note or an issued letter): together, in
    queries that do not grow with them (``documents.papers_freeze``; a ``paper_freeze`` each
    cost a dozen). Papers frozen already are left as they are."""
    documents.papers_freeze(actor=actor, paper_ids=paper_ids, reason=reason)
