"""Reads of complaints for the screens: the queue, one complaint, the public projection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints import access
from complaints.models import (
    Category,
    Complaint,
    Event,
    IdentityDisclosure,
    Level,
    OfficeFigure,
    Status,
    TrackedComplaint,
    pick,
)
from organisation.models import District, Post, Section, TerritorialRole


def queue(user, *, mine_only: bool = False):
    """The complaints ``user`` may see, those due soonest first (time left): a queryset, for
    counts and tests; the screen reads one page at a time (``queue_page``)."""
    posts = access.screen_posts(user)
    rows = Complaint.objects.filter(access.visible_q(posts))
    if mine_only:
        rows = rows.filter(office__in=[p.section_id for p in posts])
    return rows.select_related("category", "district", "office").order_by(
        F("due_at").asc(nulls_last=True), *QUEUE_ORDER[1:]
    )


QUEUE_ORDER = ("due_at", "registered_at", "id")  # NULL due times (no limit running) last
PAGE = 50


@dataclass(frozen=True)
class QueueRow(TrackedComplaint):
    """One line of the queue: what the screen shows of a complaint, its names already in the
    request's language (the category's, the district's and the office's)."""

    pk: int
    tracking_ref: str
    status: str
    level: int
    office_id: int
    due_at: dt.datetime | None
    registered_at: dt.datetime
    duplicate: bool
    category: str
    district: str
    office: str


@dataclass(frozen=True)
class QueuePage:
    complaints: list[QueueRow]
    next_cursor: str | None
    office_ids: set
    posts: list  # the posts the user holds (read once for the page)


_C = Complaint._meta.db_table


def _column(name: str) -> str:
    return f'"{_C}".' + connection.ops.quote_name(Complaint._meta.get_field(name).column)


def _queue_parts(posts, mine_only: bool) -> list[tuple[str, list]]:
    """``access.visible_q`` as separate conditions (SQL and parameters), each served in the
    queue's order by one index (complaints' ``complaint_q_*``): a district's, each district of
    a division from the second level up, the province's top level, those marked to an office.
    ``tests/complaints/test_queue.py`` holds the pages to ``queue()``, the rule's queryset."""
    district, level, marked = _column("district"), _column("level"), _column("marked_to")
    parts: list[tuple[str, list]] = []
    divisions = []
    for post in posts:
        section = post.section
        role = section.territorial_role
        if role == TerritorialRole.DEPUTY_COMMISSIONER and section.district_id:
            parts.append((f"{district} = %s", [section.district_id]))
        elif role == TerritorialRole.COMMISSIONER and section.division_id:
            divisions.append(section.division_id)
        elif role == TerritorialRole.PERFORMANCE_CELL:
            parts.append((f"{level} >= %s", [int(Level.PROVINCE)]))
        parts.append((f"{marked} = %s", [section.pk]))
    if divisions:
        for district_id in District.objects.filter(division_id__in=divisions).values_list(
            "pk", flat=True
        ):
            parts.append((f"{district} = %s AND {level} >= %s", [district_id, int(Level.DIVISION)]))
    if mine_only:
        offices = sorted({p.section_id for p in posts})
        marks = ", ".join(["%s"] * len(offices))
        office = _column("office")
        parts = [(f"{sql} AND {office} IN ({marks})", [*ps, *offices]) for sql, ps in parts]
    unique = []
    for part in parts:
        if part not in unique:
            unique.append(part)
    return unique


def _encode(row) -> str:
    due, registered, pk = row.due_at, row.registered_at, row.pk
    stamp = int(registered.timestamp() * 1_000_000)
    if due is None:
        return f"n.{stamp}.{pk}"
    return f"d.{int(due.timestamp() * 1_000_000)}.{stamp}.{pk}"


