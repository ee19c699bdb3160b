"""Text of scanned pages by OCR: Tesseract from Debian's packages (``tesseract-ocr`` with the
``eng`` and ``urd`` data), driven through pytesseract, in English and Urdu at once.

Called only from the background task (``documents.tasks.ocr_text``), never in a request. The
scan itself is never touched: what OCR reads is kept as the version's text record
(``PaperText`` with ``method="ocr"`` and the mean word confidence), not as a new version.

Why Tesseract directly and not OCRmyPDF: OCRmyPDF's purpose is a new, searchable PDF/A (a
rewritten file, with Ghostscript and a text layer); Daftar needs only the words and their
confidence, keeps the received file as it is, and must OCR PNG/JPEG/TIFF scans too.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from functools import cache

from django.conf import settings

logger = logging.getLogger("daftar.documents")

# Both languages in one pass: Tesseract picks per word from the models of both.
LANGUAGES = "urd+eng"
# Pages are read at this resolution. Tesseract's Urdu model missed whole lines of 14-17 pt
# Naskh at 300 dpi (its page layout took them for non-text) and read them at 450 dpi, so
# pages of less are enlarged to it with Lanczos resampling (about 1.3 times the time of 300
# dpi a page). PDF pages are rendered at 300 dpi and enlarged the same way: PDFium's own
# rendering at 450 dpi of a 300 dpi scan lost the Urdu lines again.
DPI = 450
RENDER_DPI = 300
# A scan whose resolution it does not say is taken as 300 dpi (what scanners default to).
ASSUMED_SCAN_DPI = 300
# Never enlarge a page beyond this many pixels (an A4 page at 450 dpi is about 19 million).
MAX_PIXELS = 40_000_000
# A word Tesseract is less sure of than this (0-100) is noise: specks, lines, stamps.
MIN_WORD_CONFIDENCE = 30


_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class OcrPage:
    text: str
    confidences: list[float]


@dataclass
class OcrResult:
    text: str  # pages separated by form feeds, as extracted text is
    confidence: float | None  # mean word confidence (0-100); None when no word was read
    pages: int

    @property
    def found_text(self) -> bool:
        return bool(self.text.replace("\f", "").strip())


def languages() -> str:
    return getattr(settings, "DAFTAR_OCR_LANGUAGES", LANGUAGES)


@cache
def missing() -> str:
    """Why OCR cannot run here ("" when it can): the program or a language's data absent."""
    if not shutil.which("tesseract"):
        return "tesseract is not installed (apt-get install tesseract-ocr)"
    import pytesseract

    try:
        have = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # a broken install
        return f"tesseract does not run: {exc}"
    lacking = [lang for lang in languages().split("+") if lang not in have]
    if lacking:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in lacking)
        return f"Tesseract has no data for {', '.join(lacking)} (apt-get install {packages})"
    return ""


def available() -> bool:
    return not missing()


def at_ocr_resolution(image):
    """The image enlarged to ``DPI`` when it was scanned at less (rendered PDF pages already
    are at ``DPI`` and say so)."""
    from PIL import Image

    dpi = image.info.get("dpi", (ASSUMED_SCAN_DPI,))[0] or ASSUMED_SCAN_DPI
    scale = min(DPI / float(dpi), (MAX_PIXELS / max(image.width * image.height, 1)) ** 0.5)
    if scale <= 1.05:
        return image
    size = (int(image.width * scale), int(image.height * scale))
    return image.resize(size, Image.Resampling.LANCZOS)


def read_image(image) -> OcrPage:
    """The words Tesseract finds on one page image, line by line, and their confidences."""
    import pytesseract

    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    image = at_ocr_resolution(image)
    data = pytesseract.image_to_data(
        image, lang=languages(), output_type=pytesseract.Output.DICT, config="--psm 3"
    )
    lines: dict[tuple, list[str]] = {}
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        # Tesseract marks right-to-left words with bidi controls; they are not letters.
        word = _BIDI_CONTROLS.sub("", word or "").strip()
        confidence = float(data["conf"][i])
        if not word or confidence < MIN_WORD_CONFIDENCE or not any(c.isalnum() for c in word):
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        confidences.append(confidence)
    return OcrPage("\n".join(" ".join(words) for words in lines.values()), confidences)


def read_pages(images) -> OcrResult:
    """OCR of a sequence of page images (PIL), one at a time so memory stays bounded."""
    texts: list[str] = []
    confidences: list[float] = []
    for image in images:
        page = read_image(image)
        texts.append(page.text)
        confidences.extend(page.confidences)
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrResult("\f".join(texts), mean, len(texts))
