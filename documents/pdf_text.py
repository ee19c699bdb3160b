"""Writing mixed Urdu and English lines with reportlab, which has no shaping engine.

Urdu is shaped with ``arabic_reshaper`` (letters take their joined forms from Unicode's
presentation-form blocks) and put in display order with ``python-bidi``; each line is then
drawn as runs: Arabic-script runs in Noto Naskh Arabic (shipped in ``static/fonts``), the rest
in Helvetica. A PDF text extractor reads the glyphs back as the shaped characters in display
order; extractors put them back in reading order and ``logical_text()`` folds the forms
back into ordinary letters for search and tests.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

URDU, URDU_BOLD = "DaftarNaskh", "DaftarNaskh-Bold"
LATIN, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
FONT_FILES = {URDU: "NotoNaskhArabic-Regular.ttf", URDU_BOLD: "NotoNaskhArabic-Bold.ttf"}

_ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF))
_ARABIC_BLOCKS += ((0xFE70, 0xFEFF),)


def font_dir() -> Path:
    return Path(settings.BASE_DIR) / "static" / "fonts"


@cache
def register_fonts() -> None:
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_dir() / filename)))


@cache
def _urdu_glyphs() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(URDU).face.charToGlyph)


@cache
def _reshaper() -> arabic_reshaper.ArabicReshaper:
    """Use only the ligatures the font can draw (lam-alef and a few more in Naskh)."""
    glyphs = _urdu_glyphs()
    config = {"delete_harakat": False, "support_ligatures": True}
    for name, (_match, forms) in arabic_reshaper.ligatures.LIGATURES:
        config[name] = all(ord(ch) in glyphs for form in forms for ch in form)
    return arabic_reshaper.ArabicReshaper(configuration=config)


def is_arabic(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ARABIC_BLOCKS)


def is_rtl(text: str) -> bool:
    """The paragraph's direction, from its first strong character (as Unicode's UBA does)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def shape(text: str, *, rtl: bool | None = None) -> str:
    """Shaped, in display order (left to right, as it is drawn)."""
    rtl = is_rtl(text) if rtl is None else rtl
    if not any(is_arabic(ch) for ch in text):
        return text
    return get_display(_reshaper().reshape(text), base_dir="R" if rtl else "L")


def logical_text(extracted: str) -> str:
    """Ordinary Urdu from text read back out of a PDF. Extractors (pypdf, pdftotext) already
    return Arabic script in reading order; what is left is to fold the presentation forms
    back into letters (NFKC), which also makes the text searchable."""
    return unicodedata.normalize("NFKC", extracted)


@dataclass
class Run:
    text: str
    font: str


def runs(text: str, *, bold: bool = False, rtl: bool | None = None) -> list[Run]:
    """Split a line (already in display order) into runs drawable in one font each. Spaces,
    digits and punctuation stay with the run they are in when its font has them."""
    register_fonts()
    visual = shape(text, rtl=rtl)
    urdu, latin = (URDU_BOLD, LATIN_BOLD) if bold else (URDU, LATIN)
    glyphs = _urdu_glyphs()
    out: list[Run] = []
    for ch in visual:
        if is_arabic(ch):
            font = urdu
        elif out and out[-1].font == urdu and unicodedata.bidirectional(ch) not in ("L",):
            font = urdu if ord(ch) in glyphs else latin
        else:
            font = latin
        if out and out[-1].font == font:
            out[-1].text += ch
        else:
            out.append(Run(ch, font))
    return out


def width(line_runs: list[Run], size: float) -> float:
    return sum(pdfmetrics.stringWidth(r.text, r.font, size) for r in line_runs)


def draw(canvas, text: str, x: float, y: float, size: float, *, align: str = "left",
         bold: bool = False, rtl: bool | None = None) -> float:  # fmt: skip
    """Draw one line at baseline ``y``; ``align`` left/right/centre about ``x``. Drawn as one
    text object so extractors read it back as one line without inserted spaces."""
    line_runs = runs(text, bold=bold, rtl=rtl)
    w = width(line_runs, size)
    start = {"left": x, "right": x - w, "center": x - w / 2}[align]
    obj = canvas.beginText(start, y)
    for run in line_runs:
        obj.setFont(run.font, size)
        obj.textOut(run.text)
    canvas.drawText(obj)
    return w


def wrap(text: str, max_width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break a paragraph (logical order) into lines that fit, at spaces; each line is shaped
    on its own, so joins never cross a line break. Hard line breaks are kept."""
    lines: list[str] = []
    rtl = is_rtl(text)
    for part in text.splitlines() or [""]:
        words = part.split(" ")
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and width(runs(candidate, bold=bold, rtl=rtl), size) > max_width:
                lines.append(current)
                current = word
            else:
                current = candidate
            while width(runs(current, bold=bold, rtl=rtl), size) > max_width and len(current) > 1:
                # A single word longer than the line: break it.
                cut = len(current) - 1
                while cut > 1 and width(runs(current[:cut], bold=bold, rtl=rtl), size) > max_width:
                    cut -= 1
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines
