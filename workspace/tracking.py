"""Public tracking references and the public projection of a citizen's matter.

A reference is ten characters from a 32-symbol alphabet without the look-alikes 0/O and 1/I
(``23456789ABCDEFGHJKLMNPQRSTUVWXYZ``): nine random symbols and a check symbol, shown as
``K7M2Q-X9PT4``. The check symbol is Damm's algorithm over a totally anti-symmetric
quasigroup of order 32 (``x ∘ y = α·(x ⊕ y)`` in GF(2⁵)), so every single wrong symbol and
every swap of two neighbours is caught before the database is asked.

``public_status()`` is the only way the public site reads a receipt: it answers with a
``PublicStatus`` that holds nothing but public facts (stage in plain words, office at
department and section level, dates, time limit, hold reason, next step, outcome) — never a
name, a note, a paper or anything graded above unclassified — and with ``None`` alike for an
unknown reference and a wrong second factor.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organisation.models import Department, Post, Section
from workspace.models import Approval, DispatchEntry, Draft, File, HoldReason, Movement, Receipt
from workspace.models.files import public_grading

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY_LENGTH = 9
LENGTH = BODY_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.]+")

# GF(2^5) with the irreducible polynomial x^5 + x^2 + 1.
_POLY = 0b100101


def _times_alpha(x: int) -> int:
    x <<= 1
    return x ^ _POLY if x & 0b100000 else x


def _damm_step(interim: int, digit: int) -> int:
    """x ∘ y = α·(x ⊕ y): a quasigroup, totally anti-symmetric because α ∉ {0, 1}, with a zero
    diagonal (x ∘ x = 0), which is what Damm's scheme needs."""
    return _times_alpha(interim ^ digit)


def _interim(values) -> int:
    interim = 0
    for value in values:
        interim = _damm_step(interim, value)
    return interim


def check_character(body: str) -> str:
    """The check symbol for ``body`` (symbols of ALPHABET)."""
    return ALPHABET[_interim(_VALUE[ch] for ch in body)]


def normalise(raw: str) -> str:
    """Upper-case, without spaces and dashes: ``" k7m2q - x9pt4 "`` → ``"K7M2QX9PT4"``."""
    return _SEPARATORS.sub("", raw or "").upper()


def is_valid(ref: str) -> bool:
    """Well formed with a correct check symbol (after ``normalise``). Says nothing about
    whether such a matter exists."""
    ref = normalise(ref)
    if len(ref) != LENGTH or any(ch not in _VALUE for ch in ref):
        return False
    return _interim(_VALUE[ch] for ch in ref) == 0


def display(ref: str) -> str:
    """``K7M2QX9PT4`` → ``K7M2Q-X9PT4``, the way it is printed and shown."""
    ref = normalise(ref)
    return f"{ref[:5]}-{ref[5:]}" if len(ref) == LENGTH else ref


def _random_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def new_reference() -> str:
    """A fresh reference, random (not sequential) and not yet used by any receipt.

    32⁹ ≈ 3.5·10¹³ bodies, so a clash is rare; the unique constraint on
    ``Receipt.tracking_ref`` stays the last word."""

    for _attempt in range(8):
        ref = _random_reference()
        if not Receipt.objects.filter(tracking_ref=ref).exists():
            return ref
    raise RuntimeError("could not find an unused tracking reference")  # pragma: no cover


def normalise_second_factor(raw: str) -> str:
    """The digits of what the citizen typed (``"12-34"`` → ``"1234"``)."""
    return "".join(ch for ch in (raw or "") if ch.isdigit())[-8:]


# ---- the public projection ------------------------------------------------------------------


class Stage:
    """Where a matter stands, in words a citizen understands."""

    RECEIVED = "received"
    EXAMINATION = "examination"
    DECISION = "decision"
    ON_HOLD = "on_hold"
    DECIDED = "decided"

    LABELS = {
        RECEIVED: _("Received and registered"),
        EXAMINATION: _("Being examined"),
        DECISION: _("Awaiting a decision by a senior officer"),
        ON_HOLD: _("On hold"),
        DECIDED: _("Decided"),
    }
    NEXT_STEPS = {
        RECEIVED: _(
            "The office will examine your application and put it on a file. "
            "This page will show when that happens."
        ),
        EXAMINATION: _(
            "The office is examining your application. When it has done so, it will put it up "
            "to the officer who can decide."
        ),
        DECISION: _("The officer competent to decide will pass orders on your application."),
        ON_HOLD: _(
            "The office will take your application up again as soon as the matter can proceed. "
            "You do not need to apply again."
        ),
        DECIDED: _(
            "Your application has been decided. The office will send you the decision in "
            "writing if it has not done so already."
        ),
    }
    ORDER = [RECEIVED, EXAMINATION, DECISION, DECIDED]


