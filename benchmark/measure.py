"""Latency and query count of each user-facing operation, in process.

Pages go through Django's test ``Client`` (the whole middleware stack, a signed-in officer whose
session passed the second factor, ``signin.py``); mark and approve call the services directly,
each on a different file, and commit (they write their movement and audit rows). Before every
iteration of an operation the *floor* — a bare view doing one indexed SELECT — is timed too, so
each operation has a floor measured under the same conditions, and ``p95 / floor p95`` holds on
a noisy machine.

Queries are counted from ``connection.queries_log``, cleared before each capture (Django's
``CaptureQueriesContext`` under-counts once the log passes its 9,000-entry cap). Logging a
query costs microseconds, and the floor pays it too.

The sample (users, files, references) is drawn before timing: officers holding one post with a
typical number of files pending, the officer whose post has the most, the files in their
inboxes, files waiting for a decision at approving posts, citizens' references.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmark.report import Latency
from benchmark.signin import signed_in_client
from benchmark.text import COMMON_WORD, MIDDLING_WORD, RARE_WORD
from benchmark.writer import Progress
from cgu.access import head_post
from cgu.models import ReportingPeriod
from daftar.startup import freeze_loaded_objects
from letters import codes, render, signing
from letters.models import IssuedLetter, LetterTemplate
from organisation.models import Holding, Post
from portal_pages.eoffice import eoffice_figures
from portal_pages.models import PerformanceIndexPage
from workspace.access import department_term
from workspace.models import Approval, DispatchEntry, Draft, Enclosure, File, NoteParagraph, Receipt
from workspace.services import approvals, movement

Call = Callable[[int], object]


class Unexpected(Exception):
    """An operation answered something other than what a working Daftar answers."""


@dataclass
class Op:
    name: str
    call: Call  # call(i) does iteration i; raises Unexpected on a wrong answer
    note: str = ""
    limit: int | None = None  # a write consumes its sample: at most this many calls
    background: bool = False  # a worker's job, not a visitor's wait: not judged by the rule
    own_limit_ms: float | None = None  # the issue's own floor for it, instead of the rule


@dataclass
class Sample:
    users: list = field(default_factory=list)  # typical officers (one post each)
    busiest: object = None
    busiest_files: int = 0
    inbox_files: list[tuple[object, int]] = field(default_factory=list)  # (user, file id)
    numbers: list[tuple[object, str]] = field(default_factory=list)  # (user, file number)
    # (user, file id / number) of files of the user's department not at the user's desk
    elsewhere_files: list[tuple[object, int]] = field(default_factory=list)
    foreign_numbers: list[tuple[object, str]] = field(default_factory=list)  # another dept's
    floor_ids: list[int] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    performance_url: str | None = None
    cgu_user: object = None  # an officer of the CGU, for its staff screens
    # (user, (file id, version id)) of a flagged paper or receipt scan on a file in the inbox
    flag_papers: list[tuple[object, tuple[int, int]]] = field(default_factory=list)


def _timed(fn: Callable[[], object]) -> tuple[float, int, float]:
    """Milliseconds, queries, and milliseconds spent in the database (as Django logs them)."""
    log = connection.queries_log
    log.clear()
    forced = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        started = time.perf_counter()
        fn()
        ms = (time.perf_counter() - started) * 1000
    finally:
        connection.force_debug_cursor = forced
    sql_ms = sum(float(q["time"]) for q in log) * 1000
    return ms, len(log), sql_ms


def draw_sample(size: int, seed: int) -> Sample:
    """Who and what the operations act on; drawn once, before anything is timed."""
    rng = random.Random(seed)
    User = get_user_model()
    s = Sample()
    pending = list(
        File.objects.filter(status=File.Status.OPEN, holding_post__isnull=False)
        .values("holding_post")
        .annotate(n=Count("pk"))
        .order_by("n", "holding_post")
        .values_list("holding_post", "n")
    )
    if not pending:
        return s
    single = set(
        Holding.objects.current()
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n=1)
        .values_list("user", flat=True)
    )
    regular = dict(
        Holding.objects.current()
        .filter(kind=Holding.Kind.REGULAR)
        .values_list("post_id", "user_id")
    )
    # Typical: posts around the median of files pending, held by an officer with one post.
    middle = pending[len(pending) // 4 : max(len(pending) * 3 // 4, 1)] or pending
    posts = [p for p, _ in middle if regular.get(p) in single] or [p for p, _ in middle]
    rng.shuffle(posts)
    ids = [regular[p] for p in posts[: max(3, min(size, 50))] if p in regular]
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    s.users = [users[i] for i in ids if i in users]
    busiest_post, s.busiest_files = pending[-1]
    s.busiest = User.objects.filter(pk=regular.get(busiest_post)).first()
    # Files in those officers' inboxes, and numbers of files of their departments.
    by_post = {p: u for p, u in zip(posts, s.users, strict=False)}
    rows = list(
        File.objects.filter(status=File.Status.OPEN, holding_post__in=list(by_post))
        .order_by("-priority", "desk_since")
        .values_list("holding_post", "pk", "number")[: size * 4]
    )
    rng.shuffle(rows)
    s.inbox_files = [(by_post[p], pk) for p, pk, _ in rows[:size]]
    s.numbers = [(by_post[p], number) for p, _, number in rows[:size]]
    # Files a colleague reads without holding them, and numbers from another department.
    dept_of = dict(
        Post.objects.filter(pk__in=list(by_post)).values_list("pk", "section__department")
    )
    for post, user in list(by_post.items())[:size]:
        dept = dept_of[post]
        mine = (
            File.objects.filter(department_term(dept, lookup="exact"))
            .exclude(holding_post=post)
            .order_by("-pk")
            .values_list("pk", flat=True)[:3]
        )
        s.elsewhere_files += [(user, pk) for pk in mine]
        theirs = (
            File.objects.exclude(department=dept)
            .order_by("-pk")
            .values_list("number", flat=True)[rng.randrange(50) :][:1]
        )
        s.foreign_numbers += [(user, number) for number in theirs]
    rng.shuffle(s.elsewhere_files)
    s.flag_papers = _flag_papers(s.inbox_files)
    top = File.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
    s.floor_ids = [rng.randint(1, top) for _ in range(size)]
    existing = set(File.objects.filter(pk__in=s.floor_ids).values_list("pk", flat=True))
    s.floor_ids = [i for i in s.floor_ids if i in existing] or [top]
    refs = list(
        Receipt.objects.filter(
            is_citizen_matter=True, grading=0, tracking_ref__isnull=False, file__grading=0
        )
        .order_by("-pk")
        .values_list("tracking_ref", "citizen_cnic_last4", "citizen_mobile_last4")[: size * 4]
    )
    rng.shuffle(refs)
    s.references = [(ref, cnic or mobile) for ref, cnic, mobile in refs[:size]]
    s.cgu_user = _cgu_officer()
    try:
        page = PerformanceIndexPage.objects.live().public().first()
        s.performance_url = page.get_url() if page else None
    except Exception:  # the public site is not seeded
        s.performance_url = None
    return s


def _cgu_officer():
    """The officer holding the CGU's highest post (a reviewer: sees every screen)."""
    head = head_post()
    holding = Holding.objects.current().filter(post=head).select_related("user").first()
    return holding.user if holding else None