def _decode(cursor: str | None):
    """(due or None, registered, pk), or None for the first page (also for a bad cursor)."""
    if not cursor:
        return None
    try:
        parts = cursor.split(".")
        moments = [dt.datetime.fromtimestamp(int(p) / 1_000_000, tz=dt.UTC) for p in parts[1:-1]]
        pk = int(parts[-1])
        if parts[0] == "d" and len(moments) == 2:
            return moments[0], moments[1], pk
        if parts[0] == "n" and len(moments) == 1:
            return None, moments[0], pk
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _moment(value):
    """A datetime column as the raw cursor gives it: PostgreSQL's aware datetime, SQLite's
    text (UTC, as Django stores it)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def queue_page(user, *, mine_only: bool = False, after: str | None = None) -> QueuePage:
    """One page of the queue, after ``after`` (the ``next_cursor`` of the page before), in one
    statement: each way the user sees complaints read in the queue's order through its own
    index, at most a page of keys each (a UNION ALL), the page's keys kept once in order, and
    the page's rows with their category, district and office names joined to them. No count
    of the whole queue, no OFFSET: the page costs the same deep in a district of a hundred
    thousand complaints.

    Written as SQL rather than as querysets: compiling the union's querysets and making the
    page's 200 model instances (a complaint and its three names, 50 times) cost ~5 ms of
    Python a page, more than the statement itself (docs/benchmarks.md, "The cell's queue")."""
    posts = access.screen_posts(user)
    mine = {p.section_id for p in posts}
    parts = _queue_parts(posts, mine_only)
    if not parts:
        return QueuePage([], None, mine, posts)
    due, registered, pk = _column("due_at"), _column("registered_at"), _column("id")
    adapt = connection.ops.adapt_datetimefield_value
    dated, dated_params = f"{due} IS NOT NULL", []
    undated, undated_params = f"{due} IS NULL", []
    cursor = _decode(after)
    if cursor is not None:
        at_due, at_registered, at_pk = cursor
        later = f"({registered} > %s OR ({registered} = %s AND {pk} > %s))"
        later_params = [adapt(at_registered), adapt(at_registered), at_pk]
        if at_due is None:
            dated = None
            undated, undated_params = f"{undated} AND {later}", later_params
        else:
            dated += f" AND {due} >= %s AND ({due} > %s OR ({due} = %s AND {later}))"
            dated_params = [adapt(at_due)] * 3 + later_params
    selects, params = [], []
    for sql, part_params in parts:
        for phase, phase_params, order in (
            (dated, dated_params, f"{due}, {registered}, {pk}"),
            (undated, undated_params, f"{registered}, {pk}"),
        ):
            if phase is None:
                continue
            n = len(selects)
            keys = f"{pk} AS id, {due} AS due_at, {registered} AS registered_at"
            where = f"{sql} AND {phase} ORDER BY {order} LIMIT %s"
            selects.append(f'SELECT * FROM (SELECT {keys} FROM "{_C}" WHERE {where}) AS part{n}')  # noqa: S608
            params += [*part_params, *phase_params, PAGE + 1]
    category, district, office = Category._meta, District._meta, Section._meta
    statement = f"""
        SELECT c.id, c.tracking_ref, c.status, c.level, c.office_id, c.due_at,
               c.registered_at, c.duplicate_of_id IS NOT NULL,
               cat.name_en, cat.name_ur, d.name_en, d.name_ur, o.name_en, o.name_ur
          FROM (SELECT DISTINCT id, due_at, registered_at
                  FROM ({" UNION ALL ".join(selects)}) AS parts
                 ORDER BY due_at ASC NULLS LAST, registered_at, id
                 LIMIT %s) AS page
          JOIN "{_C}" AS c ON c.id = page.id
          JOIN "{category.db_table}" AS cat ON cat.id = c.category_id
          JOIN "{district.db_table}" AS d ON d.id = c.district_id
          JOIN "{office.db_table}" AS o ON o.id = c.office_id
         ORDER BY page.due_at ASC NULLS LAST, page.registered_at, page.id"""  # noqa: S608 — names from the models, values as parameters
    with connection.cursor() as db:
        db.execute(statement, [*params, PAGE + 1])
        found = db.fetchall()
    rows = [
        QueueRow(
            pk=r[0],
            tracking_ref=r[1],
            status=r[2],
            level=r[3],
            office_id=r[4],
            due_at=_moment(r[5]),
            registered_at=_moment(r[6]),
            duplicate=bool(r[7]),
            category=pick(r[8], r[9]),
            district=pick(r[10], r[11]),
            office=pick(r[12], r[13]),
        )  # fmt: skip
        for r in found
    ]
    page, more = rows[:PAGE], len(rows) > PAGE
    return QueuePage(
        complaints=page,
        next_cursor=_encode(page[-1]) if more else None,
        office_ids=mine,
        posts=posts,
    )


def office_ids(user) -> set[int]:
    return {p.section_id for p in access.screen_posts(user)}


def days_left(complaint: Complaint, now=None) -> int | None:
    if complaint.due_at is None or not complaint.is_open:
        return None
    now = now or timezone.now()
    return (timezone.localdate(complaint.due_at) - timezone.localdate(now)).days


def disclosures_for_senior(user, *, posts=None):
    """Identity disclosures made by officers whose posts report to a post ``user`` holds
    (``posts``: those posts, when the caller has read them already)."""
    posts = [p.pk for p in (Post.objects.held_by(user) if posts is None else posts)]
    return (
        IdentityDisclosure.objects.filter(post__reports_to__in=posts)
        .select_related("complaint", "officer", "post")
        .order_by("-at")[:50]
    )


@dataclass(frozen=True)
class PublicView:
    """What the citizen sees of their complaint: never a name, an officer or another's."""

    reference: str
    category: str
    district: str
    status: str
    status_label: str
    office: str
    level: int
    registered_on: object
    due_on: object
    escalations: list
    action_taken: str
    question: str
    can_answer: bool
    can_give_feedback: bool
    feedback: str

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "category": self.category,
            "district": self.district,
            "status": self.status,
            "status_label": self.status_label,
            "office": self.office,
            "level": self.level,
            "registered_on": self.registered_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "escalations": [
                {"office": e["office"], "on": e["on"].isoformat(), "kind": e["kind"]}
                for e in self.escalations
            ],
            "action_taken": self.action_taken,
            "question": self.question,
            "can_answer": self.can_answer,
            "can_give_feedback": self.can_give_feedback,
            "feedback": self.feedback,
        }


