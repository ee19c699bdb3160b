"""Scanned images: opened and fully decoded with Pillow before they are accepted, then cleaned
of EXIF, GPS, XMP, IPTC and text metadata.

PNG and JPEG are cleaned losslessly by dropping chunks/segments (the pixels are not re-encoded,
so a scan loses no quality); a JPEG whose EXIF says "rotate me" is turned upright first, since
the tag that said so is removed. TIFF is rewritten frame by frame with lossless compression.
"""

from __future__ import annotations

import io
import struct
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, TiffImagePlugin, UnidentifiedImageError

from documents.conf import limit
from documents.intake import types
from documents.intake.base import Intake
from kernel.errors import ValidationError

PIL_FORMAT = {types.PNG: "PNG", types.JPEG: "JPEG", types.TIFF: "TIFF"}
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


def _damaged() -> ValidationError:
    return ValidationError(
        _(
            "The image is damaged or incomplete and cannot be opened. Scan the paper again, or "
            "save the image again, and upload the new file."
        ),
        code="image_damaged",
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _(
            "The image has more pixels than Daftar accepts (%(limit)s million). Scan at 200 or "
            "300 dpi instead."
        )
        % {"limit": limit("DAFTAR_IMAGE_MAX_PIXELS") // 1_000_000},
        code="image_too_many_pixels",
    )


def open_image(stream) -> Image.Image:
    stream.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(stream)


def check_image(intake: Intake) -> None:
    max_pixels = limit("DAFTAR_IMAGE_MAX_PIXELS")
    try:
        image = open_image(intake.stream)
        if image.format != PIL_FORMAT[intake.mime]:
            raise _damaged()
        if image.size[0] * image.size[1] > max_pixels:
            raise _too_many_pixels()
        image.verify()  # structure and checksums (PNG CRCs)
        image = open_image(intake.stream)
        frames = getattr(image, "n_frames", 1) if intake.mime == types.TIFF else 1
        if frames > limit("DAFTAR_PAPER_MAX_PAGES"):
            raise ValidationError(
                _(
                    "The image has %(pages)d pages; one paper can have at most %(limit)d. "
                    "Split it into parts and upload each part."
                )
                % {"pages": frames, "limit": limit("DAFTAR_PAPER_MAX_PAGES")},
                code="too_many_pages",
            )
        for index in range(frames):
            image.seek(index)
            if image.size[0] * image.size[1] > max_pixels:
                raise _too_many_pixels()
            image.load()  # decodes every pixel: a truncated image fails here
        image.seek(0)
        cleaned = {types.PNG: clean_png, types.JPEG: clean_jpeg, types.TIFF: clean_tiff}[
            intake.mime
        ](intake, image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels()
    except DECODE_ERRORS:
        raise _damaged()
    finally:
        intake.stream.seek(0)
    intake.page_count = frames
    if cleaned is not None:
        intake.replace_content(cleaned, "metadata removed")


# PNG: keep what draws the picture and its colour and resolution; drop text, EXIF, times,
# animation and anything unknown.
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP"}
_PNG_KEEP |= {b"pHYs", b"sBIT", b"bKGD"}


def clean_png(intake: Intake, image) -> bytes | None:
    data = b"".join(intake.chunks())
    if not data.startswith(_PNG_SIGNATURE):
        raise _damaged()
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _damaged()
        if kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    cleaned = b"".join(out)
    return None if cleaned == data else cleaned


# JPEG: keep JFIF (APP0), the colour profile (APP2 ICC_PROFILE) and Adobe's colour transform
# (APP14); drop EXIF/XMP (APP1), IPTC (APP13), the other APPn, comments, and bytes after EOI.
_JPEG_KEEP_APP = {0xE0, 0xE2, 0xEE}


def clean_jpeg(intake: Intake, image) -> bytes | None:
    orientation = image.getexif().get(0x0112, 1)
    if orientation not in (1, None):
        return _reencode_upright(image)
    data = b"".join(intake.chunks())
    if data[:2] != b"\xff\xd8":
        raise _damaged()
    out, pos, n = [b"\xff\xd8"], 2, len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise _damaged()
        marker = data[pos + 1] if pos + 1 < n else None
        if marker is None:
            raise _damaged()
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI: anything after it is not part of the picture
            out.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        if pos + 4 > n:
            raise _damaged()
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > n:
            raise _damaged()
        is_app = 0xE0 <= marker <= 0xEF
        if marker == 0xFE or (is_app and marker not in _JPEG_KEEP_APP):
            pos = end
            continue
        if marker == 0xE2 and not data[pos + 4 : end].startswith(b"ICC_PROFILE\x00"):
            pos = end
            continue
        out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # start of scan: copy entropy-coded data up to the next marker
            scan_start = pos
            while pos + 1 < n:
                if data[pos] == 0xFF and data[pos + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                pos += 1
            else:
                raise _damaged()
            out.append(data[scan_start:pos])
    else:
        raise _damaged()
    cleaned = b"".join(out)
    return None if cleaned == data else cleaned


def _reencode_upright(image) -> bytes:
    upright = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    options = {"quality": 95, "subsampling": "keep" if upright is image else 0}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if image.info.get("dpi"):
        options["dpi"] = image.info["dpi"]
    _bare(upright).save(out, "JPEG", **options)
    return out.getvalue()


def _bare(image) -> Image.Image:
    """A copy of the pixels with no metadata at all."""
    copy = image.copy()
    copy.info = {k: v for k, v in image.info.items() if k in {"transparency"}}
    return copy


def clean_tiff(intake: Intake, image) -> bytes:
    """Rewrite every frame without tags beyond what draws it (and its resolution)."""
    frames = getattr(image, "n_frames", 1)
    bilevel = True
    for index in range(frames):
        image.seek(index)
        bilevel = bilevel and image.mode == "1"
    out = io.BytesIO()
    with TiffImagePlugin.AppendingTiffWriter(out, new=True) as writer:
        for index in range(frames):
            image.seek(index)
            options = {"compression": "group4" if bilevel else "tiff_adobe_deflate"}
            dpi = image.info.get("dpi")
            if dpi:
                options["dpi"] = tuple(float(v) for v in dpi)
            frame = _bare(image)
            if frame.mode not in {"1", "L", "RGB", "RGBA", "CMYK", "P", "I;16", "LA"}:
                frame = frame.convert("RGB")
            frame.save(writer, "TIFF", **options)
            writer.newFrame()
    return out.getvalue()
