"""A PDF is opened with pypdf before it is accepted.

Refused, each with its own message: truncated, malformed, encrypted, no pages, too many
pages, JavaScript (or XFA forms, which carry scripts), actions that launch programs, and
embedded files. Every indirect object is visited once, so a script hidden in an object stream
is found as well.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from documents.conf import limit
from documents.intake.base import Intake
from kernel.errors import ValidationError

logger = logging.getLogger("daftar.documents")

# Errors a damaged file can raise from inside pypdf's parser.
PARSE_ERRORS = (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError)
# Free the parsed-object cache every so many objects, so a big PDF is checked in bounded memory.
_CACHE_SPAN = 2000


class _Found(Exception):
    def __init__(self, what: str):
        self.what = what


def _malformed() -> ValidationError:
    return ValidationError(
        _(
            "The PDF is damaged and cannot be opened. Open it on your computer and save or "
            "print it again as a new PDF, or scan the paper again."
        ),
        code="pdf_malformed",
    )


def open_pdf(stream) -> PdfReader:
    """Open for reading, quieting pypdf's warnings about repairable damage."""
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        return PdfReader(stream, strict=False)
    finally:
        pypdf_logger.setLevel(level)


def check_pdf(intake: Intake) -> None:
    if b"%%EOF" not in intake.tail(2048):
        raise ValidationError(
            _(
                "The PDF is incomplete: it stops before its end, so the upload or the scan was "
                "cut off. Save or scan it again and upload the new file."
            ),
            code="pdf_truncated",
        )
    try:
        reader = open_pdf(intake.stream)
    except PARSE_ERRORS as exc:
        logger.info("PDF refused as malformed: %s", exc)
        raise _malformed()
    if reader.is_encrypted:
        raise ValidationError(
            _(
                "The PDF is protected with a password or encryption, so Daftar cannot read, "
                "stamp or index it. Ask the sender for an unprotected copy, or open it and "
                "print it to a new PDF."
            ),
            code="pdf_encrypted",
        )
    try:
        pages = len(reader.pages)
        _scan_objects(reader)
    except _Found as found:
        raise _active_content(found.what)
    except (*PARSE_ERRORS, RecursionError) as exc:
        logger.info("PDF refused as malformed: %s", exc)
        raise _malformed()
    finally:
        intake.stream.seek(0)
    if pages == 0:
        raise ValidationError(
            _("The PDF has no pages. Check that the right file was chosen."), code="pdf_no_pages"
        )
    max_pages = limit("DAFTAR_PAPER_MAX_PAGES")
    if pages > max_pages:
        raise ValidationError(
            _(
                "The PDF has %(pages)d pages; one paper can have at most %(limit)d. Split it "
                "into parts and upload each part."
            )
            % {"pages": pages, "limit": max_pages},
            code="too_many_pages",
        )
    intake.page_count = pages


def _active_content(what: str) -> ValidationError:
    if what == "javascript":
        return ValidationError(
            _(
                "The PDF contains JavaScript (program code that runs when it is opened). Print "
                "it to a new PDF, which drops the code, and upload that."
            ),
            code="pdf_javascript",
        )
    if what == "launch":
        return ValidationError(
            _(
                "The PDF contains an action that starts another program or opens another file. "
                "Print it to a new PDF and upload that."
            ),
            code="pdf_launch",
        )
    return ValidationError(
        _(
            "The PDF carries files embedded inside it. Upload each enclosure as a paper of its "
            "own, and the letter itself printed to a new PDF."
        ),
        code="pdf_embedded_file",
    )


def _indirect_references(reader: PdfReader):
    for generation, entries in reader.xref.items():
        for idnum in entries:
            yield IndirectObject(idnum, generation, reader)
    for idnum in reader.xref_objStm:
        yield IndirectObject(idnum, 0, reader)


def _scan_objects(reader: PdfReader) -> None:
    for seen, ref in enumerate(list(_indirect_references(reader)), start=1):
        _inspect(reader.get_object(ref), depth=0)
        if seen % _CACHE_SPAN == 0:
            reader.resolved_objects.clear()
    reader.resolved_objects.clear()


_JS = NameObject("/JavaScript")
_LAUNCH = NameObject("/Launch")
_EMBEDDED_TYPES = {NameObject("/EmbeddedFile"), NameObject("/RichMediaContent")}
_EMBEDDED_KEYS = {"/EmbeddedFiles", "/EF", "/RichMedia", "/RichMediaContent"}


def _inspect(obj, depth: int) -> None:
    """Look at one object and its direct (not indirect) children."""
    if depth > 32:
        return
    if isinstance(obj, DictionaryObject):  # streams are dictionaries too
        keys = set(obj.keys())
        if "/JS" in keys or "/JavaScript" in keys or "/XFA" in keys or obj.get("/S") == _JS:
            raise _Found("javascript")
        if obj.get("/S") == _LAUNCH:
            raise _Found("launch")
        if keys & _EMBEDDED_KEYS or obj.get("/Type") in _EMBEDDED_TYPES:
            raise _Found("embedded")
        for key, value in obj.items():
            if key in {"/Contents", "/Parent", "/Kids"}:
                continue
            if isinstance(value, (DictionaryObject, ArrayObject)):
                _inspect(value, depth + 1)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            if isinstance(value, (DictionaryObject, ArrayObject)):
                _inspect(value, depth + 1)
