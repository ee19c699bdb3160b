"""The database task queue (django-tasks-db) seen from operations: its depth, its failures,
and the recovery of tasks whose worker died while running them.

django-tasks-db marks a task RUNNING when a worker takes it and never looks at it again: a
worker killed in the middle (``kill -9``, a machine lost) leaves it RUNNING for ever. Daftar's
tasks are idempotent (extract a paper's text, index a file, send a reminder run), so such a
task is put back in the queue:

- when its worker restarts, for that worker's own id (``manage.py tasks_recover --worker-id
  ID`` before ``db_worker --worker-id ID``: the systemd unit and the CI stack do this), which
  is safe at once because no other worker uses that id;
- by the scheduler, for tasks RUNNING longer than ``DAFTAR_TASK_STALL_MINUTES`` (60), whose
  worker may never come back.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("daftar.ops")


def _model():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult


def _status():
    from django_tasks.base import TaskResultStatus

    return TaskResultStatus


def queue_depth() -> int:
    """Tasks waiting for a worker."""
    return _model().objects.filter(status=_status().READY).count()


def counts() -> dict[str, int]:
    """Tasks by status (READY, RUNNING, SUCCESSFUL, FAILED), for metrics."""
    from django.db.models import Count

    rows = _model().objects.order_by().values("status").annotate(n=Count("id"))
    found = {row["status"]: row["n"] for row in rows}
    return {str(s): found.get(str(s), 0) for s in _status().values}


def recover(*, worker_id: str | None = None, older_than: dt.timedelta | None = None) -> int:
    """Put RUNNING tasks back in the queue: those of ``worker_id`` (its last claim), or those
    started before ``older_than`` ago. Returns how many."""
    if worker_id is None and older_than is None:
        raise ValueError("name a worker or an age")
    status = _status()
    running = _model().objects.filter(status=status.RUNNING)
    if older_than is not None:
        running = running.filter(started_at__lt=timezone.now() - older_than)
    ids = [
        row.pk
        for row in running.only("pk", "worker_ids")
        if worker_id is None or (row.worker_ids and row.worker_ids[-1] == worker_id)
    ]
    if ids:
        _model().objects.filter(pk__in=ids, status=status.RUNNING).update(
            status=status.READY, started_at=None
        )
        logger.warning("requeued %d task(s) abandoned by a dead worker", len(ids))
    return len(ids)


def stall_limit() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "DAFTAR_TASK_STALL_MINUTES", 60))
