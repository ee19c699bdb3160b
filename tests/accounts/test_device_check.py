"""The second factor's device is checked from the signed-in user's own read
(``accounts.otp.SecondFactorDeviceMiddleware``): no query of its own on PostgreSQL, and
never a device that is gone or no longer confirmed."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import otp
from accounts.backends import UserBackend
from accounts.services import second_factor_remove
from tests.accounts.support import verified_device

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


def _passed(user, device) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _device_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "otp_" in q["sql"]]


def test_a_verified_session_reaches_the_desk(org):
    client = _passed(org.so_user, verified_device(org.so_user))
    response = client.get("/desk/")
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()
    assert response.wsgi_request.user.otp_device.pk == verified_device(org.so_user).pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the arrays are PostgreSQL's")
def test_on_postgresql_the_device_is_read_with_the_user(org):
    client = _passed(org.so_user, verified_device(org.so_user))
    client.get("/desk/")
    with CaptureQueriesContext(connection) as page:
        assert client.get("/desk/").status_code == 200
    device_reads = _device_queries(page.captured_queries)
    # One statement mentions the devices: the user's own read, with its ARRAY(SELECT …)s.
    assert len(device_reads) == 1
    assert "auth_user" in device_reads[0] and "ARRAY(" in device_reads[0]


def test_a_removed_device_ends_the_verification_on_the_next_request(org):
    device = verified_device(org.so_user)
    client = _passed(org.so_user, device)
    assert client.get("/desk/").status_code == 200
    second_factor_remove(actor=org.so_user, user=org.so_user)
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/second-factor/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_device_no_longer_confirmed_ends_the_verification(org):
    device = verified_device(org.so_user)
    client = _passed(org.so_user, device)
    assert client.get("/desk/").status_code == 200
    device.confirmed = False
    device.save(update_fields=["confirmed"])
    assert client.get("/desk/").status_code == 302
    assert client.get("/api/v1/files/").status_code == 403


def test_another_persons_device_does_not_verify(org):
    theirs = verified_device(org.ds_user)
    client = _passed(org.so_user, theirs)
    response = client.get("/desk/")
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_recovery_code_device_verifies_too(org):
    static = StaticDevice.objects.create(user=org.so_user, name="Recovery codes", confirmed=True)
    client = _passed(org.so_user, static)
    assert client.get("/desk/").status_code == 200
    static.delete()
    assert client.get("/desk/").status_code == 302


@pytest.mark.parametrize("persistent_id", ["nonsense", "otp_totp.totpdevice/x", "auth.user/1"])
def test_a_malformed_or_foreign_id_does_not_verify(org, persistent_id):
    user = UserBackend().get_user(org.so_user.pk)
    verified_device(org.so_user)
    assert otp.device_of(user, persistent_id) is None


def test_without_the_arrays_it_asks_as_django_otp_does(org):
    """A user read some other way (no arrays on it) is checked by django-otp's own read."""
    device = verified_device(org.so_user)
    user = type(org.so_user).objects.get(pk=org.so_user.pk)  # a plain read: no annotations
    assert otp.device_of(user, device.persistent_id) == device
    device.confirmed = False
    device.save(update_fields=["confirmed"])
    assert otp.device_of(user, device.persistent_id) is None
