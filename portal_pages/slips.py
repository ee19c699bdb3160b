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

import io
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

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
    from portal_pages.models import TrackingPage

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

    from portal_pages.models import SiteIdentity

    if not receipt.tracking_ref:
        raise ValueError("only a receipt with a tracking reference has an acknowledgement slip")

    width, height = A5
    margin = 12 * mm
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=A5, pageCompression=1)
    reference = tracking.display(receipt.tracking_ref)
    c.setTitle(f"Acknowledgement {reference}")
    c.setAuthor("Daftar")
    w = _Writer(c, width, margin)

    identity = SiteIdentity.objects.first() or SiteIdentity()
    section = receipt.section
    department = section.department

    # Header band
    c.setFillColorRGB(*GREEN)
    c.rect(0, height - 30 * mm, width, 30 * mm, stroke=0, fill=1)
    white = (1, 1, 1)
    w.text(margin, height - 11 * mm, identity.organisation, size=9, color=white)
    w.text(margin, height - 17.5 * mm, department.name_en, size=12, bold=True, color=white)
    w.text(margin, height - 23 * mm, section.name_en, size=9, color=white)
    if identity.organisation_ur:
        w.text(
            width - margin,
            height - 11.5 * mm,
            identity.organisation_ur,
            size=9,
            color=white,
            align="right",
        )
    if department.name_ur:
        w.text(
            width - margin,
            height - 19 * mm,
            department.name_ur,
            size=11,
            bold=True,
            color=white,
            align="right",
        )
    if section.name_ur:
        w.text(
            width - margin, height - 25 * mm, section.name_ur, size=9, color=white, align="right"
        )

    # Title
    y = height - 40 * mm
    en, ur = _both("title")
    w.text(margin, y, en, size=13, bold=True)
    w.text(width - margin, y - 7 * mm, ur, size=13, bold=True, align="right")

    # The tracking number, large, in a box
    y -= 30 * mm
    c.setStrokeColorRGB(*GREEN)
    c.setLineWidth(1.2)
    c.roundRect(margin, y - 4 * mm, width - 2 * margin, 20 * mm, 3 * mm, stroke=1, fill=0)
    w.bilingual_label(y + 11 * mm, "reference")
    c.setFont("Courier-Bold", 24)
    c.setFillColorRGB(*INK)
    c.drawCentredString(width / 2, y + 0.5 * mm, reference)

    # Details
    y -= 12 * mm
    rows = [
        ("received_on", date_format(receipt.received_on, "j F Y")),
        ("diary", receipt.diary_label),
        ("office", f"{section.name_en}, {department.name_en}"),
        ("from", receipt.citizen_name),
        ("subject", receipt.subject),
    ]
    if receipt.time_limit_days:
        due = receipt.received_on + timezone.timedelta(days=receipt.time_limit_days)
        rows += [
            ("time_limit", f"{receipt.time_limit_days} days"),
            ("due", date_format(due, "j F Y")),
        ]
    for key, value in rows:
        w.bilingual_label(y, key)
        lines = w.wrap(value, 10, width - 2 * margin)[:2]
        for i, line in enumerate(lines):
            w.text(margin, y - (4.8 + 4.6 * i) * mm, line, size=10, bold=key in ("received_on",))
        y -= (6.5 + 4.6 * len(lines)) * mm

    # How to track, with a QR code to the tracking page
    y -= 2 * mm
    c.setStrokeColorRGB(0.84, 0.87, 0.9)
    c.setLineWidth(0.6)
    c.line(margin, y + 3 * mm, width - margin, y + 3 * mm)
    qr_size = 26 * mm
    url = tracking_url(receipt.tracking_ref)
    qr = QrCodeWidget(url)
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(
        qr_size, qr_size, transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0]
    )
    drawing.add(qr)
    renderPDF.draw(drawing, c, width - margin - qr_size, y - qr_size - 1 * mm)
    en, ur = _both("how")
    y -= 3 * mm
    w.text(margin, y, en, size=10, bold=True)
    text_width = width - 2 * margin - qr_size - 4 * mm
    y -= 5 * mm
    for n, key in enumerate(("step1", "step2", "step3"), start=1):
        en, _ur = _both(key)
        for line in w.wrap(f"{n}. {en}", 8.5, text_width):
            w.text(margin, y, line, size=8.5)
            y -= 4 * mm
    short_url = url.split("?")[0]
    w.text(margin, y - 1 * mm, short_url, size=8.5, bold=True, color=GREEN)
    y -= 9 * mm
    if w.urdu:
        ur_right = width - margin
        w.text(ur_right, y, _both("how")[1], size=10, bold=True, align="right")
        y -= 6 * mm
        for key in ("step1", "step2", "step3"):
            for line in w.wrap(_both(key)[1], 9, width - 2 * margin):
                w.text(ur_right, y, line, size=9, align="right")
                y -= 5.5 * mm

    # Footer
    en, ur = _both("keep")
    w.text(margin, 14 * mm, en, size=7.5, color=SOFT)
    w.text(width - margin, 9 * mm, ur, size=8, color=SOFT, align="right")
    c.setFont("Helvetica", 6.5)
    c.setFillColorRGB(*SOFT)
    c.drawString(margin, 6 * mm, f"Printed {timezone.localtime():%d %b %Y %H:%M} · Daftar")
    c.showPage()
    c.save()
    return buffer.getvalue()
