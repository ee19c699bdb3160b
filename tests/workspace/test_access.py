"""``access.can_view_file`` (the rule checked on one loaded file) against ``visible_files``
(the rule as a query): the same answer for every user and file of a desk, and the file page
answering 404 wherever they say no."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.workspace.helpers import visibility_office
from workspace import access
from workspace.models import File
from workspace.selectors import desk as selectors

pytestmark = pytest.mark.django_db


def _users(desk):
    return [
        desk.so_user,
        desk.asst_user,
        desk.secretary_user,
        desk.other_user,
        UserFactory(username="no-post"),
        AnonymousUser(),
    ]


def test_can_view_file_agrees_with_visible_files_for_every_user_and_file(desk):
    visible, hidden = visibility_office(desk)
    files = list(File.objects.all())
    assert len(files) == len(visible | hidden)
    for user in _users(desk):
        seen = set(access.visible_files(user).values_list("pk", flat=True))
        for file in files:
            assert access.can_view_file(user=user, file=file) == (file.pk in seen), (
                user,
                file.subject,
            )
        found = {f.pk for f in files if selectors.file_for(user=user, pk=f.pk) is not None}
        assert found == seen, user
    # the Section Officer's own view of the office, as _office describes it
    so_sees = {f.pk for f in files if access.can_view_file(user=desk.so_user, file=f)}
    assert so_sees == visible and not so_sees & hidden


def test_only_a_file_seen_through_its_custody_costs_a_query(desk):
    visible, hidden = visibility_office(desk)
    user = desk.so_user
    access.my_post_ids(user)  # the holdings, read once a request
    by_subject = {f.subject: f for f in File.objects.all()}
    with CaptureQueriesContext(connection) as queries:
        assert access.can_view_file(user=user, file=by_subject["Budget 0"])  # my department
        assert not access.can_view_file(user=user, file=by_subject["HED 0"])  # custody probe
    assert len(queries) == 1
    assert "workspace_movement" in queries[0]["sql"]


def test_the_file_page_answers_404_for_a_file_not_seen(desk, client):
    visible, hidden = visibility_office(desk)
    client.force_login(desk.so_user)
    for pk in hidden:
        assert client.get(reverse("workspace:file", args=[pk])).status_code == 404
    for pk in visible:
        response = client.get(reverse("workspace:file", args=[pk]))
        assert response.status_code == 200
        assert response.context["file"].pk == pk
