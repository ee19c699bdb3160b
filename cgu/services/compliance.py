"""Following up on PSEs that owe a return: reminders by email."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cgu.audit_actions import CguAction
from cgu.models import EntityUser, KpiReturn, Reminder, ReportingPeriod, SecretaryNotice
from cgu.selectors import filing
from cgu.services._common import require_cgu_post
from cgu.tasks import send_reminder_email, send_secretary_notice
from kernel import audit
from kernel.errors import ActionRefused
from organisation.models import Holding, Post


def _enqueue(reminder_id: int) -> None:
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
        report = filing.compliance(period, on=on)
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
            action=CguAction.REMINDERS_SEND,
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


# ---------------------------------------------------------------- chasing late filers


CHASE_WINDOW_DAYS = 120  # periods whose deadline passed longer ago are no longer chased


def _enqueue_notice(notice_id: int) -> None:
    send_secretary_notice.enqueue(notice_id)


def _secretary_email(department_id: int) -> str:
    """The email of whoever holds the department's Secretary post now ('' if nobody)."""

    holding = (
        Holding.objects.current()
        .filter(
            post__section__department_id=department_id,
            post__level=Post.Level.SECRETARY,
            post__is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("kind", "pk")
        .first()
    )
    return holding.user.email if holding is not None else ""


def entity_chase(*, actor, on: dt.date | None = None) -> dict:
    """The daily chase of late filers, run by the scheduler (``cgu_entity_reminders``):

    - ``DAFTAR_ENTITY_REMIND_BEFORE_DAYS`` (7 and 1) days before a deadline, each active
      entity user of an entity that has not filed is reminded;
    - after the deadline, each day, the users of an entity that owes the return (never filed,
      or its latest version returned) are reminded;
    - ``DAFTAR_SECRETARY_NOTICE_DAYS`` (15) days after the deadline and later, the
      administrative department's Secretary gets one notice per period listing its entities
      that still owe it.

    Nobody is reminded twice for a period on the same day. Emails go through the task
    backend once this commits. Returns counts of what was queued."""
    from django.conf import settings

    post = require_cgu_post(actor)
    on = on or timezone.localdate()
    before = tuple(getattr(settings, "DAFTAR_ENTITY_REMIND_BEFORE_DAYS", (7, 1)))
    notice_after = getattr(settings, "DAFTAR_SECRETARY_NOTICE_DAYS", 15)
    periods = [
        p
        for p in ReportingPeriod.objects.filter(
            deadline__gte=on - dt.timedelta(days=CHASE_WINDOW_DAYS),
            deadline__lte=on + dt.timedelta(days=max(before, default=0)),
        ).order_by("deadline", "pk")
        if (p.deadline - on).days in before or on > p.deadline
    ]
    members = list(
        EntityUser.objects.filter(
            deactivated_at__isnull=True, joined_at__isnull=False, entity__is_active=True
        ).select_related("user", "entity")
    )
    by_entity: dict[int, list] = {}
    for m in members:
        by_entity.setdefault(m.entity_id, []).append(m)
    done = {"reminders": 0, "notices": 0}
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().filter(pk__in=[p.pk for p in periods]).exists()
        for period in periods:
            latest: dict[int, str] = {}
            for entity_id, status in (
                KpiReturn.objects.filter(period=period)
                .order_by("entity_id", "version")
                .values_list("entity_id", "status")
            ):
                latest[entity_id] = status
            overdue = on > period.deadline
            owing = {
                e.pk: e
                for e in filing._active_entities_in_order()
                if latest.get(e.pk) is None or latest[e.pk] == KpiReturn.Status.RETURNED
            }
            already = set(
                Reminder.objects.filter(
                    period=period,
                    created_at__date=on,
                    reason__in=["due_soon", "overdue", "returned"],
                ).values_list("entity_id", "email")
            )
            rows = []
            for entity_id in owing:
                reason = (
                    "due_soon"
                    if not overdue
                    else ("returned" if latest.get(entity_id) else "overdue")
                )
                for m in by_entity.get(entity_id, []):
                    if not m.user.email or (entity_id, m.user.email) in already:
                        continue
                    rows.append(
                        Reminder(
                            entity_id=entity_id,
                            period=period,
                            email=m.user.email,
                            reason=reason,
                            sent_by=actor,
                            created_at=timezone.make_aware(
                                dt.datetime.combine(on, timezone.localtime().time())
                            ),
                        )
                    )
            reminders = Reminder.objects.bulk_create(rows)
            for r in reminders:
                transaction.on_commit(partial(_enqueue, r.pk))
            done["reminders"] += len(reminders)
            if overdue and (on - period.deadline).days >= notice_after:
                noticed = set(
                    SecretaryNotice.objects.filter(period=period).values_list(
                        "department_id", flat=True
                    )
                )
                per_dept: dict[int, list[str]] = {}
                for e in owing.values():
                    per_dept.setdefault(e.department_id, []).append(e.code)
                for dept_id, codes in sorted(per_dept.items()):
                    if dept_id in noticed:
                        continue
                    notice = SecretaryNotice.objects.create(
                        department_id=dept_id,
                        period=period,
                        entities=sorted(codes),
                        email=_secretary_email(dept_id),
                    )
                    if notice.email:
                        transaction.on_commit(partial(_enqueue_notice, notice.pk))
                    done["notices"] += 1
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_CHASE,
            post=post,
            object_type="cgu.reportingperiod",
            object_repr=on.isoformat(),
            after={**done, "periods": [p.code for p in periods]},
        )
    return done
