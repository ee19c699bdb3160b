"""Generating the Service Delivery Performance Monitoring Report of a period."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cgu import report
from cgu.audit_actions import CguAction
from cgu.models import PerformanceReport, ReportingPeriod
from cgu.services._common import require_cgu_post
from kernel import audit


def report_generate(
    *, actor, period: ReportingPeriod, on: dt.date | None = None, progress=None
) -> PerformanceReport:
    """Build the period's report from published figures, store the PDF and record it.
    Each run makes a new report (figures accepted since appear in it); the newest is the
    one the public page offers."""
    post = require_cgu_post(actor)
    say = progress or (lambda msg: None)
    say(f"Collecting published figures for {period.code}")
    data = report.build(period, on=on)
    say(
        f"  {data.entities_reported} entities with accepted figures, "
        f"{len(data.not_reported)} without"
    )
    say("Rendering the PDF")
    pdf = report.render_pdf(data)
    digest = hashlib.sha256(pdf).hexdigest()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = f"sdpm-report-{period.code}-{stamp}.pdf"
    row = PerformanceReport(
        period=period,
        sha256=digest,
        size=len(pdf),
        entities_reported=data.entities_reported,
        generated_by=actor,
    )
    # Store first: if the transaction then fails, delete the orphaned file.
    row.pdf.save(name, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            row.full_clean()
            row.save(force_insert=True)
            audit.record(
                actor=actor,
                action=CguAction.REPORT_GENERATE,
                obj=row,
                post=post,
                after={
                    "period": period.code,
                    "sha256": digest,
                    "size": len(pdf),
                    "entities_reported": data.entities_reported,
                },
            )
    except BaseException:
        row.pdf.storage.delete(row.pdf.name)
        raise
    say(f"Stored {row.pdf.name} ({len(pdf):,} bytes)")
    return row
