"""Periodic jobs, each run once per scheduled instant however many schedulers run.

``manage.py scheduler`` wakes every few seconds and, for each job, works out the latest
instant it was due (its *slot*). A slot is run by whichever scheduler first inserts the row
``JobRun(job, slot)``: the unique constraint on (job, slot) lets exactly one insert succeed,
on every machine at once, with no lock held while the job runs. One scheduler per site is the
plan (``deploy/systemd/daftar-scheduler.service``); a second one, started by mistake or as a
standby on another machine, runs nothing twice.

A slot older than its job's ``grace`` is not run (a scheduler started after a week's outage
does not send last week's reminders); the next slot runs as usual. A scheduler killed in the
middle of a job leaves its run ``running``: the job is not retried for that slot (at most
once), and the run is visible to an operator (``JobRun`` in the admin).

Why not a library: django-apscheduler runs jobs in one process and says so (a second process
runs them again); django-crontask and django-cron guard with a lock in Redis or the cache,
which Daftar treats as a cache that may be down (issue 19, point 5). The database is the one
service every machine shares and must have, and a unique row is the simplest exactly-once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from cgu.tasks import requeue_return_papers
from complaints.services import close_unanswered, escalate_due, send_digests
from complaints.tasks import requeue_landings
from daftar.ops.models import JobRun
from daftar.ops.queue import recover, stall_limit
from documents.integrity import delete_orphans
from letters.tasks import requeue_unsigned
from portal_pages.eoffice import refresh_eoffice_figures

logger = logging.getLogger("daftar.ops")


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` minutes, at whole multiples since the epoch (UTC)."""

    minutes: int

    def latest(self, now: dt.datetime) -> dt.datetime:
        step = self.minutes * 60
        return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)

    @property
    def default_grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Daily:
    """At ``at`` (local time, ``TIME_ZONE``) on the given weekdays (0 = Monday)."""

    at: dt.time
    weekdays: frozenset[int] = frozenset(range(7))

    def latest(self, now: dt.datetime) -> dt.datetime | None:
        local = timezone.localtime(now)
        for back in range(8):
            day = local.date() - dt.timedelta(days=back)
            if day.weekday() not in self.weekdays:
                continue
            instant = timezone.make_aware(dt.datetime.combine(day, self.at))
            if instant <= now:
                return instant
        return None

    @property
    def default_grace(self) -> dt.timedelta:
        return dt.timedelta(hours=6)


@dataclass(frozen=True)
class Job:
    name: str
    when: Every | Daily
    run: Callable[[], object]
    grace: dt.timedelta | None = None
    description: str = field(default="", compare=False)

    def due_slot(self, now: dt.datetime) -> dt.datetime | None:
        slot = self.when.latest(now)
        if slot is None or now - slot > (self.grace or self.when.default_grace):
            return None
        return slot


# --- Daftar's jobs ------------------------------------------------------------------------


def _command(*args, **kwargs) -> Callable[[], str]:
    def run():
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command(*args, stdout=out, **kwargs)
        return out.getvalue().strip()[-2000:]

    return run


def _eoffice_figures() -> str:
    return f"{len(refresh_eoffice_figures().departments)} department(s)"


def _orphans() -> str:
    return f"{len(delete_orphans(older_than=dt.timedelta(hours=1)))} orphan(s) deleted"


def _stalled_tasks() -> str:
    return f"{recover(older_than=stall_limit())} task(s) requeued"


def _return_papers() -> str:
    return f"{requeue_return_papers()} return paper(s) enqueued again"


def _unsigned_approvals() -> str:
    return f"{requeue_unsigned()} decision(s) enqueued again to be signed"


def _complaints_escalate() -> str:
    return f"{escalate_due()} complaint(s) escalated"


def _complaints_receipts() -> str:
    return f"{requeue_landings()} complaint(s) enqueued again to land at their cell"


def _complaints_close() -> str:
    return f"{close_unanswered()} complaint(s) closed without feedback"


def _complaints_digest() -> str:
    return f"{send_digests()} digest(s) sent"


MON_TO_FRI = frozenset(range(5))