def public_view(complaint: Complaint) -> PublicView:
    moves = (
        Event.objects.filter(
            complaint=complaint, kind__in=[Event.Kind.ESCALATED, Event.Kind.REOPENED]
        )
        .select_related("office")
        .order_by("at")
    )
    due_on = None
    if complaint.is_open and complaint.due_at and complaint.status != Status.INFO_REQUESTED:
        due_on = timezone.localdate(complaint.due_at) - timezone.timedelta(days=1)
    return PublicView(
        reference=complaint.display_ref,
        category=complaint.category.name,
        district=complaint.district.name,
        status=complaint.status,
        status_label=str(complaint.get_status_display()),
        office=complaint.office.name,
        level=complaint.level,
        registered_on=timezone.localdate(complaint.registered_at),
        due_on=due_on,
        escalations=[
            {
                "office": e.office.name if e.office else "",
                "on": timezone.localdate(e.at),
                "kind": e.kind,
            }
            for e in moves
        ],
        action_taken=complaint.action_taken
        if complaint.status in (Status.RESOLVED, Status.CLOSED)
        else "",
        question=complaint.info_question if complaint.status == Status.INFO_REQUESTED else "",
        can_answer=complaint.status == Status.INFO_REQUESTED,
        can_give_feedback=complaint.status == Status.RESOLVED,
        feedback=str(complaint.get_feedback_display()) if complaint.feedback else "",
    )


# ---- dashboards (the DC's, the Commissioner's, the Performance Management Cell's) ----------

AGE_BUCKETS = [(0, 3), (4, 7), (8, 15), (16, None)]


