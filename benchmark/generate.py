"""The synthetic office: N files with the shape of a provincial secretariat's, written fast.

What is written, and how it relates to what the services write:

- **Base**, through the apps' own demo seeds (audited, like any data entered in Daftar): the
  demo organisation, the CGU's 183 public sector entities with their monitoring files, KPIs,
  periods and returns, and the public site's page tree with a few citizens' matters.
- **The office** (``build_org``): up to 36 departments, each with a Secretary and an Additional
  Secretary (both may approve) and up to eight sections of a Deputy Secretary, a Section
  Officer and an Assistant, one officer per post and a few additional charges; twelve subject
  heads per department.
- **Files** (``FileWriter``), written straight into the tables as *imported history*, the way
  a migration from a previous system would load them — so **no audit rows** for them (the
  audit trail starts where Daftar's own services start; ``audit_verify`` still passes, since
  nothing was inserted into a chain). Per file: about ten movements (open, put up, mark, send
  back, approve or return at an approving post, then close, park or send to the record room)
  with ``desk_seconds``; note paragraphs (final, or a draft at the current desk); approvals
  with the hash of what was approved; receipts on the file and pending ones (8 % citizens'
  matters with a tracking reference and last-4 digits); papers with extracted text
  (``PaperText``) as receipt scans and flagged attachments — **no stored objects** behind
  them (``documents_verify`` lists them as missing; downloads are not benchmarked); and its
  FileFlow journey exactly as Viewflow stores it: a ``FileProcess`` (``viewflow_process`` +
  ``workflows_fileprocess``), a done start task, one desk task per stay (done, owned by who
  moved the file on; or the one open task at the post holding the file), so that
  ``File.holding_post`` agrees with the open task (``workspace.custody``). Movements point at
  the desk task they completed, as the services' do. The gateway, decision and end tasks that
  Viewflow writes between stays, and the task-to-task links, are not reproduced for imported
  history; nothing in Daftar reads them.
- **Counters** (file serials, diary numbers) are set past what was generated, so the services
  go on numbering without a clash; sequences are reset; the tables are vacuumed and analysed;
  the search index is rebuilt through ``search.rebuild``.

Everything random comes from one seeded generator: the same N and seed give the same office.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from viewflow.workflow.models import Process, Task

import search
from benchmark import parallel
from benchmark.files import FileWriter, duration
from benchmark.org import build_org, seed_base
from benchmark.shape import Shape
from benchmark.text import Pools
from benchmark.writer import Progress, Sink
from documents.models import Paper, PaperText, PaperVersion
from organisation.models import Department, Holding, Post, Section
from workflows.models import FileProcess
from workspace.models import (
    Approval,
    Counter,
    Enclosure,
    File,
    Movement,
    NoteParagraph,
    Receipt,
    SubjectHead,
)

# --------------------------------------------------------------------------- after the load
WRITTEN_MODELS = [
    File,
    Process,
    Task,
    Movement,
    NoteParagraph,
    Approval,
    Receipt,
    Enclosure,
    Paper,
    PaperVersion,
    Receipt.papers.through,
]


# Written with the ORM, but analysed too: their statistics would otherwise describe the empty
# tables of a fresh database, and the planner would hash-join a thousand posts it thinks are 70.
ORGANISATION_MODELS = [get_user_model(), Department, Section, Post, Holding, SubjectHead, Counter]


def reset_sequences() -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), WRITTEN_MODELS)
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def analyse(progress: Progress) -> float:
    """VACUUM ANALYZE the loaded tables (PostgreSQL, outside a transaction) — as a migration
    would before opening the doors: sets the visibility map for index-only scans and gives the
    planner statistics. Inside a transaction (the test suite) only ANALYZE."""
    if connection.vendor != "postgresql":
        return 0.0
    started = time.perf_counter()
    tables = [m._meta.db_table for m in WRITTEN_MODELS + ORGANISATION_MODELS] + [
        FileProcess._meta.db_table,
        PaperText._meta.db_table,
    ]
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{verb} {connection.ops.quote_name(table)}")
        # Every other table too (the CGU's returns, the public site's pages, written by the
        # demo seeds): left to autovacuum, the planner saw 189 returns where there were 1,313.
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    progress(f"  {verb.lower()} in {seconds:.1f} s")
    return seconds


def vacuum_search_index(progress: Progress) -> None:
    """VACUUM ANALYZE the database backend's tables after the rebuild wrote every row: without
    it no page is marked all-visible and the searches' index-only scans read the heap."""
    from django.apps import apps

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in apps.get_app_config("search").get_models():
            if model._meta.managed and not model._meta.proxy:
                cursor.execute(
                    f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                )
    progress(f"  search tables vacuumed in {time.perf_counter() - started:.1f} s")


