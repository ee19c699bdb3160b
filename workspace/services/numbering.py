"""Gap-free, race-free running numbers.

``take(scope)`` locks the counter row for the rest of the caller's transaction and returns the
next value. Concurrent callers queue on the row lock; a rolled-back transaction returns its
number, so the sequence has no gaps."""

from django.db import transaction

from workspace.models import Counter


def take(scope: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering.take must run inside the transaction that uses the number")
    counters = Counter.objects.select_for_update()
    counter = counters.filter(scope=scope).first()
    if counter is None:
        # A concurrent first taker may create it too; ignore_conflicts, then lock theirs.
        Counter.objects.bulk_create([Counter(scope=scope)], ignore_conflicts=True)
        counter = counters.get(scope=scope)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
