"""Following up on PSEs that owe a return: reminders by email."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cgu import selectors
from cgu.models import Reminder, ReportingPeriod
from cgu.services._common import require_cgu_post
from workspace import audit
from workspace.errors import ActionRefused


def _enqueue(reminder_id: int) -> None:
    from cgu.tasks import send_reminder_email

    send_reminder_email.enqueue(reminder_id)


def reminders_send(*, actor, period: ReportingPeriod, on: dt.date | None = None) -> list[Reminder]:
    """Remind every PSE that owes a return for ``period`` — never filed though the deadline
    has passed, or its latest version returned and not resubmitted. One reminder per PSE
    per day; each is emailed by a background task once this transaction commits. PSEs
    without an email address get a reminder row marked for follow-up by phone."""
    post = require_cgu_post(actor)
    on = on or timezone.localdate()
    if not period.is_overdue(on):
        raise ActionRefused(
            _("Returns for %(period)s are due by %(deadline)s; no one is late yet.")
            % {"period": period.code, "deadline": period.deadline}
        )
    with transaction.atomic():
        # Lock the period row so that two officers pressing the button queue, and the second
        # finds today's reminders already sent.
        ReportingPeriod.objects.select_for_update().filter(pk=period.pk).exists()
        report = selectors.compliance(period, on=on)
        today = timezone.localtime().date()
        owing = [
            row
            for row in report.owing
            if row.last_reminded is None or timezone.localtime(row.last_reminded).date() < today
        ]
        reminders = Reminder.objects.bulk_create(
            Reminder(
                entity=row.entity,
                period=period,
                email=row.entity.contact_email,
                reason="overdue" if row.latest is None else "returned",
                sent_by=actor,
                delivery=(
                    Reminder.Delivery.QUEUED
                    if row.entity.contact_email
                    else Reminder.Delivery.NO_EMAIL
                ),
            )
            for row in owing
        )
        audit.record(
            actor=actor,
            action="cgu.reminders_send",
            obj=period,
            post=post,
            after={
                "reminded": [r.entity.code for r in reminders],
                "no_email": [r.entity.code for r in reminders if not r.email],
            },
        )
        for reminder in reminders:
            if reminder.delivery == Reminder.Delivery.QUEUED:
                transaction.on_commit(partial(_enqueue, reminder.pk))
    return reminders
