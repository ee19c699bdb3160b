"""API tokens: stored hashed, several per user with a name, expiring, revocable, listed."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, token_digest
from accounts.services import token_create, token_revoke
from kernel.errors import PermissionDenied
from kernel.models import AuditEvent

pytestmark = pytest.mark.django_db


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_token_is_stored_only_as_its_digest(org):
    token, key = token_create(actor=org.so_user, name="scanner")
    assert token.digest == token_digest(key) and key not in token.digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        row = " ".join(str(v) for v in cursor.fetchone())
    assert key not in row and key[len("dft_") :] not in row


def test_several_named_tokens_each_work(org):
    _a, key_a = token_create(actor=org.so_user, name="scanner")
    _b, key_b = token_create(actor=org.so_user, name="laptop")
    for key in (key_a, key_b):
        assert _api(key).get("/api/v1/inbox/").status_code == 200
    names = [t["name"] for t in _api(key_a).get("/api/v1/auth/tokens/").json()]
    assert names == ["laptop", "scanner"]


def test_a_token_expires_after_30_days(org):
    token, key = token_create(actor=org.so_user, name="scanner")
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _api(key).get("/api/v1/inbox/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Invalid, expired or revoked token."


def test_a_revoked_token_stops_working_and_only_its_owner_or_an_admin_revokes(org, admin_user):
    token, key = token_create(actor=org.so_user, name="scanner")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=org.asst_user, token=token)
    assert not AuditEvent.objects.filter(action="auth.token_revoked").exists()
    assert _api(key).post(f"/api/v1/auth/tokens/{token.pk}/revoke/").status_code == 200
    refused = _api(key).get("/api/v1/inbox/")
    assert refused.status_code == 403 and "revoked" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="auth.token_revoked", actor=org.so_user).count() == 1


def test_the_page_lists_creates_and_revokes_tokens(client, org):
    client.force_login(org.so_user)
    response = client.post("/accounts/security/tokens/", {"name": "scanner desk"}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get(user=org.so_user)
    key = next(w for w in page.split(">") if w.startswith("dft_")).split("<")[0]
    assert token.digest == token_digest(key)
    assert "shown only once" in page
    again = client.get("/accounts/security/").content.decode()
    assert key not in again and "scanner desk" in again
    client.post(f"/accounts/security/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client.get("/accounts/security/").content.decode()


def test_nobody_revokes_anothers_token_from_the_page(client, org):
    token, _key = token_create(actor=org.so_user, name="scanner")
    client.force_login(org.asst_user)
    assert client.post(f"/accounts/security/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_costs_the_same_queries_for_1_or_30_tokens(client, org):
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.so_user)
    token_create(actor=org.so_user, name="one")
    client.get("/accounts/security/")
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/security/")
    for n in range(30):
        token_create(actor=org.so_user, name=f"t{n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/accounts/security/")
    assert len(many) == len(few)


def test_old_plain_text_tokens_are_hashed_by_the_migration(org):
    """The migration's function, run on a DRF token row: the same secret keeps working,
    hashed, with an expiry; the plain-text row is gone."""
    import importlib

    from django.apps import apps
    from rest_framework.authtoken.models import Token

    migration = importlib.import_module("accounts.migrations.0002_hash_plain_text_tokens")
    plain = Token.objects.create(user=org.ds_user)
    ApiToken.objects.all().delete()  # the test suite's mirror of DRF tokens, undone
    migration.hash_tokens(apps, None)
    assert not Token.objects.exists()
    assert _api(plain.key).get("/api/v1/inbox/").status_code == 200
    assert ApiToken.objects.get().expires_at > timezone.now() + dt.timedelta(days=29)


def test_the_openapi_schema_describes_the_token_endpoints(client, org):
    client.force_login(org.so_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    body = token["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) == {
        "username",
        "password",
        "otp",
        "name",
    }
    assert "429" in token["responses"]
    assert "/api/v1/auth/tokens/{id}/revoke/" in schema["paths"]
    issue = schema["paths"]["/api/v1/files/{id}/drafts/{number}/issue/"]["post"]
    assert "X-Daftar-OTP" in [p["name"] for p in issue["parameters"]]