class Clients:
    """One signed-in test client per officer, made on first use (outside any timing)."""

    def __init__(self):
        self._clients: dict[int, Client] = {}
        self.anonymous = Client()

    def of(self, user) -> Client:
        client = self._clients.get(user.pk)
        if client is None:
            client = signed_in_client(user)
            self._clients[user.pk] = client
        return client

    def warm(self, users, url: str) -> None:
        """Make each officer's client and send it one request: a test client builds its own
        middleware chain on its first request (WhiteNoise scans the static files then,
        ~60 ms), which must not land in whichever operation happens to be timed first."""
        for client in [self.anonymous, *(self.of(user) for user in users)]:
            client.get(url)


def _expect(response, *statuses):
    if response.status_code not in statuses:
        body = getattr(response, "content", b"")[:300]
        raise Unexpected(f"{response.status_code} for {response.request['PATH_INFO']}: {body!r}")
    return response


def _get_as(clients: Clients, pairs: list, url, *, params=None, statuses=(200,)) -> Call:
    """A call that, at iteration i, GETs as the officer of the i-th ``(user, arg)`` pair:
    ``url`` is a path, or a function of ``arg`` giving one; ``params``, a function of ``arg``
    giving the query. Everything is bound here, as arguments, so no call can read a loop's
    or a later operation's variable when it runs."""

    def call(i):
        user, arg = pairs[i % len(pairs)]
        path = url(arg) if callable(url) else url
        query = params(arg) if params else None
        return _expect(clients.of(user).get(path, query), *statuses)

    return call


