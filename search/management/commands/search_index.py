"""``manage.py search_index rebuild`` and ``manage.py search_index check [--repair]``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

import search


class Progress:
    """Prints ``done / total (percent) · rate`` every 5 % and at the end."""

    def __init__(self, write, label: str):
        self.write = write
        self.label = label
        self.started = time.monotonic()
        self.last_step = -1

    def __call__(self, done: int, total: int) -> None:
        step = (done * 20) // total if total else 20
        if step == self.last_step and done < total:
            return
        self.last_step = step
        elapsed = max(time.monotonic() - self.started, 1e-6)
        percent = (100 * done // total) if total else 100
        self.write(
            f"  {self.label}: {done:,} / {total:,} files ({percent}%) · "
            f"{done / elapsed:,.0f} files/s · {elapsed:,.1f} s"
        )


class Command(BaseCommand):
    help = (
        "Keep the file index in step with the database. 'rebuild' indexes every file again "
        "(on Elasticsearch into a new index, then swaps the alias, so search never goes "
        "down); 'check' reports files missing from the index, stale or orphaned entries and "
        "failed updates, and with --repair fixes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--repair", action="store_true", help="with check: fix what differs")

    def handle(self, *args, action, repair, **options):
        backend = search.get_backend()
        self.stdout.write(f"Search backend: {backend.name}")
        started = time.monotonic()
        if action == "rebuild":
            count = search.rebuild(progress=Progress(self.stdout.write, "indexed"))
            elapsed = time.monotonic() - started
            rate = count / elapsed if elapsed else 0
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rebuilt the index: {count:,} files in {elapsed:,.1f} s ({rate:,.0f} files/s)."
                )
            )
            return
        report = search.check(repair=repair, progress=Progress(self.stdout.write, "checked"))
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Files in the database: {report.files:,}; entries in the index: {report.indexed:,}"
        )
        for label, ids in (
            ("missing from the index", report.missing),
            ("stale in the index", report.stale),
            ("in the index but not in the database", report.orphans),
            ("waiting for a failed update", report.pending),
        ):
            sample = ", ".join(str(i) for i in ids[:10]) + (" …" if len(ids) > 10 else "")
            self.stdout.write(f"  {label}: {len(ids):,}" + (f" (files {sample})" if ids else ""))
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"The index matches the database ({elapsed:,.1f} s).")
            )
        elif repair:
            self.stdout.write(
                self.style.SUCCESS(f"Repaired {report.repaired:,} entries ({elapsed:,.1f} s).")
            )
        else:
            raise CommandError(
                f"The index differs from the database in {report.drift:,} entries: "
                "run with --repair to fix them."
            )
