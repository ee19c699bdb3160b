"""Messages to citizens by SMS (and email when they gave one), through a pluggable backend.

``DAFTAR_SMS_BACKEND`` names the backend class:

- ``complaints.notify.ConsoleBackend`` (the embedded default): logs the message;
- ``complaints.notify.MemoryBackend``: keeps the last thousand messages in
  ``complaints.notify.outbox`` (the benchmark, which must not print them among its figures);
- ``complaints.notify.FileBackend``: appends one JSON line per message to
  ``DAFTAR_SMS_FILE`` (the demo and tests read it);
- ``complaints.notify.HttpBackend``: POSTs JSON ``{"to": …, "text": …}`` to
  ``DAFTAR_SMS_URL`` with ``Authorization: Bearer DAFTAR_SMS_TOKEN`` (an SMS gateway);
  any answer but 2xx is an error, logged without the number or the text.

Email goes through Django's own email backend. Sending happens after the commit, never
inside a transaction, and a failed send never undoes what the citizen did.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections import deque

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from complaints.models import Complaint

logger = logging.getLogger("daftar.complaints")


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to …%s: %s", to[-4:], text)


outbox: deque[dict] = deque(maxlen=1000)


class MemoryBackend:
    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


class FileBackend:
    def send(self, *, to: str, text: str) -> None:
        path = getattr(settings, "DAFTAR_SMS_FILE", "") or "sms-outbox.jsonl"
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")


class HttpBackend:
    timeout = 10

    def send(self, *, to: str, text: str) -> None:
        url = settings.DAFTAR_SMS_URL
        if not url.startswith(("https://", "http://")):
            raise ValueError("DAFTAR_SMS_URL must be an http(s) address")
        body = json.dumps({"to": to, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 — scheme checked above
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {getattr(settings, 'DAFTAR_SMS_TOKEN', '')}",
            },
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
            if not 200 <= answer.status < 300:
                raise RuntimeError(f"SMS gateway answered {answer.status}")


def backend():
    path = getattr(settings, "DAFTAR_SMS_BACKEND", "") or "complaints.notify.ConsoleBackend"
    return import_string(path)()


def send(*, mobile: str, email: str, subject: str, text: str) -> None:
    """Send ``text`` to the citizen; log (never raise) when a channel fails."""
    try:
        backend().send(to=mobile, text=text)
    except Exception as exc:
        logger.warning("SMS could not be sent (%s)", type(exc).__name__)
    if email:
        try:
            send_mail(subject, text, None, [email])
        except Exception as exc:
            logger.warning("email could not be sent (%s)", type(exc).__name__)


def _message(complaint: Complaint, what: str) -> str:
    ref = complaint.display_ref
    texts = {
        "filed": _(
            "Your complaint has been registered. Tracking number %(ref)s. Keep it with the last "
            "four digits of your CNIC to follow it."
        ),
        "info": _("The office needs more information on complaint %(ref)s: see its page."),
        "escalated": _("Complaint %(ref)s was not resolved in time and has been escalated."),
        "resolved": _(
            "Complaint %(ref)s has been resolved. Please tell us whether you are satisfied."
        ),
        "reopened": _("Complaint %(ref)s has been reopened at a higher office."),
    }
    return texts[what] % {"ref": ref}


def tell(complaint_ids: list[int], what: str) -> int:
    """Send each complaint's citizen the message ``what`` (filed, info, escalated, resolved,
    reopened) in the language they filed in; the complaints read in one query. Run by the
    task ``complaints.tasks.tell_citizens`` after the change commits. Returns how many."""
    told = 0
    for complaint in Complaint.objects.filter(pk__in=complaint_ids).only(
        "pk", "tracking_ref", "mobile", "email", "language"
    ):
        with override(complaint.language):
            send(
                mobile=complaint.mobile,
                email=complaint.email,
                subject=_("Your complaint %(ref)s") % {"ref": complaint.display_ref},
                text=_message(complaint, what),
            )
        told += 1
    return told
