"""Lift a sign-in lockout (django-axes' records), audited under the administrator named."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from kernel.errors import PermissionDenied, ValidationError


class Command(BaseCommand):
    help = "Lift the sign-in lockout of a username and/or a client address."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="")
        parser.add_argument("--ip", default="")
        parser.add_argument("--by", required=True, help="the administrator's username (audited)")

    def handle(self, *args, username, ip, by, **options):
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {by}.")
        try:
            count = services.signin_unlock(actor=actor, username=username, ip=ip)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])))
        self.stdout.write(f"Lockout lifted ({count} failure records removed).")
