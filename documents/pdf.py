"""PDF output: stamps on papers, a whole file as one PDF, and scans combined into a PDF.

New pages (stamps, the note sheet, page numbers) are drawn with reportlab and laid over or
merged with pypdf. Urdu is shaped and put right to left by ``documents.pdf_text``.

The file desk builds a ``FileBundle`` from its models and calls ``assemble(bundle)``; these
dataclasses are the whole contract, so nothing here imports the desk's models.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import Fit
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from documents import pdf_text
from documents.intake.pdf_checks import open_pdf

logger = logging.getLogger("daftar.documents")


@dataclass
class NoteEntry:
    """One paragraph of the note sheet as it is printed."""

    number: int
    text: str
    author_name: str
    post_designation: str
    at: datetime
    approvals: list[str] = field(default_factory=list)


@dataclass
class FlaggedPaper:
    """One paper of the correspondence, printed after the note sheet in flag order."""

    flag: str
    title: str
    pdf_bytes: bytes


@dataclass
class FileBundle:
    number: str
    subject: str
    department: str
    paragraphs: list[NoteEntry] = field(default_factory=list)
    papers: list[FlaggedPaper] = field(default_factory=list)


# --- stamps -------------------------------------------------------------------------------

STAMP_SIZE = 9.5
STAMP_INK = colors.Color(0.55, 0.05, 0.05)


def _quiet_reader(data: bytes) -> PdfReader:
    return open_pdf(io.BytesIO(data))


def _normalise(page) -> tuple[float, float, float, float]:
    """Turn a rotated page upright (rotation moved into its content) and return the visible
    box as (left, bottom, width, height)."""
    if page.rotation % 360:
        page.transfer_rotation_to_content()
    box = page.cropbox
    return float(box.left), float(box.bottom), float(box.width), float(box.height)


def _stamp_overlay(width: float, height: float, lines: list[str], corner: str) -> bytes:
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=(width, height))
    leading = STAMP_SIZE * 1.35
    text_w = max(pdf_text.width(pdf_text.runs(line), STAMP_SIZE) for line in lines)
    pad = 5
    box_w, box_h = text_w + 2 * pad, leading * len(lines) + 2 * pad - (leading - STAMP_SIZE)
    margin = 14
    x = width - margin - box_w if corner.endswith("right") else margin
    y = height - margin - box_h if corner.startswith("top") else margin
    c.setFillColor(colors.Color(1, 1, 1, alpha=0.88))
    c.setStrokeColor(STAMP_INK)
    c.setLineWidth(1)
    c.roundRect(x, y, box_w, box_h, 3, stroke=1, fill=1)
    c.setFillColor(STAMP_INK)
    baseline = y + box_h - pad - STAMP_SIZE * 0.85
    for line in lines:
        rtl = pdf_text.is_rtl(line)
        if rtl:
            pdf_text.draw(c, line, x + box_w - pad, baseline, STAMP_SIZE, align="right", rtl=True)
        else:
            pdf_text.draw(c, line, x + pad, baseline, STAMP_SIZE)
        baseline -= leading
    c.showPage()
    c.save()
    return out.getvalue()


def stamp(version_bytes: bytes, text: str, *, corner: str = "top-right") -> bytes:
    """Stamp ``text`` (one or more lines, e.g. "Diary No. 123/2025\\n12 Mar 2025" or
    "Flag A") in a box on the first page; every other page is left as it was. ``corner`` is
    top-right (diary stamps), top-left (flag labels), bottom-right or bottom-left."""
    lines = [line for line in text.splitlines() if line.strip()] or [text]
    writer = PdfWriter(clone_from=_quiet_reader(version_bytes))
    page = writer.pages[0]
    left, bottom, width, height = _normalise(page)
    overlay = PdfReader(io.BytesIO(_stamp_overlay(width, height, lines, corner))).pages[0]
    page.merge_transformed_page(overlay, Transformation().translate(left, bottom))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- page numbers -------------------------------------------------------------------------


def _number_pages(writer: PdfWriter) -> None:
    """ "Page n of N" at the foot of every page, in the active language."""
    total = len(writer.pages)
    boxes = [_normalise(page) for page in writer.pages]
    out = io.BytesIO()
    c = rl_canvas.Canvas(out)
    for number, (_left, _bottom, width, _height) in enumerate(boxes, start=1):
        c.setPageSize((width, _height))
        label = _("Page %(number)d of %(total)d") % {"number": number, "total": total}
        line_runs = pdf_text.runs(label)
        w = pdf_text.width(line_runs, 8.5)
        c.setFillColor(colors.white)
        c.rect(width / 2 - w / 2 - 4, 8, w + 8, 14, stroke=0, fill=1)
        c.setFillColor(colors.Color(0.25, 0.25, 0.25))
        pdf_text.draw(c, label, width / 2, 12, 8.5, align="center")
        c.showPage()
    c.save()
    overlays = PdfReader(io.BytesIO(out.getvalue())).pages
    for page, overlay, (left, bottom, _w, _h) in zip(writer.pages, overlays, boxes, strict=True):
        page.merge_transformed_page(overlay, Transformation().translate(left, bottom))


# --- the note sheet -----------------------------------------------------------------------

BODY = 11
LEADING = 15.5
MARGIN = 20 * mm


@dataclass
class _Mark:
    number: int
    author: str
    page: int
    top: float


class _Sheet:
    """Lays the note sheet out page by page, remembering where each paragraph starts."""

    def __init__(self, bundle: FileBundle):
        self.bundle = bundle
        self.out = io.BytesIO()
        self.c = rl_canvas.Canvas(self.out, pagesize=A4, pageCompression=1)
        self.c.setTitle(f"{bundle.number} — {bundle.subject}")
        self.width, self.height = A4
        self.page = 0
        self.y = 0.0
        self.marks: list[_Mark] = []
        self._start_page()

    def _start_page(self) -> None:
        c = self.c
        c.setFillColor(colors.Color(0.35, 0.35, 0.35))
        head = f"{self.bundle.number}  ·  {_('Note sheet')}"
        pdf_text.draw(c, head, self.width - MARGIN, self.height - 12 * mm, 8.5, align="right")
        c.setStrokeColor(colors.Color(0.75, 0.75, 0.75))
        c.line(MARGIN, self.height - 14 * mm, self.width - MARGIN, self.height - 14 * mm)
        c.setFillColor(colors.black)
        self.y = self.height - 22 * mm

    def _new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self._start_page()

    def _room(self, needed: float) -> None:
        if self.y - needed < MARGIN + 10:
            self._new_page()

    def line(self, text: str, *, size=BODY, bold=False, rtl=None, indent=0.0, align=None):
        rtl = pdf_text.is_rtl(text) if rtl is None else rtl
        self._room(size * 1.4)
        self.y -= size * 1.4
        if align == "end":
            align = "left" if rtl else "right"
        if align == "right" or (align is None and rtl):
            pdf_text.draw(self.c, text, self.width - MARGIN - indent, self.y, size,
                          align="right", bold=bold, rtl=rtl)  # fmt: skip
        elif align == "left" or align is None:
            pdf_text.draw(self.c, text, MARGIN + indent, self.y, size, bold=bold, rtl=rtl)

    def paragraph(self, text: str, *, size=BODY, bold=False, indent=0.0, align=None):
        rtl = pdf_text.is_rtl(text)
        max_width = self.width - 2 * MARGIN - indent
        for piece in pdf_text.wrap(text, max_width, size, bold=bold):
            self.line(piece, size=size, bold=bold, rtl=rtl, indent=indent, align=align)

    def heading(self) -> None:
        b = self.bundle
        self.line(b.department, size=10, align="left")
        # Translated before formatting: makemessages does not read a call in an f-string.
        file_no, subject = _("File No."), _("Subject")
        self.paragraph(f"{file_no} {b.number}", size=12, bold=True)
        self.paragraph(f"{subject}: {b.subject}", size=12, bold=True)
        self.y -= 6
        self.c.setStrokeColor(colors.black)
        self.c.line(MARGIN, self.y, self.width - MARGIN, self.y)
        self.y -= 4

    def entry(self, entry: NoteEntry) -> None:
        self._room(LEADING * 3)
        self.marks.append(_Mark(entry.number, entry.author_name, self.page, self.y))
        rtl = pdf_text.is_rtl(entry.text)
        number = f"{entry.number}."
        # The paragraph number hangs in the margin on the side the text starts from.
        indent = 9 * mm
        first = True
        max_width = self.width - 2 * MARGIN - indent
        for piece in pdf_text.wrap(entry.text, max_width, BODY):
            self._room(LEADING)
            self.y -= LEADING
            if first:
                top = self.y
                first = False
                if rtl:
                    pdf_text.draw(self.c, number, self.width - MARGIN, top, BODY, align="right",
                                  bold=True)  # fmt: skip
                else:
                    pdf_text.draw(self.c, number, MARGIN, top, BODY, bold=True)
            if rtl:
                pdf_text.draw(self.c, piece, self.width - MARGIN - indent, self.y, BODY,
                              align="right", rtl=True)  # fmt: skip
            else:
                pdf_text.draw(self.c, piece, MARGIN + indent, self.y, BODY, rtl=False)
        # The signature block, at the end of the line (right for English, left for Urdu).
        self.y -= 4
        when = formats.date_format(timezone.localtime(entry.at), "DATETIME_FORMAT")
        self.line(entry.author_name, size=10, bold=True, align="end", rtl=rtl)
        self.line(entry.post_designation, size=9.5, align="end", rtl=rtl)
        self.line(when, size=9, align="end", rtl=rtl)
        for approval in entry.approvals:
            self.c.setFillColor(colors.Color(0.0, 0.35, 0.15))
            self.paragraph(approval, size=9.5, bold=True, align="end")
            self.c.setFillColor(colors.black)
        self.y -= 6
        self.c.setStrokeColor(colors.Color(0.85, 0.85, 0.85))
        self.c.line(MARGIN, self.y, self.width - MARGIN, self.y)
        self.y -= 2

    def finish(self) -> bytes:
        if not self.bundle.paragraphs:
            self.line(_("No notes have been written on this file yet."), size=10)
        self.c.showPage()
        self.c.save()
        return self.out.getvalue()


def note_sheet(bundle: FileBundle) -> tuple[bytes, list[_Mark]]:
    sheet = _Sheet(bundle)
    sheet.heading()
    for entry in bundle.paragraphs:
        sheet.entry(entry)
    return sheet.finish(), sheet.marks


def assemble(bundle: FileBundle) -> bytes:
    """The whole file as one PDF: the note sheet, then each flagged paper with its flag
    stamped on its first page; bookmarks for every paragraph and every flag, and "Page n of
    N" on every page."""
    sheet, marks = note_sheet(bundle)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(sheet)), import_outline=False)
    starts: list[tuple[FlaggedPaper, int]] = []
    for paper in bundle.papers:
        starts.append((paper, len(writer.pages)))
        labelled = stamp(paper.pdf_bytes, _("Flag %(flag)s") % {"flag": paper.flag},
                         corner="top-left")  # fmt: skip
        writer.append(_quiet_reader(labelled), import_outline=False)
    _number_pages(writer)

    notes = writer.add_outline_item(_("Note sheet"), 0)
    for mark in marks:
        title = _("Para %(number)d — %(author)s") % {"number": mark.number, "author": mark.author}
        writer.add_outline_item(
            title, mark.page, parent=notes, fit=Fit.xyz(left=0, top=mark.top + BODY * 2)
        )
    if starts:
        correspondence = writer.add_outline_item(_("Correspondence"), starts[0][1])
        for paper, first_page in starts:
            title = _("Flag %(flag)s: %(title)s") % {"flag": paper.flag, "title": paper.title}
            writer.add_outline_item(title, first_page, parent=correspondence)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": f"{bundle.number} — {bundle.subject}", "/Creator": "Daftar"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- scans into one PDF -------------------------------------------------------------------

