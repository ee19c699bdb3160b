"""Reads for the desk screens and the API, already scoped to what the user may see.
Each makes a fixed number of queries whatever the number of rows (tests count them)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator

from documents.models import PaperVersion
from kernel.compiled import by_id, compiled, together
from organisation.models import Department, Post, Section
from organisation.selectors import my_holdings
from workspace import access, time_limits
from workspace.models import (
    Approval,
    DispatchEntry,
    Draft,
    Enclosure,
    File,
    Movement,
    NoteParagraph,
    Priority,
    Receipt,
)

POST_RELATED = "holding_post__section__department"


def _encode(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode(cursor: str | None):
    if not cursor:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None


@dataclass
class Page:
    rows: list
    next_cursor: str | None


INBOX_PAGE = 50


def inbox_files(*, user, cursor: str | None = None) -> Page:
    """Open files at every post the user holds, most urgent first, then longest at the desk,
    ``INBOX_PAGE`` at a time. Keyset-paginated on (priority, desk_since, id) — the inbox's
    composite index. The first page, which every officer opens all day, is a compiled read."""
    posts = access.my_post_ids(user)
    after = _decode(cursor)
    if not after:
        rows = _inbox_first_page(post_ids=posts) if posts else []
    else:
        prio, since, pk = after[0], parse_datetime(after[1]), after[2]
        rows = list(
            _inbox_files(File.objects.filter(holding_post__in=posts)).filter(
                Q(priority__lt=prio)
                | Q(priority=prio, desk_since__gt=since)
                | Q(priority=prio, desk_since=since, pk__gt=pk)
            )[: INBOX_PAGE + 1]
        )
    more = len(rows) > INBOX_PAGE
    rows = rows[:INBOX_PAGE]
    _set_holding_posts(rows, user)
    nxt = (
        _encode([rows[-1].priority, rows[-1].desk_since.isoformat(), rows[-1].pk]) if more else None
    )
    return Page(rows, nxt)


def _inbox_files(files):
    # No join to the posts: every row is at one of the user's posts, which the request has
    # read already with their sections and departments (``_set_holding_posts``).
    return files.filter(status=File.Status.OPEN).order_by("-priority", "desk_since", "pk")


def _set_holding_posts(rows, user) -> None:
    """Give each inbox row its holding post (with section and department) from the user's
    holdings, read once a request (``access.my_holdings``), instead of joining three tables
    and building three more objects a row (150 for the busiest post's page; with the rows
    written in Python, its inbox 9.9 → 7.1 ms CPU, session 12)."""
    posts = {h.post_id: h.post for h in access.my_holdings(user)}
    for file in rows:
        post = posts.get(file.holding_post_id)
        if post is not None:
            file.holding_post = post


@compiled
def _inbox_first_page(*, post_ids: list[int]):
    return _inbox_files(File.objects.filter(holding_post__any_of=post_ids))[: INBOX_PAGE + 1]


def inbox_receipts(*, user) -> list[Receipt]:
    """Pending receipts at the user's posts, most urgent and oldest first, the first
    ``INBOX_RECEIPTS`` (with what their diary numbers need)."""
    posts = access.my_post_ids(user)
    return _pending_receipts_at(post_ids=posts) if posts else []


INBOX_RECEIPTS = 50


@compiled  # on the inbox and every file page at the desk
def _pending_receipts_at(*, post_ids: list[int]):
    return (
        Receipt.objects.filter(holding_post__any_of=post_ids, status=Receipt.Status.PENDING)
        .select_related("section__department")
        .order_by("-priority", "diarised_at", "pk")[:INBOX_RECEIPTS]
    )


@dataclass(frozen=True)
class ReceiptChoice:
    """A pending receipt as the file page's "put a receipt on this file" list shows it."""

    pk: int
    diary_label: str  # as ``Receipt.diary_label`` writes it
    subject: str
    # What the option says: the diary label and the subject cut at 60 characters, as the
    # template's ``truncatechars:60`` cut it (made here: 40 rows of a filter, ~0.2 ms).
    label: str


