"""A return's original kept as a paper on the documents side, and put on the entity's
monitoring file.

Figures an entity typed (its portal's form or its API's JSON rows) have no original file:
Daftar makes a one-page PDF of them and keeps it through the documents intake, as it does
for the CGU's own entries. For an entity's submission that PDF is made *after* the return is
received, by the background task ``cgu.tasks.keep_return_paper``: the request writes the
return (its values, the certified time, the review flow's start, the audit row) and answers
"received", which is true from that moment; the PDF, its storage and its text extraction
are a worker's job (issue 22's floors: they were about half of the submission's time).

The return says where its paper is (``KpiReturn.paper_status``): ``queued`` until the task
has kept it, ``failed`` if the task failed (the CGU's return page says so, the task's row in
the queue is FAILED, and the scheduler's ``cgu_return_papers`` job enqueues it again, up to
``MAX_ATTEMPTS``), and "" once ``paper`` is set. An uploaded file is different: it is the
entity's own original, and a refusal by the documents intake (a formula in a cell, say)
must refuse the return, so it is still kept in the request.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cgu import report
from cgu.models import KpiReturn
from documents.models import Paper
from documents.services import paper_upload
from organisation.selectors import holds_post
from workspace.models import File
from workspace.services.correspondence import enclosure_add

logger = logging.getLogger("daftar.cgu")

MAX_ATTEMPTS = 5
# A queued paper the task has not kept after this long was lost on the way (a worker died,
# an enqueue after the commit failed): the sweep enqueues it again.
STALE_AFTER = dt.timedelta(minutes=2)


class PaperNotKept(Exception):
    """The background task could not keep a return's paper; it is marked ``failed``."""


def figures_pdf(*, kpi_return: KpiReturn, values: dict) -> SimpleUploadedFile:
    """The one-page PDF of a return's typed figures, as the upload the intake takes."""
    return figures_upload(
        entity=kpi_return.entity,
        period=kpi_return.period,
        version=kpi_return.version,
        values=values,
        by_entity=kpi_return.channel == KpiReturn.Channel.ENTITY,
    )


def figures_upload(*, entity, period, version: int, values: dict, by_entity: bool = False):
    """The one-page PDF of typed figures for the version about to be made (``figures_pdf``
    once the return exists)."""
    pdf = report.return_pdf(
        entity=entity, period=period, version=version, values=values, by_entity=by_entity
    )
    name = f"kpi-return-{entity.code}-{period.code}-v{version}.pdf"
    return SimpleUploadedFile(name, pdf, "application/pdf")


def title_of(*, entity, period, version: int) -> str:
    """The return's paper's title."""
    return f"KPI return {entity.code} {period.code} v{version}"


def paper_title(kpi_return: KpiReturn) -> str:
    return title_of(entity=kpi_return.entity, period=kpi_return.period, version=kpi_return.version)


def put_on_monitoring_file(*, actor, kpi_return: KpiReturn) -> None:
    """Put the return on the entity's monitoring file as correspondence (the next flag, the
    paper under consideration), so it moves and is noted like any other paper. Done at once
    when the file is open and at a post the actor holds; otherwise the return waits, listed
    as not yet on file, for the officer holding the file (``return_put_on_file``)."""
    file = kpi_return.entity.monitoring_file
    if file is None or file.status not in (File.Status.OPEN, File.Status.PARKED):
        return
    if not holds_post(user=actor, post=file.holding_post_id):
        return
    enclose(actor=actor, kpi_return=kpi_return, file=file)


def enclose(*, actor, kpi_return: KpiReturn, file: File) -> None:
    title = f"KPI return {kpi_return.period.code}, version {kpi_return.version}"
    if kpi_return.original_filename:
        title += f" ({kpi_return.original_filename})"
    kpi_return.enclosure = enclosure_add(
        actor=actor, file=file, title=title, paper=kpi_return.paper, is_puc=True
    )
    kpi_return.save(update_fields=["enclosure"])


def keep_paper(kpi_return_id: int) -> str:
    """Make and keep the PDF of a return's typed figures (the body of the background task).
    Idempotent: a return whose paper is kept is left alone, so a task enqueued twice (the
    sweep and a slow worker) keeps one paper. On failure the return is marked ``failed``
    (committed) and ``PaperNotKept`` is raised, so the task's own row is FAILED too."""
    error = None
    with transaction.atomic():
        kpi_return = (
            KpiReturn.objects.select_for_update(of=("self",))
            .select_related("entity__monitoring_file", "period", "submitted_by")
            .filter(pk=kpi_return_id)
            .first()
        )
        if kpi_return is None:
            return "gone"
        if kpi_return.paper_status == KpiReturn.PaperStatus.KEPT:
            return "kept"
        kpi_return.paper_attempts += 1
        actor = kpi_return.submitted_by
        try:
            with transaction.atomic():
                values = dict(kpi_return.values.values_list("kpi_id", "value"))
                kpi_return.paper = paper_upload(
                    actor=actor,
                    upload=figures_pdf(kpi_return=kpi_return, values=values),
                    kind=Paper.Kind.KPI_RETURN,
                    title=paper_title(kpi_return),
                ).paper
                kpi_return.paper_status = KpiReturn.PaperStatus.KEPT
                kpi_return.save(update_fields=["paper", "paper_status", "paper_attempts"])
                put_on_monitoring_file(actor=actor, kpi_return=kpi_return)
        except Exception as exc:  # any failure is recorded on the return, then re-raised
            logger.exception("Could not keep the paper of return %s", kpi_return_id)
            error = exc
            kpi_return.paper = None
            kpi_return.paper_status = KpiReturn.PaperStatus.FAILED
            kpi_return.save(update_fields=["paper_status", "paper_attempts"])
    if error is not None:
        raise PaperNotKept(f"return {kpi_return_id}: {error}") from error
    return "kept"


def due_for_retry(*, now: dt.datetime | None = None) -> list[int]:
    """Returns whose paper should be (re)enqueued: failed ones, and queued ones the task has
    not kept for ``STALE_AFTER``, under ``MAX_ATTEMPTS`` attempts (uses the partial index
    ``kpireturn_paper_pending``, so it reads only returns still waiting)."""
    now = now or timezone.now()
    return list(
        KpiReturn.objects.exclude(paper_status=KpiReturn.PaperStatus.KEPT)
        .filter(paper_attempts__lt=MAX_ATTEMPTS, submitted_at__lt=now - STALE_AFTER)
        .order_by("submitted_at")
        .values_list("pk", flat=True)
    )
