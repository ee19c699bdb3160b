"""Benchmark hooks for the file index: time searches, go-to-number and a rebuild over what is
in the database, and (for a throwaway database only) generate many synthetic files fast.

    ./manage.py search_bench --generate 100000   # throwaway database only: adds files
    ./manage.py search_bench --rebuild            # times search_index rebuild
    ./manage.py search_bench --runs 300           # search and go-to p50/p95

Times are wall-clock in this process through the facade (``search.search_files`` and
``search.go_to_number``), so they include loading and re-checking the page of hits. No test
asserts on them: they are printed for people (and the benchmark) to read.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

import search

# Words planted with a known share of files, to time rare, middling and common terms.
PLANTED = {"department": 0.6, "budget": 0.3, "audit": 0.05, "pension": 0.01, "tubewell": 0.001}
FILLER = (  # noqa: SIM905 — a paragraph reads better than a list of 150 strings
    "the of and to in for on with by is be as at from this that which are file note para "
    "may please kindly approval submitted orders placed perusal above below case matter "
    "proposal letter reference dated regarding subject sanction release funds amount rupees "
    "million financial year scheme development project district office section officer "
    "secretary deputy additional government provincial khyber pakhtunkhwa peshawar finance "
    "health education works services local council authority board committee meeting minutes "
    "report return quarter annual revised estimates grant supplementary allocation expenditure "
    "salary allowance employees posts recruitment transfer posting promotion seniority leave "
    "pay scale rules policy notification order circular directive instructions compliance "
    "inquiry complaint citizen application request forward necessary action early comments "
    "views advice law parliamentary affairs cabinet chief minister governor assembly question "
    "reply contract tender procurement bid award payment bill invoice audit objection para "
    "accountant general treasury bank account deposit withdrawal cheque utilisation certificate"
).split()
URDU = "منظوری بجٹ فائل سیکرٹری محکمہ تعلیم صحت خزانہ درخواست شکایت اساتذہ بھرتی".split()  # noqa: SIM905


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


@dataclass
class Timing:
    label: str
    ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.ms, 95)

    def line(self) -> str:
        return (
            f"{self.label:<44} p50 {self.p50:8.1f} ms   p95 {self.p95:8.1f} ms   (n={len(self.ms)})"
        )


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _viewers(count: int, seed: int):
    """Users holding one post each, chosen at random."""
    from workspace.models import Holding

    rng = random.Random(seed)
    ids = list(
        Holding.objects.filter(ends_at__isnull=True).values_list("user_id", flat=True)[:5000]
    )
    rng.shuffle(ids)
    users = list(get_user_model().objects.filter(pk__in=ids[:count]))
    return users


def time_search(*, runs: int = 200, seed: int = 7, out=print) -> list[Timing]:
    """p50/p95 of ``search_files`` for rare, middling and common words, two words, an Urdu
    word, a number fragment and browsing, by relevance and newest first."""
    from workspace.models import File

    rng = random.Random(seed)
    users = _viewers(50, seed)
    numbers = list(File.objects.order_by("?").values_list("number", flat=True)[:200])
    queries = {
        "rare word (tubewell, 0.1%)": lambda: "tubewell",
        "word in 1% (pension)": lambda: "pension",
        "word in 5% (audit)": lambda: "audit",
        "word in 60% (department)": lambda: "department",
        "two words (budget audit)": lambda: "budget audit",
        "Urdu word (اساتذہ)": lambda: "اساتذہ",
        "number tail (12-3/2025 form)": lambda: rng.choice(numbers).split("/", 2)[-1],
        "browse, no words": lambda: "",
    }
    timings = []
    for sort in ("relevance", "newest"):
        for label, make in queries.items():
            ms = []
            for i in range(runs):
                user = users[i % len(users)]
                query = make()
                ms.append(
                    _time(
                        lambda u=user, q=query, s=sort: search.search_files(user=u, query=q, sort=s)
                    )
                )
            timing = Timing(f"search {label}, {sort}", ms)
            out(timing.line())
            timings.append(timing)
    everything = Timing("search: all of the above", [m for t in timings for m in t.ms])
    out(everything.line())
    timings.append(everything)
    return timings


def time_go_to(*, runs: int = 200, seed: int = 11, out=print) -> list[Timing]:
    """p50/p95 of ``go_to_number``: the exact number, its tail, its head, a part inside it."""
    from workspace import access

    rng = random.Random(seed)
    # A number someone looks for is a file they can see (a number they may not see is
    # answered as fast, from the same first lookup).
    pairs = []
    for user in _viewers(50, seed):
        visible = list(access.visible_files(user).values_list("number", flat=True)[:500])
        pairs += [(user, n) for n in rng.sample(visible, min(len(visible), 10))]
    if not pairs:
        out("no files: nothing to time")
        return []
    shapes = {
        "exact": lambda n: n,
        "exact, lower case": lambda n: n.lower(),
        "tail (12-3/2025)": lambda n: n.split("/", 2)[-1],
        "head (FD/SO(B-I))": lambda n: "/".join(n.split("/")[:2]),
        "inside (SO(B-I)/12)": lambda n: n.split("/")[1] + "/" + n.split("/")[2].split("-")[0],
    }
    timings = []
    for label, shape in shapes.items():
        ms = []
        for _ in range(runs):
            user, number = rng.choice(pairs)
            number = shape(number)
            ms.append(_time(lambda u=user, n=number: search.go_to_number(user=u, number=n)))
        timing = Timing(f"go to number: {label}", ms)
        out(timing.line())
        timings.append(timing)
    everything = Timing("go to number: all of the above", [m for t in timings for m in t.ms])
    out(everything.line())
    timings.append(everything)
    return timings


def time_rebuild(*, out=print) -> float:
    """Seconds for a full rebuild of the configured backend, with its rate."""
    started = time.perf_counter()
    count = search.rebuild()
    seconds = time.perf_counter() - started
    out(
        f"rebuild ({search.get_backend().name}): {count:,} files in {seconds:,.1f} s "
        f"({count / seconds if seconds else 0:,.0f} files/s)"
    )
    return seconds


# --------------------------------------------------------------------------- synthetic data
def _copy(model, objs: list) -> None:
    """Insert model instances fast: COPY on PostgreSQL, bulk_create elsewhere."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([getattr(obj, f.attname) for f in fields])


