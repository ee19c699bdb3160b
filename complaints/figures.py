"""The complaints' kept figures: the dashboards and the public statistics read these rows, not
every complaint (issue 21's floors).

Each figure is a count under a key. What a complaint contributes is a function of the
complaint alone (``keys``): while open, one ``open`` count at its office and district under the
day it was registered, and one ``due`` count under the day it falls due; per district, whether
it counts as registered (not a duplicate), resolved, resolved within the limit (and in how many
tenths of a day), escalated, reopened, rated, rated satisfied. Escalations are counted as they
happen (``escalated``: at the office reached, by day).

The ``open`` and ``due`` rows grow with offices × days. Beside them each open complaint also
counts once in its office's roll-up (``open_all``, and ``due_all`` when a limit runs), under
the one day ``ALL_DAYS``: a dashboard takes the totals from the roll-ups and reads the day rows
only for the days its age buckets and "overdue" need (the last ``RECENT_DAYS`` registered, the
days still to fall due), a bounded number of rows however long the office has been on Daftar.

Every service that changes a complaint takes its keys before the change and applies the
difference after it (``change``), in the same transaction, in one statement (an upsert that
adds). ``count_from_scratch`` counts the same keys over every complaint; ``rebuild`` replaces
the kept rows by that count (``manage.py complaints_figures --rebuild``; ``--check`` compares),
and the tests show that after filings, escalations, resolutions and reopenings the kept
figures equal the count from scratch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from types import SimpleNamespace
from uuid import uuid4

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from complaints.models import (
    OPEN_STATUSES,
    Complaint,
    DistrictFigure,
    Event,
    OfficeFigure,
    Status,
)

OFFICE = "o"
DISTRICT = "d"

# What ``keys`` reads of a complaint.
FIELDS = (
    "status",
    "office_id",
    "district_id",
    "level",
    "registered_at",
    "due_at",
    "duplicate_of_id",
    "resolved_at",
    "escalated_at",
    "reopened",
    "feedback",
)

TENTH_OF_A_DAY = 8640  # seconds

# The figures' version: a token in the cache, replaced after every commit that changed a kept
# figure, so that what is worked out from them (the dashboards' fragments) can be cached under
# it and is never served once a figure has moved.
VERSION_KEY = "complaints:figures:version"

# The day under which the roll-ups (``open_all``, ``due_all``) are kept: never a real day.
ALL_DAYS = dt.date(1, 1, 1)


def _day(moment):
    return timezone.localdate(moment)


def keys(c) -> list[tuple]:
    """The figures one complaint counts in, as it is now."""
    out: list[tuple] = []
    if c.status in OPEN_STATUSES:
        where = (c.office_id, c.district_id, c.level)
        out.append((OFFICE, OfficeFigure.Kind.OPEN.value, *where, _day(c.registered_at)))
        out.append((OFFICE, OfficeFigure.Kind.OPEN_ALL.value, *where, ALL_DAYS))
        if c.due_at is not None:
            out.append((OFFICE, OfficeFigure.Kind.DUE.value, *where, _day(c.due_at)))
            out.append((OFFICE, OfficeFigure.Kind.DUE_ALL.value, *where, ALL_DAYS))
    if c.duplicate_of_id is None:
        d = c.district_id
        out.append((DISTRICT, "registered", d, 0))
        if c.status in (Status.RESOLVED, Status.CLOSED) and c.resolved_at is not None:
            out.append((DISTRICT, "resolved", d, 0))
            took = (c.resolved_at - c.registered_at).total_seconds()
            out.append((DISTRICT, "resolved_in", d, max(0, round(took / TENTH_OF_A_DAY))))
            if c.escalated_at is None and c.due_at is not None and c.resolved_at <= c.due_at:
                out.append((DISTRICT, "in_time", d, 0))
        if c.escalated_at is not None:
            out.append((DISTRICT, "escalated", d, 0))
        if c.reopened:
            out.append((DISTRICT, "reopened", d, 0))
        if c.feedback in (Complaint.Feedback.SATISFIED, Complaint.Feedback.NOT_SATISFIED):
            out.append((DISTRICT, "rated", d, 0))
            if c.feedback == Complaint.Feedback.SATISFIED:
                out.append((DISTRICT, "satisfied", d, 0))
    return out


def escalation_key(*, office_id: int, district_id: int, level: int, at) -> tuple:
    return (OFFICE, OfficeFigure.Kind.ESCALATED.value, office_id, district_id, level, _day(at))


def difference(before: Iterable[tuple], after: Iterable[tuple]) -> Counter:
    delta = Counter(after)
    delta.subtract(Counter(before))
    return delta


def change(before: list[tuple], complaint, *extra: tuple) -> None:
    """Apply what changed in ``complaint``'s figures since ``before`` (its ``keys`` then),
    with ``extra`` counted once each (an escalation)."""
    delta = difference(before, keys(complaint))
    delta.update(extra)
    apply(delta)


def apply(delta: Counter) -> None:
    """Add ``delta`` to the kept rows: one upsert per table (one statement on PostgreSQL),
    keys in one order so that concurrent writers lock rows in the same order."""
    office = sorted((k[1:], n) for k, n in delta.items() if n and k[0] == OFFICE)
    district = sorted((k[1:], n) for k, n in delta.items() if n and k[0] == DISTRICT)
    statements = []
    if office:
        statements.append(
            _upsert(
                OfficeFigure,
                ["kind", "office_id", "district_id", "level", "day"],
                [(*k, n) for k, n in office],
            )
        )
    if district:
        statements.append(
            _upsert(
                DistrictFigure, ["kind", "district_id", "value"], [(*k, n) for k, n in district]
            )
        )
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) == 2:
            (first, p1), (second, p2) = statements
            cursor.execute(f"WITH first AS ({first}) {second}", [*p1, *p2])
        else:
            for sql, params in statements:
                cursor.execute(sql, params)
    transaction.on_commit(_moved)


def version() -> str | None:
    """The figures' version now (a new one is made when none is kept); None while the cache
    is unreachable, when nothing should be cached under it."""
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    return token


def _moved() -> None:
    """After a commit that changed the figures: a new version (a skipped write while the cache
    is unreachable leaves what was cached to its own timeout)."""
    cache.set(VERSION_KEY, uuid4().hex, timeout=None)


def _upsert(model, key: list[str], rows: list[tuple]) -> tuple[str, list]:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` (PostgreSQL and
    SQLite alike; on PostgreSQL the rows go as one array per column, ``unnest``-ed, so that a
    sweep's thousand keys are a few parameters). Only the model's quoted table and column
    names and their database types go into the text."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = [*key, "n"]
    columns = ", ".join(qn(c) for c in names)
    conflict = ", ".join(qn(c) for c in key)
    if connection.vendor == "postgresql":
        types = [_db_type(model, name) for name in names]
        source = "SELECT * FROM unnest(" + ", ".join(f"%s::{t}[]" for t in types) + ")"  # noqa: S608
        params = [list(column) for column in zip(*rows, strict=True)]
    else:
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        source = "VALUES " + ", ".join([one] * len(rows))
        params = [v for row in rows for v in row]
    sql = (
        f"INSERT INTO {table} ({columns}) {source} "  # noqa: S608 — model names only
        f"ON CONFLICT ({conflict}) DO UPDATE SET {qn('n')} = {table}.{qn('n')} + excluded.{qn('n')}"
    )
    return sql, params


def _db_type(model, column: str) -> str:
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    if field.is_relation:
        field = field.target_field
    return {"BigAutoField": "bigint", "AutoField": "integer", "CharField": "text"}.get(
        field.get_internal_type(), field.db_type(connection).split("(")[0].split(" ")[0]
    )


# ---- from scratch ---------------------------------------------------------------------------


def _models(apps=None):
    """The models, or a migration's historical ones (``apps``)."""
    if apps is None:
        return Complaint, Event, OfficeFigure, DistrictFigure
    return tuple(
        apps.get_model("complaints", name)
        for name in ("Complaint", "Event", "OfficeFigure", "DistrictFigure")
    )


