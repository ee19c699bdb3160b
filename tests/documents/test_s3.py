"""The S3 path, against moto's HTTP server on 127.0.0.1 (a real endpoint, not a mock), and
what happens when that endpoint or the database fails: never a row without its object, never
an object without its row."""

import hashlib
import time
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from documents import integrity, storage
from documents.models import PaperVersion
from documents.services import paper_add_version, paper_discard, paper_upload
from kernel.errors import ActionRefused
from tests.documents import corpus
from tests.documents.conftest import bucket_keys, snapshot


def _upload(clerk, name="letter.pdf", content=None):
    return paper_upload(
        actor=clerk, upload=corpus.upload(name, content or corpus.text_pdf(2)), kind="scan"
    )


def test_upload_lands_in_the_private_bucket(s3, clerk):
    assert storage.is_s3()
    version = _upload(clerk)
    assert bucket_keys(s3) == [version.storage_name]
    head = s3.client.head_object(Bucket=s3.bucket, Key=version.storage_name)
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == version.size
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=version.storage_name)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}))]


def test_download_redirects_to_a_presigned_url_valid_a_minute(s3, client, clerk):
    version = _upload(clerk, "PDA letter.pdf")
    client.force_login(clerk)
    response = client.get(reverse("documents:download", args=[version.pk]))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(s3.server.endpoint)
    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:  # SigV4
        assert int(query["X-Amz-Expires"][0]) <= 60
    else:  # SigV2: an absolute expiry time
        assert int(query["Expires"][0]) - time.time() <= 61
    assert "Signature" in url
    assert "attachment" in urllib.request.unquote(url)
    with urllib.request.urlopen(url, timeout=10) as fetched:
        body = fetched.read()
        assert 'filename="PDA letter.pdf"' in fetched.headers["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == version.sha256


def test_download_on_s3_still_answers_404_to_others(s3, client, clerk, officer):
    version = _upload(clerk)
    client.force_login(officer)
    assert client.get(reverse("documents:download", args=[version.pk])).status_code == 404


def test_s3_refusing_the_write_leaves_nothing(s3, clerk):
    before = snapshot()
    s3.server.fail["PUT"] = True
    with pytest.raises(ActionRefused, match="nothing was saved"):
        _upload(clerk)
    s3.server.fail.clear()
    assert snapshot() == before
    assert bucket_keys(s3) == []


def test_a_deleted_bucket_leaves_no_row(s3, clerk):
    s3.client.delete_bucket(Bucket=s3.bucket)
    before = snapshot_rows()
    with pytest.raises(ActionRefused):
        _upload(clerk)
    assert snapshot_rows() == before


def snapshot_rows():
    return snapshot(objects=False)


def _fail_in_database(**kwargs):
    """A real database error in the middle of the service's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM documents_no_such_table")


def test_database_failure_after_the_write_removes_the_object(s3, clerk, monkeypatch):
    _upload(clerk, "kept.pdf")
    before = snapshot()
    monkeypatch.setattr("documents.services.audit.record", _fail_in_database)
    with pytest.raises(Exception, match="no_such_table"):
        _upload(clerk, "lost.pdf")
    assert snapshot() == before
    assert len(bucket_keys(s3)) == 1


def test_database_failure_on_a_new_version_removes_only_the_new_object(s3, clerk, monkeypatch):
    first = _upload(clerk)
    monkeypatch.setattr("documents.services.audit.record", _fail_in_database)
    with pytest.raises(Exception, match="no_such_table"):
        paper_add_version(
            actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf(3))
        )
    assert bucket_keys(s3) == [first.storage_name]
    assert PaperVersion.objects.count() == 1


def test_when_the_compensating_delete_fails_too_verify_finds_the_orphan(s3, clerk, monkeypatch):
    kept = _upload(clerk)
    monkeypatch.setattr("documents.services.audit.record", _fail_in_database)

    real_save = storage.save_object

    def save_then_break_deletes(*args, **kwargs):
        name = real_save(*args, **kwargs)
        s3.server.fail["DELETE"] = True
        return name

    monkeypatch.setattr(storage, "save_object", save_then_break_deletes)
    with pytest.raises(Exception, match="no_such_table"):
        _upload(clerk)
    s3.server.fail.clear()
    orphans = [p.name for p in integrity.check_orphans()]
    assert len(orphans) == 1 and orphans[0] != kept.storage_name
    assert list(integrity.check_versions()) == []
    from datetime import timedelta

    assert integrity.delete_orphans(older_than=timedelta(0)) == orphans
    assert bucket_keys(s3) == [kept.storage_name]


def test_discard_on_s3_deletes_the_objects_after_commit(
    s3, clerk, django_capture_on_commit_callbacks
):
    version = _upload(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        paper_discard(actor=clerk, paper=version.paper)
    assert bucket_keys(s3) == []


def test_extraction_reads_from_s3(s3, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = _upload(clerk, content=corpus.text_pdf(4, "Mardan"))
    version.refresh_from_db()
    assert version.page_count == 4 and "Mardan page 4" in version.text.content


def test_verify_reports_an_altered_and_a_missing_object_on_s3(s3, clerk):
    altered, missing = _upload(clerk), _upload(clerk)
    s3.client.put_object(Bucket=s3.bucket, Key=altered.storage_name, Body=b"%PDF-1.4 forged")
    s3.client.delete_object(Bucket=s3.bucket, Key=missing.storage_name)
    problems = {(p.kind, p.version_id) for p in integrity.check_versions()}
    assert problems == {("altered", altered.pk), ("missing", missing.pk)}