def pending_receipt_choices(*, user) -> list[ReceiptChoice]:
    """``inbox_receipts``' receipts, in its order, as the few values the file page's list
    shows: no receipt, section and department objects to build for each (an officer with 40
    pending receipts: 4.2 → 2.6 ms CPU to read and list them, session 12)."""
    posts = access.my_post_ids(user)
    return _receipt_choices(_pending_receipt_values(post_ids=posts)) if posts else []


def _receipt_choices(rows) -> list[ReceiptChoice]:
    choices = []
    for pk, department, section, number, year, subject in rows:
        diary_label = f"{department}/{section}/D-{number}/{year}"
        label = f"{diary_label} — {Truncator(subject).chars(60)}"
        choices.append(ReceiptChoice(pk, diary_label, subject, label))
    return choices


@compiled  # on every file page at the desk
def _pending_receipt_values(*, post_ids: list[int]):
    return (
        Receipt.objects.filter(holding_post__any_of=post_ids, status=Receipt.Status.PENDING)
        .order_by("-priority", "diarised_at", "pk")
        .values_list(
            "pk",
            "section__department__code",
            "section__code",
            "diary_number",
            "diary_year",
            "subject",
        )[:INBOX_RECEIPTS]
    )


def inbox_counts(*, user) -> dict:
    """Files pending, overdue and parked at the user's posts (one query over the inbox index),
    and receipts pending there (one more)."""
    posts = access.my_post_ids(user)
    if not posts:
        return {"files": 0, "overdue": 0, "parked": 0, "receipts": 0}
    # Overdue by its due date, or by its priority's time limit in the department of the post
    # that holds it (``workspace.time_limits``): the holdings read for the request carry the
    # departments, so the rule adds terms to the one query, not queries.
    held = [h.post for h in access.my_holdings(user)]
    today = timezone.localdate()
    limits = {tuple(time_limits.limits_of(p.section.department).items()) for p in held}
    if len(limits) == 1:  # the usual officer: every post under one department's limits
        cutoffs = time_limits.cutoffs_of(held[0].section.department, today)
        rows = _desk_counts(
            post_ids=posts,
            today=today,
            most_immediate=cutoffs[Priority.MOST_IMMEDIATE],
            immediate=cutoffs[Priority.IMMEDIATE],
            urgent=cutoffs[Priority.URGENT],
            routine=cutoffs[Priority.ROUTINE],
        )
    else:
        rows = _counts_by_status(
            File.objects.filter(holding_post__in=posts),
            overdue=time_limits.overdue_q(posts=held, today=today),
        )
    by_status = {status: (n, overdue) for status, n, overdue in rows}
    pending = _pending_receipt_count(post_ids=posts)
    return {
        "files": by_status.get(File.Status.OPEN, (0, 0))[0],
        "overdue": by_status.get(File.Status.OPEN, (0, 0))[1],
        "parked": by_status.get(File.Status.PARKED, (0, 0))[0],
        "receipts": pending[0][1] if pending else 0,
    }


def _counts_by_status(files, *, overdue: Q):
    """(status, files, overdue) of the open and parked ``files``: a grouped count, which
    Django compiles for less than ``aggregate`` with filtered counts (2.6 against 3.5 ms CPU
    at 100k, docs/benchmarks.md session 11)."""
    return (
        files.filter(status__in=[File.Status.OPEN, File.Status.PARKED])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue))
    )


# The inbox's counts, on every visit of every officer: compiled (3.5 → 0.6 ms CPU a visit
# with the receipts' count below, at 100k; docs/benchmarks.md, session 11).
@compiled
def _desk_counts(
    *,
    post_ids: list[int],
    today: date,
    most_immediate: datetime,
    immediate: datetime,
    urgent: datetime,
    routine: datetime,
):
    cutoffs = {
        Priority.MOST_IMMEDIATE: most_immediate,
        Priority.IMMEDIATE: immediate,
        Priority.URGENT: urgent,
        Priority.ROUTINE: routine,
    }
    return _counts_by_status(
        File.objects.filter(holding_post__any_of=post_ids),
        overdue=time_limits.overdue_where(today=today, cutoffs=cutoffs),
    )


@compiled
def _pending_receipt_count(*, post_ids: list[int]):
    return (
        Receipt.objects.filter(holding_post__any_of=post_ids, status=Receipt.Status.PENDING)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )


