"""Requests that used to answer 500 now answer a 4xx with a message a person can act on,
in English and Urdu: a NUL byte in the go-to box (page and API), a return named by letters
in the CGU API, the diary-number counter's lock, Wagtail's /cms/failwhale/."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from kernel import locks
from kernel.errors import ActionRefused
from kernel.models import AuditEvent
from tests.cgu.conftest import _media_in_tmp as _media_in_tmp  # noqa: F401 — CGU fixtures
from tests.cgu.conftest import cgu  # noqa: F401
from tests.workspace.helpers import diarise
from workspace.models import Counter, Receipt

NUL_EN = "contains a NUL character"
NUL_UR = "NUL"  # the Urdu message names the character the same way


def _urdu(client):
    client.cookies["django_language"] = "ur"
    return client


@pytest.mark.django_db
def test_nul_byte_in_the_go_to_box_is_a_400_with_a_message(client, org):
    client.force_login(org.asst_user)
    response = client.get("/desk/search/go/", {"number": "FD/\x00/2025"})
    assert response.status_code == 400
    html = response.content.decode()
    assert NUL_EN in html
    assert 'data-daftar-error="400"' in html
    urdu = _urdu(client).get("/desk/search/go/", {"number": "\x00"}).content.decode()
    assert NUL_UR in urdu and NUL_EN not in urdu and 'dir="rtl"' in urdu


@pytest.mark.django_db
def test_nul_byte_in_the_go_to_api_is_a_400_with_a_message(org):
    api = APIClient()
    api.force_authenticate(org.asst_user)
    response = api.get("/api/v1/search/go/", {"number": "12\x00"})
    assert response.status_code == 400
    assert NUL_EN in response.json()["detail"]
    ur = api.get("/api/v1/search/go/", {"number": "12\x00"}, HTTP_ACCEPT_LANGUAGE="ur")
    assert ur.status_code == 400 and NUL_EN not in ur.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["accept", "take-up", "send-back"])
def test_a_return_named_by_letters_is_a_404_with_a_message(cgu, action):  # noqa: F811
    api = APIClient()
    api.force_authenticate(cgu.so_user)
    response = api.post(f"/api/v1/cgu/returns/abc/{action}/", {"reasons": "x"}, format="json")
    assert response.status_code == 404
    assert "no such return" in response.json()["detail"]
    ur = api.post(
        f"/api/v1/cgu/returns/abc/{action}/",
        {"reasons": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ur",
    )
    assert ur.status_code == 404 and "no such return" not in ur.json()["detail"]
    missing = api.post(f"/api/v1/cgu/returns/999999/{action}/", {"reasons": "x"}, format="json")
    assert missing.status_code == 404 and "no such return" in missing.json()["detail"]


@pytest.mark.django_db
def test_wagtails_deliberate_error_page_is_a_404_with_a_message(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/cms/failwhale/")
    assert response.status_code == 404
    assert "no such page in the content editor" in response.content.decode()
    urdu = _urdu(client).get("/cms/failwhale/").content.decode()
    assert "no such page" not in urdu and 'dir="rtl"' in urdu


# ---- the diary-number counter's lock (PostgreSQL: row locks and lock_timeout)


def _hold_counter_lock(scope: str, held: threading.Event, release: threading.Event):
    """Another worker in the middle of diarising: it holds the counter row."""
    try:
        with transaction.atomic():
            list(Counter.objects.select_for_update().filter(scope=scope))
            held.set()
            release.wait(10)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_diary_counter_refuses_in_seconds_with_a_message(client, desk, monkeypatch):  # noqa: F811
    first = diarise(desk)  # the counter row exists
    scope = f"diary:{desk.asst.section_id}:{first.diary_year}"
    monkeypatch.setattr(locks, "LOCK_TIMEOUT_MS", 300)
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_counter_lock, args=(scope, held, release))
    holder.start()
    try:
        assert held.wait(10)
        audit_rows = AuditEvent.objects.count()
        with pytest.raises(ActionRefused, match="taking the next number"):
            diarise(desk, subject="Second letter")
        # Through the screen: a 409 with the message, the form kept, nothing saved.
        client.force_login(desk.asst_user)
        response = client.post(
            "/desk/receipts/new/",
            {
                "post": desk.asst.pk,
                "sender": "Director Audit",
                "subject": "Audit para 12",
                "mode": "physical",
                "priority": 0,
                "grading": 0,
            },
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "taking the next number" in html and "Audit para 12" in html
        _urdu(client)
        response = client.post(
            "/desk/receipts/new/",
            {"post": desk.asst.pk, "sender": "D", "subject": "S", "mode": "physical",
             "priority": 0, "grading": 0},
        )  # fmt: skip
        assert response.status_code == 409
        assert "taking the next number" not in response.content.decode()
        assert Receipt.objects.count() == 1
        assert AuditEvent.objects.count() == audit_rows
    finally:
        release.set()
        holder.join(10)
    # Free again: the next number is the next one, no gap.
    assert diarise(desk, subject="Third letter").diary_number == first.diary_number + 1
