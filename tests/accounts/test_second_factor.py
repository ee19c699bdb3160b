"""No page and no token without the second factor (django-otp): enrolment at first sign-in,
verification after, recovery codes, the API, and the setting that may exempt low levels."""

import re

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from demo.accounts import DEMO_RECOVERY_CODES
from kernel.models import AuditEvent
from tests.accounts.conftest import code_for
from tests.accounts.support import verified_device

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

RIGHT = "pw-for-tests"


def _password(client, user, next_url="/desk/"):
    return client.post(
        f"/accounts/login/?next={next_url}", {"username": user.username, "password": RIGHT}
    )


@pytest.mark.parametrize(
    "path",
    ["/desk/", "/desk/papers/", "/desk/search/", "/django-admin/", "/cms/", "/api/v1/files/"],
)
def test_a_session_without_the_second_factor_reaches_nothing_else(client, org, admin_user, path):
    client.force_login(admin_user)
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 403
        assert "second factor" in response.json()["detail"]
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/second-factor/?next=")


def test_first_sign_in_enrols_with_a_qr_code_then_recovery_codes(client, org):
    response = _password(client, org.so_user)
    assert response["Location"] == "/desk/"
    response = client.get("/desk/", follow=True)
    page = response.content.decode()
    assert "Set up your second factor" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=org.so_user, confirmed=False)
    shown = re.search(r'class="otp-secret" dir="ltr">([A-Z2-7 ]+)<', page).group(1)
    from base64 import b32encode

    assert shown.replace(" ", "") == b32encode(device.bin_key).decode()

    wrong = client.post("/accounts/second-factor/?next=/desk/", {"otp_token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/desk/").status_code == 302
    # django-otp slows the next try after a wrong code (a second here); a person takes longer.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    done = client.post(
        "/accounts/second-factor/", {"otp_token": code_for(device), "next": "/desk/"}, follow=True
    )
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/desk/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(
        actor=org.so_user, action="auth.second_factor_enrolled"
    ).exists()
    # The codes are shown once.
    assert client.get("/accounts/second-factor/recovery-codes/").status_code == 302


def test_later_sign_ins_ask_for_the_code(client, org):
    device = verified_device(org.ds_user)
    _password(client, org.ds_user)
    assert client.get("/desk/")["Location"].startswith("/accounts/second-factor/")
    page = client.get("/accounts/second-factor/?next=/desk/").content.decode()
    assert "Enter your code" in page
    response = client.post(
        "/accounts/second-factor/", {"otp_token": code_for(device), "next": "/desk/"}
    )
    assert response["Location"] == "/desk/"
    assert client.get("/desk/").status_code == 200
    signed_in = AuditEvent.objects.get(actor=org.ds_user, action="auth.signed_in")
    assert signed_in.after == {"ip": "127.0.0.1", "door": "desk", "factor": "totp"}


def test_a_recovery_code_works_once(client, org):
    from accounts.services import second_factor_provision

    second_factor_provision(
        actor=org.asst_user, user=org.asst_user, recovery_codes=DEMO_RECOVERY_CODES[:2]
    )
    _password(client, org.asst_user)
    ok = client.post("/accounts/second-factor/", {"otp_token": "demo1111", "next": "/desk/"})
    assert ok["Location"] == "/desk/"
    assert not StaticToken.objects.filter(token="demo1111").exists()
    client.logout()
    _password(client, org.asst_user)
    again = client.post("/accounts/second-factor/", {"otp_token": "demo1111", "next": "/desk/"})
    assert again.status_code == 200 and "That code is not right" in again.content.decode()


def test_wrong_codes_count_towards_the_lockout(client, org):
    verified_device(org.so_user)
    _password(client, org.so_user)
    for _ in range(3):
        response = client.post("/accounts/second-factor/", {"otp_token": "123456"})
    assert response.status_code == 429
    assert (
        AuditEvent.objects.filter(
            actor=org.so_user, action="auth.sign_in_failed", after__step="second_factor"
        ).count()
        == 3
    )


