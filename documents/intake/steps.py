"""The intake steps, in the order ``documents.intake.STEPS`` runs them."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
import uuid
import zipfile

import magic
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.conf import limit
from documents.intake import csv_checks, image_checks, pdf_checks, types, zip_checks
from documents.intake.base import Intake
from kernel.errors import ValidationError

SNIFF_BYTES = 256 * 1024


def check_size(intake: Intake) -> None:
    """Measure the bytes themselves (not what the browser claimed) against the limit."""
    intake.stream.seek(0, 2)
    intake.size = intake.stream.tell()
    intake.stream.seek(0)
    if intake.size == 0:
        raise ValidationError(
            _(
                "The file is empty (0 bytes). Choose the file again; if it came from the "
                "scanner, scan the paper again."
            ),
            code="empty",
        )
    max_bytes = limit("DAFTAR_PAPER_MAX_BYTES")
    if intake.size > max_bytes:
        raise ValidationError(
            _(
                "The file is %(size)s; a paper can be at most %(limit)s. Scan it at 200 or 300 "
                "dpi in black and white or greyscale, or split it into parts."
            )
            % {"size": filesizeformat(intake.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )


def sniff_type(intake: Intake) -> None:
    """Decide the type from the content with libmagic, against the allow-list."""
    head = intake.head(SNIFF_BYTES)
    mime = magic.from_buffer(head, mime=True)
    if mime == "text/plain" and intake.kind in types.OFFICE_KINDS and _looks_like_csv(head):
        # libmagic calls a short table plain text; a consistent grid of columns is a table.
        mime = types.CSV
    if mime in types.EXECUTABLES:
        raise ValidationError(
            _(
                "This file is a computer program or script, not a paper, whatever its name "
                "says. It has been refused. If you expected a letter, ask the sender for a PDF."
            ),
            code="executable",
        )
    if mime in types.WEB_PAGES:
        raise ValidationError(
            _(
                "This file is a web page (HTML), which can carry scripts. Open it in a browser, "
                "print it to PDF and upload the PDF."
            ),
            code="html",
        )
    if mime in types.SVG:
        raise ValidationError(
            _(
                "This file is an SVG drawing, which can carry scripts. Export it as PNG or PDF "
                "and upload that."
            ),
            code="svg",
        )
    if mime in types.ARCHIVES:
        raise ValidationError(
            _(
                "This file is a compressed archive (ZIP or similar). Unpack it and upload the "
                "papers inside one by one."
            ),
            code="archive",
        )
    if mime in types.OLD_OFFICE:
        raise ValidationError(
            _(
                "This is an old-format or macro-enabled Office file (DOC, XLS, DOCM, XLSM), "
                "which can carry macros. Save it as DOCX, XLSX or PDF and upload that."
            ),
            code="old_office",
        )
    file_type = types.ACCEPTED.get(mime)
    if file_type is None:
        raise ValidationError(
            _("Daftar does not accept this kind of file (%(type)s). It accepts: %(accepted)s.")
            % {"type": mime, "accepted": types.accepted_labels(intake.kind)},
            code="type_not_accepted",
        )
    if file_type.office_only and intake.kind not in types.OFFICE_KINDS:
        raise ValidationError(
            _(
                "A %(type)s is accepted only as a draft or a KPI return. For this paper upload "
                "a PDF or a scanned image (PNG, JPEG or TIFF)."
            )
            % {"type": file_type.label},
            code="type_not_for_kind",
        )
    intake.mime = mime
    intake.extension = file_type.extension


def _looks_like_csv(head: bytes) -> bool:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(head) == SNIFF_BYTES:
        lines = lines[:-1]  # the last line may be cut off
    if len(lines) < 2:
        return False
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(lines, dialect)}
    return len(widths) == 1 and widths.pop() >= 2


# Bidirectional controls can make "invoice\u202efdp.exe" display as "invoiceexe.pdf".
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_display_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _BIDI_CONTROLS.sub("", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    name = " ".join(name.split()).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "paper"


def name_safely(intake: Intake) -> None:
    """The stored name is ours (random, with the sniffed extension); the uploader's name is
    kept, cleaned, for display only."""
    intake.display_name = clean_display_name(intake.original_name)
    now = timezone.now()
    intake.storage_name = f"papers/{now:%Y/%m}/{uuid.uuid4().hex}{intake.extension}"


def hash_received(intake: Intake) -> None:
    digest = hashlib.sha256()
    for chunk in intake.chunks():
        digest.update(chunk)
    intake.received_sha256 = intake.sha256 = digest.hexdigest()


def refuse_polyglot(intake: Intake) -> None:
    """A PDF, image or CSV that is also a readable ZIP archive hides a second file."""
    try:
        with zipfile.ZipFile(intake.stream) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    finally:
        intake.stream.seek(0)
    if members:
        raise ValidationError(
            _(
                "This file is a %(type)s and a ZIP archive at the same time, a trick used to "
                "smuggle hidden files. Print or export it again to a new file and upload that."
            )
            % {"type": types.ACCEPTED[intake.mime].label},
            code="polyglot",
        )


def check_content(intake: Intake) -> None:
    """The checks for the sniffed type: each opens the file the way a reader would."""

    family = types.ACCEPTED[intake.mime].family
    if family != "office":
        refuse_polyglot(intake)
    {
        "pdf": pdf_checks.check_pdf,
        "image": image_checks.check_image,
        "office": zip_checks.check_office,
        "csv": csv_checks.check_csv,
    }[family](intake)
