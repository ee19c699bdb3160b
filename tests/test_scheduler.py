"""One scheduler for periodic work (issue 19, point 4): however many schedulers run, each job
runs once per scheduled instant."""

import datetime as dt
import os
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from daftar.ops import scheduler
from daftar.ops.models import JobRun

ROOT = Path(__file__).resolve().parent.parent
UTC = dt.UTC


def test_every_slots_are_whole_multiples_and_run_within_their_grace():
    every = scheduler.Every(60)
    now = dt.datetime(2026, 12, 7, 10, 42, 5, tzinfo=UTC)
    assert every.latest(now) == dt.datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    job = scheduler.Job("x", every, lambda: None)
    assert job.due_slot(now) == dt.datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_daily_slots_keep_to_their_weekdays_and_are_not_run_late(settings):
    settings.TIME_ZONE = "Asia/Karachi"
    monday_six = scheduler.Daily(dt.time(6, 0), frozenset({0}))
    # Monday 7 December 2026, 06:30 in Karachi (01:30 UTC): this morning's slot is due.
    now = dt.datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    slot = monday_six.latest(now)
    assert timezone.localtime(slot).strftime("%a %H:%M") == "Mon 06:00"
    job = scheduler.Job("report", monday_six, lambda: None)
    assert job.due_slot(now) == slot
    # On Wednesday Monday's slot is past its grace: nothing runs until next Monday.
    assert job.due_slot(now + dt.timedelta(days=2)) is None


@pytest.mark.django_db
def test_a_slot_runs_once_and_a_failure_is_recorded():
    calls = []
    jobs = [
        scheduler.Job("ok", scheduler.Every(5), lambda: calls.append(1) or "did it"),
        scheduler.Job("broken", scheduler.Every(5), lambda: 1 / 0),
    ]
    now = timezone.now()
    assert scheduler.run_due(now=now, jobs=jobs) == ["ok", "broken"]
    assert scheduler.run_due(now=now, jobs=jobs) == []  # the same slot again: nothing
    assert calls == [1]
    states = dict(JobRun.objects.values_list("job", "state"))
    assert states == {"ok": "done", "broken": "failed"}
    assert JobRun.objects.get(job="broken").outcome == "ZeroDivisionError"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_instant_run_each_job_once():
    """Threads with their own connections, released together on the same slot."""
    calls = []
    jobs = [
        scheduler.Job("figures", scheduler.Every(60), lambda: calls.append("figures")),
        scheduler.Job("repair", scheduler.Every(60), lambda: calls.append("repair")),
    ]
    now = timezone.now()
    barrier = threading.Barrier(4)
    ran = []

    def one_scheduler():
        try:
            barrier.wait()
            ran.extend(scheduler.run_due(now=now, jobs=jobs))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(calls) == ["figures", "repair"]
    assert sorted(ran) == ["figures", "repair"]
    assert JobRun.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_run_the_due_jobs_once():
    """Two ``manage.py scheduler --once`` processes on the same database."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "daftar.settings"}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "manage.py", "scheduler", "--once", "--only"]
    command += ["eoffice_figures", "stalled_tasks"]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=180)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    runs = list(JobRun.objects.values_list("job", "state"))
    assert sorted(runs) == [("eoffice_figures", "done"), ("stalled_tasks", "done")], outs
    assert len({r.runner for r in JobRun.objects.all()}) in (1, 2)


@pytest.mark.django_db
def test_a_dead_workers_tasks_go_back_to_the_queue(settings):
    """What ``tasks_recover --worker-id`` (before a worker starts) and the scheduler's
    ``stalled_tasks`` job do: RUNNING tasks of a dead worker become READY again."""
    from django.core.management import call_command
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from daftar.ops.queue import recover

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from portal_pages.tasks import refresh_eoffice

    for _ in range(3):
        refresh_eoffice.enqueue()
    mine, other, old = DBTaskResult.objects.all()[:3]
    now = timezone.now()
    for row, worker, started in [
        (mine, "host-1", now),
        (other, "host-2", now),
        (old, "host-3", now - dt.timedelta(hours=3)),
    ]:
        row.status, row.worker_ids, row.started_at = TaskResultStatus.RUNNING, [worker], started
        row.save()
    call_command("tasks_recover", "--worker-id", "host-1", stdout=StringIO())
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, mine.started_at) == (TaskResultStatus.READY, None)
    assert other.status == TaskResultStatus.RUNNING  # another worker's, alive: left alone
    assert recover(older_than=dt.timedelta(hours=1)) == 1  # only the stalled one
    old.refresh_from_db()
    assert old.status == TaskResultStatus.READY
