"""Benchmark hooks for the file index: time searches, go-to-number and a rebuild over what is
in the database. The data to time them on comes from ``manage.py benchmark``'s generator
(its planted words — ``benchmark.text`` — are the words timed here).

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

from django.contrib.auth import get_user_model

import search
from benchmark.report import percentile
from organisation.models import Holding
from workspace import access
from workspace.models import File


@dataclass
class Timing:
    label: str
    ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.ms, 50) or 0.0

    @property
    def p95(self) -> float:
        return percentile(self.ms, 95) or 0.0

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