def _flag_papers(inbox_files) -> list:
    """A paper on each inbox file where there is one: the flagged attachment, else a scan of
    a receipt on the file (what the viewer beside the note sheet opens)."""
    user_of = dict((pk, user) for user, pk in inbox_files)
    found: dict[int, int] = {}
    direct = Enclosure.objects.filter(
        file_id__in=list(user_of), paper__current_version__isnull=False
    ).values_list("file_id", "paper__current_version")
    for file_id, version in direct:
        found.setdefault(file_id, version)
    scans = Receipt.papers.through.objects.filter(
        receipt__file_id__in=[pk for pk in user_of if pk not in found],
        paper__current_version__isnull=False,
    ).values_list("receipt__file_id", "paper__current_version")
    for file_id, version in scans:
        found.setdefault(file_id, version)
    return [(user_of[f], (f, v)) for f, v in found.items()]


def page_ops(sample: Sample, clients: Clients) -> list[Op]:
    """The read operations, as each officer or citizen would ask for them."""
    ops: list[Op] = []
    users = sample.users
    if not users:
        return ops
    others = [u for u in (sample.busiest, sample.cgu_user) if u is not None]
    clients.warm(users + others, f"/_bench/floor/{sample.floor_ids[0]}/")
    officers = [(user, None) for user in users]
    home = reverse("workspace:home")
    ops.append(Op("inbox", _get_as(clients, officers, home)))
    if sample.busiest is not None:
        ops.append(
            Op(
                "inbox, busiest post",
                _get_as(clients, [(sample.busiest, None)], home),
                note=f"{sample.busiest_files} files pending at that post",
            )
        )

    def file_url(pk):
        return reverse("workspace:file", args=[pk])

    if sample.inbox_files:
        ops.append(Op("file page", _get_as(clients, sample.inbox_files, file_url)))
    if sample.flag_papers:
        ops.append(
            Op(
                "viewer: open a flag beside the note sheet",
                _get_as(
                    clients,
                    sample.flag_papers,
                    lambda pair: reverse("workspace:file_paper", args=list(pair)),
                    params=lambda pair: {"partial": "1"},
                ),
                note="the audited opening and its page list; the benchmark stores no objects, "
                "so page images are not rendered",
            )
        )
    if sample.elsewhere_files:
        ops.append(
            Op(
                "file page, not at my desk",
                _get_as(clients, sample.elsewhere_files, file_url),
                note="a colleague of the department reads it: no marking choices",
            )
        )
    # Lists whose rows obey the visibility rule of what they name (access.visible_files).
    ops.append(Op("receipts list", _get_as(clients, officers, reverse("workspace:receipts"))))
    ops.append(Op("dispatch register", _get_as(clients, officers, reverse("workspace:dispatch"))))
    try:
        search_url = reverse("search:files")
        go_url = reverse("search:go")
    except Exception:
        search_url = go_url = None
    if search_url:
        for label, words in [
            (f"staff search: rare word ({RARE_WORD})", RARE_WORD),
            (f"staff search: 5% word ({MIDDLING_WORD})", MIDDLING_WORD),
            (f"staff search: 60% word ({COMMON_WORD})", COMMON_WORD),
            ("staff search: two words", f"{MIDDLING_WORD} {COMMON_WORD}"),
        ]:
            pairs = [(user, words) for user in users]
            ops.append(Op(label, _get_as(clients, pairs, search_url, params=lambda q: {"q": q})))

    def number_query(number):
        return {"number": number}

    if go_url and sample.numbers:
        ops.append(
            Op(
                "go to file number",
                _get_as(clients, sample.numbers, go_url, params=number_query, statuses=(302,)),
            )
        )
    if go_url and sample.foreign_numbers:
        ops.append(
            Op(
                "go to file number, not visible",
                _get_as(
                    clients,
                    sample.foreign_numbers,
                    go_url,
                    params=number_query,
                    statuses=(200, 302),
                ),
                note="another department's number: the search for candidates, then 'none'",
            )
        )
    if sample.references:
        refs = sample.references
        track = reverse("portal-track")

        def lookup(i):
            ref, factor = refs[i % len(refs)]
            response = _expect(
                clients.anonymous.post(
                    track,
                    json.dumps({"reference": ref, "second_factor": factor}),
                    content_type="application/json",
                ),
                200,
            )
            if not response.json().get("found"):
                raise Unexpected(f"tracking reference {ref} not found")
            return response

        ops.append(Op("public tracking lookup", lookup))
    if sample.performance_url:
        performance_url = sample.performance_url
        ops.append(
            Op(
                "public performance page",
                lambda i: _expect(clients.anonymous.get(performance_url), 200),
                note="an anonymous visitor: Wagtail's routing, then the page cache (per page, "
                "language and published version; a publish invalidates it)",
            )
        )
        ops.append(
            Op(
                "e-office figures refresh (background job)",
                lambda i: eoffice_figures(use_cache=False),
                note="what the worker's refresh task computes; visitors are served the stored "
                "figures and never wait for it",
                background=True,
            )
        )
    if sample.cgu_user is not None:
        screens = [("CGU dashboard", "cgu:dashboard"), ("CGU returns list", "cgu:returns")]
        if ReportingPeriod.objects.exists():  # --quick seeds no CGU history
            screens.append(("CGU compliance", "cgu:compliance"))
        head = [(sample.cgu_user, None)]
        for label, name in screens:
            ops.append(Op(label, _get_as(clients, head, reverse(name))))
    for label, name in [
        ("API: files list", "file-list"),
        ("API: inbox", "inbox-list"),
        ("API: receipts list", "receipt-list"),
    ]:
        ops.append(Op(label, _get_as(clients, officers, reverse(name))))
    return ops


