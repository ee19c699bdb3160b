"""Files for the tests, good and hostile, built here so the suite needs nothing from outside."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is set to something reassuring on purpose: it is never used.
    return SimpleUploadedFile(name, data, content_type=content_type)


def text_pdf(pages: int = 1, text: str = "Release of funds", *, size=A4) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=size)
    for number in range(1, pages + 1):
        c.setFont("Helvetica", 12)
        c.drawString(72, size[1] - 100, f"{text} page {number}")
        c.drawString(72, size[1] - 120, "Submitted for perusal and orders please.")
        c.showPage()
    c.save()
    return out.getvalue()


def _pdf_with(edit) -> bytes:
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(1))))
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    def edit(writer):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _pdf_with(edit)


def pdf_with_embedded_file() -> bytes:
    return _pdf_with(lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00" * 100))


def pdf_with_launch_action() -> bytes:
    def edit(writer):
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _pdf_with(edit)


def encrypted_pdf() -> bytes:
    return _pdf_with(lambda w: w.encrypt("secret", algorithm="AES-128"))


def empty_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = text_pdf(3)
    return data[: len(data) * 2 // 3]


def malformed_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\ngarbage\n%%EOF\n"


def zip_bytes(members: list[tuple[str, bytes]], *, level: int = 9) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


def pdf_zip_polyglot() -> bytes:
    return text_pdf(1) + zip_bytes([("hidden.exe", b"MZ" + b"\0" * 4000)])


CONTENT_TYPES_DOCX = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(paragraphs=("Draft letter to the Secretary",), extra=()) -> bytes:
    body = b"".join(b"<w:p><w:r><w:t>" + p.encode() + b"</w:t></w:r></w:p>" for p in paragraphs)
    document = b'<?xml version="1.0"?><w:document ' + W + b"><w:body>" + body
    document += b"</w:body></w:document>"
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES_DOCX),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            ("word/document.xml", document),
            *extra,
        ]
    )


def docx_zip_bomb(unpacked: int = 8 * 1024 * 1024) -> bytes:
    """A real-looking DOCX whose document part inflates a thousandfold."""
    filler = b"<w:p/>" * (unpacked // 6)
    document = b'<?xml version="1.0"?><w:document ' + W + b"><w:body>" + filler
    document += b"</w:body></w:document>"
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES_DOCX),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", document),
        ]
    )


def xlsx(rows=(("Entity", "Revenue"), ("PDA", 120.5))) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_zip_bomb(unpacked: int = 8 * 1024 * 1024) -> bytes:
    """An XLSX whose sheet inflates far beyond its size."""
    with zipfile.ZipFile(io.BytesIO(xlsx())) as source:
        members = [(i.filename, source.read(i)) for i in source.infolist()]
    sheet = b"<sheetData>" + b"<row/>" * (unpacked // 6) + b"</sheetData>"
    members = [(n, sheet if n == "xl/worksheets/sheet1.xml" else d) for n, d in members]
    return zip_bytes(members)


def odf(mime: str, text: str = "KPI return for Q1") -> bytes:
    content = (
        '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
        f'text:1.0"><office:body><office:text><text:p>{text}</text:p></office:text>'
        "</office:body></office:document-content>"
    ).encode()
    return zip_bytes(
        [
            ("mimetype", mime.encode()),
            ("content.xml", content),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest/>'),
        ]
    )


def set_encrypted_flag(data: bytes) -> bytes:
    """Mark every member as encrypted (general-purpose flag bit 0), as a password would."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            (flags,) = struct.unpack("<H", data[start + offset : start + offset + 2])
            data[start + offset : start + offset + 2] = struct.pack("<H", flags | 1)
            start += 4
    return bytes(data)


def png(size=(40, 30), *, text_chunk: bytes = b"", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text_chunk:
        info.add_text("Comment", text_chunk.decode())
    Image.new("RGB", size, color).save(out, "PNG", pnginfo=info, dpi=(200, 200))
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Secret Scanner 2.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (34.0, 0.0, 55.0)  # Peshawar
    gps[3] = "E"
    gps[4] = (71.0, 34.0, 0.0)
    return exif


def jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    exif = gps_exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif, quality=90, dpi=(300, 300))
    return out.getvalue()


def tiff_with_gps(frames: int = 2) -> bytes:
    out = io.BytesIO()
    images = [Image.new("L", (50, 70), 255 - 40 * i) for i in range(frames)]
    images[0].save(
        out, "TIFF", save_all=True, append_images=images[1:], exif=gps_exif(), dpi=(200, 200)
    )
    return out.getvalue()


def elf_executable() -> bytes:
    return Path("/bin/true").read_bytes() if Path("/bin/true").exists() else b"\x7fELF" + b"\2" * 60


def pe_executable() -> bytes:
    header = b"MZ" + b"\x90" * 58 + struct.pack("<I", 0x80) + b"\0" * 64
    return header + b"PE\0\0" + b"\x4c\x01" + b"\0" * 400


def deflate_ratio(data: bytes) -> float:
    return len(data) / max(len(zlib.compress(data)), 1)
