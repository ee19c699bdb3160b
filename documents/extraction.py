"""Text and thumbnails from stored versions, off the request path (``documents.tasks``).

Everything reads from a temporary file, never the whole object in memory, and PDFs are read
page by page, so a 500-page PDF is extracted in bounded memory. PDF text comes from PDFium
(pypdfium2: about five times pypdf's speed) except on pages with right-to-left script:
PDFium returns Urdu and Arabic set by a shaping engine (HarfBuzz in Chromium, WeasyPrint,
LibreOffice) in visual order, words run together, and letters whose glyphs it cannot map
as stray Greek and modifier characters (``حَبيبي habibi`` read as ``habibi حَيبيب`` or
``ϲΒϴΒ``), while pypdf follows the font's ToUnicode map and the content stream's order and
reads them right (though it gives a mixed line's words in visual order). So a page whose
PDFium text holds any right-to-left character, or the stray characters, is read again with
pypdf, and PDFium's reading is kept only when both found the same words; pypdf is also the
fallback. PDFs reach this point only after pypdf has opened and checked them.
Text is NFKC-normalised so that shaped Urdu (presentation forms) and ligatures are searchable
as ordinary letters.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from documents import ocr, storage
from documents.conf import limit
from documents.intake import types
from documents.intake.pdf_checks import open_pdf

logger = logging.getLogger("daftar.documents")

PAGE_BREAK = "\f"
# Drop pypdf's cache of parsed objects every so many pages.
_CACHE_SPAN = 25


@dataclass
class Extracted:
    text: str | None  # None: this type has no text to extract (a scanned image)
    page_count: int | None


# PDFium is not thread-safe: two threads inside it at once crash the process (seen under a
# threaded test, and it would be the same under a threaded server or worker). Every call into
# pypdfium2 holds this lock.
PDFIUM = threading.RLock()


def local_copy(name: str):
    """The stored object copied into a temporary file (spooled to disk when big)."""
    copy = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    with storage.open_object(name) as source:
        shutil.copyfileobj(source, copy, 1024 * 1024)
    copy.seek(0)
    return copy


def pdf_pages(stream) -> Iterator[str]:
    try:
        import pypdfium2
    except ImportError:  # pragma: no cover - pypdfium2 is a dependency; pypdf still works
        yield from pdf_pages_pypdf(stream)
        return
    reader = None
    with PDFIUM:
        pages = list(_pdfium_pages(pypdfium2, stream))
    for index, text in enumerate(pages):
        if needs_pypdf(text):
            if reader is None:
                stream.seek(0)
                reader = open_pdf(stream)
            text = _agreed(text, _pypdf_page(reader, index))
        yield text


# Right-to-left letters (bidi classes R and AL), and what PDFium makes of Arabic glyphs it
# cannot map: Greek and Coptic (U+0370-U+03FF) and spacing modifier letters (U+02B0-U+02FF).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u02b0-\u02ff\u0370-\u03ff]")


def needs_pypdf(text: str) -> bool:
    """Whether PDFium's text of a page may have right-to-left script out of order."""
    return bool(_RTL.search(text))


def _words(text: str) -> list[str]:
    return sorted(unicodedata.normalize("NFKC", text).split())


def _agreed(pdfium: str, pypdf: str) -> str:
    """PDFium's reading when pypdf found the same words (its order is the logical one in a
    mixed line), else pypdf's."""
    return pdfium if _words(pdfium) == _words(pypdf) else pypdf


def _pypdf_page(reader, index: int) -> str:
    try:
        return reader.pages[index].extract_text() or ""
    except Exception:  # one bad page must not lose the rest
        logger.warning("Text of page %d could not be extracted", index + 1, exc_info=True)
        return ""


def _pdfium_pages(pypdfium2, stream) -> Iterator[str]:
    document = pypdfium2.PdfDocument(stream)
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    yield textpage.get_text_bounded().replace("\r\n", "\n")
                finally:
                    textpage.close()
            except pypdfium2.PdfiumError:
                logger.warning("Text of page %d could not be extracted", index + 1)
                yield ""
            finally:
                page.close()
    finally:
        document.close()


def pdf_pages_pypdf(stream) -> Iterator[str]:
    reader = open_pdf(stream)
    for index in range(len(reader.pages)):
        yield _pypdf_page(reader, index)
        if index % _CACHE_SPAN == _CACHE_SPAN - 1:
            reader.resolved_objects.clear()


def extract_pdf(stream) -> Extracted:
    max_chars = limit("DAFTAR_TEXT_MAX_CHARS")
    pages, total = [], 0
    for text in pdf_pages(stream):
        if total < max_chars:
            text = text[: max_chars - total]
            pages.append(text)
            total += len(text)
        else:
            pages.append("")
    return Extracted(PAGE_BREAK.join(pages), len(pages))


def _xml_text(archive: zipfile.ZipFile, name: str, paragraph_tags: set[str]) -> str:
    """Text of one XML part, streamed paragraph by paragraph (memory stays small)."""
    out: list[str] = []
    with archive.open(name) as part:
        # Safe to parse: intake refused any part with a DOCTYPE or ENTITY declaration.
        for _event, element in ElementTree.iterparse(part, events=("end",)):  # noqa: S314
            if element.tag.rsplit("}", 1)[-1] in paragraph_tags:
                out.append("".join(element.itertext()))
                out.append("\n")
                element.clear()
    return "".join(out)


def extract_docx(stream) -> Extracted:
    with zipfile.ZipFile(stream) as archive:
        return Extracted(_xml_text(archive, "word/document.xml", {"p"}), None)


