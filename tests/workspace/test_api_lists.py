"""The API's file list: the visible files and only those, page by page in both directions,
in a number of queries that does not grow with the files, serialized exactly as the declared
fields say."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework import serializers

from organisation.models import Post
from tests.workspace.helpers import api_client, open_file, visibility_office
from workspace import access, api
from workspace import serializers as desk_serializers
from workspace.models import File, Grading
from workspace.services import movement

pytestmark = pytest.mark.django_db


def test_visible_file_ids_follow_the_rules_of_visible_files(desk):
    visible, hidden = visibility_office(desk)
    user = desk.so_user
    assert set(access.visible_files(user).values_list("pk", flat=True)) == visible
    everything = sorted(visible, reverse=True)
    assert access.visible_file_ids(user, limit=100) == everything
    assert access.visible_file_ids(user, limit=3) == everything[:3]
    assert access.visible_file_ids(user, limit=3, beyond=everything[2]) == everything[3:6]
    oldest = sorted(visible)
    assert access.visible_file_ids(user, limit=2, newest_first=False) == oldest[:2]
    assert (
        access.visible_file_ids(user, limit=2, beyond=oldest[1], newest_first=False)
        == (oldest[2:4])
    )
    assert not hidden & set(access.visible_file_ids(user, limit=100))


@pytest.mark.postgres
def test_the_first_page_read_compiled_agrees_with_the_rules(desk):
    """The API's first page (``FIRST_FILES`` ids, newest first) is one compiled read on
    PostgreSQL: the same ids as the rules give, for officers who see different files, before
    and after there are more than a page of them."""
    visibility_office(desk)
    users = [desk.so_user, desk.asst_user, desk.other_user, desk.ds_user]
    first = access.FIRST_FILES

    def expected(user):
        return sorted(access.visible_files(user).values_list("pk", flat=True), reverse=True)

    for user in users:
        assert access.visible_file_ids(user, limit=first) == expected(user)[:first]
    for n in range(first + 2):
        f = open_file(desk, subject=f"Bulk {n}", grading=n % 4)
        if n % 5 == 0:
            movement.file_mark(actor=desk.asst_user, file=f, to_post=desk.other_so)
    for user in users:
        assert access.visible_file_ids(user, limit=first) == expected(user)[:first]
    assert len(expected(desk.asst_user)) > first
    assert len({tuple(expected(u)[:first]) for u in users}) == len(users)
    assert access._first_file_ids._compiled


def test_the_list_pages_forward_and_back_through_the_visible_files(desk, monkeypatch):
    monkeypatch.setattr(api.NewestVisibleFirst, "page_size", 3)
    visible, _ = visibility_office(desk)
    client = api_client(desk.so_user)
    pages, url = [], "/api/v1/files/"
    while url:
        body = client.get(url).json()
        pages.append([f["id"] for f in body["results"]])
        url = body["next"]
    assert [pk for page in pages for pk in page] == sorted(visible, reverse=True)
    assert all(len(page) == 3 for page in pages[:-1])
    # And back from the last page.
    back, url = [], body["previous"]
    while url:
        body = client.get(url).json()
        back.insert(0, [f["id"] for f in body["results"]])
        url = body["previous"]
    assert back == pages[:-1]
    assert client.get("/api/v1/files/?cursor=cD1hYmM=").status_code == 404


def test_the_list_makes_the_same_queries_for_many_files_and_walks_no_file_table(desk):
    client = api_client(desk.so_user)
    visibility_office(desk)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/files/").status_code == 200
    for i in range(30):
        f = open_file(desk, subject=f"More {i}")
        if i % 3 == 0:
            movement.file_mark(actor=desk.asst_user, file=f, to_post=desk.so)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/files/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.json()["results"]) == 37
    # The page is found rule by rule, not with the rules OR-ed (custody as EXISTS) over files.
    assert not [q["sql"] for q in many.captured_queries if "EXISTS" in q["sql"]]


class _DeclaredPost(serializers.ModelSerializer):
    department = serializers.CharField(source="section.department.code")
    section = serializers.CharField(source="section.code")

    class Meta:
        model = Post
        fields = desk_serializers.PostSerializer.Meta.fields


class _DeclaredFile(serializers.ModelSerializer):
    """FileSerializer's declared fields through DRF's generic path: the reference."""

    holding_post = _DeclaredPost(allow_null=True)
    priority = serializers.CharField(source="get_priority_display")
    grading = serializers.CharField(source="get_grading_display")

    class Meta:
        model = File
        fields = desk_serializers.FileSerializer.Meta.fields


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_file_serializer_gives_what_its_declared_fields_give(desk, language):
    urgent = open_file(desk, subject="Urgent", priority=2, grading=Grading.RESTRICTED)
    movement.file_mark(
        actor=desk.asst_user,
        file=urgent,
        to_post=desk.so,
        due_on=urgent.opened_at.date().replace(year=urgent.opened_at.year + 1),
    )
    files = list(File.objects.select_related("holding_post__section__department"))
    files.append(File(pk=0, number="X/1", subject="Nowhere", priority=0, grading=0))
    files[-1].opened_at = urgent.opened_at
    files[-1].desk_since = urgent.desk_since
    with translation.override(language):
        assert (
            desk_serializers.FileSerializer(files, many=True).data
            == _DeclaredFile(files, many=True).data
        )
        assert desk_serializers.PostSerializer(desk.so).data == _DeclaredPost(desk.so).data
