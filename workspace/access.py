"""Who may see what. One module, so every screen, download and API asks the same questions.

A user sees
- files of the departments where they hold a post, graded up to *restricted*;
- any file that is at, or has passed through, a post they hold (its chain of custody) —
  the only way to see a *confidential* or *secret* file;
- receipts the same way while they are on no file: diarised in their department (up to
  restricted) or marked to a post they hold. A receipt put on a file is part of that file's
  correspondence and is seen exactly by those who see the file: its effective grading is the
  file's, whatever its own (an unclassified letter on a confidential file is confidential);
- papers follow what they are on (a file's correspondence, a receipt's scans): a paper on
  nothing yet is its uploader's only, and an uploader loses sight of it once it is on a
  receipt or file they cannot see. Apps above the desk may narrow this for their own papers
  (``register_paper_rule``: the CGU keeps a KPI return's papers to its staff), so every door —
  the desk's download, a paper's page, a list — asks the same question.
Anything else answers 404 (``NotFound``), so its existence is not told. Superusers get no
exemption here: grading binds administrators too.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from documents.models import Paper
from kernel.compiled import compiled, together
from organisation.models import Section
from organisation.selectors import (  # the rules start from them; the desk's screens ask here too
    my_department_ids,
    my_holdings,  # noqa: F401  (the desk's screens and selectors: access.my_holdings)
    my_post_ids,
)
from workspace.models import Approval, Enclosure, File, Grading, Movement, Receipt

# ----------------------------------------------------------------- the rule, stated once
#
# A file is seen through any of three terms:
#   department — by the officers holding a post in its department, while it is graded up to
#                ``DEPARTMENT_SEES_UP_TO``;
#   holder     — by the holder of the post it is at;
#   custody    — by the holders of every post it has been at (a movement to that post).
# A receipt on no file is seen through the first two (its department is its section's); a
# receipt on a file is seen exactly as the file. Every form of the rule — the querysets,
# the one-object checks and the id walks below, and the search index's filters, SQL and
# tsvector lexemes (``workspace.search``, given to the search engine) — is built from these
# functions, so the rule changes here or nowhere. ``tests/workspace/test_visibility_forms.py``
# holds the forms equal over an office with files of every grading.

DEPARTMENT_SEES_UP_TO = Grading.RESTRICTED
"""The highest grading a whole department sees; above it only holders and custody see."""


def department_sees(grading: int) -> bool:
    """The department term's grading test, for one loaded record (or index row)."""
    return grading <= DEPARTMENT_SEES_UP_TO


def graded_for_department(grading: str = "grading") -> Q:
    """The department term's grading test over a model whose row keeps it at ``grading``."""
    return Q(**{f"{grading}__lte": DEPARTMENT_SEES_UP_TO})


def department_term(
    departments, *, department: str = "department", grading: str = "grading", lookup="in"
) -> Q:
    """The department term over a model: ``department`` and ``grading`` name where its row
    keeps them, ``departments`` is matched by ``lookup`` (``in``, ``any_of``, ``exact``)."""
    return Q(**{f"{department}__{lookup}": departments}) & graded_for_department(grading)


def department_term_sql(*, department: str, grading: str, departments) -> tuple[str, list]:
    """The department term as SQL over the (quoted) columns ``department`` and ``grading``,
    with its parameters; for statements written out rather than built by the ORM."""
    marks = ", ".join(["%s"] * len(departments))
    return (
        f"{department} IN ({marks}) AND {grading} <= %s",
        [*departments, int(DEPARTMENT_SEES_UP_TO)],
    )


def department_grading_sql(grading: str) -> str:
    """The department term's grading test as SQL over the column ``grading``, the threshold
    written in (for SQL that takes no parameters, as the search index's tsvector)."""
    return f"{grading} <= {int(DEPARTMENT_SEES_UP_TO)}"


def holder_term(posts, *, holding_post: str = "holding_post", lookup="in") -> Q:
    """The holder term over a model whose row keeps the holding post at ``holding_post``."""
    return Q(**{f"{holding_post}__{lookup}": posts})