def dashboard_scope(user):
    """(label, Q over complaints) of the territory ``user``'s offices answer for: the province
    for the Performance Management Cell, a division for a Commissioner's office, a district
    for a Deputy Commissioner's office; None when they hold no such post. Figures only: no
    complaint or complainant is listed."""
    posts = access.screen_posts(user)
    roles = {p.section.territorial_role: p.section for p in posts}
    if TerritorialRole.PERFORMANCE_CELL in roles:
        return roles[TerritorialRole.PERFORMANCE_CELL].name, Q()
    if TerritorialRole.COMMISSIONER in roles:
        section = roles[TerritorialRole.COMMISSIONER]
        return section.name, Q(district__division_id=section.division_id)
    if TerritorialRole.DEPUTY_COMMISSIONER in roles:
        section = roles[TerritorialRole.DEPUTY_COMMISSIONER]
        return section.name, Q(district_id=section.district_id)
    return None


def dashboard(scope_q, *, now=None) -> dict:
    """Pending complaints by age and by office, overdue, and escalations in the last 30 days:
    two grouped queries over the kept figures (``complaints.figures``), never over the
    complaints themselves. The totals come from the offices' roll-ups (``open_all``,
    ``due_all``); of the rows per day only the days the younger ``AGE_BUCKETS`` cover and the days
    still to fall due are read (the oldest bucket and "overdue" are the roll-up less those), so
    the rows read do not grow with the days an office has been on Daftar. Ages and due dates
    count in the site's days: a complaint registered on the 2nd is 15 days old on the 17th; one
    due at the start of the 17th is overdue from then."""

    now = now or timezone.now()
    today = timezone.localdate(now)
    days = timezone.timedelta
    kind = OfficeFigure.Kind
    oldest = AGE_BUCKETS[-1][0]  # the open-ended bucket: the roll-up less the recent days
    recent = Q(kind=kind.OPEN, day__gte=today - days(days=oldest - 1))
    coming = Q(kind=kind.DUE, day__gt=today)
    age = {}
    for low, high in AGE_BUCKETS[:-1]:
        q = Q(kind=kind.OPEN, day__lte=today - days(days=low), day__gte=today - days(days=high))
        age[f"age_{low}"] = Sum("n", filter=q, default=0)
    pending = Sum("n", filter=Q(kind=kind.OPEN_ALL), default=0)
    by_office = list(
        OfficeFigure.objects.filter(scope_q)
        .filter(Q(kind__in=[kind.OPEN_ALL, kind.DUE_ALL]) | recent | coming)
        .values("office", "office__name_en", "office__name_ur", "level")
        .annotate(
            pending=pending,
            overdue=Sum("n", filter=Q(kind=kind.DUE_ALL), default=0)
            - Sum("n", filter=coming, default=0),
            **age,
            **{f"age_{oldest}": pending - Sum("n", filter=recent, default=0)},
        )
        .filter(pending__gt=0)
        .order_by("-level", "-overdue", "office__name_en")
    )
    escalations = list(
        OfficeFigure.objects.filter(
            scope_q, kind=OfficeFigure.Kind.ESCALATED, day__gte=today - days(days=30)
        )
        .values("district__name_en", "district__name_ur", "level")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
        .order_by("district__name_en", "level")
    )

    for row in by_office:
        row["office_name"] = pick(row["office__name_en"], row["office__name_ur"])
        row["ages"] = [row[f"age_{low}"] for low, _ in AGE_BUCKETS]
        # The row's cells as text, in the table's order: one loop in the template, and no
        # number formatting per cell (Daftar shows counts without grouping).
        row["cells"] = [str(n) for n in (row["pending"], row["overdue"], *row["ages"])]
    for row in escalations:
        row["district"] = pick(row["district__name_en"], row["district__name_ur"])
    return {
        "by_office": by_office,
        "escalations": escalations,
        "pending": sum(r["pending"] for r in by_office),
        "overdue": sum(r["overdue"] for r in by_office),
        "ages": [sum(r["ages"][i] for r in by_office) for i in range(len(AGE_BUCKETS))],
    }