def sent_items(*, user, cursor: str | None = None, limit: int = 50) -> Page:
    """Files the user's posts sent on (marked, put up, sent back, decided), newest first."""
    posts = access.my_post_ids(user)
    qs = (
        Movement.objects.filter(
            from_post__in=posts,
            kind__in=[
                Movement.Kind.MARK,
                Movement.Kind.PUT_UP,
                Movement.Kind.SEND_BACK,
                Movement.Kind.APPROVE,
                Movement.Kind.RETURN,
            ],
        )
        .select_related("file", "to_post__section__department", "from_post__section__department")
        .order_by("-at", "-pk")
    )
    after = _decode(cursor)
    if after:
        at, pk = parse_datetime(after[0]), after[1]
        qs = qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = _encode([rows[-1].at.isoformat(), rows[-1].pk]) if more else None
    return Page(rows, nxt)


def parked_files(*, user, limit: int = 200):
    posts = access.my_post_ids(user)
    return list(
        File.objects.filter(holding_post__in=posts, status=File.Status.PARKED)
        .select_related(POST_RELATED)
        .order_by("desk_since")[:limit]
    )


# What an action on a file reads with it, and the less the file page's header needs.
FILE_RELATED = (
    POST_RELATED,
    "holding_post__reports_to",
    "department",
    "section",
    "subject_head",
    "opened_by",
)
FILE_PAGE_RELATED = (POST_RELATED, "holding_post__reports_to")
# The file's own row, for a screen that shows nothing of its posts (the viewer beside the note
# sheet): PostgreSQL plans every statement anew, and planning FILE_RELATED's seven joins took
# longer than running them (docs/benchmarks.md, "The viewer beside the note sheet").
FILE_ONLY = ()


def _file_read(related: tuple):
    def build(*, pk: int):
        files = File.objects.select_related(*related) if related else File.objects.all()
        return files.filter(pk=pk).order_by()

    build.__name__ = f"file_by_pk_with_{len(related)}_related"
    return compiled(build)


_FILE_READS = {
    related: _file_read(related) for related in (FILE_RELATED, FILE_PAGE_RELATED, FILE_ONLY)
}


def file_for(*, user, pk: int, related=FILE_RELATED) -> File | None:
    """The file if the user may see it, else None (the view answers 404). Read by its key and
    then checked (``access.can_view_file``): the rule as one query's OR and subquery cost
    ~2 ms a page to compile, for a row whose own columns mostly answer it. The read is
    compiled once (``kernel.compiled``); ``related`` is FILE_RELATED, FILE_PAGE_RELATED or
    FILE_ONLY."""
    file = _FILE_READS[related].first(pk=pk)
    return file if file is not None and access.can_view_file(user=user, file=file) else None


@dataclass
class Stay:
    post: Post | None
    arrived: datetime
    left: datetime | None
    seconds: int


# The file page's reads, each compiled once (``kernel.compiled``): on the page every
# officer opens most, compiling them cost as much as running them.
@compiled
def _paragraphs_of(*, file_id: int):
    return NoteParagraph.objects.filter(file_id=file_id).order_by("number")


@compiled
def _approvals_of(*, file_id: int):
    """The approvals of the file's note paragraphs (not of its drafts)."""
    return Approval.objects.filter(paragraph__file_id=file_id).order_by("at", "pk")


@compiled
def _enclosures_of(*, file_id: int):
    # No ORDER BY (sorted in Python): Django compiles one over these joins by hashing their
    # ~50 selected columns.
    return (
        Enclosure.objects.filter(file_id=file_id)
        .select_related("receipt__section__department", "paper")
        .order_by()
    )


@compiled
def _drafts_of(*, file_id: int):
    return Draft.objects.filter(file_id=file_id).select_related("dispatch").order_by("number")


@compiled
def _movements_of(*, file_id: int):
    return Movement.objects.filter(file_id=file_id).order_by("at", "pk")


_posts_by_id = by_id(Post, "section__department")


@compiled
def _users_by_id(*, ids: list[int]):
    User = NoteParagraph._meta.get_field("author").related_model
    return User.objects.filter(pk__any_of=ids).only("pk", "username", "first_name", "last_name")


