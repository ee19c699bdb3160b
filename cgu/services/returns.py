"""Entering a PSE's KPI return, and resubmitting it as a new version."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cgu import intake
from cgu.audit_actions import CguAction
from cgu.flows import KpiReviewFlow
from cgu.models import KpiReturn, KpiValue, PublicSectorEntity, ReportingPeriod
from cgu.originals import enclose, figures_upload, put_on_monitoring_file, title_of
from cgu.services._common import require_cgu_post
from documents.models import Paper
from documents.services import paper_discard, paper_upload
from kernel import audit
from kernel.errors import ActionRefused, NotFound, ValidationError
from kernel.locks import cap_lock_wait

logger = logging.getLogger("daftar.cgu")


def _read(rows, upload) -> intake.Parsed:
    if (rows is None) == (upload is None):
        raise ValueError("Give either rows or upload.")
    if upload is not None:
        parsed = intake.parse_upload(upload)
        if parsed.errors:
            raise intake.ReturnRejected(parsed.errors)
        return parsed
    return intake.Parsed(rows=_as_rows(rows), source=KpiReturn.Source.FORM)


def _as_rows(rows: Sequence[Mapping] | Sequence[intake.Row]) -> list[intake.Row]:
    if rows and isinstance(rows[0], intake.Row):
        return list(rows)
    return intake.rows_from_mappings(rows)


def _check_dates(period: ReportingPeriod, received_on: dt.date) -> None:
    today = timezone.localdate()
    if period.ends_on > today:
        raise ActionRefused(
            _("Period %(period)s has not ended yet; its return cannot be filed before %(end)s.")
            % {"period": period.code, "end": period.ends_on}
        )
    if received_on > today:
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if received_on < period.ends_on:
        raise ValidationError(
            {"received_on": _("A return cannot have been received before its period ended.")}
        )


def _lock_entity(entity: PublicSectorEntity) -> PublicSectorEntity:
    """Lock the entity's row: submissions for one entity queue, so versions stay gap-free."""
    cap_lock_wait()
    try:
        return PublicSectorEntity.objects.select_for_update().get(pk=entity.pk)
    except PublicSectorEntity.DoesNotExist:
        raise NotFound(_("No such entity."))


