"""Write and verify the audit trail.

``record()`` is the single call every service makes, inside its own transaction:

    audit.record(actor=user, action=DeskAction.FILE_MARK, obj=file, post=from_post,
                 before={"post": 3}, after={"post": 7})

``action`` is a member of an app's catalogue (``kernel.audit_actions``); anything else is
refused, so every stored action has a label and no misspelling reaches the trail.

Rows are spread over ``DAFTAR_AUDIT_CHAINS`` independent hash chains chosen by the acting user,
so that audited writes by different officers do not all queue behind one row lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from kernel import audit_actions
from kernel.audit_actions import AuditAction
from kernel.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _jsonable(value):
    """Normalise to what a JSONField gives back, so the hash survives the round trip."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "post": event.post_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_head(chain: int) -> AuditChainHead:
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(chain=chain).first()
    if head is None:
        # ignore_conflicts: a concurrent first writer may create it; then we lock theirs.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
        head = heads.get(chain=chain)
    return head


def record(
    *,
    actor,
    action: AuditAction | str,
    obj: models.Model | None = None,
    post=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one audit row in the caller's transaction. ``actor`` is required: there is no
    unaudited write. Raises if called outside a transaction, because then the row and the
    change it describes could disagree. ``action`` must be in the catalogue (a member, or a
    string equal to one's value): ``ValueError`` otherwise, before anything is written."""
    action = _checked(actor, action, "audit.record")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    chain = actor.pk % settings.DAFTAR_AUDIT_CHAINS
    head = _lock_head(chain)
    event = _next(
        head, chain=chain, at=timezone.now(), actor=actor, post=post, action=action,
        object_type=object_type, object_id=object_id, object_repr=object_repr,
        before=before, after=after,
    )  # fmt: skip
    _append(event, head)
    return event


def _checked(actor, action, name: str):
    """The catalogue's action; refused without an actor or outside a transaction."""
    action = audit_actions.lookup(action)
    if actor is None or not getattr(actor, "pk", None):
        raise ValueError(f"{name} needs the acting user.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the transaction of the change.")
    return action


def _next(head, *, chain, at, actor, post, action, object_type, object_id, object_repr,
          before, after) -> AuditEvent:  # fmt: skip
    """The row after the (locked) chain ``head``, hashed; the head moved to it in memory."""
    event = AuditEvent(
        chain=chain,
        seq=head.seq + 1,
        at=at,
        actor_id=actor.pk,
        post_id=getattr(post, "pk", post),
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.hash or GENESIS,
    )
    event.hash = compute_hash(event)
    head.seq, head.hash = event.seq, event.hash
    return event


@dataclass(frozen=True)
class Subject:
    """What an audit row names, without loading the object: its model, key and text (as
    ``str(obj)`` would give)."""

    model: type[models.Model]
    pk: object
    text: str

    @property
    def _meta(self):
        return self.model._meta

    def __str__(self) -> str:
        return self.text


def record_many(
    *,
    actor,
    action: AuditAction | str,
    rows: list[tuple[models.Model | Subject, dict | None, dict | None]],
    post=None,
) -> int:
    """``record`` for many objects at once — one row per ``(obj, before, after)`` (``obj`` a
    model instance or a ``Subject``), the same
    actor, action and moment — in the caller's transaction: the actor's chain head is locked
    once, the rows chained one after the other, inserted in one statement and the head moved
    to the last. For the scheduler's batches (the complaints' escalation sweep), where a
    statement per row is the cost. Returns the number of rows written."""
    action = _checked(actor, action, "audit.record_many")
    if not rows:
        return 0
    chain = actor.pk % settings.DAFTAR_AUDIT_CHAINS
    head = _lock_head(chain)
    at = timezone.now()
    events = [
        _next(
            head,
            chain=chain,
            at=at,
            actor=actor,
            post=post,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj),
            before=before,
            after=after,
        )  # fmt: skip
        for obj, before, after in rows
    ]
    _insert_many(events)
    head.save(update_fields=["seq", "hash"])
    return len(events)


def _insert_many(events: list[AuditEvent]) -> None:
    """The rows in one statement: on PostgreSQL one array per column, ``unnest``-ed (a
    thousand rows are thirteen parameters, not thirteen thousand); elsewhere
    ``bulk_create``."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events)
        return
    meta = AuditEvent._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    qn = connection.ops.quote_name
    types, columns = [], []
    for field in fields:
        target = field.target_field if field.is_relation else field
        kind = target.get_internal_type()
        types.append(
            {"BigAutoField": "bigint", "AutoField": "integer", "CharField": "text"}.get(
                kind, target.db_type(connection).split("(")[0].split(" ")[0]
            )
        )
        columns.append(
            [field.get_db_prep_save(getattr(e, field.attname), connection) for e in events]
        )
    for i, field in enumerate(fields):
        if field.get_internal_type() == "JSONField":  # the arrays go as text, cast per row
            columns[i] = [None if v is None else _as_text(v) for v in columns[i]]
    # Only quoted model names and their database types go into the text; values are bound.
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({', '.join(f'%s::{t}[]' for t in types)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


def _as_text(value) -> str:
    adapted = getattr(value, "obj", value)  # Django's JSON adapter keeps the value here
    return json.dumps(adapted, cls=DjangoJSONEncoder, ensure_ascii=False)


def _append(event: AuditEvent, head: AuditChainHead) -> None:
    """Insert the row and move the (locked) chain head to it. On PostgreSQL both in one
    statement — an INSERT in a WITH clause of the head's UPDATE — since every audited write
    pays for it; elsewhere two."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        event.save(force_insert=True)
        head.save(update_fields=["seq", "hash"])
        return
    meta = AuditEvent._meta
    query = InsertQuery(AuditEvent)
    query.insert_values([f for f in meta.concrete_fields if f is not meta.pk], [event])
    [(insert_sql, params)] = query.get_compiler(connection=connection).as_sql()
    qn = connection.ops.quote_name
    pk, head_table = qn(meta.pk.column), qn(AuditChainHead._meta.db_table)
    # Only quoted model names and Django's own INSERT go into the text; values are bound.
    sql = (
        f"WITH ins AS ({insert_sql} RETURNING {pk}) "  # noqa: S608
        f"UPDATE {head_table} SET seq = %s, hash = %s WHERE chain = %s "
        f"RETURNING (SELECT {pk} FROM ins)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, head.seq, head.hash, head.chain])
        (event.pk,) = cursor.fetchone()
    event._state.adding = False
    event._state.db = connection.alias


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The named fields of an instance as a dict for ``before``/``after``."""
    out = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = getattr(instance, field.attname)
    return out


@dataclass
class Problem:
    chain: int
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"chain {self.chain}" + (f", row {self.seq}" if self.seq is not None else "")
        return f"{where}: {self.message}"


def verify(progress: Callable[[int], None] | None = None) -> Iterator[Problem]:
    """Walk every chain and yield each break: a changed row (its hash no longer matches its
    contents), a removed or inserted row (sequence gap, or prev_hash not the previous hash),
    or a chain whose head does not match its last row (rows deleted from the end)."""
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    last: dict[int, AuditEvent] = {}
    count = 0
    events = AuditEvent.objects.order_by("chain", "seq").iterator(chunk_size=5000)
    for event in events:
        prev = last.get(event.chain)
        expected_seq = prev.seq + 1 if prev else 1
        expected_prev = prev.hash if prev else GENESIS
        if event.seq != expected_seq:
            yield Problem(event.chain, event.seq, f"expected row {expected_seq} here")
        if event.prev_hash != expected_prev:
            yield Problem(event.chain, event.seq, "does not link to the row before it")
        if compute_hash(event) != event.hash:
            yield Problem(event.chain, event.seq, "contents do not match its hash (altered)")
        last[event.chain] = event
        count += 1
        if progress and count % 10_000 == 0:
            progress(count)
    for chain in sorted(set(heads) | set(last)):
        head, tail = heads.get(chain), last.get(chain)
        head_seq = head.seq if head else 0
        tail_seq = tail.seq if tail else 0
        if head_seq != tail_seq or (head and tail and head.hash != tail.hash):
            yield Problem(
                chain, None, f"chain head says {head_seq} rows, the table ends at {tail_seq}"
            )
    if progress:
        progress(count)