@compiled
def _flag_links_of(*, file_id: int):
    """(paragraph, enclosure) of each flag a paragraph of the file refers to."""
    return NoteParagraph.refers_to_flags.through.objects.filter(
        noteparagraph__file_id=file_id
    ).values_list("noteparagraph_id", "enclosure_id")


@compiled
def _receipt_papers_of(*, file_id: int):
    """The scanned papers of the receipts on the file's enclosures (link rows, with the
    paper)."""
    return (
        Receipt.papers.through.objects.filter(
            receipt_id__in=Enclosure.objects.filter(file_id=file_id).values("receipt_id")
        )
        .select_related("paper")
        .order_by("paper_id")
    )


def _set_receipt_papers(enclosures, links) -> None:
    """``enclosure.papers``: what the viewer opens for each flag — its own paper, or the
    scanned papers of the receipt it is (``links``: ``_receipt_papers_of`` the file)."""
    of_receipt: dict[int, list] = {}
    for link in links:
        of_receipt.setdefault(link.receipt_id, []).append(link.paper)
    for e in enclosures:
        papers = [e.paper] if e.paper_id else of_receipt.get(e.receipt_id, [])
        e.papers = [p for p in papers if p.current_version_id]


@compiled
def _version_by_pk(*, version_id: int):
    return PaperVersion.objects.filter(pk=version_id).order_by()


def file_paper(*, file: File, version_id: int) -> tuple[PaperVersion, Enclosure] | None:
    """A version of a paper on the file — on a flag, or a scan of a receipt on one — with the
    flag it is on (its paper set as ``version.paper``), or None: what the file's viewer may
    open. Read with the file's flags and scans in one round trip (``together``). Whether the
    user may open the paper is not asked here: the opening asks it
    (``documents.services.paper_open``), once."""
    enclosures, links, versions = together(
        _enclosures_of.bind(file_id=file.pk),
        _receipt_papers_of.bind(file_id=file.pk),
        _version_by_pk.bind(version_id=version_id),
    )
    if not versions:
        return None
    enclosures.sort(key=attrgetter("position"))
    _set_receipt_papers(enclosures, links)
    on_file = {p.pk: (p, e) for e in enclosures for p in e.papers}
    version = versions[0]
    if version.paper_id not in on_file:
        return None
    version.paper, enclosure = on_file[version.paper_id]
    return version, enclosure


def file_page(*, file: File, receipts_at: list[int] | None = None) -> dict:
    """Everything the file page (and the API's file read) shows, in two round trips.

    The lists are read without joins, and the few posts and users they name are read once
    for all of them, by id, then set on the rows: a join to posts, sections, departments or
    users in every list was planned and compiled on each view of the page (~1 ms each at 100k
    files), and a whole-table hash join of posts or users is what PostgreSQL picks for them.
    The flags a paragraph cites are enclosures of the same file (``services.notes`` refuses
    others), so they are taken from the enclosures read anyway: only the link rows are read
    (``paragraph.cited_flags``). A paragraph's approvals are read for all paragraphs at once
    and set as its ``approvals`` (``p.approvals.all()``).

    Every read that needs only the file's id goes to PostgreSQL in one message
    (``kernel.compiled.together``), with, when ``receipts_at`` names posts, their pending
    receipts as the page's "put a receipt on this file" list (``pending_receipts``); then the
    posts and users, by the ids those rows carry, in a second. One query each, the page made
    13 round trips, ~2.3 ms of work inside PostgreSQL and ~9 ms as Django saw it (session 12);
    see docs/benchmarks.md, session 13."""
    reads = [
        _paragraphs_of.bind(file_id=file.pk),
        _approvals_of.bind(file_id=file.pk),
        _enclosures_of.bind(file_id=file.pk),
        _drafts_of.bind(file_id=file.pk),
        _movements_of.bind(file_id=file.pk),
        _flag_links_of.bind(file_id=file.pk),
        _receipt_papers_of.bind(file_id=file.pk),
    ]
    if receipts_at:
        reads.append(_pending_receipt_values.bind(post_ids=receipts_at))
    paragraphs, approvals, enclosures, drafts, movements, flag_links, papers, *pending = together(
        *reads
    )
    _set_approvals(paragraphs, approvals)
    enclosures.sort(key=attrgetter("position"))
    _set_posts_and_users(paragraphs, approvals, movements)
    _set_cited_flags(paragraphs, enclosures, flag_links)
    _set_receipt_papers(enclosures, papers)
    return {
        "paragraphs": paragraphs,
        "enclosures": enclosures,
        "drafts": drafts,
        "movements": movements,
        "stays": desk_stays(file, movements),
        "pending_receipts": _receipt_choices(pending[0]) if pending else [],
    }


