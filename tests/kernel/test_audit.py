"""The audit trail: one call, same transaction, hash-chained, tampering detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kernel import audit
from kernel.models import AuditChainHead, AuditEvent
from tests.factories import UserFactory
from tests.kernel.example_actions import ExampleAction

pytestmark = pytest.mark.django_db


def _write(n, actor=None):
    actor = actor or UserFactory()
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit.record(
                    actor=actor,
                    action=ExampleAction.WRITE,
                    object_type="x",
                    object_id=str(i),
                    after={"i": i},
                )
            )
    return events


def _raw(sql, params=()):
    """Tamper as a database administrator would: around the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # user triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_rows_link_into_a_chain_that_verifies():
    events = _write(4)
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert list(audit.verify()) == []
    call_command("audit_verify")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(actor=UserFactory(), action=ExampleAction.WRITE)


def test_record_requires_an_actor():
    with pytest.raises(ValueError), transaction.atomic():
        audit.record(actor=None, action=ExampleAction.WRITE)


def test_audit_row_rolls_back_with_the_change():
    actor = UserFactory()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit.record(actor=actor, action=ExampleAction.DOOMED)
        1 / 0  # noqa: B018 — the change fails after the audit row was written
    assert not AuditEvent.objects.filter(action=ExampleAction.DOOMED).exists()
    assert not AuditChainHead.objects.filter(seq__gt=0).exists()


def test_altered_row_is_detected():
    events = _write(3)
    _raw("UPDATE workspace_auditevent SET object_id = %s WHERE id = %s", ["999", events[1].pk])
    problems = list(audit.verify())
    assert len(problems) == 1 and problems[0].seq == 2 and "altered" in problems[0].message
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit_verify")


def test_rewritten_row_with_fresh_hash_breaks_the_next_link():
    events = _write(3)
    victim = AuditEvent.objects.get(pk=events[1].pk)
    victim.after = {"i": 42}
    new_hash = audit.compute_hash(victim)
    _raw(
        "UPDATE workspace_auditevent SET after = %s, hash = %s WHERE id = %s",
        ['{"i": 42}', new_hash, victim.pk],
    )
    problems = list(audit.verify())
    assert [(p.seq, "does not link" in p.message) for p in problems] == [(3, True)]


def test_deleted_row_is_detected():
    events = _write(3)
    _raw("DELETE FROM workspace_auditevent WHERE id = %s", [events[1].pk])
    messages = [str(p) for p in audit.verify()]
    assert any("expected row 2" in m for m in messages)


def test_deleted_last_row_is_detected_by_the_chain_head():
    events = _write(3)
    _raw("DELETE FROM workspace_auditevent WHERE id = %s", [events[2].pk])
    messages = [str(p) for p in audit.verify()]
    assert any("head says 3 rows" in m for m in messages)


def test_inserted_row_is_detected():
    events = _write(2)
    forged = AuditEvent(
        chain=events[0].chain,
        seq=2,
        at=events[0].at,
        actor_id=events[0].actor_id,
        action="forged",
        prev_hash=events[0].hash,
    )
    forged.hash = audit.compute_hash(forged)
    _raw("UPDATE workspace_auditevent SET seq = 3 WHERE id = %s", [events[1].pk])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO workspace_auditevent (chain, seq, at, actor_id, action, object_type,"
            " object_id, object_repr, prev_hash, hash)"
            " VALUES (%s, 2, %s, %s, 'forged', '', '', '', %s, %s)",
            [forged.chain, forged.at, forged.actor_id, forged.prev_hash, forged.hash],
        )
    assert list(audit.verify()) != []


@pytest.mark.postgres
def test_postgres_refuses_updates_and_deletes_outright():
    from django.db import DatabaseError

    event = _write(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_chains_are_per_actor_so_writers_do_not_share_a_lock(settings):
    settings.DAFTAR_AUDIT_CHAINS = 4
    users = [UserFactory() for _ in range(4)]
    for u in users:
        _write(2, actor=u)
    assert AuditEvent.objects.values("chain").distinct().count() == 4
    assert list(audit.verify()) == []
