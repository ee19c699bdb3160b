"""Background work of the file index (django-tasks): reindexing a file after a change commits.

django-tasks has no automatic retry, so the task retries itself: on failure it records the
file in ``PendingReindex`` and queues itself again, at most ``MAX_ATTEMPTS`` times in all
(deferred by ``RETRY_DELAYS`` where the task backend can defer; at once with the inline
backend). What still fails stays pending for ``manage.py search_index check --repair``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from search import get_backend
from search.models import PendingReindex

logger = logging.getLogger("daftar.search")

MAX_ATTEMPTS = 3
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=5))


@task()
def reindex_file(file_id: int, attempt: int = 1) -> str:
    """Bring one file's index entry up to date (or remove it if the file is gone)."""

    try:
        get_backend().index_files([file_id])
    except Exception as exc:
        logger.warning(
            "Reindexing file %s failed (attempt %s of %s): %s", file_id, attempt, MAX_ATTEMPTS, exc
        )
        record_failure(file_id, exc, attempt=attempt)
        if attempt < MAX_ATTEMPTS:
            _retry(file_id, attempt + 1)
        return "failed"
    PendingReindex.objects.filter(file_id=file_id).delete()
    return "indexed"


def _retry(file_id: int, attempt: int) -> None:
    queued = reindex_file
    if queued.get_backend().supports_defer:
        delay = RETRY_DELAYS[min(attempt - 2, len(RETRY_DELAYS) - 1)]
        queued = queued.using(run_after=timezone.now() + delay)
    try:
        queued.enqueue(file_id, attempt)
    except Exception:
        logger.exception("Could not queue the retry of file %s", file_id)


def record_failure(file_id: int, exc: BaseException, *, attempt: int) -> None:
    """Remember that a file's index entry may be out of date."""

    try:
        PendingReindex.objects.update_or_create(
            file_id=file_id,
            defaults={"attempts": attempt, "last_error": f"{type(exc).__name__}: {exc}"[:2000]},
        )
    except Exception:
        # The database itself may be what failed; check --repair finds the drift anyway.
        logger.exception("Could not record the pending reindex of file %s", file_id)
