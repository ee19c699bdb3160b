"""Sessions that end (idle and absolute, on a controlled clock), sign out everywhere, and
re-authentication before approving or issuing."""

import pytest
from django.contrib.sessions.models import Session

from accounts import sessions
from accounts.models import ApiToken, SignedInSession
from accounts.services import token_create
from kernel.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_session_idle_for_30_minutes_ends(client, org, clock):
    client.force_login(org.so_user)
    assert client.get("/desk/").status_code == 200
    clock.forward(minutes=29)
    assert client.get("/desk/").status_code == 200  # activity restarts the idle clock
    clock.forward(minutes=29)
    assert client.get("/desk/").status_code == 200
    clock.forward(minutes=31)
    response = client.get("/desk/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    login_page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in login_page


def test_a_session_ends_after_12_hours_however_busy(client, org, clock):
    client.force_login(org.so_user)
    for _ in range(12 * 3 - 1):  # a visit every 20 minutes for 11 h 40 min
        clock.forward(minutes=20)
        assert client.get("/desk/").status_code == 200
    clock.forward(minutes=40)  # 12 h 20 min after signing in
    response = client.get("/desk/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_limits_come_from_settings(client, org, clock, settings):
    settings.DAFTAR_SESSION_IDLE_MINUTES = 5
    client.force_login(org.so_user)
    clock.forward(minutes=6)
    assert client.get("/desk/").status_code == 302


def test_sign_out_everywhere_ends_other_sessions_and_revokes_tokens(client, org):
    from django.test import Client

    other = Client()
    other.force_login(org.so_user)
    client.force_login(org.so_user)
    _token, key = token_create(actor=org.so_user, name="laptop")
    assert SignedInSession.objects.filter(user=org.so_user).count() == 2
    page = client.get("/accounts/security/").content.decode()
    assert "this session" in page and "laptop" in page
    response = client.post("/accounts/security/sign-out-everywhere/")
    assert response.status_code == 302
    assert other.get("/desk/").status_code == 302  # the other session is gone
    assert client.get("/desk/").status_code == 200  # this one stays
    assert not ApiToken.objects.active().filter(user=org.so_user).exists()
    assert Session.objects.count() == 1
    event = AuditEvent.objects.get(action="auth.signed_out_everywhere")
    assert event.after["sessions"] == 1 and event.after["tokens"] == 1


def test_approving_after_the_window_asks_to_confirm_first(client, org, clock):
    client.force_login(org.ds_user)
    clock.forward(minutes=16)
    response = client.post(
        "/desk/files/1/notes/1/decide/", {"decision": "approved"}, HTTP_REFERER="/desk/files/1/"
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/?next=")
    wrong = client.post("/accounts/confirm/", {"secret": "wrong", "next": "/desk/files/1/"})
    assert "did not match" in wrong.content.decode()
    assert not sessions.recently_confirmed(client.session)
    ok = client.post("/accounts/confirm/", {"secret": "pw-for-tests", "next": "/desk/files/1/"})
    assert ok["Location"] == "/desk/files/1/"
    assert sessions.recently_confirmed(client.session)


def test_a_second_factor_code_also_confirms(client, org, clock):
    from tests.accounts.support import current_code

    client.force_login(org.ds_user)
    clock.forward(minutes=16)
    ok = client.post("/accounts/confirm/", {"secret": current_code("fd-ds"), "next": "/desk/"})
    assert ok["Location"] == "/desk/"
    assert sessions.recently_confirmed(client.session)


def test_the_api_asks_for_a_fresh_code_with_an_old_token(org):
    import datetime as dt

    from django.utils import timezone
    from rest_framework.test import APIClient

    from tests.accounts.support import current_code

    token, key = token_create(actor=org.ds_user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = "/api/v1/files/999999/notes/1/decide/"
    refused = api.post(url, {"decision": "approved"}, format="json")
    assert refused.status_code == 403 and "X-Daftar-OTP" in refused.json()["detail"]
    passed = api.post(
        url, {"decision": "approved"}, format="json", HTTP_X_DAFTAR_OTP=current_code("fd-ds")
    )
    assert passed.status_code == 404  # past the confirmation; the file does not exist