JOBS: list[Job] = [
    Job(
        "cgu_report",
        Daily(dt.time(6, 0), frozenset({0})),
        _command("cgu_report", period="latest"),
        description="the CGU's monitoring report, Mondays 06:00",
    ),
    Job(
        "cgu_reminders",
        Daily(dt.time(9, 0), MON_TO_FRI),
        _command("cgu_reminders", period="latest"),
        description="reminders to late filers, weekdays 09:00",
    ),
    Job(
        "cgu_entity_reminders",
        Daily(dt.time(8, 30)),
        _command("cgu_entity_reminders"),
        description="entity users reminded before/after deadlines; Secretaries told, daily 08:30",
    ),
    Job(
        "eoffice_figures",
        Every(60),
        _eoffice_figures,
        description="the public e-office figures, hourly",
    ),
    Job(
        "search_index_repair",
        Daily(dt.time(2, 0)),
        _command("search_index", "check", repair=True),
        description="search_index check --repair, nightly 02:00",
    ),
    Job(
        "orphan_cleanup",
        Daily(dt.time(3, 0)),
        _orphans,
        description="stored objects no paper points at (older than an hour), nightly 03:00",
    ),
    Job(
        "stalled_tasks",
        Every(5),
        _stalled_tasks,
        description="requeue tasks left RUNNING by a worker that died (DAFTAR_TASK_STALL_MINUTES)",
    ),
    Job(
        "cgu_return_papers",
        Every(5),
        _return_papers,
        description="enqueue again the PDFs of entities' typed returns that failed or were lost",
    ),
    Job(
        "letters_approvals",
        Every(5),
        _unsigned_approvals,
        description="decisions whose signature a lost or failed task left undone",
    ),
    Job(
        "complaints_escalate",
        Every(15),
        _complaints_escalate,
        description="citizens' complaints past their time limit one level up, every 15 minutes",
    ),
    Job(
        "complaints_receipts",
        Every(5),
        _complaints_receipts,
        description="filed complaints whose receipt at their cell a lost task left undone",
    ),
    Job(
        "complaints_close_unanswered",
        Daily(dt.time(1, 0)),
        _complaints_close,
        description="resolved complaints never rated closed without feedback, nightly 01:00",
    ),
    Job(
        "complaints_digest",
        Daily(dt.time(8, 0), MON_TO_FRI),
        _complaints_digest,
        description="one email to each officer of what complaints are due and overdue, 08:00",
    ),
]


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job: Job, slot: dt.datetime):
    """Insert the run of ``job`` for ``slot``; None when another scheduler already has it."""

    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, slot=slot, runner=runner_name())
    except IntegrityError:
        return None


def run_due(*, now: dt.datetime | None = None, jobs: list[Job] | None = None) -> list[str]:
    """Run every job whose slot is due and not yet claimed; returns the names of those this
    process ran."""

    now = now or timezone.now()
    ran = []
    for job in JOBS if jobs is None else jobs:
        slot = job.due_slot(now)
        if slot is None:
            continue
        if JobRun.objects.filter(job=job.name, slot=slot).exists():
            continue  # the cheap read first; the insert below is what decides
        run = claim(job, slot)
        if run is None:
            continue
        started = time.perf_counter()
        try:
            outcome = job.run()
            run.state, run.outcome = JobRun.State.DONE, str(outcome or "")
        except Exception as exc:  # a job's failure is recorded, and the scheduler goes on
            logger.exception("scheduled job %s failed", job.name)
            run.state, run.outcome = JobRun.State.FAILED, type(exc).__name__
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "outcome", "finished_at"])
        logger.info(
            "scheduled job %s for %s: %s in %.1f s",
            job.name,
            slot.isoformat(),
            run.state,
            time.perf_counter() - started,
        )
        ran.append(job.name)
    return ran


def loop(*, tick: float = 30.0, jobs: list[Job] | None = None, stop=lambda: False) -> None:
    while not stop():
        close_old_connections()
        try:
            run_due(jobs=jobs)
        except Exception:  # the database away for a moment: try again next tick
            logger.exception("scheduler tick failed")
        close_old_connections()
        time.sleep(tick)
