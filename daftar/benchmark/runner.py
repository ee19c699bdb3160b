"""The benchmark from start to end: database, data, in-process figures, load, intake, output.

Progress goes to ``progress`` (the command sends it to stderr); the table and the JSON lines
are returned for the command to print on stdout.
"""

from __future__ import annotations

import contextlib
import os
import platform
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import override_settings

from daftar.benchmark import database, generate, intake, load, measure
from daftar.benchmark.overlay import OVERRIDES
from daftar.benchmark.report import Latency, Value, json_line, table
from daftar.benchmark.shape import Shape
from daftar.benchmark.writer import Progress
from workspace.models import File

# What --skip may leave out (the data is always there first).
PHASES = ("measure", "writes", "load", "intake", "hooks")


class BenchmarkRefused(Exception):
    pass


@dataclass
class Options:
    files: int = 10_000
    iterations: int = 200
    warmup: int = 10
    quick: bool = False
    regenerate: bool = False
    seed: int = 1
    skip: set[str] = field(default_factory=set)
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
        Shape(files=options.files, seed=options.seed), progress, with_cgu=not options.quick
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
                    "when": dataset.get("at"),
                },
            )
        )
    return figures


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
        if "measure" not in options.skip:
            progress(f"timing reads in process ({options.iterations} iterations each)")
            clients = measure.Clients()
            ops = measure.page_ops(sample, clients)
            figures += measure.run(
                ops,
                n_files=n_files,
                iterations=options.iterations,
                warmup=options.warmup,
                floor_ids=sample.floor_ids,
                progress=progress,
            )
        if "writes" not in options.skip:
            progress("timing writes through the services")
            count = options.iterations + options.warmup
            writes = [op for op in (measure.mark_op(count, options.seed),
                                    measure.approve_op(count, options.seed)) if op]  # fmt: skip
            figures += measure.run(
                writes,
                n_files=n_files,
                iterations=options.iterations,
                warmup=options.warmup,
                floor_ids=sample.floor_ids,
                progress=progress,
            )[1:]
        if "load" not in options.skip:
            reason = _cannot_serve()
            if reason:
                notes.append(f"load skipped: {reason}")
                progress(f"load skipped: {reason}")
            else:
                progress(
                    f"load: {options.clients} clients, {options.load_seconds:g} s per target, "
                    "gunicorn with 2 workers"
                )
                figures += load.run(
                    sample,
                    n_files=n_files,
                    clients=options.clients,
                    seconds=options.load_seconds,
                    max_requests=options.max_requests,
                    progress=progress,
                )
        hooks = intake.available()
        if "intake" not in options.skip and hooks["documents.bench"]:
            progress("intake (documents.bench)")
            figures += intake.documents_figures(
                n_files=n_files, quick=options.quick, progress=progress
            )
        if "hooks" not in options.skip:
            runs = max(options.iterations // 2, 3)
            if hooks["search.bench"]:
                progress("search.bench")
                figures += intake.search_figures(n_files=n_files, runs=runs, progress=progress)
            if hooks["portal_pages.bench"]:
                progress("portal_pages.bench")
                figures += intake.portal_figures(
                    n_files=n_files, lookups=runs * 4, progress=progress
                )
            if hooks["cgu.bench"]:
                progress("cgu.bench")
                figures += intake.cgu_figures(n_files=n_files, progress=progress)
        for name, present in hooks.items():
            if not present:
                notes.append(f"{name} does not exist: its figures are missing")
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