def custody_movements(posts, *, file, lookup="in"):
    """The custody term's movements: those of ``file`` (a file, its id, or an ``OuterRef``
    to it) to one of ``posts``."""
    return Movement.objects.filter(file=file, **{f"to_post__{lookup}": posts})


def custody_term(posts, *, file=None, lookup="in") -> Exists:
    """The custody term over a model whose row gives its file by ``file`` (an ``OuterRef``;
    by default the row is the file, ``OuterRef("pk")``)."""
    file = OuterRef("pk") if file is None else file
    return Exists(custody_movements(posts, file=file, lookup=lookup))


def visible_files(user):
    """Files ``user`` may see (a queryset to filter further)."""
    posts = my_post_ids(user)
    if not posts:
        return File.objects.none()
    return files_visible_from(post_ids=posts, department_ids=my_department_ids(user))


def files_visible_from(*, post_ids: list[int], department_ids: list[int]):
    """``visible_files``'s rule for an officer holding ``post_ids`` in ``department_ids``;
    with lists matched by ``any_of``, so a compiled read (``kernel.compiled``) can use
    it."""
    return File.objects.filter(
        department_term(department_ids, lookup="any_of")
        | holder_term(post_ids, lookup="any_of")
        | custody_term(post_ids, lookup="any_of")
    )


def visible_file_ids(user, *, limit: int, beyond: int | None = None, newest_first=True) -> list:
    """The ids of the first ``limit`` files ``user`` may see in id order: newest first, or
    oldest first; with ``beyond``, only ids past it in that order (a keyset page).

    The rules are those of ``visible_files``, each walked on its own — per department, per
    held post, per post's custody (the ``(to_post, file)`` index) — and cut at ``limit``:
    the first ``limit`` of the union lie among each rule's first ``limit``. So a page costs
    the same whatever the number of files. (The rules OR-ed in one query, ordered by id, made
    PostgreSQL walk the file table by id until enough matched: all of it for an officer whose
    department's files are few or old.)"""
    posts = my_post_ids(user)
    if not posts:
        return []
    depts = my_department_ids(user)
    first_page = beyond is None and newest_first and limit == FIRST_FILES
    if first_page and connection.features.supports_slicing_ordering_in_compound:
        # The first page, as the API opens it: compiled (``kernel.compiled``), since building
        # and compiling the UNION of a branch per department and two per post was most of
        # the read's CPU (1.6 → 0.3 ms a call for the benchmark's 50 officers, session 15).
        ids = set(_first_file_ids(department_ids=tuple(depts), post_ids=tuple(posts)))
    else:
        branches = _file_id_branches(
            depts, posts, limit=limit, beyond=beyond, newest_first=newest_first
        )
        if connection.features.supports_slicing_ordering_in_compound:
            ids = set(_union_query(branches))  # one round trip
        else:
            ids = {pk for branch in branches for pk in branch}
    return sorted(ids, reverse=newest_first)[:limit]


FIRST_FILES = 51  # the API's first page of 50, and one more to know there is a next


def _file_id_branches(depts, posts, *, limit: int, beyond=None, newest_first=True) -> list:
    field_order = "-{}" if newest_first else "{}"
    past = "lt" if newest_first else "gt"

    def first(qs, field):
        if beyond is not None:
            qs = qs.filter(**{f"{field}__{past}": beyond})
        return qs.order_by(field_order.format(field)).values_list(field, flat=True)[:limit]

    branches = [
        first(File.objects.filter(department_term(dept, lookup="exact")), "pk") for dept in depts
    ]
    for post in posts:
        branches.append(first(File.objects.filter(holder_term(post, lookup="exact")), "pk"))
        branches.append(first(Movement.objects.filter(to_post=post).distinct(), "file_id"))
    return branches


@compiled
def _first_file_ids(*, department_ids: tuple[int, ...], post_ids: tuple[int, ...]):
    return _union_query(_file_id_branches(department_ids, post_ids, limit=FIRST_FILES))


