"""Background tasks enqueued for a change that is being made in a transaction.

``enqueue_on_commit(task, *args)``: the task runs only if the change commits.

- With the database queue (``django_tasks_db``, production), the job's row is written in the
  change's own transaction: it exists if and only if the change committed (nothing is queued
  for a refusal, nothing is lost if the process dies right after the commit), and it costs no
  commit of its own. Enqueued after the commit, each job was an INSERT and a COMMIT of its own;
  a complaint's filing queued two (its receipt at the cell and the citizen's SMS), two
  commits on top of its own (session 13, docs/benchmarks.md "Filing a complaint").
- With any other backend (the embedded default runs tasks inline, ``ImmediateBackend``), the
  task is enqueued once the transaction has committed, so it never runs inside the change
  nor on a change that is rolled back. A failure to enqueue then is logged, not raised: the
  change is made (``robust``), and the scheduler finds what a lost task left undone.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def queued_in_database(task) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_on_commit(task, *args) -> None:
    if queued_in_database(task) and transaction.get_connection().in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)
