"""Background work on a stored version (django-tasks; inline unless a worker runs).

``extract_text`` is enqueued when an upload commits: it stores the text and page count,
makes a thumbnail, and tells the search app, which indexes the files the paper is on.
The version and its object are already safe when this runs: if extraction crashes the version
is marked ``failed`` and stays downloadable; nothing is deleted.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from documents import extraction, ocr, signals, storage
from documents.intake import spooled
from documents.models import PaperText, PaperVersion

logger = logging.getLogger("daftar.documents")


@task()
def extract_text(version_id: int) -> str:
    """Extract text, page count and a thumbnail for one version; returns the text status.
    Pages that are only an image (a scan, an image-only PDF) are read by OCR when Tesseract
    is installed (``documents.ocr``); what OCR reads is the version's text record, with its
    confidence, and the scan itself is never changed."""
    version = PaperVersion.objects.filter(pk=version_id).first()
    if version is None:  # discarded before the worker got to it
        return "gone"
    make_thumbnail(version)
    read_by_ocr = None
    try:
        result = extraction.extract(version)
        pages = extraction.pages_needing_ocr(version, result) if ocr.available() else []
        if pages:
            result.text, read_by_ocr = extraction.ocr_text(version, result, pages)
    except Exception:
        logger.exception("Text extraction failed for paper version %s", version_id)
        version.text_status = PaperVersion.TextStatus.FAILED
        version.save(update_fields=["text_status"])
        raise
    if read_by_ocr is not None and not result.text.replace(extraction.PAGE_BREAK, "").strip():
        result.text = None  # OCR found no word on any page, and the file had none either
    with transaction.atomic():
        fields = ["text_status"]
        if result.page_count is not None and version.page_count != result.page_count:
            version.page_count = result.page_count
            fields.append("page_count")
        if result.text is None:
            version.text_status = (
                PaperVersion.TextStatus.NONE
                if read_by_ocr is None
                else PaperVersion.TextStatus.BLANK
            )
        else:
            PaperText.objects.update_or_create(
                version=version,
                defaults={
                    "content": result.text,
                    "extracted_at": timezone.now(),
                    "ocr_pages": read_by_ocr.pages if read_by_ocr else 0,
                    "ocr_confidence": read_by_ocr.confidence if read_by_ocr else None,
                },
            )
            version.text_status = PaperVersion.TextStatus.DONE
        version.save(update_fields=fields)
    if result.text is not None:
        signals.paper_text_stored.send(sender=PaperVersion, version_id=version.pk)
    return version.text_status


def make_thumbnail(version: PaperVersion) -> str:
    """Store a thumbnail object and point the version at it, compensating as uploads do.
    A thumbnail is a convenience: failing to make one is logged, never raised."""
    if version.thumbnail_name:
        return version.thumbnail_name
    try:
        data = extraction.thumbnail(version)
    except Exception:
        logger.warning("No thumbnail for paper version %s", version.pk, exc_info=True)
        return ""
    if not data:
        return ""
    name = f"thumbnails/{version.created_at:%Y/%m}/{uuid.uuid4().hex}.jpg"
    try:
        name = storage.save_object(name, spooled(data), "image/jpeg")
    except Exception:
        logger.warning("Thumbnail of paper version %s not stored", version.pk, exc_info=True)
        return ""
    try:
        with transaction.atomic():
            version.thumbnail_name = name
            version.save(update_fields=["thumbnail_name"])
    except Exception:
        storage.delete_quietly(name)
        version.thumbnail_name = ""
        logger.warning("Thumbnail of paper version %s not recorded", version.pk, exc_info=True)
        return ""
    return name
