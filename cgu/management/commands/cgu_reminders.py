"""Remind every public sector entity that owes a return for a period (email, through the
task backend).

    ./manage.py cgu_reminders --period latest --as fd-asst-cgu

Entities already reminded today are skipped, so a daily schedule reminds each at most once
a day.
"""

from django.core.management.base import BaseCommand, CommandError

from cgu import services
from cgu.management.commands.cgu_report import _actor, _period
from kernel.errors import ActionRefused, PermissionDenied


class Command(BaseCommand):
    help = "Email reminders to the entities that owe a period's return."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code, or 'latest'")
        parser.add_argument("--as", dest="username", help="the CGU officer sending them")

    def handle(self, *args, period, username, **options):
        period = _period(period)
        actor = _actor(username)
        try:
            sent = services.reminders_send(actor=actor, period=period)
        except (ActionRefused, PermissionDenied) as exc:
            raise CommandError(str(exc))
        no_email = [r.entity.code for r in sent if not r.email]
        self.stdout.write(f"{period.code}: {len(sent)} reminder(s), {len(no_email)} without email")
        for code in no_email:
            self.stdout.write(f"  follow up by phone: {code}")