# ----------------------------------------------------------------------------- the writes
def mark_op(count: int, seed: int) -> Op | None:
    """``file_mark``: each iteration marks a different open file, by the officer holding it,
    to another post of the same section."""
    rng = random.Random(seed)
    regular = dict(
        Holding.objects.current()
        .filter(kind=Holding.Kind.REGULAR)
        .values_list("post_id", "user_id")
    )
    files = list(
        File.objects.filter(
            status=File.Status.OPEN,
            holding_post__in=list(regular),
            holding_post__section__department__is_live=True,
            holding_post__may_approve=False,
        )
        .order_by("?")
        .values_list("pk", "holding_post", "holding_post__section")[:count]
    )
    if not files:
        return None
    sections = {s for _, _, s in files}
    siblings: dict[int, list[Post]] = {}
    for post in Post.objects.filter(section__in=sections, is_active=True).select_related(
        "section__department"
    ):
        siblings.setdefault(post.section_id, []).append(post)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=set(regular.values()))}
    plan = []
    for pk, post_id, section_id in files:
        targets = [p for p in siblings[section_id] if p.pk != post_id]
        if targets:
            plan.append((pk, users[regular[post_id]], rng.choice(targets)))
    if not plan:
        return None

    def call(i):
        pk, user, to_post = plan[i % len(plan)]
        # A fresh user object per request, as the view would have.
        user = get_user_model()(pk=user.pk, username=user.username, is_active=True)
        return movement.file_mark(actor=user, file=File(pk=pk), to_post=to_post, remarks="")

    return Op(
        "mark (service)",
        call,
        note="one commit each: movement, flow step, audit row",
        limit=len(plan),
    )