def _reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _note(rng: random.Random, words: int) -> str:
    out = [rng.choice(FILLER) for _ in range(words)]
    for word, share in PLANTED.items():
        if rng.random() < share:
            out.insert(rng.randrange(len(out)), word)
    if rng.random() < 0.1:
        out.insert(rng.randrange(len(out)), rng.choice(URDU))
    out.insert(rng.randrange(len(out)), f"kpx{rng.randrange(50_000)}")  # the long tail
    return " ".join(out).capitalize() + "."


def generate_files(
    n: int,
    *,
    departments: int = 30,
    movements_per_file: int = 4,
    seed: int = 1,
    batch: int = 20_000,
    out=print,
) -> int:
    """Add ``n`` synthetic files (with movements, a note of ~200 words, a receipt on a third
    of them) for benchmarks. For a throwaway database only: it writes rows directly, not
    through the services, and does not index them (time ``rebuild`` for that)."""
    from workspace.models import (
        Department,
        File,
        Grading,
        Holding,
        Movement,
        NoteParagraph,
        Post,
        Priority,
        Receipt,
        Section,
        SubjectHead,
    )

    rng = random.Random(seed)
    User = get_user_model()
    started = time.perf_counter()
    with transaction.atomic():
        depts = []
        for d in range(departments):
            dept, _ = Department.objects.get_or_create(
                code=f"B{d:02d}",
                defaults={
                    "name_en": f"Bench Department {d}",
                    "is_live": True,
                    "live_since": date(2023, 1, 1),
                },
            )
            depts.append(dept)
        org = []  # (dept, section, [posts], [heads])
        for dept in depts:
            heads = [
                SubjectHead.objects.get_or_create(
                    department=dept, code=str(h), defaults={"name_en": f"Head {h}"}
                )[0]
                for h in range(1, 11)
            ]
            for s in range(5):
                section, _ = Section.objects.get_or_create(
                    department=dept, code=f"SO(B-{s})", defaults={"name_en": f"Branch {s}"}
                )
                posts = list(Post.objects.filter(section=section))
                if not posts:
                    for level, name in [
                        (50, "Secretary"),
                        (30, "Deputy Secretary"),
                        (20, "Section Officer"),
                        (10, "Assistant"),
                    ]:
                        post = Post.objects.create(
                            section=section, level=level, designation_en=f"{name} {dept.code}-{s}"
                        )
                        user = User.objects.create(username=f"bench-{dept.code}-{s}-{level}")
                        Holding.objects.create(
                            post=post, user=user, starts_at=timezone.now() - timedelta(days=400)
                        )
                        posts.append(post)
                org.append((dept, section, posts, heads))
    users_by_post = dict(
        Holding.objects.filter(ends_at__isnull=True).values_list("post_id", "user_id")
    )
    last_file = File.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_move = Movement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_para = NoteParagraph.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_receipt = Receipt.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    serials: dict[tuple, int] = {
        (r["section_id"], r["subject_head_id"], r["year"]): r["m"]
        for r in File.objects.values("section_id", "subject_head_id", "year").annotate(
            m=Max("serial")
        )
    }
    diary: dict[tuple, int] = {
        (r["section_id"], r["diary_year"]): r["m"]
        for r in Receipt.objects.values("section_id", "diary_year").annotate(m=Max("diary_number"))
    }
    statuses = [(File.Status.OPEN, 0.7), (File.Status.PARKED, 0.1), (File.Status.CLOSED, 0.2)]
    gradings = [
        (Grading.UNCLASSIFIED, 0.9),
        (Grading.RESTRICTED, 0.06),
        (Grading.CONFIDENTIAL, 0.03),
        (Grading.SECRET, 0.01),
    ]
    priorities = [
        (Priority.ROUTINE, 0.7),
        (Priority.URGENT, 0.2),
        (Priority.IMMEDIATE, 0.08),
        (Priority.MOST_IMMEDIATE, 0.02),
    ]

    def pick(weighted):
        return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]

    made = 0
    file_id, move_id, para_id, receipt_id = last_file, last_move, last_para, last_receipt
    while made < n:
        size = min(batch, n - made)
        files, moves, paras, receipts = [], [], [], []
        for _ in range(size):
            dept, section, posts, heads = rng.choice(org)
            head = rng.choice(heads)
            year = rng.randint(2019, 2026)
            key = (section.pk, head.pk, year)
            serials[key] = serials.get(key, 0) + 1
            opened = datetime(year, 1, 1, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(364 * 86400)
            )
            route = [rng.choice(posts) for _ in range(movements_per_file)]
            if rng.random() < 0.05:  # some files pass through another department
                route[-1] = rng.choice(rng.choice(org)[2])
            status = pick(statuses)
            file_id += 1
            files.append(
                File(
                    pk=file_id,
                    number=f"{dept.code}/{section.code}/{head.code}-{serials[key]}/{year}",
                    department_id=dept.pk,
                    section_id=section.pk,
                    subject_head_id=head.pk,
                    year=year,
                    serial=serials[key],
                    subject=_note(rng, 8).rstrip("."),
                    priority=pick(priorities),
                    grading=pick(gradings),
                    status=status,
                    opened_by_id=users_by_post[route[0].pk],
                    opened_at=opened,
                    holding_post_id=None if status == File.Status.CLOSED else route[-1].pk,
                    desk_since=opened + timedelta(days=len(route)),
                    due_on=None,
                    updated_at=opened + timedelta(days=len(route)),
                )
            )
            previous = None
            for step, post in enumerate(route):
                move_id += 1
                moves.append(
                    Movement(
                        pk=move_id,
                        file_id=file_id,
                        kind=Movement.Kind.OPEN if step == 0 else Movement.Kind.MARK,
                        from_post_id=previous,
                        to_post_id=post.pk,
                        by_id=users_by_post[(previous or post.pk)],
                        at=opened + timedelta(days=step),
                        remarks="",
                        due_on=None,
                        desk_seconds=86400 if step else 0,
                        task_id=None,
                    )
                )
                previous = post.pk
            para_id += 1
            paras.append(
                NoteParagraph(
                    pk=para_id,
                    file_id=file_id,
                    number=1,
                    text=_note(rng, rng.randint(150, 250)),
                    author_id=users_by_post[route[0].pk],
                    post_id=route[0].pk,
                    created_at=opened,
                    edited_at=None,
                    is_final=True,
                    finalised_at=opened + timedelta(days=1),
                )
            )
            if rng.random() < 0.33:
                dkey = (section.pk, year)
                diary[dkey] = diary.get(dkey, 0) + 1
                receipt_id += 1
                receipts.append(
                    Receipt(
                        pk=receipt_id,
                        section_id=section.pk,
                        diary_year=year,
                        diary_number=diary[dkey],
                        sender=rng.choice(
                            [
                                "Accountant General KP",
                                "Planning and Development",
                                "District Office Swat",
                                "Auditor General",
                                "PHED Peshawar",
                            ]
                        ),
                        sender_address="",
                        letter_number="",
                        letter_date=None,
                        received_on=opened.date(),
                        mode=Receipt.Mode.PHYSICAL,
                        subject=_note(rng, 6).rstrip("."),
                        priority=Priority.ROUTINE,
                        grading=Grading.UNCLASSIFIED,
                        status=Receipt.Status.ON_FILE,
                        holding_post_id=route[0].pk,
                        diarised_by_id=users_by_post[route[0].pk],
                        diarised_at=opened,
                        file_id=file_id,
                        is_citizen_matter=False,
                        citizen_name="",
                        citizen_cnic_last4="",
                        citizen_mobile_last4="",
                        tracking_ref=None,
                        time_limit_days=None,
                        outcome="",
                    )
                )
        with transaction.atomic():
            _copy(File, files)
            _copy(Movement, moves)
            _copy(NoteParagraph, paras)
            _copy(Receipt, receipts)
        made += size
        elapsed = time.perf_counter() - started
        out(f"  generated {made:,} / {n:,} files · {made / elapsed:,.0f} files/s")
    _reset_sequences(File, Movement, NoteParagraph, Receipt)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (File, Movement, NoteParagraph, Receipt):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return made
