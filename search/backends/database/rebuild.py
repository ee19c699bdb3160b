"""Rebuilding the whole index: every file's row rewritten a batch at a time, a department's
files together, on several connections at once on PostgreSQL."""

from __future__ import annotations

import os
import queue
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from search.backends.base import Progress
from search.backends.database.common import BATCH, TABLE
from search.backends.database.writing import orphans
from search.models import FileCustody, FileDocument, IndexBuild, PendingReindex
from search.sources import source


class Rebuilding:
    """``DatabaseBackend``'s rebuild."""

    name: str
    vendor: str

    def rebuild(self, *, progress: Progress = None) -> int:
        """Rewrite every file's row, a batch at a time; search keeps answering from the rows
        already there. On PostgreSQL, outside a transaction, batches run on
        ``DAFTAR_SEARCH_REBUILD_WORKERS`` connections at once (default: one per CPU, at most
        4), since the cost is the database computing tsvectors."""
        build = IndexBuild.objects.create(backend=self.name, index_name=TABLE)
        started = time.monotonic()
        total = source().file_ids().count()
        workers = self._rebuild_workers()
        # The batches come a department at a time (``department_batches``): into an empty
        # index that lays each department's rows on pages of their own, which the searches
        # for common words read (docs/benchmarks.md). Into a full one it changes nothing.
        # Tried and measured: dropping the GIN indexes for a first build into an empty index
        # and making them once at the end was slower at 100k files (38.4 s against 36.6 s):
        # the one build runs on one core, the inserts on the workers' connections at once.
        if workers > 1:
            done = self._rebuild_parallel(workers, total, progress)
        else:
            done = 0
            for batch in source().department_batches(BATCH):
                done += self._rebuild_batch(batch)
                if progress:
                    progress(done, total)
        for model in (FileDocument, FileCustody):
            orphans(model).delete()
        PendingReindex.objects.filter(requested_at__lt=build.started_at).delete()
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                # A rebuild leaves up to 4 MB of entries in the GIN index's pending list,
                # which every search then reads through (a manual ANALYZE does not flush it,
                # only VACUUM or autovacuum): merge it into the index now.
                cursor.execute("SELECT gin_clean_pending_list('search_doc_vector'::regclass)")
                cursor.execute(f"ANALYZE {TABLE}, {FileCustody._meta.db_table}")
        build.finished_at = timezone.now()
        build.files = done
        build.seconds = time.monotonic() - started
        build.save(update_fields=["finished_at", "files", "seconds"])
        return done

    def _rebuild_workers(self) -> int:
        # Other connections cannot see a caller's uncommitted rows (tests run in one).
        if self.vendor != "postgresql" or connection.in_atomic_block:
            return 1
        # One per CPU. One more was tried (session 7): no faster at 100k or at 1M (46.6-51.4 s
        # against 45-48.8 s at 100k; 1,958 against 1,937 files/s at 1M), PostgreSQL's work on
        # the growing index being the bound.
        default = min(4, os.cpu_count() or 1)
        return max(1, int(getattr(settings, "DAFTAR_SEARCH_REBUILD_WORKERS", default)))

    def _rebuild_batch(self, batch: list[int]) -> int:
        indexed_at = timezone.now()
        docs = source().compose(batch, with_custody=True)
        with transaction.atomic():
            if self.vendor == "postgresql":
                # A crash loses at most the last batches, which the next rebuild rewrites.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            # In the batch's order (a department's files together), not compose's (by id).
            self._write([docs[i] for i in batch if i in docs], indexed_at)
            self._write_custody(docs)
        return len(batch)

    def _rebuild_parallel(self, workers: int, total: int, progress: Progress) -> int:
        """Batches from this thread, written by ``workers`` threads on their own connections."""
        batches: queue.Queue = queue.Queue(maxsize=workers * 2)
        errors: list[BaseException] = []
        lock = threading.Lock()
        done = 0

        def work():
            nonlocal done
            try:
                while (batch := batches.get()) is not None:
                    if errors:
                        continue
                    try:
                        count = self._rebuild_batch(batch)
                    except BaseException as exc:
                        errors.append(exc)
                        continue
                    with lock:
                        done += count
                        if progress:
                            progress(done, total)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
        for thread in threads:
            thread.start()
        try:
            for batch in source().department_batches(BATCH):
                if errors:
                    break
                batches.put(batch)
        finally:
            for _ in threads:
                batches.put(None)
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
        return done
