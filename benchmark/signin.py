"""A benchmark officer's session, as a person's is after signing in: the password and then
the second factor (issue 18). ``force_login`` alone gives a session that has not passed the
second factor, which every staff page now sends to ``/accounts/second-factor/``."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def signed_in_client(user) -> Client:
    """A test client whose session passed the password and the user's authenticator (made
    for the benchmark's generated officers, who have none)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
