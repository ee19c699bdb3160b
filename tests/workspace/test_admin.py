"""The admin shows desk records but cannot write them; organisation edits are audited."""

import pytest

from kernel.models import AuditEvent
from tests.workspace.helpers import open_file
from workspace.models import SubjectHead

pytestmark = pytest.mark.django_db


def test_admin_cannot_add_or_change_files(client, admin_user, desk):
    file = open_file(desk)
    client.force_login(admin_user)
    assert client.get("/django-admin/workspace/file/").status_code == 200
    assert client.get("/django-admin/workspace/file/add/").status_code == 403
    response = client.post(
        f"/django-admin/workspace/file/{file.pk}/change/", {"subject": "Changed in admin"}
    )
    assert response.status_code == 403
    file.refresh_from_db()
    assert file.subject != "Changed in admin"


def test_subject_heads_are_kept_through_the_audited_service(client, admin_user, desk):
    client.force_login(admin_user)
    response = client.post(
        "/django-admin/workspace/subjecthead/add/",
        {
            "department": desk.dept.pk,
            "code": "40",
            "name_en": "Loans and advances",
            "name_ur": "قرضے",
        },
    )
    assert response.status_code == 302
    assert SubjectHead.objects.filter(code="40").exists()
    assert AuditEvent.objects.filter(action="subjecthead.create", actor=admin_user).exists()
