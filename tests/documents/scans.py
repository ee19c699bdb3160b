"""Scanned pages drawn with Pillow for the OCR tests: English in Pillow's own font, Urdu in
the shipped Noto Naskh Arabic, shaped right to left by Raqm (HarfBuzz), at about 300 dpi."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

ENGLISH = "Release of funds for the Swat bridge"
URDU = "یہ خط محکمہ خزانہ کا ہے"
A4_300DPI = (2480, 3508)


def scan_image(lines=(ENGLISH, URDU), size=A4_300DPI) -> Image.Image:
    naskh = Path(settings.BASE_DIR) / "static" / "fonts" / "NotoNaskhArabic-Regular.ttf"
    urdu_font = ImageFont.truetype(str(naskh), 60)  # 14 pt at 300 dpi
    latin_font = ImageFont.load_default(size=50)  # 12 pt
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    for number, line in enumerate(lines):
        y = 900 + 160 * number  # below where a diary stamp goes (top right)
        if any("\u0600" <= ch <= "\u06ff" for ch in line):
            draw.text((size[0] - 200, y), line, font=urdu_font, fill=0, anchor="ra",
                      direction="rtl", language="ur")  # fmt: skip
        else:
            draw.text((200, y), line, font=latin_font, fill=0)
    return page


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def blank_scan() -> bytes:
    return png(Image.new("L", A4_300DPI, 255))