def can_view_file(*, user, file) -> bool:
    """``visible_files``'s rule for one loaded file: its department, grading and holding post
    are on the row, so only a file seen through its custody costs a query (one probe of the
    ``(file, to_post)`` movements). ``tests/workspace/test_access.py`` proves it agrees with
    ``visible_files`` for every user and file of a desk."""
    posts = my_post_ids(user)
    if not posts:
        return False
    if file.department_id in my_department_ids(user) and department_sees(file.grading):
        return True
    if file.holding_post_id in posts:
        return True
    return custody_movements(posts, file=file.pk).exists()


def visible_receipts(user):
    """Receipts ``user`` may see: on no file, by their own department, grading and post; on a
    file, exactly when the file is seen (``visible_files``)."""
    posts = my_post_ids(user)
    if not posts:
        return Receipt.objects.none()
    return receipts_visible_from(post_ids=posts, department_ids=my_department_ids(user))


def receipts_visible_from(*, post_ids: list[int], department_ids: list[int], lookup="in"):
    """``visible_receipts``'s rule for an officer holding ``post_ids`` in ``department_ids``;
    with ``lookup="any_of"`` a compiled read (``kernel.compiled``) can use it."""
    posts, departments = post_ids, department_ids
    # On a file: ``visible_files``'s three rules written over the receipt's own file row (a
    # join by key), not ``file__in=visible_files(user)``: PostgreSQL hashed that subquery over
    # every file of the department first, 1.1 s a receipts list at 100,000 files.
    on_a_seen_file = Q(file__isnull=False) & (
        department_term(
            departments, department="file__department", grading="file__grading", lookup=lookup
        )
        | holder_term(posts, holding_post="file__holding_post", lookup=lookup)
        | custody_term(posts, file=OuterRef("file_id"), lookup=lookup)
    )
    return Receipt.objects.filter(
        Q(
            department_term(departments, department="section__department", lookup=lookup)
            | holder_term(posts, lookup=lookup),
            file__isnull=True,
        )
        | on_a_seen_file
    )


def can_view_receipt(*, user, receipt) -> bool:
    """``visible_receipts``'s rule for one loaded receipt (with its file, if on one)."""
    posts = my_post_ids(user)
    if not posts:
        return False
    if receipt.file_id is not None:
        return can_view_file(user=user, file=receipt.file)
    if receipt.holding_post_id in posts:
        return True
    return department_sees(receipt.grading) and receipt.section.department_id in my_department_ids(
        user
    )


def my_section_ids(user) -> list[int]:
    """The sections of the departments where the user holds a post; cached like the posts."""
    cached = getattr(user, "_daftar_section_ids", None)
    if cached is None:
        depts = my_department_ids(user)
        cached = sorted(_section_ids_of(department_ids=depts)) if depts else []
        user._daftar_section_ids = cached
    return cached


@compiled  # read by every receipts screen and the receipts API
def _section_ids_of(*, department_ids: list[int]):
    return (
        Section.objects.filter(department__any_of=department_ids)
        .order_by()
        .values_list("pk", flat=True)
    )


def visible_receipt_ids(user, *, limit: int, beyond: int | None = None, newest_first=True) -> list:
    """The ids of the first ``limit`` receipts ``user`` may see in id order (newest or oldest
    first; with ``beyond``, only ids past it in that order): the rules of ``visible_receipts``
    rule by rule, as ``visible_file_ids`` does for files, so a page does not cost a walk of
    the receipt table.

    Two round trips. First the receipt's own rules, each cut at ``limit`` on an index that
    gives it in id order: per section of my departments (``receipt_section_id``), per held
    post (``receipt_post_id``). If they find ``limit`` ids, the ``limit``-th of them is an
    *edge* the page cannot go past. Then "on a file I can see", per file rule — files of my
    departments up to restricted, files held at my posts, files that passed through my posts
    (``movement_to_post``) — each limited to ids between ``beyond`` and the edge. No index
    orders a file's receipts by the receipt's id across files, so these are either a walk of
    the receipt ids up to the edge (as many as the office diarised while my departments
    diarised a page: it does not grow with the years) or, where the files are few, their
    receipts by ``file_id`` — PostgreSQL picks by the estimates, both bounded."""
    posts = my_post_ids(user)
    if not posts:
        return []
    sections, depts = tuple(my_section_ids(user)), tuple(my_department_ids(user))
    first_page = beyond is None and newest_first and limit == FIRST_RECEIPTS and sections
    if first_page and connection.features.supports_slicing_ordering_in_compound:
        # The first page, as the API opens it: both rounds compiled (``kernel.compiled``),
        # since their UNIONs of a dozen branches took longer to compile than to run.
        held = tuple(posts)
        ids = set(_own_receipt_ids(section_ids=sections, post_ids=held))
        if len(ids) >= limit:
            edge = sorted(ids, reverse=True)[limit - 1]
            on_files = _receipt_ids_on_files_to(department_ids=depts, post_ids=held, edge=edge)
        else:
            on_files = _receipt_ids_on_files(department_ids=depts, post_ids=held)
        return sorted(ids | set(on_files), reverse=True)[:limit]
    order = _ReceiptOrder(limit=limit, beyond=beyond, newest_first=newest_first)
    ids = order.union(_own_receipt_branches(order, sections, posts))
    edge = sorted(ids, reverse=newest_first)[limit - 1] if len(ids) >= limit else None
    ids |= order.union(_on_file_receipt_branches(order, depts, posts, edge))
    return sorted(ids, reverse=newest_first)[:limit]


