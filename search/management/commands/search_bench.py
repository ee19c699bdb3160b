"""``manage.py search_bench``: time the file index (see ``search/bench.py``)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from search import bench


class Command(BaseCommand):
    help = (
        "Time searches and go-to-number (p50/p95) over the files in the database, optionally "
        "a rebuild; --generate N first adds N synthetic files (a throwaway database only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate", type=int, default=0, metavar="N")
        parser.add_argument("--rebuild", action="store_true", help="time a full rebuild")
        parser.add_argument("--runs", type=int, default=200, help="timed runs per query shape")
        parser.add_argument("--no-queries", action="store_true")
        parser.add_argument(
            "--yes-this-database-is-throwaway",
            action="store_true",
            dest="throwaway",
            help="required with --generate",
        )

    def handle(self, *args, generate, rebuild, runs, no_queries, throwaway, **options):
        write = self.stdout.write
        write(f"Database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}")
        if generate:
            if not throwaway:
                raise CommandError(
                    "--generate writes synthetic files: pass --yes-this-database-is-throwaway"
                )
            bench.generate_files(generate, out=write)
        if rebuild:
            bench.time_rebuild(out=write)
        if not no_queries:
            bench.time_search(runs=runs, out=write)
            bench.time_go_to(runs=runs, out=write)