def _set_approvals(paragraphs, approvals) -> None:
    """What ``prefetch_related("approvals")`` leaves: each paragraph's ``approvals.all()``
    answers from a list, in the order read (by time), with no query."""
    of_paragraph = {p.pk: [] for p in paragraphs}
    for a in approvals:
        of_paragraph[a.paragraph_id].append(a)
    for p in paragraphs:
        cached = Approval.objects.none()
        cached._result_cache = of_paragraph[p.pk]
        cached._prefetch_done = True
        p._prefetched_objects_cache = {"approvals": cached}


def _set_posts_and_users(paragraphs, approvals, movements) -> None:
    """Set ``post``/``author`` of paragraphs, ``post`` of approvals and ``from_post``/
    ``to_post``/``by`` of movements from one read of posts (with their section and
    department) and one of users, by id: bounded by the rows on the page."""
    post_ids = {p.post_id for p in paragraphs} | {a.post_id for a in approvals}
    post_ids |= {m.from_post_id for m in movements} | {m.to_post_id for m in movements}
    post_ids.discard(None)
    user_ids = {p.author_id for p in paragraphs} | {m.by_id for m in movements}
    user_ids.discard(None)
    reads = []
    if post_ids:
        reads.append(_posts_by_id.query.bind(ids=sorted(post_ids)))
    if user_ids:
        reads.append(_users_by_id.bind(ids=sorted(user_ids)))
    found = iter(together(*reads))
    posts = {p.pk: p for p in next(found)} if post_ids else {}
    users = {u.pk: u for u in next(found)} if user_ids else {}
    for p in paragraphs:
        p.post = posts.get(p.post_id)
        p.author = users.get(p.author_id)
    for a in approvals:
        a.post = posts.get(a.post_id)
    for m in movements:
        m.from_post = posts.get(m.from_post_id)
        m.to_post = posts.get(m.to_post_id)
        m.by = users.get(m.by_id)


def _set_cited_flags(paragraphs, enclosures, links) -> None:
    """``paragraph.cited_flags``: the enclosures each paragraph refers to, in the file's
    order of enclosures (``Enclosure.Meta.ordering``); ``links``: ``_flag_links_of`` the
    file."""
    for p in paragraphs:
        p.cited_flags = []
    by_id = {e.pk: e for e in enclosures}
    of_paragraph = {p.pk: p for p in paragraphs}
    for paragraph_id, enclosure_id in links:
        if enclosure_id in by_id and paragraph_id in of_paragraph:
            of_paragraph[paragraph_id].cited_flags.append(by_id[enclosure_id])
    for p in paragraphs:
        p.cited_flags.sort(key=lambda e: e.position)


def desk_stays(file: File, movements: list[Movement]) -> list[Stay]:
    """How long the file sat at each desk: from arriving at a post to leaving it."""
    stays: list[Stay] = []
    for m in movements:
        if m.to_post_id is None or (m.to_post_id == m.from_post_id and stays):
            continue
        if stays and stays[-1].left is None:
            stays[-1].left = m.at
            stays[-1].seconds = int((m.at - stays[-1].arrived).total_seconds())
        stays.append(Stay(post=m.to_post, arrived=m.at, left=None, seconds=0))
    if stays and stays[-1].left is None:
        stays[-1].seconds = int((timezone.now() - stays[-1].arrived).total_seconds())
    return stays


RECEIPTS_LIST = 100


