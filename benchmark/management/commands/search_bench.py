"""``manage.py search_bench``: time the file index (see ``benchmark/hooks/search.py``)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from benchmark.hooks import search as search_hook


class Command(BaseCommand):
    help = (
        "Time searches and go-to-number (p50/p95) over the files in the database, optionally "
        "a rebuild (for synthetic files, see manage.py benchmark)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="time a full rebuild")
        parser.add_argument("--runs", type=int, default=200, help="timed runs per query shape")
        parser.add_argument("--no-queries", action="store_true")

    def handle(self, *args, rebuild, runs, no_queries, **options):
        write = self.stdout.write
        write(f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
        if rebuild:
            search_hook.time_rebuild(out=write)
        if not no_queries:
            search_hook.time_search(runs=runs, out=write)
            search_hook.time_go_to(runs=runs, out=write)
