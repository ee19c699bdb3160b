"""The ``Intake`` dataclass the pipeline steps work on, and ways to make one."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

CHUNK = 1024 * 1024


@dataclass
class Intake:
    """One upload on its way in. ``stream`` is seekable and always holds what will be stored
    (a step that cleans the content swaps it); ``original_name`` is for display only."""

    kind: str
    original_name: str
    stream: BinaryIO
    size: int = 0
    mime: str = ""
    extension: str = ""
    display_name: str = ""
    storage_name: str = ""
    received_sha256: str = ""
    sha256: str = ""
    page_count: int | None = None
    # A PDF's signatures as checked at intake: (status, signer, trusted); see signatures.py.
    signature: tuple[str, str, bool | None] = ("", "", None)
    # What the checks did to the content, for the audit row ("metadata removed").
    changes: list[str] = field(default_factory=list)

    def head(self, n: int) -> bytes:
        self.stream.seek(0)
        data = self.stream.read(n)
        self.stream.seek(0)
        return data

    def tail(self, n: int) -> bytes:
        self.stream.seek(max(self.size - n, 0))
        data = self.stream.read(n)
        self.stream.seek(0)
        return data

    def chunks(self) -> Iterator[bytes]:
        self.stream.seek(0)
        while chunk := self.stream.read(CHUNK):
            yield chunk
        self.stream.seek(0)

    def replace_content(self, data: bytes, change: str) -> None:
        """Swap in cleaned content (e.g. an image without its EXIF); the hash follows."""
        self.stream = spooled(data)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.changes.append(change)


def spooled(data: bytes = b"") -> BinaryIO:
    """A seekable file that stays in memory while small and spills to disk when big."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 (caller owns it)
    out.write(data)
    out.seek(0)
    return out


def from_upload(upload, *, kind: str) -> Intake:
    """Wrap an uploaded file (Django ``UploadedFile``/``File``, or any binary file object with
    a ``name``) without reading it into memory."""
    stream = getattr(upload, "file", None) or upload
    if not (hasattr(stream, "seek") and hasattr(stream, "read")):
        raise TypeError("upload must be a file object")
    try:
        stream.seek(0)
    except (OSError, ValueError):
        copy = spooled()
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            copy.write(chunk)
        stream = copy
        stream.seek(0)
    return Intake(kind=kind, original_name=str(getattr(upload, "name", "") or ""), stream=stream)


def from_bytes(data: bytes, *, kind: str, name: str) -> Intake:
    return Intake(kind=kind, original_name=name, stream=io.BytesIO(data))