def count_from_scratch(apps=None) -> Counter:
    """Every figure counted again from the complaints and their escalation events."""
    complaint_model, event_model, _, _ = _models(apps)
    counts: Counter = Counter()
    for row in complaint_model.objects.order_by().values(*FIELDS).iterator(chunk_size=5000):
        counts.update(keys(SimpleNamespace(**row)))
    for office_id, district_id, level, at in (
        event_model.objects.filter(kind=Event.Kind.ESCALATED)
        .order_by()
        .values_list("office_id", "complaint__district_id", "level", "at")
        .iterator(chunk_size=5000)
    ):
        counts[
            escalation_key(office_id=office_id, district_id=district_id, level=level, at=at)
        ] += 1
    return +counts


def kept() -> Counter:
    """The kept figures as they stand (rows at zero left out)."""
    counts: Counter = Counter()
    for kind, office, district, level, day, n in OfficeFigure.objects.exclude(n=0).values_list(
        "kind", "office_id", "district_id", "level", "day", "n"
    ):
        counts[(OFFICE, kind, office, district, level, day)] = n
    for kind, district, value, n in DistrictFigure.objects.exclude(n=0).values_list(
        "kind", "district_id", "value", "n"
    ):
        counts[(DISTRICT, kind, district, value)] = n
    return counts


def check() -> tuple[Counter, Counter]:
    """(kept, from scratch): equal when the services kept every figure."""
    return kept(), count_from_scratch()


def rebuild(apps=None) -> int:
    """Replace the kept figures by a count from scratch, in one transaction that holds off the
    services' own updates meanwhile (on PostgreSQL). Returns the number of rows written.
    ``apps``: a migration's historical models."""
    _, _, office_model, district_model = _models(apps)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (office_model, district_model):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # noqa: S608
        office_model.objects.all().delete()
        district_model.objects.all().delete()
        counts = count_from_scratch(apps)
        office_model.objects.bulk_create(
            (
                office_model(kind=k[1], office_id=k[2], district_id=k[3], level=k[4], day=k[5], n=n)
                for k, n in counts.items()
                if k[0] == OFFICE
            ),
            batch_size=5000,
        )
        district_model.objects.bulk_create(
            (
                district_model(kind=k[1], district_id=k[2], value=k[3], n=n)
                for k, n in counts.items()
                if k[0] == DISTRICT
            ),
            batch_size=5000,
        )
        transaction.on_commit(_moved)
    return len(counts)


def prune() -> int:
    """Drop the rows that came back to zero (a day whose complaints were all settled)."""
    deleted, _ = OfficeFigure.objects.filter(n=0).delete()
    more, _ = DistrictFigure.objects.filter(n=0).delete()
    return deleted + more
