"""Evidence through Daftar's intake: the same ``Intake`` and steps as papers (size from the
bytes, type sniffed from the content by libmagic, a random stored name, sha256), against the
evidence allow-list below instead of the papers' one, then cleaned:

- photos (JPEG, PNG) by ``documents.intake.image_checks`` (decoded in full, EXIF with its GPS,
  XMP, IPTC and comments dropped);
- video and audio remuxed by ffmpeg (Debian's) without any metadata
  (``-map_metadata -1 -map_chapters -1 -c copy``): the streams are copied untouched, the
  container's tags (location, device, creation time, encoder) are not. Without ffmpeg on the
  machine, video and audio are refused (nothing uncleaned is ever stored).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import magic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.intake import Intake, hash_received
from documents.intake import types as paper_types
from documents.intake.image_checks import check_image
from documents.intake.steps import SNIFF_BYTES, clean_display_name
from kernel.errors import ValidationError

# mime → (extension, family, ffmpeg muxer)
ALLOWED = {
    paper_types.JPEG: (".jpg", "image", ""),
    paper_types.PNG: (".png", "image", ""),
    "video/mp4": (".mp4", "video", "mp4"),
    "video/quicktime": (".mov", "video", "mov"),
    "video/webm": (".webm", "video", "webm"),
    "video/3gpp": (".3gp", "video", "3gp"),
    "audio/mpeg": (".mp3", "audio", "mp3"),
    "audio/mp4": (".m4a", "audio", "ipod"),
    "audio/x-m4a": (".m4a", "audio", "ipod"),
    "audio/ogg": (".ogg", "audio", "ogg"),
    "audio/x-wav": (".wav", "audio", "wav"),
    "audio/wav": (".wav", "audio", "wav"),
}

DEFAULTS = {
    "DAFTAR_EVIDENCE_MAX_FILES": 5,
    "DAFTAR_EVIDENCE_MAX_BYTES": 25 * 1024 * 1024,  # one file
    "DAFTAR_EVIDENCE_MAX_TOTAL_BYTES": 60 * 1024 * 1024,  # one complaint
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def ffmpeg() -> str | None:
    return shutil.which("ffmpeg")


def check_size(intake: Intake) -> None:
    intake.stream.seek(0, 2)
    intake.size = intake.stream.tell()
    intake.stream.seek(0)
    if intake.size == 0:
        raise ValidationError(
            _("The file %(name)s is empty (0 bytes). Choose it again.")
            % {"name": intake.display_name},
            code="empty",
        )
    if intake.size > limit("DAFTAR_EVIDENCE_MAX_BYTES"):
        raise ValidationError(
            _(
                "The file %(name)s is %(size)s; one piece of evidence can be at most %(limit)s. "
                "Send a shorter clip or a smaller photo."
            )
            % {
                "name": intake.display_name,
                "size": filesizeformat(intake.size),
                "limit": filesizeformat(limit("DAFTAR_EVIDENCE_MAX_BYTES")),
            },
            code="too_large",
        )


def sniff(intake: Intake) -> None:
    mime = magic.from_buffer(intake.head(SNIFF_BYTES), mime=True)
    if mime not in ALLOWED:
        raise ValidationError(
            _(
                "The file %(name)s is not a photo, video or audio recording we accept. Send "
                "photos as JPEG or PNG, video as MP4, MOV, WebM or 3GP, and audio as MP3, M4A, "
                "OGG or WAV."
            )
            % {"name": intake.display_name},
            code="type_refused",
        )
    intake.mime = mime
    intake.extension = ALLOWED[mime][0]
    intake.storage_name = f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{intake.extension}"


def _unreadable(intake: Intake) -> ValidationError:
    return ValidationError(
        _("The file %(name)s could not be read as a recording: it may be damaged. Record it again.")
        % {"name": intake.display_name},
        code="damaged",
    )


def strip_media(intake: Intake) -> None:
    """Remux the recording without metadata; refuse what ffmpeg cannot read."""
    binary = ffmpeg()
    if binary is None:
        raise ValidationError(
            _("Video and audio cannot be accepted just now; send photos, or try again later."),
            code="media_unavailable",
        )
    muxer = ALLOWED[intake.mime][2]
    with tempfile.TemporaryDirectory(prefix="daftar-evidence-") as tmp:
        source, target = Path(tmp, "in"), Path(tmp, "out" + intake.extension)
        with source.open("wb") as out:
            for chunk in intake.chunks():
                out.write(chunk)
        command = [binary, "-nostdin", "-v", "error", "-y", "-i", str(source)]
        command += ["-map", "0", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy"]
        command += ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
        command += ["-f", muxer, str(target)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise _unreadable(intake) from exc
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            raise _unreadable(intake)
        intake.replace_content(target.read_bytes(), "metadata removed")


def process(upload) -> Intake:
    """One uploaded file through the steps; refuses with a message naming the file."""
    stream = getattr(upload, "file", None) or upload
    stream.seek(0)
    intake = Intake(
        kind="evidence", original_name=str(getattr(upload, "name", "") or ""), stream=stream
    )
    intake.display_name = clean_display_name(intake.original_name)
    check_size(intake)
    sniff(intake)
    hash_received(intake)
    if ALLOWED[intake.mime][1] == "image":
        try:
            check_image(intake)
        except ValidationError as exc:
            raise ValidationError(
                _("The photo %(name)s could not be read: %(why)s")
                % {"name": intake.display_name, "why": " ".join(exc.messages)},
                code="damaged",
            ) from exc
    else:
        strip_media(intake)
    return intake


def process_all(uploads) -> list[Intake]:
    uploads = [u for u in uploads if u]
    if len(uploads) > limit("DAFTAR_EVIDENCE_MAX_FILES"):
        raise ValidationError(
            _("At most %(limit)d files can be attached to one complaint; you chose %(count)d.")
            % {"limit": limit("DAFTAR_EVIDENCE_MAX_FILES"), "count": len(uploads)},
            code="too_many_files",
        )
    intakes = [process(u) for u in uploads]
    total = sum(i.size for i in intakes)
    if total > limit("DAFTAR_EVIDENCE_MAX_TOTAL_BYTES"):
        raise ValidationError(
            _("Together the files are %(size)s; one complaint can carry at most %(limit)s.")
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(limit("DAFTAR_EVIDENCE_MAX_TOTAL_BYTES")),
            },
            code="too_large_total",
        )
    return intakes
