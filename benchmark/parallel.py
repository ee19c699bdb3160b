"""The files written by several generator processes at once, on PostgreSQL.

One Python process makes rows at about one core's speed while its COPY connections use a
third of another (measured: 1M files, 314 s of rows with a core idle), so the generator's
files are split by department between ``Shape.processes`` processes (``--generators N``;
default one per CPU, at most 4), each forked with a copy of the office and a
``FileWriter.take_part`` of its own, writing through its own COPY connections. What could
clash between them cannot:

- primary keys interleave (``Ids.interleave``: the first process takes 1, 3, 5…);
- file numbers and diary numbers count per section, and each department is one process's
  (a receipt is diarised only in the file's own department, see ``FileWriter._file``);
- tracking references start with a symbol of the process's own.

The parent drops the tables' plain indexes before forking and builds them once all are done,
then writes the counters from every process's numbers. Inside a transaction (the test suite),
on SQLite or with one process, the files are written by the one ``FileWriter`` as before.
The same N, seed and number of processes give the same office.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import time
import traceback
from dataclasses import dataclass, field

from django.db import connection, connections

from benchmark.files import FileWriter, duration
from benchmark.writer import Progress, Sink
from workspace.models import Counter


def processes(shape) -> int:
    """How many processes write the files: several only on PostgreSQL outside a transaction,
    and with files enough for each department set to have some."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    wanted = shape.processes or min(4, os.cpu_count() or 1)
    return max(1, min(wanted, shape.departments, shape.files // 1000 or 1))


@dataclass
class Written:
    """What the files' writers report back: rows per table, numbers given, statistics."""

    rows: dict[str, int] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)
    serials: dict[tuple, int] = field(default_factory=dict)
    diary: dict[tuple, int] = field(default_factory=dict)
    index_seconds: float = 0.0
    replica: bool = False

    @classmethod
    def of(cls, writer: FileWriter, sink: Sink) -> Written:
        return cls(
            rows=sink.counts(),
            stats=dict(writer.stats),
            serials=dict(writer.serials),
            diary=dict(writer.diary),
            index_seconds=sink.seconds["indexes"],
            replica=sink.replica,
        )

    def add(self, other: Written) -> None:
        for mine, theirs in ((self.serials, other.serials), (self.diary, other.diary)):
            clash = mine.keys() & theirs.keys()
            if clash:  # a number given by two processes: the partition is wrong
                raise RuntimeError(f"two generator processes numbered {sorted(clash)[:3]}")
            mine.update(theirs)
        for mine, theirs in ((self.rows, other.rows), (self.stats, other.stats)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.replica = self.replica or other.replica

    def counters(self) -> list[Counter]:
        out = [Counter(scope=f"file:{s}:{h}:{y}", value=v) for (s, h, y), v in self.serials.items()]
        out += [Counter(scope=f"diary:{s}:{y}", value=v) for (s, y), v in self.diary.items()]
        return out


def split(depts: list, parts: int) -> list[list]:
    """Departments into ``parts`` sets of about equal weight (heaviest first, each to the
    lightest set so far)."""
    sets: list[list] = [[] for _ in range(parts)]
    totals = [0.0] * parts
    for dept in sorted(depts, key=lambda d: (-d.weight, d.id)):
        k = totals.index(min(totals))
        sets[k].append(dept)
        totals[k] += dept.weight
    return sets


def shares(total: int, sets: list[list]) -> list[int]:
    """Files per set, in proportion to its weight; the last set takes what rounding left."""
    weights = [sum(d.weight for d in s) for s in sets]
    out = [round(total * w / sum(weights)) for w in weights[:-1]]
    return [*out, total - sum(out)]


def write(writer: FileWriter, parts: int, progress: Progress) -> Written:
    """Write ``writer.shape.files`` files in ``parts`` forked processes (see the module)."""
    sink = writer.sink
    sink.drop_indexes()
    sets = split(writer.depts, parts)
    counts = shares(writer.shape.files, sets)
    # No connection may cross the fork: each process opens its own.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    reports = context.Queue()
    children = [
        context.Process(
            target=_child,
            args=(writer, k, parts, sets[k], counts[k], reports),
            name=f"bench-generator-{k}",
            daemon=True,
        )
        for k in range(parts)
    ]
    started = time.perf_counter()
    for child in children:
        child.start()
    total = Written()  # each process reports whether its COPY ran with triggers off
    done, rows, finished = [0] * parts, [0] * parts, 0
    step = writer.shape.batch
    shown = 0
    try:
        while finished < parts:
            try:
                kind, k, payload = reports.get(timeout=5)
            except queue_module.Empty:
                dead = [c.name for c in children if c.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"{', '.join(dead)} stopped without a report") from None
                continue
            if kind == "error":
                raise RuntimeError(f"generator process {k} failed:\n{payload}")
            if kind == "progress":
                done[k], rows[k] = payload
            else:  # "done"
                total.add(payload)
                finished += 1
            files, elapsed = sum(done), time.perf_counter() - started
            if files >= shown + step or (files == writer.shape.files and shown < files):
                shown = files
                rate = files / elapsed if elapsed else 0
                left = writer.shape.files - files
                progress(
                    f"  files {files:>9,} / {writer.shape.files:,}  {rate:7,.0f} files/s  "
                    f"{sum(rows) / elapsed:9,.0f} rows/s  "
                    f"ETA {duration(left / rate if rate else 0)}  ({parts} processes)"
                )
    finally:
        for child in children:
            child.join(timeout=0 if finished < parts else None)
            if child.is_alive():
                child.kill()
    sink.build_indexes()
    total.index_seconds = sink.seconds["indexes"]
    return total


def _child(writer: FileWriter, part: int, parts: int, depts, count: int, reports) -> None:
    """One generator process: its departments' ``count`` files, then a report."""
    try:
        sink = Sink(lambda message: None)  # the parent speaks for everyone
        writer.take_part(part, parts, depts, sink)

        def tick(_message: str) -> None:
            reports.put(("progress", part, (writer.files_written, sink.rows_written)))

        with sink:
            writer.write(count, tick)
        reports.put(("done", part, Written.of(writer, sink)))
    except BaseException:
        reports.put(("error", part, traceback.format_exc()))
    finally:
        reports.close()
        reports.join_thread()
        # Leave without running the parent's exit handlers or closing what it opened.
        os._exit(0)
