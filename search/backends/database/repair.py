"""Checking the index against the files (missing, stale, orphaned, pending rows) and
repairing what the check found; ``repair_report`` serves both backends."""

from __future__ import annotations

from search.backends.base import Progress, SearchBackend
from search.backends.database.common import BATCH
from search.backends.database.writing import custody_composed, custody_stored, orphans
from search.models import FileCustody, FileDocument, PendingReindex
from search.sources import FILTER_FIELDS, source
from search.types import CheckReport


class Checking:
    """``DatabaseBackend``'s check (and repair)."""

    def check(self, *, repair: bool = False, progress: Progress = None) -> CheckReport:
        desk = source()
        report = CheckReport(
            files=desk.file_ids().count(),
            indexed=FileDocument.objects.count(),
            pending=sorted(PendingReindex.objects.values_list("file_id", flat=True)),
        )
        report.orphans = sorted(
            {
                file_id
                for model in (FileDocument, FileCustody)
                for file_id in orphans(model).values_list("file_id", flat=True)
            }
        )
        done = 0
        for batch in desk.file_id_batches(BATCH):
            docs = desk.compose(batch, with_custody=True)
            wanted, there = custody_composed(docs), custody_stored(batch)
            # (post, file) keys: the files whose custody rows differ
            custody_differs = {
                key[1] for key in wanted.keys() | there.keys() if wanted.get(key) != there.get(key)
            }
            existing = {
                row[0]: row[1:]
                for row in FileDocument.objects.filter(file_id__in=batch).values_list(
                    "file_id", "text_hash", *FILTER_FIELDS
                )
            }
            for file_id, doc in docs.items():
                row = existing.get(file_id)
                if row is None:
                    report.missing.append(file_id)
                elif (
                    row[0] != doc.text_hash
                    or tuple(row[1:]) != doc.filter_values()
                    or file_id in custody_differs
                ):
                    report.stale.append(file_id)
            done += len(batch)
            if progress:
                progress(done, report.files)
        if repair:
            report.repaired = repair_report(self, report)
        return report


def repair_report(backend: SearchBackend, report: CheckReport) -> int:
    """Index what is missing, stale or pending; remove the orphans. Shared by both backends."""
    repaired = 0
    if report.orphans:
        backend.remove_files(report.orphans)
        repaired += len(report.orphans)
    todo = sorted(set(report.missing) | set(report.stale) | set(report.pending))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        backend.index_files(chunk)
        PendingReindex.objects.filter(file_id__in=chunk).delete()
        repaired += len(chunk)
    return repaired
