"""``manage.py benchmark``: figures for every user-facing operation at N files.

A thin wrapper: the harness is ``benchmark`` (its docstring says what each phase does,
``docs/benchmarks.md`` how to read the figures). Progress goes to stderr; the table and one
JSON line per figure to stdout (``--json``: the JSON lines only).
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError

from benchmark.runner import PHASES, BenchmarkRefused, Options, run

REEXEC_FLAG = "DAFTAR_BENCHMARK_REEXEC"


class Command(BaseCommand):
    help = (
        "Generate a synthetic office of N files in a benchmark database and print latency, "
        "query counts, load and intake figures. Never point it at a database you care about."
    )
    # The database may not exist yet (it is created here): no checks before handle().
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=10_000, help="scale (default 10,000)")
        parser.add_argument(
            "--database-url",
            help="the benchmark's own database, e.g. "
            "postgres://postgres@127.0.0.1:5432/daftar_bench (created and migrated if missing)",
        )
        parser.add_argument("--json", action="store_true", help="print only the JSON lines")
        parser.add_argument(
            "--quick", action="store_true", help="5 iterations, short load, small PDFs"
        )
        parser.add_argument("--iterations", type=int, default=200, help="per operation")
        parser.add_argument("--warmup", type=int, default=10, help="untimed, per operation")
        parser.add_argument(
            "--regenerate",
            action="store_true",
            help="drop the benchmark database and generate it again",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="rebuild the search index of the existing dataset (and time it) first",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--generators",
            type=int,
            default=0,
            help="processes that write the files on PostgreSQL (default: one per CPU, at most 4)",
        )
        parser.add_argument(
            "--skip",
            default="",
            help="comma-separated phases to leave out: measure, writes, load, intake, hooks",
        )
        parser.add_argument(
            "--only",
            default="",
            help="comma-separated words: time only the operations whose names contain one "
            "(e.g. --only 'inbox,file page' --skip load,intake,hooks)",
        )
        parser.add_argument("--clients", type=int, default=8, help="concurrent load clients")
        parser.add_argument(
            "--load-seconds", type=float, default=10.0, help="per load target (default 10)"
        )

    def handle(self, *args, **options):
        url = options["database_url"]
        if url and os.environ.get("DATABASE_URL") != url:
            self._reexec(url)

        skip = {s.strip() for s in options["skip"].split(",") if s.strip()}
        unknown = skip - set(PHASES)
        if unknown:
            raise CommandError(f"unknown phase(s) in --skip: {', '.join(sorted(unknown))}")
        run_options = Options(
            files=options["files"],
            iterations=options["iterations"],
            warmup=options["warmup"],
            quick=options["quick"],
            regenerate=options["regenerate"],
            reindex=options["reindex"],
            seed=options["seed"],
            generators=options["generators"],
            skip=skip,
            clients=options["clients"],
            load_seconds=options["load_seconds"],
            only=[w.strip() for w in options["only"].split(",") if w.strip()],
        )
        verbosity = options["verbosity"]

        def progress(message: str) -> None:
            if verbosity:
                self.stderr.write(message)
                self.stderr.flush()

        try:
            result = run(run_options, progress)
        except BenchmarkRefused as exc:
            raise CommandError(str(exc)) from None
        if not options["json"]:
            self.stdout.write(result.table())
            self.stdout.write("")
            for note in result.notes:
                self.stdout.write(f"note: {note}")
            self.stdout.write("")
        for line in result.json_lines():
            self.stdout.write(line)

    def _reexec(self, url: str) -> None:
        """Start again with ``DATABASE_URL`` set, so every part of Django — and the server the
        load phase starts — uses the benchmark's database from the first connection on."""
        if os.environ.get(REEXEC_FLAG) or len(sys.argv) < 2 or sys.argv[1] != "benchmark":
            raise CommandError(
                "--database-url works from the command line (manage.py benchmark …); "
                "elsewhere set DATABASE_URL"
            )
        env = {**os.environ, "DATABASE_URL": url, REEXEC_FLAG: "1"}
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable, *sys.argv], env)  # noqa: S606