def approve_op(count: int, seed: int) -> Op | None:
    """``note_decide(approved)``: each iteration approves the paragraph put up to an approving
    post, by its holder; the file goes back down to the post that put it up."""
    regular = dict(
        Holding.objects.current()
        .filter(kind=Holding.Kind.REGULAR)
        .values_list("post_id", "user_id")
    )
    files = list(
        File.objects.filter(
            status=File.Status.OPEN,
            holding_post__may_approve=True,
            holding_post__in=list(regular),
        )
        .order_by("?")
        .values_list("pk", "holding_post")[: count * 3]
    )
    if not files:
        return None
    last: dict[int, NoteParagraph] = {}
    for para in NoteParagraph.objects.filter(file_id__in=[pk for pk, _ in files]).order_by(
        "file_id", "number"
    ):
        last[para.file_id] = para
    approved = set(
        Approval.objects.filter(paragraph__in=[p.pk for p in last.values()]).values_list(
            "paragraph_id", flat=True
        )
    )
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=set(regular.values()))}
    plan = []
    for pk, post_id in files:
        para = last.get(pk)
        if para and para.is_final and para.post_id != post_id and para.pk not in approved:
            plan.append((pk, users[regular[post_id]], para))
    plan = plan[:count]
    if not plan:
        return None

    def call(i):
        pk, user, para = plan[i % len(plan)]
        user = get_user_model()(pk=user.pk, username=user.username, is_active=True)
        return approvals.note_decide(
            actor=user, file=File(pk=pk), paragraph=para, decision="approved"
        )

    return Op(
        "approve (service)",
        call,
        note="one commit each: approval, movement back down, flow step, audit row, signing queued",
        limit=len(plan),
    )


def _letter_entry():
    """An issued letter as the issue step sees it, in memory: the first live department's
    section officer issuing a bilingual letter (nothing is written)."""
    post = (
        Post.objects.filter(section__department__is_live=True, holdings__isnull=False)
        .select_related("section__department")
        .order_by("pk")
        .first()
    )
    if post is None:
        return None
    user = get_user_model().objects.filter(holdings__post=post).first()
    body = (
        "I am directed to convey the approval of the competent authority to the release of "
        "funds for the schemes listed below.\n\n"
        "ان حالات میں تجویز منظوری کے لیے پیش خدمت ہے۔ رقم کی منظوری دی جاتی ہے۔\n\n"
        "The amount shall be drawn from the head of account 03-Development."
    )
    draft = Draft(subject="Release of development funds", addressees="AG KP\nDAO", body=body)
    return DispatchEntry(
        section=post.section,
        outgoing_number=f"{post.section.department.code}/{post.section.code}/O-1/2026",
        draft=draft,
        addressees=draft.addressees,
        issued_by=user,
        issued_post=post,
        issued_at=timezone.now(),
    )


