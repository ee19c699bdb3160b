"""Generate the Service Delivery Performance Monitoring Report of a period (PDF).

    ./manage.py cgu_report --period 2025-Q3
    ./manage.py cgu_report --period latest          # the latest quarter whose returns are due
    ./manage.py cgu_report --period latest --as fd-ds-cgu

Run it on a schedule (see README); each run stores a new report built from the figures
accepted by then, and the public page offers the newest.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cgu import access, services
from cgu.models import ReportingPeriod
from cgu.selectors.registry import latest_due_quarter
from kernel.errors import ActionRefused, PermissionDenied
from organisation.models import Holding


def _period(code: str) -> ReportingPeriod:
    if code == "latest":
        period = latest_due_quarter()
        if period is None:
            raise CommandError("No quarter's returns are due yet.")
        return period
    period = ReportingPeriod.objects.filter(code=code).first()
    if period is None:
        raise CommandError(f"No reporting period {code!r}.")
    return period


def _actor(username: str | None):
    """The officer in whose name the report is generated (and audited): ``--as``, or else
    the current holder of the head of the CGU's post."""
    User = get_user_model()
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user
    head = access.head_post()
    holding = Holding.objects.current().filter(post=head).order_by("kind").first() if head else None
    if holding is None:
        raise CommandError("Nobody holds the head of the CGU's post; name an officer with --as.")
    return holding.user


class Command(BaseCommand):
    help = "Generate the Service Delivery Performance Monitoring Report of a period (PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="period code, or 'latest'")
        parser.add_argument("--as", dest="username", help="the CGU officer generating it")

    def handle(self, *args, period, username, **options):
        def say(msg):
            self.stdout.write(msg)
            self.stdout.flush()

        period = _period(period)
        actor = _actor(username)
        say(f"Report for {period.code}, generated as {actor.username}")
        try:
            row = services.report_generate(actor=actor, period=period, progress=say)
        except (ActionRefused, PermissionDenied) as exc:
            raise CommandError(str(exc))
        say(self.style.SUCCESS(f"Done: report {row.pk}, sha256 {row.sha256[:16]}…"))
