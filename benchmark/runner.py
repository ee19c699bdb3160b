"""The benchmark from start to end: database, data, in-process figures, load, intake, output.

Progress goes to ``progress`` (the command sends it to stderr); the table and the JSON lines
are returned for the command to print on stdout.
"""

from __future__ import annotations

import contextlib
import os
import platform
import time
import traceback
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test.utils import override_settings

from benchmark import complaints as complaints_bench
from benchmark import database, entity, generate, intake, load, measure
from benchmark.overlay import OVERRIDES
from benchmark.report import Latency, Value, json_line, table
from benchmark.shape import Shape
from benchmark.writer import Progress
from workspace.models import File

# What --skip may leave out (the data is always there first).
PHASES = ("measure", "writes", "load", "intake", "hooks", "complaints")


class BenchmarkRefused(Exception):
    pass


@dataclass
class Options:
    files: int = 10_000
    iterations: int = 200
    warmup: int = 10
    quick: bool = False
    regenerate: bool = False
    reindex: bool = False
    seed: int = 1
    generators: int = 0  # processes writing the files (0: one per CPU, at most 4)
    skip: set[str] = field(default_factory=set)
    # Time only the operations whose names contain one of these (case-insensitive); empty: all.
    only: list[str] = field(default_factory=list)
    clients: int = 8
    load_seconds: float = 10.0
    max_requests: int = 50_000


@dataclass
class Result:
    figures: list
    dataset: dict
    machine: dict
    notes: list[str]

    def json_lines(self) -> list[str]:
        return [json_line(f) for f in self.figures]

    def table(self) -> str:
        return table(self.figures)


def machine() -> dict:
    """What the figures came from."""
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
    }
    with contextlib.suppress(OSError):
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    try:
        with open("/proc/meminfo") as meminfo:
            info["memory_gb"] = round(int(meminfo.readline().split()[1]) / 2**20, 1)
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["postgresql"] = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            info["shared_buffers"] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            info["database_size"] = cursor.fetchone()[0]
    return info


# A share of blocks read from outside shared buffers, in percent, that makes the figures
# ones of a database not in memory.
MISSES_WORTH_A_NOTE = 1.0


