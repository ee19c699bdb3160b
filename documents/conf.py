"""The documents app's limits, each overridable in settings (read at call time, so tests can
override them). The defaults suit a secretariat's scans and returns."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Largest file accepted, in bytes.
    "DAFTAR_PAPER_MAX_BYTES": 50 * 1024 * 1024,
    # Most pages in one PDF (or frames in one TIFF).
    "DAFTAR_PAPER_MAX_PAGES": 1000,
    # Largest image, in pixels (an A3 page at 600 dpi is about 70 million).
    "DAFTAR_IMAGE_MAX_PIXELS": 80_000_000,
    # A DOCX/XLSX/ODT/ODS unpacked may be at most this big ...
    "DAFTAR_ZIP_MAX_UNPACKED_BYTES": 250 * 1024 * 1024,
    # ... hold at most this many parts ...
    "DAFTAR_ZIP_MAX_MEMBERS": 5000,
    # ... and no part may expand more than this many times (above 1 MB).
    "DAFTAR_ZIP_MAX_RATIO": 200,
    # An XLSX part that openpyxl reads whole (shared strings, styles, workbook: everything but
    # the worksheets, which it streams) may unpack to at most this: it holds each string as a
    # Python object, a few times the XML's size in memory.
    "DAFTAR_XLSX_MAX_WHOLE_PART_BYTES": 16 * 1024 * 1024,
    # Images combined into one PDF at once.
    "DAFTAR_SCANS_MAX_IMAGES": 200,
    # Extracted text kept per version (characters); the rest is not indexed.
    "DAFTAR_TEXT_MAX_CHARS": 5_000_000,
    # Pages of one version read by OCR (a scan's frames, a PDF's image-only pages); the rest
    # are not (Tesseract takes a few seconds a page).
    "DAFTAR_OCR_MAX_PAGES": 100,
    # Presigned S3 download links live this long (seconds); never more than 60.
    "DAFTAR_DOWNLOAD_URL_SECONDS": 60,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
