"""The acknowledgement slip a citizen is handed when their application or complaint is
diarised: the tracking number, where and when it was received, the time limit, and how to
track it — in English and Urdu on one A5 page, with a QR code to the tracking page.

``acknowledgement_pdf(receipt) -> bytes`` is what the desk links (``portal:acknowledgement``
serves it to staff who may see the receipt). The slip carries the citizen's own name and
subject, because it is handed to the citizen; it never carries a staff member's name.

Urdu is shaped with ``arabic_reshaper`` and ordered with ``python-bidi``, set in Noto Naskh
Arabic from ``static/fonts/`` (reportlab embeds TrueType only; the Nastaliq web font is
woff2). If that font is missing, DejaVu Sans from Debian's ``fonts-dejavu-core`` is used;
if neither is there, the slip is printed in English only.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal_pages.models import SiteIdentity, TrackingPage
from workspace import tracking

FONT_CANDIDATES = [
    (
        Path(settings.BASE_DIR) / "static/fonts/NotoNaskhArabic-Regular.ttf",
        Path(settings.BASE_DIR) / "static/fonts/NotoNaskhArabic-Bold.ttf",
    ),
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
]

LABELS = {
    "title": _("Acknowledgement of your application"),
    "reference": _("Tracking number"),
    "received_on": _("Received on"),
    "diary": _("Diary number"),
    "office": _("Received in"),
    "subject": _("Subject"),
    "from": _("From"),
    "time_limit": _("Time limit"),
    "due": _("Decision due by"),
    "how": _("How to track your application"),
    "step1": _("Open the tracking page, or scan the code."),
    "step2": _("Enter the tracking number above."),
    "step3": _("Enter the last four digits of your CNIC or mobile number."),
    "keep": _("Keep this slip. Nobody will ever ask you for a fee to track your application."),
}

GREEN = (0.043, 0.365, 0.294)
INK = (0.106, 0.137, 0.188)
SOFT = (0.29, 0.333, 0.408)


@cache
def urdu_font() -> tuple[str, str] | None:
    """(regular, bold) reportlab font names with Arabic glyphs, or None."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for i, (regular, bold) in enumerate(FONT_CANDIDATES):
        if regular.exists():
            names = (f"DaftarUrdu{i}", f"DaftarUrdu{i}-Bold")
            pdfmetrics.registerFont(TTFont(names[0], str(regular)))
            pdfmetrics.registerFont(TTFont(names[1], str(bold if bold.exists() else regular)))
            return names
    return None


def _shape(text: str) -> str:
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff" for ch in text)


def _both(key: str) -> tuple[str, str]:
    with translation.override("en"):
        en = str(LABELS[key])
    with translation.override("ur"):
        ur = str(LABELS[key])
    return en, ur


def tracking_url(reference: str = "") -> str:
    """The public tracking page's address (with the reference filled in when given)."""

    page = TrackingPage.objects.live().first()
    path = page.get_url_parts()[2] if page is not None else "/track/"
    url = settings.DAFTAR_SITE_URL.rstrip("/") + path
    return f"{url}?ref={tracking.display(reference)}" if reference else url


class _Writer:
    """Small helpers over a reportlab canvas for bilingual lines."""

    def __init__(self, canvas, width, margin):
        self.c = canvas
        self.width = width
        self.margin = margin
        self.urdu = urdu_font()

    def text(self, x, y, value, size=10, bold=False, color=INK, align="left"):
        c = self.c
        if _has_arabic(value):
            if not self.urdu:
                return
            c.setFont(self.urdu[1 if bold else 0], size)
            value = _shape(value)
        else:
            c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        c.setFillColorRGB(*color)
        if align == "right":
            c.drawRightString(x, y, value)
        elif align == "center":
            c.drawCentredString(x, y, value)
        else:
            c.drawString(x, y, value)

    def wrap(self, value, size, max_width, bold=False) -> list[str]:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        font = "Helvetica-Bold" if bold else "Helvetica"
        if _has_arabic(value):
            if not self.urdu:
                return [value]
            font = self.urdu[1 if bold else 0]
        lines, line = [], ""
        for word in value.split():
            trial = f"{line} {word}".strip()
            if stringWidth(trial, font, size) <= max_width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
        return lines

    def bilingual_label(self, y, key, size=8.5):
        en, ur = _both(key)
        self.text(self.margin, y, en, size=size, color=SOFT)
        self.text(self.width - self.margin, y, ur, size=size + 1, color=SOFT, align="right")


