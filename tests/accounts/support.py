"""How the suite signs in now that every officer has a second factor (see tests/conftest.py).

- ``verified_device(user)``: the user's confirmed authenticator (made, with the demo's known
  secret, if they have none); ``mark_second_factor_passed`` marks a session signed in with
  it (tests/conftest.py connects it to ``user_logged_in`` for every test but the opted-out).
- ``current_code(username)``: the code that authenticator shows now, for the browser ``login``
  helper, which types it as a person would. The device's replay guard is reset first, so two
  sign-ins within one 30-second step both work.
- ``mirror_drf_token``: a DRF ``Token`` made by a test (``Token.objects.create(user=...)``)
  is also stored as a hashed Daftar API token with the same secret, so tests written against
  DRF's token keep authenticating through ``accounts.authentication``.
"""

import datetime as dt

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.accounts import DEMO_TOTP_KEY_HEX


def verified_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Test authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True
        )
    return device


def mark_second_factor_passed(sender, request, user, **kwargs):
    """A ``user_logged_in`` receiver: the session has passed the second factor, as
    ``django_otp.login(request, device)`` leaves it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    if request is not None and hasattr(request, "session"):
        request.session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id


def current_code(username: str) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    device = verified_device(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def mirror_drf_token(sender, instance, created, **kwargs):
    from accounts.models import ApiToken, token_digest

    if created:
        ApiToken.objects.get_or_create(
            digest=token_digest(instance.key),
            defaults={
                "user_id": instance.user_id,
                "name": "test token",
                "key_start": instance.key[:6],
                "expires_at": timezone.now() + dt.timedelta(days=30),
            },
        )