HOLD_REASON_PARKED = _(
    "The office is waiting for something it needs before it can go on, such as a report, "
    "papers or comments from another office."
)


@dataclass(frozen=True)
class PublicStatus:
    """What the public may know about a citizen's matter, and nothing more."""

    reference: str
    stage: str
    stage_label: str
    #: where the matter stands in the usual order (the stage it is held at, while on hold)
    position: str
    department: str
    section: str
    received_on: dt.date
    in_office_since: dt.date
    time_limit_days: int | None
    due_on: dt.date | None
    is_overdue: bool
    decided_on: dt.date | None
    hold_reason: str
    next_step: str
    outcome: str

    @property
    def office(self) -> str:
        return f"{self.section}, {self.department}"

    @property
    def steps(self) -> list[dict]:
        """The usual stages in order, each done, current or to come (for a progress line)."""
        at = Stage.ORDER.index(self.position)
        out = []
        for i, code in enumerate(Stage.ORDER):
            state = "done" if i < at else ("current" if i == at else "todo")
            if code == Stage.DECIDED and self.stage == Stage.DECIDED:
                state = "done"
            out.append({"code": code, "label": str(Stage.LABELS[code]), "state": state})
        return out

    def as_dict(self) -> dict:
        """For the JSON API: plain values, dates in ISO 8601."""
        return {
            "reference": self.reference,
            "stage": self.stage,
            "stage_label": self.stage_label,
            "steps": [{"stage": s["code"], "state": s["state"]} for s in self.steps],
            "office": {"department": self.department, "section": self.section},
            "received_on": self.received_on.isoformat(),
            "in_office_since": self.in_office_since.isoformat(),
            "time_limit_days": self.time_limit_days,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "is_overdue": self.is_overdue,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "hold_reason": self.hold_reason,
            "next_step": self.next_step,
            "outcome": self.outcome,
        }


# compare_digest against this when there is no receipt, so both failures cost the same.
_NO_MATCH = "\x00\x00\x00\x00"


def _factor_matches(given: str, row) -> bool:
    cnic = row["citizen_cnic_last4"] if row else ""
    mobile = row["citizen_mobile_last4"] if row else ""
    # Both comparisons always run (``|``, not ``or``), in constant time.
    by_cnic = hmac.compare_digest(given.encode(), (cnic or _NO_MATCH).encode())
    by_mobile = hmac.compare_digest(given.encode(), (mobile or _NO_MATCH).encode())
    return bool(row) & (by_cnic | by_mobile)


# (key in the row, model, field) of what a lookup reads, in SELECT order.
_COLUMNS = [
    ("tracking_ref", "Receipt", "tracking_ref"),
    ("status", "Receipt", "status"),
    ("grading", "Receipt", "grading"),
    ("received_on", "Receipt", "received_on"),
    ("diarised_at", "Receipt", "diarised_at"),
    ("time_limit_days", "Receipt", "time_limit_days"),
    ("outcome", "Receipt", "outcome"),
    ("citizen_cnic_last4", "Receipt", "citizen_cnic_last4"),
    ("citizen_mobile_last4", "Receipt", "citizen_mobile_last4"),
    ("holding_post_id", "Receipt", "holding_post"),
    ("file_id", "Receipt", "file"),
    ("file__status", "File", "status"),
    ("file__grading", "File", "grading"),
    ("file__desk_since", "File", "desk_since"),
    ("file__holding_post_id", "File", "holding_post"),
    ("file__hold_reason", "File", "hold_reason"),
    ("disposed_at", "Receipt", "disposed_at"),
    ("id", "Receipt", "id"),
    ("post__level", "Post", "level"),
    ("post__may_approve", "Post", "may_approve"),
    ("section__name_en", "Section", "name_en"),
    ("section__name_ur", "Section", "name_ur"),
    ("department__name_en", "Department", "name_en"),
    ("department__name_ur", "Department", "name_ur"),
]