def acknowledgement_pdf(receipt) -> bytes:
    """The A5 acknowledgement slip of a citizen's receipt (which has a tracking reference)."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A5
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas

    if not receipt.tracking_ref:
        raise ValueError("only a receipt with a tracking reference has an acknowledgement slip")

    width, height = A5
    margin = 11 * mm
    right = width - margin
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=A5, pageCompression=1)
    reference = tracking.display(receipt.tracking_ref)
    c.setTitle(f"Acknowledgement {reference}")
    c.setAuthor("Daftar")
    w = _Writer(c, width, margin)
    white = (1, 1, 1)

    identity = SiteIdentity.objects.first() or SiteIdentity()
    section = receipt.section
    department = section.department

    # Header band: organisation, department and section in both languages.
    c.setFillColorRGB(*GREEN)
    c.rect(0, height - 27 * mm, width, 27 * mm, stroke=0, fill=1)
    w.text(margin, height - 9 * mm, identity.organisation, size=8.5, color=white)
    w.text(margin, height - 16 * mm, department.name_en, size=12, bold=True, color=white)
    w.text(margin, height - 21.5 * mm, section.name_en, size=9, color=white)
    for y, value, size, bold in [
        (height - 9.5 * mm, identity.organisation_ur, 9, False),
        (height - 16.5 * mm, department.name_ur, 11.5, True),
        (height - 22.5 * mm, section.name_ur, 9, False),
    ]:
        if value:
            w.text(right, y, value, size=size, bold=bold, color=white, align="right")

    # Title, English on the left and Urdu on the right.
    y = height - 37 * mm
    en, ur = _both("title")
    w.text(margin, y, en, size=12.5, bold=True)
    if ur != en:
        w.text(right, y - 7 * mm, ur, size=13, bold=True, align="right")

    # The tracking number, large, in a box with the QR code to the tracking page.
    box_h = 27 * mm
    y_box = y - 13 * mm - box_h
    c.setStrokeColorRGB(*GREEN)
    c.setLineWidth(1.2)
    c.roundRect(margin, y_box, width - 2 * margin, box_h, 3 * mm, stroke=1, fill=0)
    qr_size = 23 * mm
    url = tracking_url(receipt.tracking_ref)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    scale = [qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0]
    drawing = Drawing(qr_size, qr_size, transform=scale)
    drawing.add(qr)
    renderPDF.draw(drawing, c, right - qr_size - 2 * mm, y_box + 2 * mm)
    text_mid = margin + (width - 2 * margin - qr_size - 4 * mm) / 2
    en, ur = _both("reference")
    w.text(text_mid, y_box + box_h - 7 * mm, en, size=9, color=SOFT, align="center")
    c.setFont("Courier-Bold", 23)
    c.setFillColorRGB(*INK)
    c.drawCentredString(text_mid, y_box + 9 * mm, reference)
    if ur != en:
        w.text(text_mid, y_box + 3.5 * mm, ur, size=9, color=SOFT, align="center")

    # Details: English label, value, Urdu label on one line each.
    y = y_box - 8 * mm
    label_w = 30 * mm
    rows = [
        ("received_on", date_format(receipt.received_on, "j F Y")),
        ("diary", receipt.diary_label),
        ("office", f"{section.name_en}, {department.name_en}"),
        ("from", receipt.citizen_name),
        ("subject", receipt.subject),
    ]
    if receipt.time_limit_days:
        due = receipt.received_on + dt.timedelta(days=receipt.time_limit_days)
        rows += [
            ("time_limit", f"{receipt.time_limit_days} days"),
            ("due", date_format(due, "j F Y")),
        ]
    value_w = width - 2 * margin - label_w - 26 * mm
    for key, value in rows:
        en, ur = _both(key)
        w.text(margin, y, en, size=8, color=SOFT)
        if ur != en:
            w.text(right, y, ur, size=9, color=SOFT, align="right")
        lines = w.wrap(value, 9.5, value_w)[:2]
        for i, line in enumerate(lines):
            bold = key in ("received_on", "due") and i == 0
            w.text(margin + label_w, y - 4.3 * mm * i, line, size=9.5, bold=bold)
        y -= (4.3 * len(lines) + 3.2) * mm

    # How to track: English on the left, Urdu on the right.
    y -= 1 * mm
    c.setStrokeColorRGB(0.84, 0.87, 0.9)
    c.setLineWidth(0.6)
    c.line(margin, y, right, y)
    y -= 6 * mm
    column = (width - 2 * margin - 6 * mm) / 2
    en, ur = _both("how")
    w.text(margin, y, en, size=9.5, bold=True)
    y_en = y - 5 * mm
    for n, key in enumerate(("step1", "step2", "step3"), start=1):
        for line in w.wrap(f"{n}. {_both(key)[0]}", 8, column):
            w.text(margin, y_en, line, size=8)
            y_en -= 3.8 * mm
    w.text(margin, y_en - 1 * mm, url.split("?")[0], size=8, bold=True, color=GREEN)
    if w.urdu and ur != en:
        w.text(right, y, ur, size=10, bold=True, align="right")
        y_ur = y - 6 * mm
        for key in ("step1", "step2", "step3"):
            for line in w.wrap(_both(key)[1], 8.5, column):
                w.text(right, y_ur, line, size=8.5, align="right")
                y_ur -= 5.2 * mm

    # Footer
    en, ur = _both("keep")
    c.setStrokeColorRGB(0.84, 0.87, 0.9)
    c.line(margin, 17 * mm, right, 17 * mm)
    for i, line in enumerate(w.wrap(en, 7.5, width - 2 * margin)[:2]):
        w.text(margin, 13 * mm - 3.3 * mm * i, line, size=7.5, color=SOFT)
    if ur != en:
        w.text(right, 6 * mm, ur, size=8, color=SOFT, align="right")
    c.setFont("Helvetica", 6.5)
    c.setFillColorRGB(*SOFT)
    c.drawString(margin, 5 * mm, f"Printed {timezone.localtime():%d %b %Y %H:%M} · Daftar")
    c.showPage()
    c.save()
    return buffer.getvalue()