def test_no_api_token_without_the_code(org):
    device = verified_device(org.so_user)
    api = APIClient()
    missing = api.post("/api/v1/auth/token/", {"username": "fd-so", "password": RIGHT})
    wrong = api.post("/api/v1/auth/token/", {"username": "fd-so", "password": RIGHT, "otp": "1"})
    assert missing.status_code == wrong.status_code == 400
    assert not org.so_user.daftar_api_tokens.exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = api.post(
        "/api/v1/auth/token/",
        {"username": "fd-so", "password": RIGHT, "otp": code_for(device), "name": "scanner"},
    )
    assert ok.status_code == 200
    assert ok.json()["name"] == "scanner" and ok.json()["token"].startswith("dft_")


def test_the_exemption_setting_spares_only_levels_below_the_one_chosen(
    client, org, settings, admin_user
):
    settings.DAFTAR_MFA_EXEMPT_BELOW_LEVEL = 20  # Section Officer and above need it
    client.force_login(org.asst_user)
    assert client.get("/desk/").status_code == 200
    client.force_login(org.so_user)
    assert client.get("/desk/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/desk/").status_code == 302


def test_an_administrator_removes_a_lost_second_factor(client, org, admin_user):
    verified_device(org.so_user)
    from django.test import Client

    admin = Client()
    admin.force_login(admin_user)
    verified = verified_device(admin_user)
    session = admin.session
    session["otp_device_id"] = verified.persistent_id
    session.save()
    response = admin.post(
        "/django-admin/auth/user/",
        {"action": "remove_second_factor", "_selected_action": [org.so_user.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=org.so_user).exists()
    removed = AuditEvent.objects.get(action="auth.second_factor_removed", actor=org.so_user)
    assert removed.after["by"] == "root"


def test_the_demo_helper_prints_demo_codes_only(org, settings, capsys):
    from django.core.management.base import CommandError

    from accounts.services import second_factor_provision
    from demo.accounts import DEMO_TOTP_KEY_HEX, current_code

    second_factor_provision(actor=org.so_user, user=org.so_user, key_hex=DEMO_TOTP_KEY_HEX)
    call_command("totp_code", "fd-so")
    assert capsys.readouterr().out.strip() == current_code()
    second_factor_provision(actor=org.ds_user, user=org.ds_user)  # a random, real secret
    with pytest.raises(CommandError):
        call_command("totp_code", "fd-ds")
    settings.DAFTAR_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("totp_code", "fd-so")


def test_the_console_provisions_a_known_secret_for_an_automated_journey(org, admin_user, capsys):
    call_command("second_factor", "fd-so", by="root", secret="JBSWY3DPEHPK3PXP")
    uri, secret = capsys.readouterr().out.split()
    assert uri.startswith("otpauth://totp/") and secret == "JBSWY3DPEHPK3PXP"
    device = TOTPDevice.objects.get(user=org.so_user)
    from django_otp.oath import totp

    assert device.verify_token(f"{totp(b'Hello!' + bytes.fromhex('deadbeef')):06d}")


@pytest.mark.parametrize("door,home", [("cms", "/cms/"), ("admin", "/django-admin/")])
def test_the_admin_doors_ask_for_the_code_then_let_in(client, admin_user, door, home):
    device = verified_device(admin_user)
    signed = client.post(f"{home}login/", {"username": "root", "password": RIGHT, "next": home})
    assert signed.status_code == 302
    asked = client.get(home)
    assert asked["Location"].startswith("/accounts/second-factor/?next=")
    done = client.post("/accounts/second-factor/", {"otp_token": code_for(device), "next": home})
    assert done["Location"] == home
    inside = "/cms/account/" if door == "cms" else home  # the CMS dashboard needs a page tree
    assert client.get(inside).status_code == 200
    assert AuditEvent.objects.get(action="auth.signed_in").after["door"] == door


def test_a_recovery_code_may_be_typed_in_capitals(client, org):
    from accounts.services import second_factor_provision

    second_factor_provision(actor=org.so_user, user=org.so_user, recovery_codes=["abcd2345"])
    _password(client, org.so_user)
    ok = client.post("/accounts/second-factor/", {"otp_token": "ABCD 2345", "next": "/desk/"})
    assert ok["Location"] == "/desk/"
    assert AuditEvent.objects.get(action="auth.signed_in").after["factor"] == "recovery_code"
