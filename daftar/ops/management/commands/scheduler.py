"""``manage.py scheduler``: run Daftar's periodic jobs (see ``daftar.ops.scheduler``)."""

import signal

from django.core.management.base import BaseCommand, CommandError

from daftar.ops import scheduler


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (CGU report and reminders, e-office figures, search index "
        "repair, orphan cleanup, stalled tasks), each once per scheduled instant however many "
        "schedulers run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")
        parser.add_argument("--tick", type=float, default=30.0, help="seconds between looks")
        parser.add_argument("--only", nargs="*", help="job names (default: all)")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args, once, tick, only, list, **options):
        jobs = scheduler.JOBS
        if list:
            for job in jobs:
                self.stdout.write(f"{job.name:22} {job.description}")
            return
        if only:
            unknown = set(only) - {j.name for j in jobs}
            if unknown:
                raise CommandError(f"No such job: {', '.join(sorted(unknown))}")
            jobs = [j for j in jobs if j.name in only]
        if once:
            ran = scheduler.run_due(jobs=jobs)
            self.stdout.write(f"ran: {', '.join(ran) or 'nothing'}")
            return
        stopping = {"now": False}

        def stop(signum, frame):
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler {scheduler.runner_name()}: {len(jobs)} job(s), tick {tick}s")
        scheduler.loop(tick=tick, jobs=jobs, stop=lambda: stopping["now"])
