"""Arabic-script PDFs made two ways, with the shipped Noto Naskh Arabic font:

- ``chromium_pdf``: HTML printed to PDF by headless Chromium, which shapes with HarfBuzz and
  embeds glyphs with a ToUnicode map, as browsers, WeasyPrint and office suites do. PDFium
  reads such pages in visual order with letters lost (the bug of issue 23);
- ``reportlab_pdf``: drawn by ``documents.pdf_text`` (presentation forms, display order).
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from reportlab.pdfgen import canvas

from documents import pdf_text

CHROMIUM = "/usr/bin/chromium"
LINES = ["حَبيبي habibi", "یہ خط محکمہ خزانہ کا ہے"]


def chromium_pdf(tmp_path: Path, lines=LINES) -> bytes:
    if not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's chromium (/usr/bin/chromium) to print an HTML page to PDF")
    font = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoNaskhArabic-Regular.ttf"
    paragraphs = "".join(f'<p dir="auto">{line}</p>' for line in lines)
    html = tmp_path / "urdu.html"
    html.write_text(
        '<html><head><meta charset="utf-8"><style>'
        f"@font-face{{font-family:Naskh;src:url({font.as_uri()})}}"
        "body{font-family:Naskh;font-size:24px}</style></head>"
        f"<body>{paragraphs}</body></html>",
        encoding="utf-8",
    )
    out = tmp_path / "urdu.pdf"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--print-to-pdf={out}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out.read_bytes()


def reportlab_pdf(lines=LINES) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for number, line in enumerate(lines):
        pdf_text.draw(page, line, 100, 700 - 40 * number, 14)
    page.showPage()
    page.save()
    return out.getvalue()