@cache
def _lookup_sql(ids: int = 0) -> str:
    """The lookup as one statement: the receipt, its file, the office now dealing with it
    (the file's post while on a file, else the receipt's: post → section → department), the
    file's last closing, its first approved note and its first issued letter since the
    receipt came in (index probes). Written once from the models' metadata — never from
    input — because this is the hottest public read and the ORM's per-call query building
    costs more than running it; plain SQL that PostgreSQL and SQLite both take.

    ``ids=0`` is the public lookup by reference; ``ids=n`` the staff screens' read of ``n``
    receipts by id (what the citizen sees now, ``public_status_of``)."""
    from django.db import connection

    models = {
        "Receipt": (Receipt, "r"),
        "File": (File, "f"),
        "Post": (Post, "p"),
        "Section": (Section, "s"),
        "Department": (Department, "d"),
    }
    qn = connection.ops.quote_name

    def col(model_name, field):
        model, alias = models[model_name]
        return f"{alias}.{qn(model._meta.get_field(field).column)}"

    def table(model_name):
        model, alias = models[model_name]
        return f"{qn(model._meta.db_table)} {alias}"

    m = Movement._meta
    closed_at = (
        f"(SELECT m.{qn(m.get_field('at').column)} FROM {qn(m.db_table)} m"  # noqa: S608
        f" WHERE m.{qn(m.get_field('file').column)} = {col('Receipt', 'file')}"
        f" AND m.{qn(m.get_field('kind').column)} = %s"
        f" ORDER BY m.{qn(m.get_field('at').column)} DESC LIMIT 1)"
    )
    a, dp, dr = Approval._meta, DispatchEntry._meta, Draft._meta
    approved_at = (
        f"(SELECT MIN(a.{qn(a.get_field('at').column)}) FROM {qn(a.db_table)} a"  # noqa: S608
        f" WHERE a.{qn(a.get_field('file').column)} = {col('Receipt', 'file')}"
        f" AND a.{qn(a.get_field('decision').column)} = %s"
        f" AND a.{qn(a.get_field('paragraph').column)} IS NOT NULL"
        f" AND a.{qn(a.get_field('at').column)} >= {col('Receipt', 'diarised_at')})"
    )
    issued_at = (
        f"(SELECT MIN(x.{qn(dp.get_field('issued_at').column)}) FROM {qn(dp.db_table)} x"  # noqa: S608
        f" JOIN {qn(dr.db_table)} y ON y.{qn(dr.pk.column)} = x.{qn(dp.get_field('draft').column)}"
        f" WHERE y.{qn(dr.get_field('file').column)} = {col('Receipt', 'file')}"
        f" AND x.{qn(dp.get_field('issued_at').column)} >= {col('Receipt', 'diarised_at')})"
    )
    office_post = (
        f"CASE WHEN {col('Receipt', 'status')} <> %s AND {col('File', 'holding_post')}"
        f" IS NOT NULL THEN {col('File', 'holding_post')} ELSE {col('Receipt', 'holding_post')}"
        " END"
    )
    select = ", ".join(col(model, field) for _, model, field in _COLUMNS)
    if ids:
        where = f"{col('Receipt', 'id')} IN ({', '.join(['%s'] * ids)})"
    else:
        where = f"{col('Receipt', 'tracking_ref')} = %s"
    return (
        f"SELECT {select}, {closed_at}, {approved_at}, {issued_at}"  # noqa: S608 — metadata only
        f" FROM {table('Receipt')}"
        f" LEFT JOIN {table('File')} ON f.{qn(File._meta.pk.column)} = {col('Receipt', 'file')}"
        f" JOIN {table('Post')} ON p.{qn(Post._meta.pk.column)} = {office_post}"
        f" JOIN {table('Section')} ON s.{qn(Section._meta.pk.column)} = {col('Post', 'section')}"
        f" JOIN {table('Department')} ON d.{qn(Department._meta.pk.column)} ="
        f" {col('Section', 'department')}"
        f" WHERE {where}"
        f" AND {col('Receipt', 'is_citizen_matter')} = %s"
    )


def _as_datetime(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):  # stored in UTC when USE_TZ
        value = value.replace(tzinfo=dt.UTC)
    return value


def _as_date(value):
    if isinstance(value, str):  # SQLite
        return dt.date.fromisoformat(value)
    return value


