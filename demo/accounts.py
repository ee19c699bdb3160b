"""The demo's second factor: every demo login gets an authenticator with ONE known secret
(add it once to any authenticator app: it then shows the code for every demo login) and the
same ten recovery codes. Demo data only: a real office's people enrol their own phones."""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.oath import totp

from accounts import services

DEMO_TOTP_KEY = b"daftar-demo-2fa-key!"  # 20 bytes, as RFC 4226 recommends
DEMO_TOTP_KEY_HEX = DEMO_TOTP_KEY.hex()
DEMO_TOTP_SECRET = b32encode(DEMO_TOTP_KEY).decode()  # what an authenticator app is given
DEMO_RECOVERY_CODES = [f"demo{n}{n}{n}{n}" for n in range(1, 10)] + ["demo0000"]


def otpauth_uri(username: str = "demo") -> str:
    return (
        f"otpauth://totp/Daftar:{username}?secret={DEMO_TOTP_SECRET}"
        "&issuer=Daftar&algorithm=SHA1&digits=6&period=30"
    )


def current_code() -> str:
    return f"{totp(DEMO_TOTP_KEY):06d}"


@transaction.atomic
def seed(progress=print):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = get_user_model().objects.get(username="admin")
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    have = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    made = 0
    for user in users:
        if user.pk in have:
            continue
        services.second_factor_provision(
            actor=admin,
            user=user,
            key_hex=DEMO_TOTP_KEY_HEX,
            recovery_codes=DEMO_RECOVERY_CODES,
            by="seed_demo",
        )
        made += 1
    progress(f"  {made} demo logins given the demo authenticator")
    progress("  Second factor for every demo login: add this secret to an authenticator app")
    progress(f"    {DEMO_TOTP_SECRET}   (or open {otpauth_uri()})")
    progress("    or print the current code:  .venv/bin/python manage.py totp_code <username>")
    progress(
        f"    or use a recovery code (each once per login): {', '.join(DEMO_RECOVERY_CODES[:3])} …"
    )
