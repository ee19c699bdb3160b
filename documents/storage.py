"""Where papers are kept: Django's default storage (``settings.STORAGES["default"]``), local
disk in the embedded setup and a private S3 bucket in production.

The rule that keeps rows and objects in step: write the object, then commit the rows; if the
rows fail, delete the object at once; when rows are deleted, delete their objects only after
the commit (``delete_on_commit``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

logger = logging.getLogger("daftar.documents")

PREFIXES = ("papers", "thumbnails")


def storage():
    return default_storage


def is_s3(store=None) -> bool:
    store = store or storage()
    return hasattr(store, "bucket_name") and hasattr(store, "connection")


class _TypedFile(File):
    """Carries the sniffed content type to S3 (``ContentType`` of the object)."""

    def __init__(self, stream, name: str, content_type: str):
        super().__init__(stream, name=name)
        self.content_type = content_type


def save_object(name: str, stream, content_type: str) -> str:
    """Write one object under ``name``; returns the name actually used. If the write fails
    half way, whatever part was written is removed before the error goes on."""
    stream.seek(0)
    try:
        return storage().save(name, _TypedFile(stream, name, content_type))
    except Exception:
        delete_quietly(name)
        raise


def delete_quietly(name: str) -> bool:
    """Delete an object, logging (not raising) on failure: a compensation must not hide the
    error it compensates for. ``documents_verify`` reports whatever is left behind."""
    if not name:
        return True
    try:
        storage().delete(name)
        return True
    except Exception:
        logger.exception("Could not delete stored object %s; documents_verify will list it", name)
        return False


def delete_on_commit(names: list[str]) -> None:
    """Delete objects once the transaction that dropped their rows has committed."""
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: [delete_quietly(n) for n in names], robust=True)


def open_object(name: str):
    return storage().open(name, "rb")


def presigned_url(
    name: str, *, filename: str, content_type: str, seconds: int, inline: bool = False
) -> str:
    """A short-lived signed GET for a private S3 object, answering as an attachment (or
    inline, for a PDF or image shown beside the note sheet)."""
    from django.utils.http import content_disposition_header

    return storage().url(
        name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(not inline, filename),
            "ResponseContentType": content_type,
        },
        expire=seconds,
    )


def iter_object_names(prefixes=PREFIXES) -> Iterator[str]:
    """Every stored object under Daftar's prefixes (S3 listed by prefix, disk walked)."""
    store = storage()
    if is_s3(store):
        paginator = store.connection.meta.client.get_paginator("list_objects_v2")
        location = f"{store.location.strip('/')}/" if store.location else ""
        for prefix in prefixes:
            pages = paginator.paginate(Bucket=store.bucket_name, Prefix=f"{location}{prefix}/")
            for page in pages:
                for entry in page.get("Contents", ()):
                    yield entry["Key"][len(location) :]
        return
    for prefix in prefixes:
        yield from _walk(store, prefix)


def _walk(store, path: str) -> Iterator[str]:
    try:
        directories, files = store.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}"
    for directory in sorted(directories):
        yield from _walk(store, f"{path}/{directory}")
