"""The allow-list: which types Daftar accepts, decided from the bytes by libmagic.

A file's name and the browser's content type are never consulted; the extension Daftar stores
and hands back comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
CSV = "text/csv"


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str
    family: str  # pdf | image | office | csv: which content checks run
    label: object  # lazy, for messages
    office_only: bool = False  # only for drafts and KPI returns


ACCEPTED: dict[str, FileType] = {
    t.mime: t
    for t in [
        FileType(PDF, ".pdf", "pdf", _("PDF")),
        FileType(PNG, ".png", "image", _("PNG image")),
        FileType(JPEG, ".jpg", "image", _("JPEG image")),
        FileType(TIFF, ".tif", "image", _("TIFF image")),
        FileType(DOCX, ".docx", "office", _("Word document (DOCX)"), office_only=True),
        FileType(XLSX, ".xlsx", "office", _("Excel workbook (XLSX)"), office_only=True),
        FileType(ODT, ".odt", "office", _("OpenDocument text (ODT)"), office_only=True),
        FileType(ODS, ".ods", "office", _("OpenDocument spreadsheet (ODS)"), office_only=True),
        FileType(CSV, ".csv", "csv", _("CSV table"), office_only=True),
    ]
}

# Kinds of paper that may be office documents or tables (drafts and returns are worked on);
# everything else is a record and must be a PDF or a scanned image.
OFFICE_KINDS = {"draft", "kpi_return"}

# Types refused with a message of their own, because a clerk may well meet them.
EXECUTABLES = {
    "application/x-dosexec",
    "application/vnd.microsoft.portable-executable",
    "application/x-msdownload",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-pie-executable",
    "application/x-mach-binary",
    "application/x-elf",
    "application/java-archive",
    "application/x-java-applet",
    "application/x-msi",
    "application/x-ms-shortcut",
    "text/x-shellscript",
    "text/x-python",
    "text/x-perl",
    "text/x-php",
    "text/x-msdos-batch",
    "application/javascript",
    "text/javascript",
}
WEB_PAGES = {"text/html", "application/xhtml+xml"}
SVG = {"image/svg+xml"}
ARCHIVES = {
    "application/zip",
    "application/x-rar",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-gzip",
    "application/x-bzip2",
    "application/x-xz",
    "application/x-tar",
}
OLD_OFFICE = {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-office",
    "application/CDFV2",
    "application/x-ole-storage",
    "application/vnd.ms-word.document.macroEnabled.12",
    "application/vnd.ms-excel.sheet.macroEnabled.12",
}


def extension_for(mime: str) -> str:
    file_type = ACCEPTED.get(mime)
    return file_type.extension if file_type else ""


def accepted_labels(kind: str) -> str:
    """The accepted types for a kind of paper, for messages ("PDF, PNG image, …")."""
    return ", ".join(
        str(t.label) for t in ACCEPTED.values() if kind in OFFICE_KINDS or not t.office_only
    )
