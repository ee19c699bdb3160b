"""Entering a PSE's KPI return, and resubmitting it as a new version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cgu import intake
from cgu.models import KpiReturn, KpiValue, PublicSectorEntity, ReportingPeriod
from cgu.services._common import cap_lock_wait, require_cgu_post
from workspace import audit
from workspace.errors import ActionRefused, NotFound, ValidationError


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
) -> KpiReturn:
    from workflows.kpi_review import KpiReviewFlow

    kpi_return = KpiReturn(
        entity=entity,
        period=period,
        version=version,
        status=KpiReturn.Status.SUBMITTED,
        source=source,
        received_on=received_on,
        submitted_by=actor,
        submitted_at=timezone.now(),
        original_filename=parsed.filename,
        original_sha256=parsed.sha256,
    )
    kpi_return.full_clean()
    kpi_return.save(force_insert=True)
    KpiValue.objects.bulk_create(
        KpiValue(kpi_return=kpi_return, kpi_id=kpi_id, value=value)
        for kpi_id, value in values.items()
    )
    KpiReviewFlow.start.run(kpi_return=kpi_return)
    _put_on_monitoring_file(actor=actor, kpi_return=kpi_return, parsed=parsed)
    return kpi_return


def _put_on_monitoring_file(*, actor, kpi_return: KpiReturn, parsed: intake.Parsed) -> None:
    """Put the return on the entity's monitoring file as correspondence, so it moves and is
    noted like any other paper. Waits for the desk's correspondence service and the
    documents pipeline (see the report of issue 7); until then the return records the
    uploaded file's name and SHA-256."""
    return None


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
    with transaction.atomic():
        entity = _lock_entity(entity)
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
        )
        audit.record(
            actor=actor,
            action="kpi_return.submit",
            obj=kpi_return,
            post=post,
            after=_snapshot(kpi_return, values),
        )
    return kpi_return


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
    with transaction.atomic():
        entity = _lock_entity(entity)
        latest = KpiReturn.objects.filter(entity=entity, period=period).order_by("-version")[0]
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
        )
        audit.record(
            actor=actor,
            action="kpi_return.resubmit",
            obj=new,
            post=post,
            before={"version": latest.version, "status": latest.status},
            after=_snapshot(new, values),
        )
    return new
