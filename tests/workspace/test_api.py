"""The desk's REST API: same services, same refusals, token auth, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.workspace.helpers import api_client, diarise, open_file
from workspace.models import File

pytestmark = pytest.mark.django_db


def test_anonymous_is_refused():
    assert APIClient().get("/api/v1/files/").status_code in (401, 403)


def test_token_is_issued_for_a_password_and_a_second_factor_code(desk):
    from tests.accounts.support import current_code

    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "fd-asst", "password": "pw-for-tests", "otp": current_code("fd-asst")},
    )
    assert response.status_code == 200 and response.json()["token"]


def test_journey_through_the_api(desk):
    asst = api_client(desk.asst_user)
    receipt = asst.post(
        "/api/v1/receipts/",
        {"post": desk.asst.pk, "sender": "AG KP", "subject": "Release"},
        format="json",
    )
    assert receipt.status_code == 201, receipt.json()
    opened = asst.post(
        "/api/v1/files/",
        {
            "post": desk.asst.pk,
            "subject_head": desk.head.pk,
            "subject": "Release",
            "receipt": receipt.json()["id"],
        },
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    fid = opened.json()["id"]
    assert (
        asst.post(
            f"/api/v1/files/{fid}/notes/", {"text": "Placed below."}, format="json"
        ).status_code
        == 200
    )
    moved = asst.post(f"/api/v1/files/{fid}/put-up/", {"remarks": "For orders"}, format="json")
    assert moved.json()["holding_post"]["id"] == desk.so.pk
    # Refusal: the assistant no longer holds the file → 409 with the reason.
    again = asst.post(f"/api/v1/files/{fid}/put-up/", {}, format="json")
    assert again.status_code == 409 and "not at a post you hold" in again.json()["detail"]
    page = api_client(desk.so_user).get(f"/api/v1/files/{fid}/").json()
    assert [m["kind"] for m in page["movements"]] == ["open", "put_up"]
    assert page["paragraphs"][0]["is_final"] is True
    assert page["enclosures"][0]["flag"] == "A"


def test_other_departments_get_404(desk):
    file = open_file(desk)
    other = api_client(desk.other_user)
    assert other.get(f"/api/v1/files/{file.pk}/").status_code == 404
    assert (
        other.post(f"/api/v1/files/{file.pk}/notes/", {"text": "x"}, format="json").status_code
        == 404
    )
    assert file.number not in str(other.get("/api/v1/files/").json())


def test_a_key_that_is_not_a_number_is_404(desk):
    file = open_file(desk)
    client = api_client(desk.asst_user)
    for url in ("/api/v1/files/abc/", "/api/v1/receipts/abc/", f"/api/v1/files/{file.pk}x/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/v1/files/{file.pk}/").status_code == 200


def test_compiled_reads_take_ids_as_django_fields_do(desk):
    from workspace.selectors import desk as sel

    file = open_file(desk)
    assert sel.file_for(user=desk.asst_user, pk=str(file.pk)) == file
    with pytest.raises(ValueError):
        sel.file_for(user=desk.asst_user, pk="abc")


def test_invalid_input_is_400_with_field_errors(desk):
    file = open_file(desk)
    response = api_client(desk.asst_user).post(
        f"/api/v1/files/{file.pk}/mark/", {"to_post": 999999}, format="json"
    )
    assert response.status_code == 400 and "to_post" in response.json()


def test_not_live_department_is_409_with_reason(desk):
    file = open_file(desk)
    response = api_client(desk.asst_user).post(
        f"/api/v1/files/{file.pk}/mark/", {"to_post": desk.dead_post.pk}, format="json"
    )
    assert response.status_code == 409 and "not on Daftar yet" in response.json()["detail"]
    assert File.objects.get(pk=file.pk).holding_post == desk.asst


@pytest.mark.parametrize("url", ["/api/v1/files/", "/api/v1/inbox/", "/api/v1/receipts/"])
def test_api_lists_make_constant_queries(desk, url):
    client = api_client(desk.asst_user)
    open_file(desk)
    diarise(desk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        open_file(desk, subject=f"F{i}")
        diarise(desk)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.json()["results"]) >= 21


def test_openapi_schema_is_served(client, desk):
    client.force_login(desk.asst_user)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/files/{id}/put-up/" in body and "/api/v1/inbox/" in body


def test_the_schema_says_a_files_holding_post_may_be_null(client, desk):
    """``File.holding_post`` is null while a file is being opened and the API then answers
    ``"holding_post": null``: the schema must allow it, or generated clients reject it."""
    client.force_login(desk.asst_user)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    holding_post = schema["components"]["schemas"]["File"]["properties"]["holding_post"]
    assert holding_post.get("nullable") is True, holding_post
