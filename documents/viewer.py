"""Pages of a paper as images, for the viewer beside the note sheet (and on a phone, in its own
screen). A PDF's page is rendered by PDFium to PNG; a scanned image is re-encoded to PNG at
the viewer's width (so nothing the uploader's file carried reaches the browser); office files
and tables have no pages here and are downloaded instead.

Opening a paper is audited once (``services.paper_open``), not once per page image: the
opening hands out a signed, short-lived pass for that user and version, and every page image
asks for it *and* checks again that the user may see the paper. Rendered pages are cached by
the version's hash (a version's bytes never change), so paging back and forth, or a second
officer reading the same letter, does not render again.
"""

from __future__ import annotations

import io

from django.core import signing
from django.core.cache import cache

from documents.extraction import PDFIUM, local_copy
from documents.intake import types

PAGE_PX = 1100  # wide enough for a sharp A4 page beside the note sheet, small enough for a phone
MAX_PAGES = 40  # a longer paper shows its first pages and offers the download for the rest
PASS_SECONDS = 30 * 60
_SALT = "documents.viewer.pass"
RENDERABLE = {types.PDF, types.PNG, types.JPEG, types.TIFF}


def can_show(version) -> bool:
    return version.mime_type in RENDERABLE


def page_count(version) -> int:
    """Pages of a version the viewer can show (1 for a scanned image; a PDF's as counted at
    intake, or counted now if it was not)."""
    if version.mime_type != types.PDF:
        return 1 if can_show(version) else 0
    if version.page_count:
        return version.page_count
    import pypdfium2

    with local_copy(version.storage_name) as stream, PDFIUM:
        document = pypdfium2.PdfDocument(stream)
        try:
            return len(document)
        finally:
            document.close()


def make_pass(*, user_id: int, version_id: int) -> str:
    return signing.dumps([user_id, version_id], salt=_SALT, compress=False)


def pass_is_valid(token: str, *, user_id: int, version_id: int) -> bool:
    try:
        value = signing.loads(token or "", salt=_SALT, max_age=PASS_SECONDS)
    except signing.BadSignature:
        return False
    return value == [user_id, version_id]


def page_png(version, number: int) -> bytes:
    """Page ``number`` (from 1) of ``version`` as PNG, PAGE_PX wide at most."""
    key = f"documents:viewer:v1:{version.sha256}:{number}:{PAGE_PX}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    from PIL import Image

    with local_copy(version.storage_name) as stream:
        if version.mime_type == types.PDF:
            import pypdfium2

            with PDFIUM:
                document = pypdfium2.PdfDocument(stream)
                try:
                    page = document[number - 1]
                    scale = PAGE_PX / max(page.get_width(), 1)
                    image = page.render(scale=min(scale, 4)).to_pil()
                    page.close()
                finally:
                    document.close()
        else:
            image = Image.open(stream)
            image.seek(0)
            image.thumbnail((PAGE_PX, PAGE_PX * 3))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
    data = out.getvalue()
    cache.set(key, data, 60 * 60)
    return data
