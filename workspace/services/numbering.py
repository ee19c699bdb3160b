"""Gap-free, race-free running numbers.

``take(scope)`` locks the counter row for the rest of the caller's transaction and returns the
next value. Concurrent callers queue on the row lock; a rolled-back transaction returns its
number, so the sequence has no gaps. The wait is capped like the file lock's
(``kernel.locks``): a caller still waiting then is refused with a message, rather
than holding a worker until the server's own timeout answers 500."""

from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy

from kernel.errors import ActionRefused
from kernel.locks import cap_lock_wait
from workspace.models import Counter

BUSY = gettext_lazy(
    "Someone else in this section is taking the next number at this moment. "
    "Wait a few seconds and try again; nothing has been saved."
)


def take(scope: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering.take must run inside the transaction that uses the number")
    cap_lock_wait()
    counters = Counter.objects.select_for_update()
    try:
        # No savepoint: a lock that times out aborts the caller's transaction, which the
        # refusal leaves anyway (as ``desk.lock_file`` does).
        with transaction.atomic(savepoint=False):
            counter = counters.filter(scope=scope).first()
            if counter is None:
                # A concurrent first taker may create it too; ignore_conflicts, then lock theirs.
                Counter.objects.bulk_create([Counter(scope=scope)], ignore_conflicts=True)
                counter = counters.get(scope=scope)
    except DatabaseError:
        raise ActionRefused(BUSY)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
