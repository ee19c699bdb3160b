"""What the desk tells the apps above it, without knowing them (issue 20: layers run one way).

``file_changed_in_transaction`` is sent, with ``file_id``, when a change to a file has been
made and before it commits: inside the change's own transaction, once a change's writes are
done (``desk.queue_reindex``). It may be sent more than once for one file in one
transaction (an action inside another), and the transaction may still be rolled back after
it. Search (connected in ``workspace/apps.py``) has the file reindexed once the change
commits: with the database queue its job's row is written in the transaction, with another
backend the job is queued on commit (``search.file_changed``).
A receiver that acts outside the database must wait for the commit itself
(``transaction.on_commit``, ``kernel.tasks.enqueue_on_commit``); one that raises fails the
change."""

from django.dispatch import Signal

file_changed_in_transaction = Signal()
