"""Give a login an authenticator at the console and print its otpauth URI and secret: for an
administrator provisioning a token, and for automated journeys (the production-stack CI)
that must compute codes themselves. ``--secret`` sets a known base32 secret; without it a
random one is made. The old authenticator, if any, is replaced. Audited under ``--by``."""

from base64 import b32decode, b32encode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from kernel.errors import PermissionDenied


class Command(BaseCommand):
    help = "Provision a TOTP authenticator for a login; prints the otpauth URI and secret."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="the administrator's username (audited)")
        parser.add_argument("--secret", default="", help="base32 secret (default: random)")

    def handle(self, *args, username, by, secret, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        actor = users.filter(username=by, is_active=True).first()
        if user is None or actor is None:
            raise CommandError("Unknown username.")
        key_hex = ""
        if secret:
            try:
                key_hex = b32decode(secret.replace(" ", "").upper()).hex()
            except ValueError:
                raise CommandError("--secret must be base32.")
        try:
            device = services.second_factor_provision(actor=actor, user=user, key_hex=key_hex)
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        self.stdout.write(device.config_url)
        self.stdout.write(b32encode(device.bin_key).decode())
