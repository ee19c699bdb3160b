"""``manage.py tasks_recover``: put tasks a dead worker left RUNNING back in the queue."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from daftar.ops.queue import recover


class Command(BaseCommand):
    help = (
        "Requeue tasks left RUNNING by a worker that died: those of --worker-id (run it before "
        "starting that worker again), or those started more than --older-than-minutes ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id")
        parser.add_argument("--older-than-minutes", type=int)

    def handle(self, *args, worker_id, older_than_minutes, **options):
        if not worker_id and older_than_minutes is None:
            raise CommandError("Give --worker-id or --older-than-minutes.")
        older = dt.timedelta(minutes=older_than_minutes) if older_than_minutes is not None else None
        n = recover(worker_id=worker_id, older_than=older)
        self.stdout.write(f"{n} task(s) requeued")
