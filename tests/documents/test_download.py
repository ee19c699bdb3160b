"""Downloads: permission first (404 otherwise), then an audit row, then the bytes."""

import hashlib

import pytest
from django.urls import reverse

from documents.services import paper_upload
from kernel.models import AuditEvent
from tests.documents import corpus


@pytest.fixture
def version(clerk):
    return paper_upload(
        actor=clerk, upload=corpus.upload("PDA letter.pdf", corpus.text_pdf(2)), kind="scan"
    )


def test_url_is_the_agreed_one(version):
    assert reverse("documents:download", args=[version.pk]) == (
        f"/desk/papers/{version.pk}/download/"
    )


def test_uploader_downloads_and_it_is_audited(client, clerk, version):
    client.force_login(clerk)
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="PDA letter.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == version.sha256
    event = AuditEvent.objects.get(action="paper.download")
    assert (event.actor_id, event.object_id) == (clerk.pk, str(version.pk))


def test_someone_else_gets_404_and_nothing_is_audited(client, officer, version):
    client.force_login(officer)
    before = AuditEvent.objects.count()
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 404
    assert client.get(reverse("documents:download", args=[version.pk + 1000])).status_code == 404
    assert client.get(reverse("documents:view", args=[version.pk])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_sign_in(client, version):
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_inline_view_for_the_note_sheet_side_panel(client, clerk, version):
    client.force_login(clerk)
    response = client.get(reverse("documents:view", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    image = paper_upload(actor=clerk, upload=corpus.upload("s.png", corpus.png()), kind="scan")
    response = client.get(reverse("documents:view", args=[image.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]
    docx = paper_upload(actor=clerk, upload=corpus.upload("d.docx", corpus.docx()), kind="draft")
    response = client.get(reverse("documents:view", args=[docx.pk]))
    assert response["Content-Disposition"].startswith("attachment;")


def test_my_papers_page_does_not_grow_queries_with_rows(
    client, clerk, django_assert_max_num_queries
):
    from tests.documents.factories import PaperVersionFactory

    client.force_login(clerk)
    PaperVersionFactory(paper__created_by=clerk)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("documents:paper_list")).status_code == 200
    PaperVersionFactory.create_batch(15, paper__created_by=clerk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("documents:paper_list"))
    assert response.status_code == 200
    assert response.content.count(b"/desk/papers/paper/") == 16


def test_upload_and_new_version_through_the_screens(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("documents:paper_list"),
        {
            "title": "Budget letter",
            "kind": "scan",
            "upload": corpus.upload("b.pdf", corpus.text_pdf()),
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert b"Budget letter" in detail.content
    paper_id = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    refused = client.post(
        reverse("documents:paper_new_version", args=[paper_id]),
        {"upload": corpus.upload("v2.pdf", corpus.truncated_pdf())},
    )
    assert refused.status_code == 400
    assert b"cut off" in refused.content
    added = client.post(
        reverse("documents:paper_new_version", args=[paper_id]),
        {"upload": corpus.upload("v2.pdf", corpus.text_pdf(2))},
    )
    assert added.status_code == 302


def test_refusal_is_shown_on_the_form(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("documents:paper_list"),
        {"kind": "scan", "upload": corpus.upload("x.pdf", corpus.elf_executable())},
    )
    assert response.status_code == 200
    assert b"computer program" in response.content


def test_admin_shows_papers_read_only(client, admin_user, clerk, version):
    # An administrator who could not open the paper on the desk does not see it here either.
    client.force_login(admin_user)
    changelist = client.get("/django-admin/documents/paper/")
    assert changelist.status_code == 200 and b"PDA letter" not in changelist.content
    # Its uploader, an administrator too, sees it, read only.
    clerk.is_staff = clerk.is_superuser = True
    clerk.save()
    client.force_login(clerk)
    changelist = client.get("/django-admin/documents/paper/")
    assert changelist.status_code == 200 and b"PDA letter" in changelist.content
    assert client.get("/django-admin/documents/paper/add/").status_code == 403
    detail = client.get(f"/django-admin/documents/paper/{version.paper_id}/change/")
    assert detail.status_code == 200 and version.sha256.encode() in detail.content