ASSUMED_DPI = 200.0


def images_to_pdf_bytes(images: Iterable) -> bytes:
    """One page per image (every frame of a multi-page TIFF), each at its physical size from
    its resolution (200 dpi assumed when it has none). JPEGs are embedded as they are, other
    images losslessly."""
    from PIL import Image

    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pageCompression=1)
    for stream in images:
        stream.seek(0)
        image = Image.open(stream)
        frames = getattr(image, "n_frames", 1)
        for index in range(frames):
            image.seek(index)
            dpi_x, dpi_y = (float(v) for v in (image.info.get("dpi") or (0, 0)))
            if not (50 <= dpi_x <= 1200 and 50 <= dpi_y <= 1200):
                dpi_x = dpi_y = ASSUMED_DPI
            width, height = image.size[0] * 72 / dpi_x, image.size[1] * 72 / dpi_y
            c.setPageSize((width, height))
            if image.format == "JPEG" and frames == 1:
                stream.seek(0)
                source = ImageReader(stream)
            else:
                frame = image.copy()
                if frame.mode not in ("1", "L", "RGB"):
                    frame = frame.convert("RGB")
                source = ImageReader(frame)
            c.drawImage(source, 0, 0, width=width, height=height)
            c.showPage()
    c.save()
    return out.getvalue()
