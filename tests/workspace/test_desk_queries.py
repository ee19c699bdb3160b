"""The file page and the API's file read make the same number of queries however much is on the
file: paragraphs with decisions, papers on receipts, drafts, movements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.workspace.helpers import diarise, open_file
from workspace.services import approvals, correspondence, movement, notes

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _round(desk, file, n):
    """One more of everything: a receipt on the file, a note decided, a draft, movements."""
    receipt = diarise(desk, subject=f"Letter {n}")
    correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=receipt)
    para = notes.note_add(actor=desk.asst_user, file=file, text=f"Proposal {n}")
    approvals.draft_create(
        actor=desk.asst_user, file=file, subject=f"Letter {n}", addressees="AG KP", body="Text"
    )
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(
        actor=desk.secretary_user, file=file, paragraph=para, decision="returned", remarks="No"
    )
    file.refresh_from_db()
    for user, down in ((desk.ds_user, desk.so), (desk.so_user, desk.asst)):
        movement.file_send_back(actor=user, file=file, to_post=down)


def test_file_page_and_api_read_do_not_grow_with_the_file(client, desk):
    file = open_file(desk)
    _round(desk, file, 0)
    client.force_login(desk.asst_user)
    api = APIClient()
    api.force_authenticate(desk.asst_user)
    page_url, api_url = f"/desk/files/{file.pk}/", f"/api/v1/files/{file.pk}/"
    client.get(page_url)  # caches the list of live departments
    few_page, few_api = _count(client, page_url), _count(api, api_url)
    for n in range(1, 4):
        _round(desk, file, n)
    assert _count(client, page_url) == few_page
    assert _count(api, api_url) == few_api
    data = api.get(api_url).json()
    assert len(data["paragraphs"]) >= 4 and len(data["drafts"]) == 4
    assert data["paragraphs"][0]["approvals"][0]["post"] == desk.secretary.designation_en
    assert data["movements"][-1]["from_post"] == desk.so.designation_en
