"""The file page and the API's file read make the same number of queries however much is on the
file: paragraphs with decisions, papers on receipts, drafts, movements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.workspace.helpers import open_file, round_of_everything

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_file_page_and_api_read_do_not_grow_with_the_file(client, desk):
    file = open_file(desk)
    round_of_everything(desk, file, 0)
    client.force_login(desk.asst_user)
    api = APIClient()
    api.force_authenticate(desk.asst_user)
    page_url, api_url = f"/desk/files/{file.pk}/", f"/api/v1/files/{file.pk}/"
    client.get(page_url)  # caches the list of live departments
    few_page, few_api = _count(client, page_url), _count(api, api_url)
    for n in range(1, 4):
        round_of_everything(desk, file, n)
    assert _count(client, page_url) == few_page
    assert _count(api, api_url) == few_api
    page = client.get(page_url).content.decode()
    assert page.count("data-citizen-sees") == 4  # each citizen's line, for no extra query
    assert page.count(f'href="/desk/files/{file.pk}/read/') >= 4  # each receipt's scan opens
    data = api.get(api_url).json()
    assert len(data["paragraphs"]) >= 4 and len(data["drafts"]) == 4
    assert data["paragraphs"][0]["approvals"][0]["post"] == desk.secretary.designation_en
    assert data["movements"][-1]["from_post"] == desk.so.designation_en
