"""Background work of the CGU (django-tasks): reminder emails, and the paper of figures an
entity typed (``cgu.originals``). Enqueued on commit by the services, run inline in the
embedded setup and by ``manage.py db_worker`` in production."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from cgu import originals
from cgu.models import Reminder, SecretaryNotice

logger = logging.getLogger("daftar.cgu")


def reminder_text(reminder: Reminder) -> tuple[str, str]:
    """Subject and body of a reminder, in English and then Urdu (PSEs correspond in both)."""
    entity, period = reminder.entity, reminder.period
    parts = []
    subjects = []
    for language in ("en", "ur"):
        with translation.override(language):
            subjects.append(_("KPI return for %(period)s: reminder") % {"period": period.code})
            if reminder.reason == "due_soon":
                ask = _(
                    "Your KPI return for %(period)s is due by %(deadline)s. Please file it "
                    "in the entity portal, certified by your head, before then."
                )
            elif reminder.reason == "returned":
                ask = _(
                    "Your KPI return for %(period)s was returned to you with reasons. Please "
                    "correct it and resubmit it to the Corporate Governance Unit."
                )
            else:
                ask = _(
                    "Your KPI return for %(period)s was due on %(deadline)s and has not been "
                    "received. Please file it with the Corporate Governance Unit at once."
                )
            name = entity.name_ur if language == "ur" and entity.name_ur else entity.name_en
            parts.append(
                "\n\n".join(
                    [
                        _("To: %(entity)s (%(code)s)") % {"entity": name, "code": entity.code},
                        ask % {"period": period.code, "deadline": period.deadline.isoformat()},
                        _("Corporate Governance Unit, Finance Department"),
                    ]
                )
            )
    return " / ".join(subjects), "\n\n— — —\n\n".join(parts)


@task()
def send_reminder_email(reminder_id: int) -> str:
    """Email one reminder and record whether it went."""
    reminder = Reminder.objects.select_related("entity", "period").get(pk=reminder_id)
    if reminder.delivery != Reminder.Delivery.QUEUED:
        return reminder.delivery
    subject, body = reminder_text(reminder)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
    except Exception:
        logger.exception("Reminder %s to %s failed", reminder.pk, reminder.email)
        reminder.delivery = Reminder.Delivery.FAILED
    else:
        reminder.delivery = Reminder.Delivery.SENT
    reminder.delivered_at = timezone.now()
    reminder.save(update_fields=["delivery", "delivered_at"])
    return reminder.delivery


def notice_text(notice: SecretaryNotice) -> tuple[str, str]:
    """Subject and body of the notice to a department's Secretary, English then Urdu."""
    period = notice.period
    parts, subjects = [], []
    for language in ("en", "ur"):
        with translation.override(language):
            subjects.append(
                _("KPI returns for %(period)s: entities of your department that have not filed")
                % {"period": period.code}
            )
            parts.append(
                "\n\n".join(
                    [
                        _(
                            "These public sector entities under your department had not filed "
                            "an acceptable KPI return for %(period)s by %(deadline)s:"
                        )
                        % {"period": period.code, "deadline": period.deadline.isoformat()},
                        "\n".join(f"  - {code}" for code in notice.entities),
                        _("Corporate Governance Unit, Finance Department"),
                    ]
                )
            )
    return " / ".join(subjects), "\n\n— — —\n\n".join(parts)


@task()
def send_secretary_notice(notice_id: int) -> str:
    notice = SecretaryNotice.objects.select_related("period").get(pk=notice_id)
    subject, body = notice_text(notice)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.email])
    return "sent"


@task()
def keep_return_paper(kpi_return_id: int) -> str:
    """Make and keep the PDF of an entity's typed return (``cgu.originals.keep_paper``);
    a failure is recorded on the return and fails this task."""
    return originals.keep_paper(kpi_return_id)


def requeue_return_papers() -> int:
    """The scheduler's ``cgu_return_papers`` job: enqueue again the papers that failed or
    were lost on the way (``originals.due_for_retry``). Returns how many."""
    ids = originals.due_for_retry()
    for pk in ids:
        keep_return_paper.enqueue(pk)
    return len(ids)