FIRST_RECEIPTS = 51  # the API's first page of 50, and one more to know there is a next


class _ReceiptOrder:
    """How ``visible_receipt_ids`` cuts each branch: in id order, past ``beyond``, at
    ``limit``."""

    def __init__(self, *, limit: int, beyond: int | None = None, newest_first: bool = True):
        self.limit, self.beyond, self.newest_first = limit, beyond, newest_first

    def first(self, qs, edge=None):
        past, within = ("pk__lt", "pk__gte") if self.newest_first else ("pk__gt", "pk__lte")
        if self.beyond is not None:
            qs = qs.filter(**{past: self.beyond})
        if edge is not None:
            qs = qs.filter(**{within: edge})
        order = "-pk" if self.newest_first else "pk"
        return qs.order_by(order).values_list("pk", flat=True)[: self.limit]

    @staticmethod
    def union(branches):
        if connection.features.supports_slicing_ordering_in_compound:
            return set(_union_query(branches))  # one round trip
        return {pk for branch in branches for pk in branch}


def _own_receipt_branches(order, sections, posts) -> list:
    # Only receipts on no file: one on a file is seen through the file (the branches below).
    unfiled = Receipt.objects.filter(file__isnull=True)
    branches = [
        order.first(unfiled.filter(graded_for_department(), section=section))
        for section in sections
    ]
    return branches + [
        order.first(unfiled.filter(holder_term(post, lookup="exact"))) for post in posts
    ]


def _on_file_receipt_branches(order, depts, posts, edge) -> list:
    branches = [
        order.first(
            Receipt.objects.filter(
                department_term(
                    dept, department="file__department", grading="file__grading", lookup="exact"
                )
            ),
            edge,
        )
        for dept in depts
    ]
    for post in posts:
        on_held_file = holder_term(post, holding_post="file__holding_post", lookup="exact")
        branches.append(order.first(Receipt.objects.filter(on_held_file), edge))
        custody = Movement.objects.filter(to_post=post).values("file_id")
        branches.append(order.first(Receipt.objects.filter(file__in=custody), edge))
    return branches


_FIRST_PAGE = _ReceiptOrder(limit=FIRST_RECEIPTS)


def _union_query(branches):
    return branches[0].union(*branches[1:], all=True)


@compiled
def _own_receipt_ids(*, section_ids: tuple[int, ...], post_ids: tuple[int, ...]):
    return _union_query(_own_receipt_branches(_FIRST_PAGE, section_ids, post_ids))


@compiled
def _receipt_ids_on_files(*, department_ids: tuple[int, ...], post_ids: tuple[int, ...]):
    return _union_query(_on_file_receipt_branches(_FIRST_PAGE, department_ids, post_ids, None))


@compiled
def _receipt_ids_on_files_to(
    *, department_ids: tuple[int, ...], post_ids: tuple[int, ...], edge: int
):
    return _union_query(_on_file_receipt_branches(_FIRST_PAGE, department_ids, post_ids, edge))