def extract_odf(stream) -> Extracted:
    with zipfile.ZipFile(stream) as archive:
        return Extracted(_xml_text(archive, "content.xml", {"p", "h"}), None)


def extract_xlsx(stream) -> Extracted:
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    lines, total, max_chars = [], 0, limit("DAFTAR_TEXT_MAX_CHARS")
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join("" if v is None else str(v) for v in row).rstrip("\t")
                if line:
                    lines.append(line)
                    total += len(line)
                if total > max_chars:
                    break
    finally:
        workbook.close()
    return Extracted("\n".join(lines), len(workbook.sheetnames))


def extract_csv(stream) -> Extracted:
    text = stream.read().decode("utf-8-sig", "replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    return Extracted("\n".join("\t".join(row) for row in rows), None)


def extract_image(stream) -> Extracted:
    from PIL import Image

    image = Image.open(stream)
    return Extracted(None, getattr(image, "n_frames", 1))


EXTRACTORS = {
    types.PDF: extract_pdf,
    types.DOCX: extract_docx,
    types.XLSX: extract_xlsx,
    types.ODT: extract_odf,
    types.ODS: extract_odf,
    types.CSV: extract_csv,
    types.PNG: extract_image,
    types.JPEG: extract_image,
    types.TIFF: extract_image,
}


def extract(version) -> Extracted:
    with local_copy(version.storage_name) as stream:
        result = EXTRACTORS[version.mime_type](stream)
    if result.text is not None:
        text = unicodedata.normalize("NFKC", result.text).replace("\x00", "")
        result.text = text[: limit("DAFTAR_TEXT_MAX_CHARS")]
    return result


# --- OCR ---------------------------------------------------------------------------------

OCR_TYPES = (types.PDF, types.PNG, types.JPEG, types.TIFF)


# A page with less text than this and an image on it is a scan (perhaps with a stamp drawn
# over it): its words are in the image.
SCAN_TEXT_CHARS = 100


def pages_needing_ocr(version, result: Extracted) -> list[int]:
    """The pages (0-based) whose words are only in an image: every frame of a scanned image,
    and the pages of a PDF that hold an image and (almost) no text of their own, such as a
    scan or a stamped scan. At most ``DAFTAR_OCR_MAX_PAGES``."""
    if version.mime_type not in OCR_TYPES:
        return []
    if result.text is None:
        return list(range(result.page_count or 1))[: limit("DAFTAR_OCR_MAX_PAGES")]
    candidates = [
        i
        for i, text in enumerate(result.text.split(PAGE_BREAK))
        if len(text.strip()) < SCAN_TEXT_CHARS
    ]
    if not candidates:
        return []
    return _with_images(version, candidates)[: limit("DAFTAR_OCR_MAX_PAGES")]


def _with_images(version, pages: list[int]) -> list[int]:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    found = []
    with local_copy(version.storage_name) as stream, PDFIUM:
        document = pypdfium2.PdfDocument(stream)
        try:
            for index in pages:
                page = document[index]
                try:
                    images = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
                    if next(iter(images), None) is not None:
                        found.append(index)
                finally:
                    page.close()
        finally:
            document.close()
    return found


def _page_images(version, stream, pages: list[int]):
    from PIL import Image

    if version.mime_type == types.PDF:
        import pypdfium2

        with PDFIUM:
            document = pypdfium2.PdfDocument(stream)
            try:
                for index in pages:
                    page = document[index]
                    try:
                        scale = ocr.RENDER_DPI / 72
                        image = page.render(scale=scale, grayscale=True).to_pil()
                        image.info["dpi"] = (ocr.RENDER_DPI, ocr.RENDER_DPI)
                    finally:
                        page.close()
                    yield index, image
            finally:
                document.close()
        return
    image = Image.open(stream)
    for index in pages:
        image.seek(index)
        yield index, image.copy()


def ocr_text(version, result: Extracted, pages: list[int]):
    """The version's text with its image-only pages read by OCR: (text, OcrResult)."""

    texts = (result.text or "").split(PAGE_BREAK) if result.text is not None else []
    count = max(result.page_count or 0, len(texts), (max(pages) + 1) if pages else 0)
    texts += [""] * (count - len(texts))
    with local_copy(version.storage_name) as stream:
        read = {}
        confidences: list[float] = []
        for index, image in _page_images(version, stream, pages):
            page = ocr.read_image(image)
            read[index] = page.text
            confidences.extend(page.confidences)
    for index, text in read.items():
        texts[index] = text
    text = unicodedata.normalize("NFKC", PAGE_BREAK.join(texts)).replace("\x00", "")
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    found = any(t.strip() for t in read.values())
    return text[: limit("DAFTAR_TEXT_MAX_CHARS")], ocr.OcrResult(
        PAGE_BREAK.join(read.values()) if found else "", mean, len(read)
    )


# --- thumbnails ---------------------------------------------------------------------------

THUMBNAIL_PX = 320


def thumbnail(version) -> bytes | None:
    """A small JPEG of the first page (a scan, or a PDF's first page rendered by PDFium).
    Office files and tables have none."""
    from PIL import Image

    with local_copy(version.storage_name) as stream:
        if version.mime_type in (types.PNG, types.JPEG, types.TIFF):
            image = Image.open(stream)
            image.seek(0)
        elif version.mime_type == types.PDF:
            import pypdfium2

            with PDFIUM:
                document = pypdfium2.PdfDocument(stream)
                try:
                    page = document[0]
                    scale = THUMBNAIL_PX / max(page.get_width(), 1)
                    image = page.render(scale=scale).to_pil()
                    page.close()
                finally:
                    document.close()
        else:
            return None
        image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX * 2))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80)
        return out.getvalue()
