"""One row per run of a periodic job, claimed before the job runs."""

from django.db import models


class JobRun(models.Model):
    """The run of ``job`` for the scheduled instant ``slot``.

    The unique (job, slot) pair is what makes a job run once however many schedulers run:
    each scheduler that finds a slot due inserts this row first, and only the one whose insert
    succeeds runs the job (``daftar.ops.scheduler``)."""

    class State(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    job = models.CharField(max_length=64)
    slot = models.DateTimeField(help_text="the scheduled instant this run is for")
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    runner = models.CharField(max_length=128, help_text="host and process that ran it")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="the job's summary, or the error's type")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="jobrun_once_per_slot")]
        indexes = [models.Index(fields=["job", "-slot"], name="jobrun_latest")]

    def __str__(self):
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M} ({self.state})"
