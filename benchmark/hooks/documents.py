"""Figures for the benchmark (not asserted in tests; timings belong to the benchmark).

    ./manage.py shell -c "from benchmark.hooks import documents; documents.run()"

- ``extraction_pages_per_second()``: pypdf text extraction over a generated text PDF
  (floor: 100 pages/s);
- ``upload_to_searchable_seconds()``: a generated 50-page text PDF through the whole intake,
  storage, rows, audit and the extraction task until its text is stored and handed to search
  (floor: 1 s). Runs in a transaction that is rolled back, and removes what it stored;
- ``ocr_pages_per_minute()``: pages of an image-only PDF (a generated A4 scan at 300 dpi
  with English and Urdu lines) rendered and read by Tesseract as the background task does,
  one worker; None when Tesseract or its Urdu data is not installed;
- ``peak_memory_500_pages()``: peak Python memory (tracemalloc) while a 500-page PDF is
  checked and extracted, next to the file's size, to show memory stays bounded.
"""

from __future__ import annotations

import io
import tempfile
import time
import tracemalloc
from collections.abc import Callable

from documents import ocr, pdf, storage
from documents.extraction import PDFIUM, extract_pdf
from documents.intake import from_upload
from documents.intake.pdf_checks import check_pdf
from documents.models import PaperText
from documents.services import paper_upload
from documents.tasks import extract_text

LINES_PER_PAGE = 40


def make_text_pdf(pages: int) -> bytes:
    """A text PDF like a typed letter: about 40 lines of prose per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    sentence = "The Finance Department releases funds to the Peshawar Development Authority"
    for page in range(1, pages + 1):
        c.setFont("Helvetica", 10)
        for line in range(LINES_PER_PAGE):
            c.drawString(50, 800 - line * 19, f"{page}.{line} {sentence} under head {line}.")
        c.showPage()
    c.save()
    return out.getvalue()


def make_scan_page():
    """An A4 page at 300 dpi as a scanner makes it: English and Urdu lines (the Urdu in the
    shipped Noto Naskh Arabic, shaped by Pillow's Raqm layout)."""
    from pathlib import Path

    from django.conf import settings
    from PIL import Image, ImageDraw, ImageFont

    naskh = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoNaskhArabic-Regular.ttf"
    urdu, latin = ImageFont.truetype(str(naskh), 60), ImageFont.load_default(size=50)
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    for line in range(12):
        y = 600 + line * 200
        draw.text((200, y), f"{line}. The Finance Department releases funds.", font=latin, fill=0)
        draw.text((2280, y + 100), "محکمہ خزانہ نے فنڈز جاری کر دیے", font=urdu, fill=0,
                  anchor="ra", direction="rtl", language="ur")  # fmt: skip
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(300, 300))
    out.seek(0)
    return out


def ocr_pages_per_minute(pages: int = 10) -> float | None:
    import pypdfium2

    if not ocr.available():
        return None
    data = pdf.images_to_pdf_bytes([make_scan_page() for _ in range(pages)])
    started = time.perf_counter()
    words = 0
    for index in range(pages):
        with PDFIUM:
            document = pypdfium2.PdfDocument(data)
            page = document[index]
            image = page.render(scale=ocr.RENDER_DPI / 72, grayscale=True).to_pil()
            page.close()
            document.close()
        image.info["dpi"] = (ocr.RENDER_DPI, ocr.RENDER_DPI)
        words += len(ocr.read_image(image).confidences)
    elapsed = time.perf_counter() - started
    assert words > 0, "OCR read nothing from the generated scan"
    return pages / elapsed * 60


def extraction_pages_per_second(pages: int = 200) -> float:
    data = make_text_pdf(pages)
    started = time.perf_counter()
    result = extract_pdf(io.BytesIO(data))
    elapsed = time.perf_counter() - started
    assert result.page_count == pages
    return pages / elapsed


def upload_to_searchable_seconds(pages: int = 50) -> float:
    """Seconds from ``paper_upload`` to the text stored and search told, inline."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    data = make_text_pdf(pages)
    stored: list[str] = []

    class _Rollback(Exception):
        pass

    elapsed = 0.0
    try:
        with transaction.atomic():
            user = get_user_model().objects.create(username=f"bench-{time.time_ns()}")
            started = time.perf_counter()
            version = paper_upload(
                actor=user,
                upload=SimpleUploadedFile("bench.pdf", data, "application/pdf"),
                kind="attachment",
            )
            stored.append(version.storage_name)
            extract_text.call(version.pk)  # what the on-commit hook enqueues
            assert PaperText.objects.filter(version=version).exists()
            elapsed = time.perf_counter() - started
            version.refresh_from_db()
            stored.append(version.thumbnail_name)
            raise _Rollback
    except _Rollback:
        pass
    finally:
        for name in stored:
            storage.delete_quietly(name)
    return elapsed


def peak_memory_500_pages(pages: int = 500) -> dict:
    """Peak traced memory of the intake check and of the extraction of a ``pages`` PDF read
    from a file, in MB, with the file's own size for scale."""

    data = make_text_pdf(pages)
    figures = {"pages": pages, "file_mb": round(len(data) / 2**20, 2)}
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        del data
        for label, work in (
            ("check_peak_mb", lambda: _check(handle, check_pdf, from_upload)),
            ("extract_peak_mb", lambda: extract_pdf(_rewound(handle))),
        ):
            rss_before = _reset_rss_peak()
            tracemalloc.start()
            started = time.perf_counter()
            work()
            figures[label.replace("peak_mb", "seconds")] = round(time.perf_counter() - started, 2)
            figures[label] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
            tracemalloc.stop()
            # PDFium allocates outside Python: the process's resident peak shows it.
            figures[label.replace("peak_mb", "rss_growth_mb")] = round(
                max(_rss_peak() - rss_before, 0) / 2**20, 1
            )
    return figures


def _rss_peak() -> int:
    """The process's resident-set high-water mark in bytes (Linux /proc, else getrusage)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_rss_peak() -> int:
    """Reset the high-water mark where Linux allows it; return the current mark."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    return _rss_peak()


def _rewound(handle):
    handle.seek(0)
    return handle


def _check(handle, check_pdf, from_upload):
    size = handle.seek(0, 2)
    intake = from_upload(_rewound(handle), kind="attachment")
    intake.size = size
    check_pdf(intake)
    return intake


def run(out: Callable[[str], None] = print, *, with_database: bool = True) -> dict:
    figures = {"extraction_pages_per_second": round(extraction_pages_per_second(), 1)}
    out(f"extraction: {figures['extraction_pages_per_second']} pages/s (floor 100)")
    if with_database:
        try:
            figures["upload_to_searchable_seconds"] = round(upload_to_searchable_seconds(), 3)
            out(
                f"50-page PDF upload to searchable: {figures['upload_to_searchable_seconds']} s "
                "(floor 1 s)"
            )
        except Exception as exc:  # e.g. an unmigrated database
            out(f"upload to searchable: skipped ({exc})")
    memory = peak_memory_500_pages()
    figures["memory_500_pages"] = memory
    out(
        f"500-page PDF ({memory['file_mb']} MB): check {memory['check_seconds']} s, Python peak "
        f"{memory['check_peak_mb']} MB, RSS growth {memory['check_rss_growth_mb']} MB; "
        f"extraction {memory['extract_seconds']} s, Python peak {memory['extract_peak_mb']} MB, "
        f"RSS growth {memory['extract_rss_growth_mb']} MB"
    )
    return figures