def _receipts_list(user):
    """The receipts list's receipts: diarised in the user's sections or marked to their posts,
    of those the user may see, newest first."""
    posts = access.my_post_ids(user)
    # The sections as values from the request's holdings, not a subquery: PostgreSQL cannot
    # read "marked to my posts OR in a section of my posts (a subquery)" through the two
    # indexes, and scanned every receipt (30 ms at 100k files; 8 ms as values).
    sections = sorted({h.post.section_id for h in my_holdings(user)})
    return (
        access.visible_receipts(user)
        .filter(Q(holding_post__in=posts) | Q(section__in=sections))
        .order_by("-diarised_at", "-pk")
    )


def receipts_for(*, user, limit: int = RECEIPTS_LIST):
    """Receipts diarised in the user's sections or marked to their posts, newest first."""
    return list(
        _receipts_list(user)
        # A receipt on a file is at the file's post ("At" on the list).
        .select_related(POST_RELATED, "section__department", "file__holding_post")[:limit]
    )


@dataclass(frozen=True)
class ReceiptRow:
    """A receipt as the receipts list shows it (``desk.receipt_list_rows``)."""

    pk: int
    diary_label: str  # as ``Receipt.diary_label`` writes it
    received_on: date | None
    sender: str
    subject: str
    status: str
    file_id: int | None
    file_number: str
    # "At": the file's post for a receipt put on a file, else the receipt's own (English and
    # Urdu, as ``Post.designation`` picks them; empty for a file at no post).
    at_en: str
    at_ur: str


def receipt_rows(*, user) -> list[ReceiptRow]:
    """``receipts_for``'s receipts, in its order, as the values its list shows: the page's
    100 rows were ~760 model instances (a receipt with its section, department, post and
    file with its post). With ``desk.receipt_list_rows`` the page went 67 → 19 ms CPU p50,
    and ~16 with the compiled read below (session 14, docs/benchmarks.md)."""
    posts = access.my_post_ids(user)
    if not posts:
        return []
    rows = _receipt_list_values(
        post_ids=posts,
        department_ids=access.my_department_ids(user),
        section_ids=sorted({h.post.section_id for h in my_holdings(user)}),  # as receipts_for
    )
    on_file = Receipt.Status.ON_FILE
    out = []
    for (pk, dept, section, number, year, received_on, sender, subject, status, file_id,
         file_number, file_at_en, file_at_ur, at_en, at_ur) in rows:  # fmt: skip
        if file_id is not None and status == on_file:
            at_en, at_ur = file_at_en or "", file_at_ur or ""
        out.append(
            ReceiptRow(
                pk,
                f"{dept}/{section}/D-{number}/{year}",
                received_on,
                sender,
                subject,
                status,
                file_id,
                file_number or "",
                at_en,
                at_ur,
            )
        )
    return out


@compiled  # the receipts list: building and compiling its queryset was ~5 ms CPU a page (s. 14)
def _receipt_list_values(*, post_ids: list[int], department_ids: list[int], section_ids: list[int]):
    """``_receipts_list``'s receipts (the same rule, lists matched by ``any_of``) as values."""
    return (
        access.receipts_visible_from(
            post_ids=post_ids, department_ids=department_ids, lookup="any_of"
        )
        .filter(Q(holding_post__any_of=post_ids) | Q(section__any_of=section_ids))
        .order_by("-diarised_at", "-pk")
        .values_list(
            "pk",
            "section__department__code",
            "section__code",
            "diary_number",
            "diary_year",
            "received_on",
            "sender",
            "subject",
            "status",
            "file_id",
            "file__number",
            "file__holding_post__designation_en",
            "file__holding_post__designation_ur",
            "holding_post__designation_en",
            "holding_post__designation_ur",
        )[:RECEIPTS_LIST]
    )


def receipt_for(*, user, pk: int) -> Receipt | None:
    return (
        access.visible_receipts(user)
        .select_related(
            POST_RELATED,
            "section__department",
            "file__holding_post__section__department",
            "diarised_by",
        )
        .filter(pk=pk)
        .first()
    )


