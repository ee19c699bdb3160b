"""Lockout on every door (django-axes): per account and per client, a lock that grows, the
same words whether or not the account exists, and an administrator's unlock."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts import lockout, services
from kernel.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
RIGHT = "pw-for-tests"

DOORS = {
    "desk": "/accounts/login/",
    "admin": "/django-admin/login/",
    "cms": "/cms/login/",
}


def _post(client, door, username, password):
    if door == "api":
        return APIClient().post(
            "/api/v1/auth/token/", {"username": username, "password": password, "otp": "000000"}
        )
    return client.post(DOORS[door], {"username": username, "password": password})


def _locked(response) -> bool:
    return response.status_code == 429


@pytest.mark.parametrize("door", ["desk", "api", "admin", "cms"])
def test_each_door_locks_after_the_limit_and_then_refuses_the_right_password(
    client, org, admin_user, door
):
    for _ in range(2):
        assert not _locked(_post(client, door, org.so_user.username, WRONG))
    third = _post(client, door, org.so_user.username, WRONG)
    assert _locked(third)
    right = _post(client, door, org.so_user.username, RIGHT)
    assert _locked(right), "the right password is refused while locked"
    text = right.content.decode()
    assert "Too many failed sign-in attempts" in text and "15 minutes" in text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", actor=org.so_user).exists()


def test_the_message_is_the_same_for_an_account_that_does_not_exist(org):
    from django.test import Client

    answers = []
    for n, username in enumerate([org.so_user.username, "nobody-here"]):
        client = Client(REMOTE_ADDR=f"10.3.3.{n + 1}")
        for _ in range(3):
            response = client.post(DOORS["desk"], {"username": username, "password": WRONG})
        assert _locked(response)
        answers.append(re.search(r'<p role="alert">(.*?)</p>', response.content.decode()).group(1))
    assert answers[0] == answers[1]


def test_failures_from_one_client_lock_that_client_whatever_the_username(client, org):
    for name in ["a1", "a2", "a3"]:
        client.post(DOORS["desk"], {"username": name, "password": WRONG})
    response = client.post(DOORS["desk"], {"username": org.asst_user.username, "password": RIGHT})
    assert _locked(response)
    other_client = client.__class__(REMOTE_ADDR="10.9.8.7")
    ok = other_client.post(DOORS["desk"], {"username": org.asst_user.username, "password": RIGHT})
    assert ok.status_code == 302, "another address is not locked by this one's failures"


def test_failures_on_one_account_lock_it_from_every_address(org):
    from django.test import Client

    for n in range(3):
        Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post(
            DOORS["desk"], {"username": org.ds_user.username, "password": WRONG}
        )
    response = Client(REMOTE_ADDR="10.0.0.99").post(
        DOORS["desk"], {"username": org.ds_user.username, "password": RIGHT}
    )
    assert _locked(response)


def test_the_lock_grows_with_each_lockout_of_the_day(rf, org):
    from django.core.cache import cache

    name = org.so_user.username
    request = rf.post("/accounts/login/", {"username": name})

    def a_new_lockout():
        lockout.note_lockout(request, name)
        lockout.note_lockout(request, name)  # refused attempts during one lock count once
        cache.delete_many([lockout._key("user", name) + ":current"])
        cache.delete_many([lockout._key("ip", "127.0.0.1") + ":current"])

    assert lockout.cool_off(request) == dt.timedelta(minutes=15)
    a_new_lockout()
    assert lockout.cool_off(request) == dt.timedelta(minutes=15)
    a_new_lockout()
    assert lockout.cool_off(request) == dt.timedelta(minutes=30)
    a_new_lockout()
    assert lockout.cool_off(request) == dt.timedelta(minutes=60)
    for _ in range(20):
        a_new_lockout()
    assert lockout.cool_off(request) == dt.timedelta(days=1)


def test_the_client_address_comes_from_daftars_one_rule(client, org, settings):
    """Axes reads the address through AXES_CLIENT_IP_CALLABLE, the tracking limits' rule:
    a header the client sends itself is ignored unless the proxy header is configured."""
    from axes.models import AccessAttempt

    client.post(
        DOORS["desk"],
        {"username": "x", "password": WRONG},
        HTTP_X_FORWARDED_FOR="1.2.3.4",
        REMOTE_ADDR="10.1.1.1",
    )
    assert AccessAttempt.objects.get().ip_address == "10.1.1.1"
    settings.DAFTAR_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1  # behind one proxy that writes X-Real-IP
    client.post(DOORS["desk"], {"username": "y", "password": WRONG}, HTTP_X_REAL_IP="192.0.2.7")
    assert AccessAttempt.objects.filter(ip_address="192.0.2.7").exists()


def _lock(client, username):
    for _ in range(3):
        client.post(DOORS["desk"], {"username": username, "password": WRONG})


def test_an_administrator_unlocks_from_the_user_list(client, org, admin_user):
    from django.test import Client

    _lock(client, org.so_user.username)
    admin = Client(REMOTE_ADDR="10.2.2.2")
    admin.force_login(admin_user)
    response = admin.post(
        "/django-admin/auth/user/",
        {"action": "unlock_sign_in", "_selected_action": [org.so_user.pk]},
    )
    assert response.status_code == 302
    services.signin_unlock(actor=admin_user, ip="127.0.0.1")
    ok = client.post(DOORS["desk"], {"username": org.so_user.username, "password": RIGHT})
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(org.so_user.pk)
    unlock = AuditEvent.objects.filter(action="auth.unlocked", actor=org.so_user).get()
    assert unlock.after["by"] == "root"


def test_an_administrator_unlocks_with_the_command(client, org, admin_user):
    _lock(client, org.asst_user.username)
    call_command("unlock_signin", username=org.asst_user.username, ip="127.0.0.1", by="root")
    ok = client.post(DOORS["desk"], {"username": org.asst_user.username, "password": RIGHT})
    assert ok.status_code == 302


def test_only_an_administrator_may_unlock(org):
    from kernel.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.signin_unlock(actor=org.so_user, username=org.asst_user.username)
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()


def test_deleting_attempts_in_axes_admin_list_is_an_audited_unlock(client, org, admin_user):
    from axes.models import AccessAttempt
    from django.test import Client

    _lock(client, org.so_user.username)
    admin = Client(REMOTE_ADDR="10.2.2.3")
    admin.force_login(admin_user)
    attempt = AccessAttempt.objects.get(username=org.so_user.username)
    response = admin.post(
        "/django-admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.get(action="auth.unlocked", actor=org.so_user).after["by"] == "root"


def test_the_test_clients_login_still_works(client, org):
    """Django's Client.login calls authenticate() without a request; the lockout backend
    steps aside rather than failing such callers (every real door passes the request)."""
    assert client.login(username=org.so_user.username, password=RIGHT)
    assert client.get("/desk/").status_code == 200