def letter_ops(count: int, seed: int) -> list[Op]:
    """Issued letters (issue 23): rendering and signing one (the issue step's cost, ≤ 1 s),
    and the public verification page looking a code up."""
    ops = []
    entry = _letter_entry()
    if entry is not None:
        department = entry.section.department

        def render_and_sign(i):
            template = LetterTemplate.objects.filter(department=department).first()
            context = render.letter_context(entry=entry, template=template, code=codes.new_code())
            pdf = render.render_pdf(context)
            return signing.sign_pdf(pdf, department=department, reason="benchmark")

        ops.append(
            Op(
                "letter: render + sign (PDF/A, PAdES)",
                render_and_sign,
                note="its own floor is 1 s (issue 23), not the rule: WeasyPrint, Urdu and "
                "English, pyHanko signature; nothing written",
                own_limit_ms=1000,
            )
        )
    rng = random.Random(seed)
    known = list(IssuedLetter.objects.values_list("code", flat=True)[:count])
    note = "codes of issued letters"
    if not known:  # a dataset without signed letters: the same page, answering "not found"
        known = [codes.new_code() for _ in range(count)]
        note = "unknown codes (the dataset has no signed letters): the not-found answer"
    public = Client()

    def verify(i):
        code = known[rng.randrange(len(known))]
        return _expect(public.get("/verify/", {"code": codes.display(code)}), 200)

    ops.append(Op("verify page (public, by code)", verify, note=note))
    return ops


# ----------------------------------------------------------------------------- timing
def run(ops: list[Op], **options) -> list[Latency]:
    """``time_ops`` as production runs: with what Daftar loaded frozen out of the garbage
    collector's view, as ``daftar/wsgi.py`` does (``daftar.startup``); the collector gets it
    back afterwards, since the process may go on (the tests)."""
    freeze_loaded_objects()
    try:
        return time_ops(ops, **options)
    finally:
        gc.unfreeze()


def time_ops(
    ops: list[Op],
    *,
    n_files: int,
    iterations: int,
    warmup: int,
    floor_ids: list[int],
    progress: Progress,
    budget_seconds: float = 90.0,
) -> list[Latency]:
    """Time each operation, with the floor between its iterations. An operation stops early
    once it has used ``budget_seconds`` and has at least a fifth of its iterations (an
    expensive operation at a million files must not hold the run for an hour)."""
    floor_client = Client()

    def floor(i):
        return _expect(floor_client.get(f"/_bench/floor/{floor_ids[i % len(floor_ids)]}/"), 200)

    figures = []
    pooled = Latency("floor: one indexed SELECT", n_files)
    for op in ops:
        figure = Latency(
            op.name,
            n_files,
            note=op.note,
            background=op.background,
            own_limit_ms=op.own_limit_ms,
        )
        first_error = None
        warm, total = warmup, warmup + iterations
        if op.limit is not None and op.limit < total:
            # Fewer files to act on than iterations (a small office): fewer iterations.
            warm = min(warmup, max(op.limit - iterations, 0))
            total = op.limit
        started = time.monotonic()
        for i in range(total):
            if time.monotonic() - started > budget_seconds and len(figure.ms) >= max(
                iterations // 5, 1
            ):
                figure.note = f"{figure.note}; stopped at the time budget".lstrip("; ")
                break
            f_ms, _f_queries, _ = _timed(lambda i=i: floor(i))
            try:
                ms, queries, sql_ms = _timed(lambda i=i, call=op.call: call(i))
            except Unexpected as exc:
                figure.errors += 1
                first_error = first_error or str(exc)
                continue
            except Exception as exc:  # a refusal or a crash: counted, and said
                figure.errors += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                continue
            if i >= warm:
                figure.ms.append(ms)
                figure.sql_ms.append(sql_ms)
                figure.queries.append(queries)
                figure.floor_ms.append(f_ms)
                pooled.ms.append(f_ms)
                pooled.queries.append(_f_queries)
        if first_error:
            figure.note = f"{figure.note}; first error: {first_error}".lstrip("; ")
        j = figure.as_json()
        progress(
            f"  {op.name:<40} p50 {j['p50_ms'] or 0:7.1f}  p95 {j['p95_ms'] or 0:7.1f} ms  "
            f"{j['queries'] if j['queries'] is not None else '—':>3} queries  "
            f"(floor p95 {j['floor_p95_ms'] or 0:.1f})"
            + (f"  {figure.errors} errors" if figure.errors else "")
        )
        figures.append(figure)
    pooled.floor_ms = list(pooled.ms)
    return [pooled, *figures]
