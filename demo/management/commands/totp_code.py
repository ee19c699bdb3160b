"""Print the current second-factor code of a DEMO login (one whose authenticator holds the
demo's published secret). Refused for any other login and on a production install."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.accounts import DEMO_TOTP_KEY_HEX, current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo login (demo installs only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.DAFTAR_PRODUCTION:
            raise CommandError("Refused: this is a production install (DAFTAR_ENV=production).")
        user = get_user_model().objects.filter(username=username).first()
        device = user and TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None or device.key != DEMO_TOTP_KEY_HEX:
            raise CommandError(
                f"{username} has no demo authenticator; this prints demo codes only."
            )
        self.stdout.write(current_code())
