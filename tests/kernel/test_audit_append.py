"""audit.record writes the row and moves its chain head in one statement on PostgreSQL: the
event it returns is the stored row, and the chains still verify."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kernel import audit
from kernel.models import AuditChainHead, AuditEvent
from tests.factories import UserFactory
from tests.kernel.example_actions import ExampleAction

pytestmark = pytest.mark.django_db


def test_recorded_events_are_stored_chained_and_verify():
    user = UserFactory(username="auditor")
    events = []
    for n in range(3):
        with transaction.atomic():
            events.append(
                audit.record(actor=user, action=ExampleAction.THING, after={"n": n, "text": "اردو"})
            )
    stored = list(AuditEvent.objects.filter(actor=user).order_by("seq"))
    assert [e.pk for e in stored] == [e.pk for e in events]
    assert [e.after for e in stored] == [{"n": 0, "text": "اردو"}, {"n": 1, "text": "اردو"},
                                         {"n": 2, "text": "اردو"}]  # fmt: skip
    assert stored[1].prev_hash == stored[0].hash and stored[2].prev_hash == stored[1].hash
    head = AuditChainHead.objects.get(chain=stored[0].chain)
    assert (head.seq, head.hash) == (stored[2].seq, stored[2].hash)
    assert list(audit.verify()) == []


def test_a_record_on_a_known_chain_is_two_statements_on_postgresql():
    user = UserFactory(username="auditor2")
    with transaction.atomic():
        audit.record(actor=user, action=ExampleAction.FIRST)  # creates the chain's head
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        audit.record(actor=user, action=ExampleAction.SECOND)
    writes = [q["sql"] for q in ctx.captured_queries if "audit" in q["sql"]]
    assert len(writes) == (2 if connection.vendor == "postgresql" else 3)


def test_record_many_chains_every_row_after_the_last_and_verifies():
    user = UserFactory(username="auditor3")
    other = UserFactory(username="subject")
    with transaction.atomic():
        first = audit.record(actor=user, action=ExampleAction.FIRST)
    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        n = audit.record_many(
            actor=user,
            action=ExampleAction.THING,
            rows=[(other, {"n": i}, {"n": i + 1}) for i in range(4)],
        )
    assert n == 4
    writes = [q["sql"] for q in ctx.captured_queries if "audit" in q["sql"]]
    assert len(writes) == 3  # the head locked, the rows inserted at once, the head moved
    stored = list(AuditEvent.objects.filter(actor=user).order_by("seq"))
    assert [e.seq for e in stored] == [first.seq + i for i in range(5)]
    assert all(b.prev_hash == a.hash for a, b in zip(stored, stored[1:], strict=False))
    assert [e.after for e in stored[1:]] == [{"n": i + 1} for i in range(4)]
    assert {e.object_id for e in stored[1:]} == {str(other.pk)}
    head = AuditChainHead.objects.get(chain=stored[0].chain)
    assert (head.seq, head.hash) == (stored[-1].seq, stored[-1].hash)
    assert list(audit.verify()) == []