def _create_version(
    *,
    actor,
    post,
    entity,
    period,
    version: int,
    parsed: intake.Parsed,
    values: dict,
    received_on: dt.date,
    source: str,
    paper,
    channel: str = KpiReturn.Channel.CGU,
    certified_by=None,
    certified_at=None,
    paper_status: str = KpiReturn.PaperStatus.KEPT,
) -> KpiReturn:
    """The return's row, its values and its review flow's start, in the caller's
    transaction, which holds the entity's lock and has checked the version: the new version
    is the next one and no other is open. ``paper`` None with ``paper_status`` queued: the
    background task keeps it (``cgu.originals``) and puts it on the monitoring file."""
    kpi_return = KpiReturn(
        entity=entity,
        period=period,
        version=version,
        status=KpiReturn.Status.SUBMITTED,
        source=source,
        received_on=received_on,
        submitted_by=actor,
        submitted_at=timezone.now(),
        paper=paper,
        original_filename=parsed.filename,
        original_sha256=parsed.sha256,
        channel=channel,
        certified_by=certified_by,
        certified_at=certified_at,
        paper_status=paper_status,
    )
    # The fields' own checks, but not a query per foreign key (rows the caller has just
    # locked, read or made) nor one per constraint: the database holds those, and the
    # entity's lock with the caller's checks make them unreachable here. full_clean() with
    # them was 21 of an entity submission's 62 queries.
    kpi_return.full_clean(
        exclude=["entity", "period", "submitted_by", "paper", "certified_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    kpi_return.save(force_insert=True)
    KpiValue.objects.bulk_create(
        KpiValue(kpi_return=kpi_return, kpi_id=kpi_id, value=value)
        for kpi_id, value in values.items()
    )
    KpiReviewFlow.start.run(kpi_return=kpi_return)
    if paper is not None:
        put_on_monitoring_file(actor=actor, kpi_return=kpi_return)
    return kpi_return


@contextmanager
def _original_kept(*, actor, entity, period, version: int, parsed: intake.Parsed, values: dict):
    """Keep the return as a paper through the documents pipeline (its checks, storage and
    audit), in its own transaction before the return's: the uploaded file as received, or,
    for figures entered in the form or the API, a one-page PDF of them. A refusal there (a
    formula in a cell, say) refuses the return; if the return then fails, the paper is
    discarded again, so no stored object outlives it."""

    if parsed.content:
        upload = SimpleUploadedFile(parsed.filename or "return", parsed.content, parsed.mime_type)
    else:
        upload = figures_upload(entity=entity, period=period, version=version, values=values)
    try:
        paper = paper_upload(
            actor=actor,
            upload=upload,
            kind=Paper.Kind.KPI_RETURN,
            title=title_of(entity=entity, period=period, version=version),
        ).paper
    except ValidationError as exc:
        raise intake.ReturnRejected([intake.RowError(None, "", m) for m in exc.messages])
    try:
        yield paper
    except BaseException:
        try:
            paper_discard(actor=actor, paper=paper)
        except Exception:  # keep the original error; documents_verify lists leftovers
            logger.exception("Could not discard paper %s of a failed return", paper.pk)
        raise


def return_put_on_file(*, actor, kpi_return: KpiReturn) -> KpiReturn:
    """Put a return that is not yet on its entity's monitoring file on it, by the officer
    holding the file now."""
    require_cgu_post(actor)
    with transaction.atomic():
        kpi_return = (
            KpiReturn.objects.select_for_update(of=("self",))
            .select_related("entity__monitoring_file", "period", "paper")
            .get(pk=kpi_return.pk)
        )
        if kpi_return.enclosure_id is not None:
            raise ActionRefused(_("This return is already on the monitoring file."))
        if kpi_return.paper_id is None and kpi_return.paper_status:
            raise ActionRefused(
                _("The PDF of this return's figures is not kept yet; try again in a few minutes.")
            )
        file = kpi_return.entity.monitoring_file
        if file is None:
            raise ActionRefused(
                _("%(entity)s has no monitoring file yet.") % {"entity": kpi_return.entity.code}
            )
        if kpi_return.paper_id is None:
            raise ActionRefused(_("This return has no paper to put on a file."))
        # enclosure_add checks that the actor holds the file's post, and audits the flag.
        enclose(actor=actor, kpi_return=kpi_return, file=file)
    return kpi_return


def _snapshot(kpi_return: KpiReturn, values: dict) -> dict:
    return {
        "entity": kpi_return.entity.code,
        "period": kpi_return.period.code,
        "version": kpi_return.version,
        "status": kpi_return.status,
        "source": kpi_return.source,
        "received_on": kpi_return.received_on,
        "values": len(values),
        "file": kpi_return.original_filename,
        "sha256": kpi_return.original_sha256,
    }


def _refuse_if_filed(entity, period) -> None:
    latest = KpiReturn.objects.filter(entity=entity, period=period).order_by("-version").first()
    if latest is not None:
        raise ActionRefused(
            _(
                "%(entity)s already has a return for %(period)s (version %(version)s, "
                "%(status)s). Resubmit it as a new version instead."
            )
            % {
                "entity": entity.code,
                "period": period.code,
                "version": latest.version,
                "status": latest.get_status_display().lower(),
            }
        )


def return_submit(
    *,
    actor,
    entity: PublicSectorEntity,
    period: ReportingPeriod,
    rows: Sequence[Mapping] | None = None,
    upload=None,
    received_on: dt.date | None = None,
    source: str | None = None,
) -> KpiReturn:
    """Enter a PSE's first return for a period, from form/API ``rows`` (mappings with
    ``kpi_code`` and ``value``, optionally ``entity_code`` and ``period``) or an ``upload``
    (CSV or XLSX). Every row is checked; ``intake.ReturnRejected`` lists every problem and
    nothing is saved. The new return is *submitted* and waits for review."""
    post = require_cgu_post(actor)
    received_on = received_on or timezone.localdate()
    if not entity.is_active:
        raise ActionRefused(_("%(entity)s no longer reports to the CGU.") % {"entity": entity.name})
    _check_dates(period, received_on)
    parsed = _read(rows, upload)
    values = intake.validate(entity=entity, period=period, rows=parsed.rows)
    _refuse_if_filed(entity, period)
    kept = _original_kept(
        actor=actor, entity=entity, period=period, version=1, parsed=parsed, values=values
    )
    with kept as paper, transaction.atomic():
        entity = _lock_entity(entity)
        _refuse_if_filed(entity, period)
        kpi_return = _create_version(
            actor=actor,
            post=post,
            entity=entity,
            period=period,
            version=1,
            parsed=parsed,
            values=values,
            received_on=received_on,
            source=source or parsed.source,
            paper=paper,
        )
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_SUBMIT,
            obj=kpi_return,
            post=post,
            after=_snapshot(kpi_return, values),
        )
    return kpi_return


def _refuse_unless_latest_and_decided(kpi_return: KpiReturn) -> KpiReturn:
    latest = (
        KpiReturn.objects.filter(entity_id=kpi_return.entity_id, period_id=kpi_return.period_id)
        .order_by("-version")
        .first()
    )
    if latest.pk != kpi_return.pk:
        raise ActionRefused(
            _("Version %(version)s is newer; resubmit from the latest version.")
            % {"version": latest.version}
        )
    if latest.is_open:
        raise ActionRefused(
            _("Version %(version)s is still %(status)s; wait for its review.")
            % {"version": latest.version, "status": latest.get_status_display().lower()}
        )
    return latest


def return_resubmit(
    *,
    actor,
    kpi_return: KpiReturn,
    rows: Sequence[Mapping] | None = None,
    upload=None,
    received_on: dt.date | None = None,
    source: str | None = None,
) -> KpiReturn:
    """Resubmit a returned (or correct an accepted) return: a new version with its own
    review; the earlier versions stay as they were. Only the latest version can be
    resubmitted, and not while it is still waiting for review."""
    post = require_cgu_post(actor)
    received_on = received_on or timezone.localdate()
    entity, period = kpi_return.entity, kpi_return.period
    _check_dates(period, received_on)
    parsed = _read(rows, upload)
    values = intake.validate(entity=entity, period=period, rows=parsed.rows)
    _refuse_unless_latest_and_decided(kpi_return)
    kept = _original_kept(
        actor=actor,
        entity=entity,
        period=period,
        version=kpi_return.version + 1,
        parsed=parsed,
        values=values,
    )
    with kept as paper, transaction.atomic():
        entity = _lock_entity(entity)
        latest = _refuse_unless_latest_and_decided(kpi_return)
        new = _create_version(
            actor=actor,
            post=post,
            entity=entity,
            period=period,
            version=latest.version + 1,
            parsed=parsed,
            values=values,
            received_on=received_on,
            source=source or parsed.source,
            paper=paper,
        )
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_RESUBMIT,
            obj=new,
            post=post,
            before={"version": latest.version, "status": latest.status},
            after=_snapshot(new, values),
        )
    return new
