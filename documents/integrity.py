"""Proof that storage and rows agree: every version's and rendition's object exists and still
hashes to its sha256, every thumbnail exists, and every object under Daftar's prefixes belongs
to a row."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from django.db.models import Q
from django.utils import timezone

from documents import storage
from documents.models import PaperRendition, PaperVersion

logger = logging.getLogger("daftar.documents")


@dataclass
class Problem:
    kind: str  # missing | altered | orphan | unreadable
    name: str
    message: str
    version_id: int | None = None

    def __str__(self) -> str:
        where = f"version {self.version_id}: " if self.version_id else ""
        return f"{self.kind}: {where}{self.name}: {self.message}"


def _hash(name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with storage.open_object(name) as stored:
        while chunk := stored.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_object(pk: int, name: str, sha256: str, size: int) -> Iterator[Problem]:
    try:
        actual, actual_size = _hash(name)
    except FileNotFoundError:
        yield Problem("missing", name, "the row points at an object that is not stored", pk)
    except Exception as exc:  # storage down, permission: say so and go on
        yield Problem("unreadable", name, f"could not be read ({exc})", pk)
    else:
        if actual != sha256 or actual_size != size:
            yield Problem(
                "altered",
                name,
                f"sha256 {actual} ({actual_size} bytes), recorded {sha256} ({size} bytes)",
                pk,
            )


def check_versions(progress: Callable[[int, int], None] | None = None) -> Iterator[Problem]:
    """Versions, then renditions (stamped copies; their problems name the version they were
    made from)."""
    total = PaperVersion.objects.count() + PaperRendition.objects.count()
    rows = PaperVersion.objects.order_by("pk").values_list(
        "pk", "storage_name", "sha256", "size", "thumbnail_name"
    )
    done = 0
    for pk, name, sha256, size, thumbnail in rows.iterator(2000):
        yield from _check_object(pk, name, sha256, size)
        if thumbnail and not storage.storage().exists(thumbnail):
            yield Problem("missing", thumbnail, "the thumbnail is not stored", pk)
        done += 1
        if progress:
            progress(done, total)
    copies = PaperRendition.objects.order_by("pk").values_list(
        "version_id", "storage_name", "sha256", "size"
    )
    for version_id, name, sha256, size in copies.iterator(2000):
        yield from _check_object(version_id, name, sha256, size)
        done += 1
        if progress:
            progress(done, total)


def find_orphans() -> Iterator[str]:
    """Objects under ``papers/`` and ``thumbnails/`` that no row points at."""
    names = storage.iter_object_names()
    while batch := list(islice(names, 1000)):
        known = set(
            PaperVersion.objects.filter(
                Q(storage_name__in=batch) | Q(thumbnail_name__in=batch)
            ).values_list("storage_name", "thumbnail_name")
        )
        known_names = {n for pair in known for n in pair}
        known_names.update(
            PaperRendition.objects.filter(storage_name__in=batch).values_list(
                "storage_name", flat=True
            )
        )
        yield from (name for name in batch if name not in known_names)


def check_orphans() -> Iterator[Problem]:
    for name in find_orphans():
        yield Problem("orphan", name, "stored, but no paper version points at it")


def delete_orphans(*, older_than: timedelta) -> list[str]:
    """Delete orphans last changed before ``older_than`` ago (younger ones may belong to an
    upload whose transaction has not committed yet)."""
    cutoff = timezone.now() - older_than
    deleted = []
    store = storage.storage()
    for name in list(find_orphans()):
        try:
            if store.get_modified_time(name) > cutoff:
                continue
        except Exception:
            logger.warning("Could not read the time of %s", name, exc_info=True)
            continue
        if storage.delete_quietly(name):
            deleted.append(name)
    return deleted