# The API's list pages (``workspace.api``): the rows of the ids its paginator took from
# ``access.visible_file_ids`` / ``visible_receipt_ids`` (visible by construction; never ids
# from a request), as values that ``serializers.file_rows_data`` / ``receipt_rows_data`` write
# as the serializers write the models. As models, a page of 50 receipts was 300 instances (a
# receipt, its section and department, its post with its section and department), 50 files
# 200: reading a page took 7.1 ms CPU (files 6.1), as values 2.6, compiled 1.2 (building and
# compiling the queryset was the rest). A request went 15.4-17.4 → 6.7 ms CPU p50 (receipts),
# 17.1-18.8 → 9.5 (files), the JSON unchanged (session 15, at 100k files).
API_FILE_COLUMNS = (
    *("id", "number", "subject", "priority", "grading", "status"),
    *("desk_since", "due_on", "opened_at", "holding_post"),
    *("holding_post__designation_en", "holding_post__designation_ur", "holding_post__level"),
    *("holding_post__section__code", "holding_post__section__department__code"),
)
API_RECEIPT_COLUMNS = (
    *("id", "section__department__code", "section__code", "diary_number", "diary_year"),
    *("sender", "subject", "letter_number", "letter_date", "received_on", "mode"),
    *("priority", "grading", "status", "tracking_ref", "outcome", "file", "holding_post"),
    *("holding_post__designation_en", "holding_post__designation_ur", "holding_post__level"),
    *("holding_post__section__code", "holding_post__section__department__code"),
)


@compiled
def api_file_rows(*, ids: list[int]):
    """The files ``ids`` as ``API_FILE_COLUMNS`` values, in no order (the paginator's)."""
    return File.objects.filter(pk__any_of=ids).order_by().values(*API_FILE_COLUMNS)


@compiled
def api_receipt_rows(*, ids: list[int]):
    """The receipts ``ids`` as ``API_RECEIPT_COLUMNS`` values, in no order."""
    return Receipt.objects.filter(pk__any_of=ids).order_by().values(*API_RECEIPT_COLUMNS)


def dispatch_register(*, user, limit: int = 200):
    """The dispatch registers of the sections of the user's posts: the letters issued on files
    the user may see (a secret file's letter is not shown to a colleague who cannot open the
    file: ``access.visible_files``)."""
    sections = sorted({h.post.section_id for h in my_holdings(user)})  # as receipts_for
    return list(
        DispatchEntry.objects.filter(
            section__in=sections, draft__file__in=access.visible_files(user)
        )
        .select_related("draft__file", "issued_post__section__department", "issued_by", "section")
        .order_by("-issued_at")[:limit]
    )


# The "mark to" list is one department's posts, never the whole organisation's: a province
# has thousands of posts and a page listing them all grows with it. The desk's own department
# is shown by default (the everyday case); another department is one GET away
# (``?mark_dept=<code>``). The department list is small and changes only when a department is
# added, renamed or goes live, so it is cached, dropped whenever a department is saved or
# deleted (the admin and ``services.organisation`` both save) and kept at most a few minutes in
# any case. MarkForm validates the chosen post against the database, never this list.
LIVE_DEPARTMENTS_KEY = "workspace:desk:live-departments:v1"
LIVE_DEPARTMENTS_SECONDS = 300


# The two lists are also kept in each process, beside the version they were read under: a
# file page at the desk then reads one short key from the cache instead of both lists and
# unpickling some eighty objects (session 12: marking() 0.71 → 0.22 ms CPU). Every
# change that drops the shared lists also replaces the version (now and once it commits, as
# above), so a process never serves a list read under an older one; and a kept list is read
# again after LIVE_DEPARTMENTS_SECONDS in any case, as the shared ones expire.
MARKING_VERSION_KEY = "workspace:desk:marking-version:v1"
_KEPT: dict = {}  # key -> (version, when read, value)
_KEPT_MAX = 512


