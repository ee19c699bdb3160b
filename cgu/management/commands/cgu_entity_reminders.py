"""The daily chase of late filers in the entity portal (cgu.services.compliance.entity_chase):
reminders to entity users before and after a deadline, and the notice to a department's
Secretary listing its entities that have not filed, a set number of days after it.

    ./manage.py cgu_entity_reminders [--on 2025-11-15] [--as fd-asst-cgu]
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cgu.management.commands.cgu_report import _actor
from cgu.services.compliance import entity_chase
from kernel.errors import PermissionDenied


class Command(BaseCommand):
    help = "Remind entity users of returns due or overdue; notify Secretaries of non-filers."

    def add_arguments(self, parser):
        parser.add_argument("--on", type=dt.date.fromisoformat, help="the day (default today)")
        parser.add_argument("--as", dest="username", help="the CGU officer in whose name")

    def handle(self, *args, on=None, username=None, **options):
        try:
            done = entity_chase(actor=_actor(username), on=on)
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        self.stdout.write(f"{done['reminders']} reminder(s), {done['notices']} notice(s)")