def block_counts() -> tuple[int, int] | None:
    """(blocks found in shared buffers, blocks read from outside them) of this database so
    far, with this connection's own counts flushed first (PostgreSQL 15 and later; before,
    up to a second of them may be missing). None off PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        # A new statement: the flush happens when the one above ends.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()"
        )
        hit, read = cursor.fetchone()
    return int(hit), int(read)


def buffer_misses(before, after, n_files: int) -> Value | None:
    """The share of the blocks used between two ``block_counts`` that PostgreSQL had to read
    from the operating system: 0 when the data is in memory, as the floors assume."""
    if before is None or after is None:
        return None
    hits, reads = after[0] - before[0], after[1] - before[1]
    if hits + reads <= 0:
        return None
    return Value(
        "reads: blocks from outside shared buffers",
        n_files,
        round(100 * reads / (hits + reads), 2),
        "%",
        extra={"blocks_hit": hits, "blocks_read": reads},
    )


def prepare(options: Options, progress: Progress) -> dict:
    """Make sure the database holds a dataset of ``options.files`` files; returns its record."""
    try:
        database.check_allowed(options.files)
    except database.NotABenchDatabase as exc:
        raise BenchmarkRefused(str(exc)) from None
    if not database.exists():
        progress(f"creating database {database.name()}")
        database.create()
    database.migrate_if_needed(progress)
    dataset = database.read_dataset()
    complete = dataset and (dataset.get("with_cgu", True) or options.quick)
    if complete and dataset["files"] == options.files and not options.regenerate:
        progress(f"using the dataset of {options.files:,} files generated {dataset.get('at')}")
        if options.reindex:
            progress("rebuilding the search index")
            dataset["search"] = generate.rebuild_search(progress)
            dataset["search"]["at"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
            database.write_dataset(options.files, dataset)
        return dataset
    existing = File.objects.count()
    if existing or dataset:
        if not options.regenerate:
            held = f"a dataset of {dataset['files']:,} files" if dataset else f"{existing:,} files"
            raise BenchmarkRefused(
                f"database {database.name()} holds {held}; pass --regenerate to drop it and "
                f"generate {options.files:,} files"
            )
        if database.is_test_database():
            raise BenchmarkRefused("will not drop a test database; use a fresh one")
        progress(f"dropping and re-creating {database.name()}")
        database.create(drop=True)
        database.migrate_if_needed(progress)
    progress(f"generating {options.files:,} files")
    generated = generate.generate(
        Shape(files=options.files, seed=options.seed, processes=options.generators),
        progress,
        with_cgu=not options.quick,
    )
    record = {
        "at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "shape": generated.shape,
        "rows": generated.rows,
        "seconds": generated.seconds,
        "search": generated.search,
        "stats": generated.stats,
        "with_cgu": not options.quick,
        "machine": machine(),
    }
    database.write_dataset(options.files, record)
    record["files"] = options.files
    record["fresh"] = True
    return record


def _dataset_figures(dataset: dict, n_files: int) -> list:
    seconds = dataset.get("seconds", {})
    figures = []
    if dataset.get("fresh"):
        rows = sum(dataset.get("rows", {}).values())
        figures.append(
            Value(
                "generate: rows written",
                n_files,
                rows / seconds["files"] if seconds.get("files") else None,
                "rows/s",
                extra={"rows": rows, "seconds": seconds.get("files")},
            )
        )
        figures.append(
            Value("generate: total", n_files, seconds.get("total"), "s", extra={"steps": seconds})
        )
    search = dataset.get("search") or {}
    if search.get("seconds"):
        figures.append(
            Value(
                "search rebuild",
                n_files,
                search["seconds"],
                "s",
                extra={
                    "files_per_s": round(search["files"] / search["seconds"], 1),
                    "backend": search.get("backend"),
                    "when": search.get("at") or dataset.get("at"),
                },
            )
        )
    return figures


def _guarded(name: str, fn, notes: list[str], progress: Progress) -> list:
    """Run one phase; a failure is reported and the run goes on with the next phase. Inside a
    transaction (the test suite) the phase gets a savepoint, so a failed statement does not
    poison what follows."""
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return fn()
        return fn()
    except Exception as exc:
        message = f"{name} failed: {type(exc).__name__}: {str(exc).strip()[:300]}"
        notes.append(message)
        progress(f"  {message}")
        progress(traceback.format_exc(limit=-4))
        return []


def _chosen(ops: list, only: list[str]) -> list:
    if not only:
        return ops
    return [op for op in ops if any(word.lower() in op.name.lower() for word in only)]


def run(options: Options, progress: Progress) -> Result:
    notes: list[str] = []
    if options.quick:
        options.iterations = min(options.iterations, 5)
        options.warmup = min(options.warmup, 1)
        options.load_seconds = min(options.load_seconds, 2)
    with override_settings(**OVERRIDES):
        dataset = prepare(options, progress)
        n_files = File.objects.count()
        figures: list = _dataset_figures(dataset, n_files)
        sample = measure.draw_sample(max(options.iterations + options.warmup, 20), options.seed)
        timing = {
            "n_files": n_files,
            "iterations": options.iterations,
            "warmup": options.warmup,
            "floor_ids": sample.floor_ids,
            "progress": progress,
        }

        has_entity_users = entity.ensure_entity_users(progress)
        if not has_entity_users:
            notes.append("entity portal operations skipped: the dataset has no CGU returns")

        def reads():
            progress(f"timing reads in process ({options.iterations} iterations each)")
            clients = measure.Clients()
            page_ops = measure.page_ops(sample, clients) + entity.page_ops(clients)
            ops = _chosen(page_ops, options.only)
            before = block_counts()
            figures = measure.run(ops, **timing)
            missed = buffer_misses(before, block_counts(), n_files)
            if missed is not None:
                figures.append(missed)
                if missed.value >= MISSES_WORTH_A_NOTE:
                    notes.append(
                        f"{missed.value:.1f} % of the blocks the reads used came from outside "
                        "PostgreSQL's shared buffers (the OS cache or the disk): the figures "
                        "are not of data in memory. Give the benchmark's server shared_buffers "
                        "that hold the database (docs/benchmarks.md, 'The database server')."
                    )
            return figures

        def writes():
            progress("timing writes through the services")
            count = options.iterations + options.warmup
            submit = entity.submit_op(count, options.seed)
            paper = entity.paper_op(submit.limit) if submit else None
            ops = [op for op in (measure.mark_op(count, options.seed),
                                 measure.approve_op(count, options.seed),
                                 submit, paper) if op]  # fmt: skip
            ops += measure.letter_ops(count, options.seed)
            ops = _chosen(ops, options.only)
            return measure.run(ops, **timing)[1:] if ops else []

        def serve():
            reason = _cannot_serve()
            if reason:
                notes.append(f"load skipped: {reason}")
                progress(f"load skipped: {reason}")
                return []
            progress(
                f"load: {options.clients} clients, {options.load_seconds:g} s per target, "
                "gunicorn with 2 workers"
            )
            return load.run(
                sample,
                n_files=n_files,
                clients=options.clients,
                seconds=options.load_seconds,
                max_requests=options.max_requests,
                progress=progress,
            )

        runs = max(3, min(options.iterations // 4, 50))
        phases = [
            ("measure", "reads", reads),
            ("writes", "writes", writes),
            ("load", "load", serve),
            (
                "intake",
                "benchmark.hooks.documents",
                lambda: intake.documents_figures(
                    n_files=n_files, quick=options.quick, progress=progress
                ),
            ),
            ("hooks", "benchmark.hooks.search time_search",
             lambda: intake.search_figures(n_files=n_files, runs=runs, progress=progress)),
            ("hooks", "benchmark.hooks.search time_go_to",
             lambda: intake.go_to_figures(n_files=n_files, runs=runs, progress=progress)),
            (
                "hooks",
                "benchmark.hooks.portal",
                lambda: intake.portal_figures(
                    n_files=n_files, lookups=runs * 4, progress=progress
                ),
            ),
        ]  # fmt: skip
        phases.append(
            (
                "complaints",
                "complaints",
                lambda: complaints_bench.figures(
                    n_files=n_files,
                    iterations=options.iterations,
                    warmup=options.warmup,
                    floor_ids=sample.floor_ids,
                    progress=progress,
                    only=options.only,
                ),
            )
        )
        for phase, name, fn in phases:
            if phase not in options.skip:
                if phase == "hooks":
                    progress(name)
                figures += _guarded(name, fn, notes, progress)
        over = [f.op for f in figures if isinstance(f, Latency) and f.over_rule]
        varying = [f.op for f in figures if isinstance(f, Latency) and f.queries_vary]
        if over:
            notes.append("over the rule (p95 > 2 × floor p95 + 20 ms): " + ", ".join(over))
        if varying:
            notes.append("query count varies between iterations: " + ", ".join(varying))
        return Result(figures=figures, dataset=dataset, machine=machine(), notes=notes)


def _cannot_serve() -> str:
    if connection.vendor != "postgresql":
        return "the load test needs PostgreSQL (a server process cannot share SQLite's test data)"
    if connection.in_atomic_block:
        return "the data is inside an open transaction, invisible to a server process"
    return ""
