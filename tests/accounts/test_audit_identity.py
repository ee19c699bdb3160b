"""Every identity event in the audit trail, with the client address, never a password or a
code."""

import json

import pytest
from rest_framework.test import APIClient

from accounts import services
from kernel import audit
from kernel.models import AuditEvent
from tests.accounts.conftest import code_for
from tests.accounts.support import current_code, verified_device

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


def test_each_identity_event_is_audited_with_the_address_and_no_secret(org, admin_user):
    from django.test import Client

    client = Client(REMOTE_ADDR="203.0.113.9")
    device = verified_device(org.so_user)
    # failed sign-in (password), then sign-in with the second factor
    client.post("/accounts/login/", {"username": "fd-so", "password": "WrongPass-1"})
    client.post("/accounts/login/", {"username": "fd-so", "password": "pw-for-tests"})
    code = code_for(device)
    client.post("/accounts/second-factor/", {"otp_token": code, "next": "/desk/"})
    # token created and revoked
    token_response = APIClient(REMOTE_ADDR="203.0.113.9").post(
        "/api/v1/auth/token/",
        {"username": "fd-so", "password": "pw-for-tests", "otp": current_code("fd-so")},
    )
    from accounts.models import ApiToken

    services.token_revoke(actor=org.so_user, token=ApiToken.objects.get(user=org.so_user))
    # lockout, unlock, second factor removed and enrolled
    for _ in range(3):
        client.post("/accounts/login/", {"username": "fd-so", "password": "WrongPass-1"})
    services.signin_unlock(actor=admin_user, username="fd-so", ip="203.0.113.9")
    services.second_factor_remove(actor=admin_user, user=org.so_user)
    fresh = services.totp_device_for_enrolment(org.so_user)
    services.second_factor_enrol(actor=org.so_user, device=fresh, code=code_for(fresh))

    events = AuditEvent.objects.filter(actor=org.so_user).order_by("at", "pk")
    actions = [e.action for e in events]
    for action in [
        "auth.sign_in_failed",
        "auth.signed_in",
        "auth.token_created",
        "auth.token_revoked",
        "auth.locked_out",
        "auth.unlocked",
        "auth.second_factor_removed",
        "auth.second_factor_enrolled",
    ]:
        assert action in actions, action
    by_action = {e.action: e for e in events}
    for action in [
        "auth.sign_in_failed",
        "auth.signed_in",
        "auth.locked_out",
        "auth.token_created",
    ]:
        assert by_action[action].after["ip"] == "203.0.113.9", action
    dump = json.dumps([[e.before, e.after, e.object_repr] for e in events])
    key = token_response.json()["token"]
    for secret in ["WrongPass-1", "pw-for-tests", code, key]:
        assert secret not in dump
    assert token_response.status_code == 200
    assert list(audit.verify()) == []


def test_a_failed_sign_in_for_an_unknown_name_writes_no_row(client, org):
    """The audit trail names a user on every row; a name that is no account has none (axes
    still counts it per client, and it is logged)."""
    client.post("/accounts/login/", {"username": "no-such-officer", "password": "x"})
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