# Rules that apps above the desk add for their own papers: each ``rule(user)`` answers
# ``None`` (no narrowing for this user) or a ``Q`` over ``documents.Paper`` that a paper must
# also meet. Registered from the app's ``ready()``, so the desk imports nothing of theirs.
_paper_rules: list = []


def register_paper_rule(rule) -> None:
    if rule not in _paper_rules:
        _paper_rules.append(rule)


def paper_visibility(user) -> Q:
    """The paper rule as a ``Q`` over ``documents.Paper``, for lists and for one paper:
    on a file ``user`` sees, or on a receipt ``user`` sees, or on nothing and uploaded by
    ``user``; and whatever the registered rules add. ``Q(pk__in=[])`` for nobody."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    on_file = Enclosure.objects.filter(paper=OuterRef("pk"))
    on_receipt = Receipt.papers.through.objects.filter(paper=OuterRef("pk"))
    seen = (
        Exists(on_file.filter(file__in=visible_files(user)))
        | Exists(visible_receipts(user).filter(papers=OuterRef("pk")))
        | (Q(created_by=user) & ~Exists(on_file) & ~Exists(on_receipt))
    )
    for rule in _paper_rules:
        narrowed = rule(user)
        if narrowed is not None:
            seen &= narrowed
    return seen


def can_view_paper(*, user, paper) -> bool:
    """May ``user`` open this paper? ``paper_visibility``'s rule for one paper, asked place by
    place: the files and receipts it is on (a handful of rows), then the visibility rule on
    those ids only. As one statement (``paper_visibility`` with ``pk=``) PostgreSQL planned the
    visible-files subquery over the whole department first: 0.7–1 s a check at 100,000 files
    (docs/benchmarks.md); ``tests/workspace/test_list_visibility.py`` holds the two forms
    equal."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    files, receipts = together(
        _files_with_paper.bind(paper_id=paper.pk), _receipts_with_paper.bind(paper_id=paper.pk)
    )
    if not files and not receipts:
        seen = paper.created_by_id == user.pk
    else:
        seen = any(can_view_file(user=user, file=file) for file in files) or any(
            can_view_receipt(user=user, receipt=receipt) for receipt in receipts
        )
    if not seen:
        return False
    manager = type(paper)._default_manager
    for rule in _paper_rules:
        narrowed = rule(user)
        if narrowed is not None and not manager.filter(narrowed, pk=paper.pk).exists():
            return False
    return True


# ``can_view_paper``'s reads, in one round trip (``kernel.compiled.together``): the rows the
# one-object checks read. Four ORM queries, each compiled anew, were ~7 ms of CPU a check at
# 100,000 files; the viewer beside the note sheet asks it on every opening (docs/benchmarks.md,
# "The viewer beside the note sheet").
@compiled
def _files_with_paper(*, paper_id: int):
    """The files the paper is on as a flag (``can_view_file`` reads their own columns)."""
    return File.objects.filter(
        pk__in=Enclosure.objects.filter(paper_id=paper_id).order_by().values("file_id")
    ).order_by()


@compiled
def _receipts_with_paper(*, paper_id: int):
    """The receipts the paper is a scan of, with their file and section
    (``can_view_receipt``)."""
    return (
        Receipt.objects.filter(
            pk__in=Receipt.papers.through.objects.filter(paper_id=paper_id).values("receipt_id")
        )
        .select_related("file", "section")
        .order_by()
    )