def rebuild_search(progress: Progress) -> dict:
    started = time.perf_counter()
    last = [0.0]

    def tick(done, total):
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            rate = done / (now - started) if now > started else 0
            eta = (total - done) / rate if rate else 0
            progress(
                f"  search index {done:>9,} / {total:,}  {rate:6,.0f} files/s  ETA {duration(eta)}"
            )

    count = search.rebuild(progress=tick)
    vacuum_search_index(progress)
    seconds = time.perf_counter() - started
    return {"files": count, "seconds": round(seconds, 2), "backend": search.get_backend().name}


@dataclass
class Generated:
    shape: dict
    files: int
    rows: dict
    seconds: dict
    search: dict
    stats: dict


def generate(
    shape: Shape, progress: Progress, *, with_base: bool = True, with_cgu: bool = True
) -> Generated:
    """Write the whole office; returns what was written and how long each step took."""
    seconds = {}
    started = time.perf_counter()
    if with_base:
        seed_base(progress, with_cgu=with_cgu)
    seconds["base"] = round(time.perf_counter() - started, 2)
    rng = random.Random(shape.seed)
    t = time.perf_counter()
    org = build_org(shape, rng, progress)
    pools = Pools(shape.seed)
    sink = Sink(progress)
    writer = FileWriter(shape, org, pools, sink, rng)
    t_files = time.perf_counter()
    processes = parallel.processes(shape)
    if processes > 1:
        written = parallel.write(writer, processes, progress)
    else:
        with sink:
            writer.write(shape.files, progress)
        written = parallel.Written.of(writer, sink)
    seconds["files"] = round(time.perf_counter() - t_files, 2)
    seconds["indexes"] = round(written.index_seconds, 2)
    with transaction.atomic():
        Counter.objects.bulk_create(
            written.counters(),
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["value"],
            batch_size=2000,
        )
        reset_sequences()
    seconds["office"] = round(t_files - t, 2)
    rows = written.rows
    progress(
        f"  wrote {sum(rows.values()):,} rows in {seconds['files']:.1f} s "
        f"({sum(rows.values()) / max(seconds['files'], 1e-9):,.0f} rows/s; "
        f"{'COPY' if sink.vendor == 'postgresql' else sink.vendor}"
        f"{', triggers off' if written.replica else ''}"
        f"{f', {processes} processes' if processes > 1 else ''})"
    )
    seconds["analyse"] = round(analyse(progress), 2)
    search_figures = rebuild_search(progress)
    seconds["search"] = search_figures["seconds"]
    seconds["total"] = round(time.perf_counter() - started, 2)
    progress(
        f"  {shape.files:,} files generated in {duration(seconds['total'])} "
        f"(base {seconds['base']:.0f} s, rows {seconds['files']:.0f} s, "
        f"analyse {seconds['analyse']:.0f} s, search index {seconds['search']:.0f} s)"
    )
    return Generated(
        shape=asdict(shape),
        files=shape.files,
        rows=rows,
        seconds=seconds,
        search=search_figures,
        stats=dict(written.stats),
    )


def estimate_seconds(generated: dict, files: int) -> float:
    """Time to generate ``files`` at the rates of a recorded run: the base seed is fixed, the
    rest scales with the number of files (rates measured at 100k hold roughly at 1M while the
    indexes stay in memory; beyond that they fall)."""
    s = generated["seconds"]
    scale = files / max(generated["files"], 1)
    return s.get("base", 0) + (s["total"] - s.get("base", 0)) * scale
