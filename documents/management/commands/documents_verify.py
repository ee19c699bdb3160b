"""Re-hash every stored paper and report missing, altered and orphaned objects.

./manage.py documents_verify                      # exit 1 when anything is wrong
./manage.py documents_verify --delete-orphans     # also remove orphans older than an hour
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from documents import integrity


class Command(BaseCommand):
    help = "Re-hash stored papers; report missing, altered and orphaned objects."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete orphaned objects older than --grace-minutes (default 60).",
        )
        parser.add_argument("--grace-minutes", type=int, default=60)

    def handle(self, *args, delete_orphans=False, grace_minutes=60, **options):
        step = {"next": 0}

        def progress(done: int, total: int) -> None:
            if done >= step["next"] or done == total:
                self.stdout.write(f"  checked {done} of {total} versions")
                step["next"] = done + max(total // 20, 100)

        self.stdout.write("Re-hashing stored versions…")
        problems = list(integrity.check_versions(progress))
        self.stdout.write("Looking for objects no row points at…")
        orphans = list(integrity.check_orphans())
        deleted = []
        if delete_orphans and orphans:
            deleted = integrity.delete_orphans(older_than=timedelta(minutes=grace_minutes))
            for name in deleted:
                self.stdout.write(f"  deleted orphan {name}")
            deleted_set = set(deleted)
            orphans = [p for p in orphans if p.name not in deleted_set]
        problems += orphans
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            self.stderr.write(self.style.ERROR(f"{len(problems)} problem(s) found."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("All stored papers match their rows."))
