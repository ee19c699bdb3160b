"""DOCX, XLSX, ODT and ODS are ZIP containers: unpacked (into nothing) under limits before
they are accepted, so a zip bomb, an encrypted or macro-carrying document, an XML entity bomb
or a plain ZIP renamed ``.docx`` is refused with its own message.

Every parser of these files (openpyxl, the text extraction) runs only on a file that passed
here, so what it reads is bounded: the whole file by ``DAFTAR_ZIP_MAX_UNPACKED_BYTES``, and
each XLSX part that openpyxl reads whole (all but the worksheets, which it streams) by
``DAFTAR_XLSX_MAX_WHOLE_PART_BYTES``. zipfile never unpacks a part past its declared size, so
the declared sizes, checked first, bound the real ones. A caller with smaller files (the CGU's
returns) passes tighter limits."""

from __future__ import annotations

import zipfile
import zlib

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from documents.conf import limit
from documents.intake import types
from documents.intake.base import Intake
from kernel.errors import ValidationError

# The part each format cannot do without.
REQUIRED_PART = {
    types.DOCX: "word/document.xml",
    types.XLSX: "xl/workbook.xml",
    types.ODT: "content.xml",
    types.ODS: "content.xml",
}


def _is_macro_part(name: str) -> bool:
    """VBA projects and ActiveX controls (OOXML), Basic and script libraries (ODF)."""
    name = name.lower()
    return (
        name.endswith(("vbaproject.bin", "vbadata.xml"))
        or name.startswith(("basic/", "scripts/"))
        or "/activex/" in name
    )


ONE_MB = 1024 * 1024


def _damaged() -> ValidationError:
    return ValidationError(
        _(
            "The document is damaged and cannot be opened. Open it in Word, Excel or "
            "LibreOffice, save it again and upload the new file."
        ),
        code="office_damaged",
    )


def _bomb(max_unpacked: int | None = None) -> ValidationError:
    return ValidationError(
        _(
            "This file unpacks to far more than its size (more than %(limit)s), as a 'zip "
            "bomb' does. It has been refused. If it is a genuine document, save it again as "
            "PDF and upload that."
        )
        % {"limit": filesizeformat(max_unpacked or limit("DAFTAR_ZIP_MAX_UNPACKED_BYTES"))},
        code="zip_bomb",
    )


def read_whole(mime: str, name: str) -> bool:
    """Is this part one a parser reads whole into memory (an XLSX's all but worksheets)?"""
    return mime == types.XLSX and not name.startswith("xl/worksheets/")


def check_office(
    intake: Intake, *, max_unpacked: int | None = None, max_whole_part: int | None = None
) -> None:
    """Refuse ``intake`` unless it is a genuine office file within the limits (the settings',
    or the tighter ``max_unpacked`` and ``max_whole_part`` given)."""
    try:
        with zipfile.ZipFile(intake.stream) as archive:
            _check_archive(
                intake,
                archive,
                max_unpacked=min(max_unpacked or 2**62, limit("DAFTAR_ZIP_MAX_UNPACKED_BYTES")),
                max_whole_part=min(
                    max_whole_part or 2**62, limit("DAFTAR_XLSX_MAX_WHOLE_PART_BYTES")
                ),
            )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
        raise _damaged()
    finally:
        intake.stream.seek(0)


def _check_archive(
    intake: Intake, archive: zipfile.ZipFile, *, max_unpacked: int, max_whole_part: int
) -> None:
    members = archive.infolist()
    if len(members) > limit("DAFTAR_ZIP_MAX_MEMBERS"):
        raise _bomb(max_unpacked)
    max_ratio = limit("DAFTAR_ZIP_MAX_RATIO")
    declared = 0
    for member in members:
        declared += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if declared > max_unpacked or (member.file_size > ONE_MB and ratio > max_ratio):
            raise _bomb(max_unpacked)
        if member.file_size > max_whole_part and read_whole(intake.mime, member.filename):
            raise _bomb(max_whole_part)
        if member.flag_bits & 0x1:
            raise ValidationError(
                _(
                    "The document is protected with a password. Remove the password (save an "
                    "unprotected copy) and upload that."
                ),
                code="office_encrypted",
            )
        if _is_macro_part(member.filename):
            raise ValidationError(
                _(
                    "The document contains macros (program code). Save it as a plain DOCX, "
                    "XLSX, ODT or ODS without macros, or as PDF, and upload that."
                ),
                code="office_macros",
            )
    names = {m.filename for m in members}
    genuine = REQUIRED_PART[intake.mime] in names
    if genuine and intake.mime in (types.ODT, types.ODS):
        genuine = "mimetype" in names
        if genuine:
            with archive.open("mimetype") as part:
                genuine = part.read(200).decode("ascii", "replace").strip() == intake.mime
    if not genuine:
        raise ValidationError(
            _(
                "The file looks like a %(type)s from the outside but is not a real one inside. "
                "Open it in its program, save it again and upload the new file."
            )
            % {"type": types.ACCEPTED[intake.mime].label},
            code="office_structure",
        )
    # Declared sizes can lie: unpack every part for real, counting, and stop at the limit.
    # zipfile stops each part at its declared size and checks its CRC.
    unpacked = 0
    for member in members:
        if member.is_dir():
            continue
        with archive.open(member) as part:
            first = True
            while chunk := part.read(64 * 1024):
                if first and member.filename.lower().endswith((".xml", ".rels")):
                    head = chunk[:4096].upper()
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ValidationError(
                            _(
                                "The document contains XML entity declarations, which real "
                                "office documents never use and attacks do. Save it again in "
                                "its program and upload the new file."
                            ),
                            code="office_xml_entities",
                        )
                first = False
                unpacked += len(chunk)
                if unpacked > max_unpacked:
                    raise _bomb(max_unpacked)