def papers_seen(*, user, papers) -> set[int]:
    """The ids of ``papers`` that ``user`` may open: ``can_view_paper`` for several papers at
    once (an approved note's papers, frozen together), in a number of queries that does not
    grow with them — the places of all of them, the visible files among theirs, their
    receipts, each registered rule once. ``tests/workspace/test_list_visibility.py`` holds it
    equal to ``can_view_paper`` for every user and paper of an office."""
    papers = {paper.pk: paper for paper in papers}
    if not papers or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    ids = list(papers)
    files_of: dict[int, set[int]] = {pk: set() for pk in ids}
    for paper_id, file_id in (
        Enclosure.objects.filter(paper_id__in=ids).order_by().values_list("paper_id", "file_id")
    ):
        files_of[paper_id].add(file_id)
    receipts_of: dict[int, set[int]] = {pk: set() for pk in ids}
    receipts = {}
    for link in Receipt.papers.through.objects.filter(paper_id__in=ids).select_related(
        "receipt__section"
    ):
        receipts_of[link.paper_id].add(link.receipt_id)
        receipts[link.receipt_id] = link.receipt
    receipts = list(receipts.values())
    # A receipt on a file is seen exactly as its file (``can_view_receipt``): its file is
    # asked with the papers' own files, in one query.
    all_files = set().union(*files_of.values(), (r.file_id for r in receipts if r.file_id))
    seen_files = (
        set(visible_files(user).filter(pk__in=all_files).values_list("pk", flat=True))
        if all_files
        else set()
    )
    seen_receipts = {
        receipt.pk
        for receipt in receipts
        if (
            receipt.file_id in seen_files
            if receipt.file_id is not None
            else can_view_receipt(user=user, receipt=receipt)
        )
    }
    seen = set()
    for pk, paper in papers.items():
        if not files_of[pk] and not receipts_of[pk]:
            if paper.created_by_id == user.pk:
                seen.add(pk)
        elif files_of[pk] & seen_files or receipts_of[pk] & seen_receipts:
            seen.add(pk)
    manager = Paper._default_manager
    for rule in _paper_rules:
        narrowed = rule(user)
        if narrowed is not None and seen:
            seen &= set(manager.filter(narrowed, pk__in=seen).values_list("pk", flat=True))
    return seen


def version_refusal(*, user, paper) -> tuple[str, str] | None:
    """Why ``user`` may not add a new version to ``paper`` now, or ``None`` if they may.

    Answers ``("frozen", message)`` or ``("not_holder", message)``. The rule (issue 17):
    a paper is final once it is frozen (part of an approved note or an issued letter), is an
    issued letter or a KPI return's original, is cited by an approved note, or is on a closed
    file or one in the record room. Otherwise a new version may come only from the desk the
    paper is at: the holder of the post that holds each file it is on (directly, or on a
    receipt put on the file), the holder of a pending receipt's post while it is on no file,
    or its uploader while it is on nothing. Seeing the paper is not enough."""
    from django.utils.translation import gettext as _

    if paper.is_frozen:
        return "frozen", _(
            "This paper is part of an approved note or an issued letter and can no longer be "
            "changed (%(reason)s). Upload the new text as a new paper."
        ) % {"reason": paper.frozen_reason}
    if paper.kind in (Paper.Kind.KPI_RETURN, Paper.Kind.ISSUED_LETTER):
        return "frozen", _(
            "This paper is a KPI return's original or an issued letter: it stays as it was "
            "received or issued. Upload a correction as a new paper."
        )
    files = {
        e.file_id: e.file
        for e in Enclosure.objects.filter(paper_id=paper.pk).select_related("file")
    }
    desks: set[int] = set()
    for receipt in Receipt.objects.filter(papers=paper.pk).select_related("file"):
        if receipt.file_id is not None:
            files[receipt.file_id] = receipt.file
        else:
            desks.add(receipt.holding_post_id)
    closed = [
        f for f in files.values() if f.status in (File.Status.CLOSED, File.Status.RECORD_ROOM)
    ]
    if closed:
        return "frozen", _(
            "File %(number)s is closed, so the papers on it are final. Reopen the file to add "
            "a new version."
        ) % {"number": closed[0].number}
    if Approval.objects.filter(
        decision=Approval.Decision.APPROVED, paragraph__refers_to_flags__paper_id=paper.pk
    ).exists():
        return "frozen", _(
            "An approved note rests on this paper, so it can no longer be changed. Upload the "
            "new text as a new paper."
        )
    desks |= {f.holding_post_id for f in files.values()}
    if not desks:
        if paper.created_by_id == getattr(user, "pk", None):
            return None
        return "not_holder", _(
            "Only the person who uploaded this paper can add a version while it is on no file."
        )
    mine = set(my_post_ids(user))
    if desks <= mine:
        return None
    return "not_holder", _(
        "Only the officer at whose desk this paper's file is can add a new version of it; "
        "ask that desk, or put your paper on the file as a new paper."
    )