def _rows(sql: str, keys: list) -> list[dict]:
    """The receipts ``sql`` finds (by reference or by ids), each a dict of ``_COLUMNS`` plus
    ``closed_at``, ``approved_at`` and ``issued_at``."""
    from django.db import connection

    params = [
        Movement.Kind.CLOSE.value,
        Approval.Decision.APPROVED.value,
        Receipt.Status.PENDING.value,
        *keys,
        True,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found_rows = cursor.fetchall()
    rows = []
    for found in found_rows:
        row = {key: value for (key, _, _), value in zip(_COLUMNS, found, strict=False)}
        row["closed_at"] = _as_datetime(found[-3])
        row["approved_at"] = _as_datetime(found[-2])
        row["issued_at"] = _as_datetime(found[-1])
        row["diarised_at"] = _as_datetime(row["diarised_at"])
        row["disposed_at"] = _as_datetime(row["disposed_at"])
        row["file__desk_since"] = _as_datetime(row["file__desk_since"])
        row["received_on"] = _as_date(row["received_on"])
        rows.append(row)
    return rows


def _load(reference: str) -> dict | None:
    """The receipt behind a reference (see ``_rows``), or None."""
    rows = _rows(_lookup_sql(), [reference])
    return rows[0] if rows else None


def _is_public(row) -> bool:
    file_grading = None if row["file_id"] is None else row["file__grading"]
    return public_grading(row["grading"], file_grading)


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def _pick(row, prefix: str) -> str:
    if (get_language() or "en").startswith("ur") and row[f"{prefix}__name_ur"]:
        return row[f"{prefix}__name_ur"]
    return row[f"{prefix}__name_en"]


def _project(row, *, today: dt.date) -> PublicStatus:
    """The public facts of a looked-up receipt."""

    on_file = row["status"] != Receipt.Status.PENDING and row["file_id"] is not None
    file_status = row["file__status"] if on_file else None
    hold_reason = ""
    decided_on = None
    received_on = row["received_on"]
    # Decided when the decision is taken (a note approved on the file since the matter came
    # in), the letter issued, the receipt disposed of, or the file closed: whichever first.
    decisions = [row["disposed_at"]] if row["status"] == Receipt.Status.DISPOSED else []
    if on_file:
        decisions += [row["approved_at"], row["issued_at"]]
        if file_status in (File.Status.CLOSED, File.Status.RECORD_ROOM):
            decisions.append(row["closed_at"])
    decisions = [d for d in decisions if d is not None]
    if (
        decisions
        or row["status"] == Receipt.Status.DISPOSED
        or file_status
        in (
            File.Status.CLOSED,
            File.Status.RECORD_ROOM,
        )
    ):
        stage = Stage.DECIDED
        decided_on = _local_date(min(decisions)) if decisions else None
        in_office_since = decided_on or (
            _local_date(row["file__desk_since"]) if on_file else received_on
        )
    elif not on_file:
        stage = Stage.RECEIVED
        in_office_since = _local_date(row["diarised_at"]) or received_on
    else:
        high = bool(row["post__may_approve"]) or row["post__level"] >= Post.Level.DEPUTY_SECRETARY
        stage = Stage.DECISION if high else Stage.EXAMINATION
        in_office_since = _local_date(row["file__desk_since"])
    position = stage
    if file_status == File.Status.PARKED and stage != Stage.DECIDED:
        stage = Stage.ON_HOLD
        reasons = dict(HoldReason.choices)
        hold_reason = str(reasons.get(row["file__hold_reason"]) or HOLD_REASON_PARKED)

    limit = row["time_limit_days"]
    due_on = received_on + dt.timedelta(days=limit) if limit else None
    is_overdue = bool(due_on) and stage != Stage.DECIDED and today > due_on
    return PublicStatus(
        reference=display(row["tracking_ref"]),
        stage=stage,
        stage_label=str(Stage.LABELS[stage]),
        position=position,
        department=_pick(row, "department"),
        section=_pick(row, "section"),
        received_on=received_on,
        in_office_since=max(in_office_since, received_on),
        time_limit_days=limit,
        due_on=due_on,
        is_overdue=is_overdue,
        decided_on=decided_on,
        hold_reason=hold_reason,
        next_step=str(Stage.NEXT_STEPS[stage]),
        outcome=row["outcome"] if stage == Stage.DECIDED else "",
    )


def public_status(*, reference: str, second_factor: str) -> PublicStatus | None:
    """Where a citizen's matter stands, for the public site.

    ``None`` — the one answer for a malformed or unknown reference, a wrong second factor, a
    matter that is not a citizen's, and one graded above unclassified (on the receipt or its
    file), so the answer never tells which. The second factor is the last four digits of the
    CNIC or of the mobile number given when the matter was diarised."""
    ref = normalise(reference)
    factor = normalise_second_factor(second_factor)
    row = _load(ref) if is_valid(ref) else None
    if len(factor) != 4:
        factor = _NO_MATCH[:-1]  # still compared, never equal
    if not _factor_matches(factor, row):
        return None
    if not _is_public(row):
        return None
    return _project(row, today=timezone.localdate())


def public_status_of(*, receipt_ids) -> dict[int, PublicStatus]:
    """What the tracking page shows the citizen now, for each of ``receipt_ids`` that it
    would answer for (a citizen's matter with a reference, unclassified, on an unclassified
    file): the same read and projection as ``public_status``, for the staff screens' one
    line "the citizen sees". One query for any number of receipts."""
    ids = sorted({int(i) for i in receipt_ids})
    if not ids:
        return {}
    today = timezone.localdate()
    return {
        row["id"]: _project(row, today=today)
        for row in _rows(_lookup_sql(len(ids)), ids)
        if row["tracking_ref"] and _is_public(row)
    }


__all__ = [
    "ALPHABET",
    "LENGTH",
    "PublicStatus",
    "Stage",
    "check_character",
    "display",
    "is_valid",
    "new_reference",
    "normalise",
    "public_status",
    "public_status_of",
]