def marking_version() -> str:
    """The version of the departments' and posts' lists now (made on first use; a fresh one
    each time while the cache is away, so nothing is kept then)."""
    version = cache.get(MARKING_VERSION_KEY)
    if version is None:
        cache.add(MARKING_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(MARKING_VERSION_KEY) or uuid.uuid4().hex
    return version


def _new_marking_version() -> None:
    cache.set(MARKING_VERSION_KEY, uuid.uuid4().hex, None)


def _kept(version: str, key: tuple, read):
    """``read()``, kept in this process under ``version`` for LIVE_DEPARTMENTS_SECONDS."""
    now = time.monotonic()
    hit = _KEPT.get(key)
    if hit is not None and hit[0] == version and now - hit[1] < LIVE_DEPARTMENTS_SECONDS:
        return hit[2]
    value = read()
    if len(_KEPT) >= _KEPT_MAX:
        _KEPT.clear()
    _KEPT[key] = (version, now, value)
    return value


def live_departments(*, version: str | None = None) -> list[Department]:
    """Departments where Daftar is live (id, code and names), by code; cached (``version``:
    the ``marking_version()`` the caller read for its request)."""
    return _kept(version or marking_version(), ("departments",), _live_departments)


def _live_departments() -> list[Department]:
    departments = cache.get(LIVE_DEPARTMENTS_KEY)
    if departments is None:
        departments = list(
            Department.objects.filter(is_live=True)
            .only("pk", "code", "name_en", "name_ur")
            .order_by("code")
        )
        cache.set(LIVE_DEPARTMENTS_KEY, departments, LIVE_DEPARTMENTS_SECONDS)
    return departments


@receiver([post_save, post_delete], sender=Department, dispatch_uid="desk-live-departments")
def _forget_live_departments(**kwargs) -> None:
    # Now, and again once the write commits (a request in between may have cached the old list).
    cache.delete(LIVE_DEPARTMENTS_KEY)
    _new_marking_version()
    transaction.on_commit(lambda: (cache.delete(LIVE_DEPARTMENTS_KEY), _new_marking_version()))


# The posts of a department are read on every file page at the desk and change only when a post
# or section is added, changed or removed: cached per department (the same for every user —
# which posts an officer may mark to is not per-user; MarkForm checks the chosen one), dropped
# for every department whenever a post, section or department is saved or deleted (a post may
# have moved between departments), and kept at most a few minutes in any case.
MARKING_KEY = "workspace:desk:marking:{}:v1"


def marking_choices(
    *, department_id: int, exclude_post_id: int | None = None, version: str | None = None
) -> list[tuple]:
    """Posts of one live department a file can be marked to, as ``[(section, [post, …])]``
    by section code, senior posts first; one query, bounded by the department's size, and
    none while the department's list is cached (``version`` as for ``live_departments``)."""

    def read():
        key = MARKING_KEY.format(department_id)
        groups = cache.get(key)
        if groups is None:
            groups = _marking_groups(department_id)
            cache.set(key, groups, LIVE_DEPARTMENTS_SECONDS)
        return groups

    groups = _kept(version or marking_version(), ("marking", department_id), read)
    if exclude_post_id is None:
        return groups
    kept = ((section, [p for p in posts if p.pk != exclude_post_id]) for section, posts in groups)
    return [(section, posts) for section, posts in kept if posts]


def _marking_groups(department_id: int) -> list[tuple]:
    groups: list[tuple] = []
    for post in _marking_posts(department_id=department_id):
        if not groups or groups[-1][0].pk != post.section_id:
            groups.append((post.section, []))
        groups[-1][1].append(post)
    return groups


# Compiled: read on the first file page at the desk of each department in each process after
# its list changed or expired (in the benchmark, a fifth of the file pages), where the
# queryset's compilation was most of the read's CPU (docs/benchmarks.md, "The file page's
# template (session 13)").
@compiled
def _marking_posts(*, department_id: int):
    return (
        Post.objects.filter(
            is_active=True,
            section__department_id=department_id,
            section__department__is_live=True,
        )
        .select_related("section")
        .only(
            "pk",
            "designation_en",
            "designation_ur",
            "section__code",
            "section__name_en",
            "section__name_ur",
        )
        .order_by("section__code", "-level", "designation_en", "pk")
    )


def forget_marking_choices() -> None:
    """Drop every department's cached list of posts (now, and once the write commits)."""

    def forget():
        ids = Department.objects.values_list("pk", flat=True)
        cache.delete_many([MARKING_KEY.format(pk) for pk in ids])
        _new_marking_version()

    forget()
    transaction.on_commit(forget)


@receiver([post_save, post_delete], sender=Post, dispatch_uid="desk-marking-post")
@receiver([post_save, post_delete], sender=Section, dispatch_uid="desk-marking-section")
@receiver([post_save, post_delete], sender=Department, dispatch_uid="desk-marking-department")
def _forget_marking_choices(**kwargs) -> None:
    forget_marking_choices()
