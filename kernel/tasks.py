"""Background tasks enqueued for a change that is being made in a transaction.

``enqueue_on_commit(task, *args)``: the task runs only if the change commits.

- With the database queue (``django_tasks_db``, production), the job's row is written in the
  change's own transaction: it exists if and only if the change committed (nothing is queued
  for a refusal, nothing is lost if the process dies right after the commit), and it costs no
  commit of its own. Enqueued after the commit, each job was an INSERT and a COMMIT of its own;
  a complaint's filing queued two (its receipt at the cell and the citizen's SMS), two
  commits on top of its own (session 13, docs/benchmarks.md "Filing a complaint"). A failure
  to write the row fails the change with it: the database is what failed.
- With any other backend (the embedded default runs tasks inline, ``ImmediateBackend``), the
  task is enqueued once the transaction has committed, so it never runs inside the change
  nor on a change that is rolled back. A failure to enqueue then is logged, not raised: the
  change is made (``robust``), and the scheduler finds what a lost task left undone; or it is
  handed to ``on_failure(exc)``, which records it where the caller's repair looks.

Outside a transaction (autocommit) the task is enqueued at once, by either backend.

Each call queues its own job: several actions on one file in one transaction each write one
(a job that runs twice must do no harm: a reindex reads the file as it is). Not written twice
would need this transaction's pending hooks, which Django keeps in a private list
(``connection.run_on_commit``); the rows are few and the second run cheap, so it is not done.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend


def queued_in_database(task) -> bool:
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_on_commit(task, *args, on_failure=None) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and queued_in_database(task):
        task.enqueue(*args)
        return

    if on_failure is None:
        hook = partial(task.enqueue, *args)
    else:
        hook = partial(_enqueue, task, args, on_failure)
    # Django names a robust hook by its __qualname__ when it logs the hook's failure, and a
    # partial has none: without one, the failure raised AttributeError instead of being logged.
    hook.__qualname__ = f"{task.module_path}.enqueue"
    connection.on_commit(hook, robust=True)


def _enqueue(task, args, on_failure) -> None:
    try:
        task.enqueue(*args)
    except Exception as exc:
        on_failure(exc)
