"""Failures on local disk: storage errors, database errors and extraction crashes leave no
row without its object and no object without its row; documents_verify proves it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from documents import storage
from documents.models import PaperVersion
from documents.services import paper_upload
from kernel.errors import ActionRefused
from tests.documents import corpus
from tests.documents.conftest import snapshot


def _upload(clerk, content=None):
    return paper_upload(
        actor=clerk, upload=corpus.upload("a.pdf", content or corpus.text_pdf()), kind="scan"
    )


def test_a_disk_that_fails_half_way_leaves_no_partial_file(clerk, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save

    def write_then_fail(self, name, content):
        real_save(self, name, content)
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", write_then_fail)
    before = snapshot()
    with pytest.raises(ActionRefused):
        _upload(clerk)
    assert snapshot() == before


@pytest.mark.parametrize("where", ["paper", "version", "audit"])
def test_database_error_at_any_point_removes_the_object(clerk, monkeypatch, where):
    def fail(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM documents_no_such_table")

    target = {
        "paper": "documents.models.Paper.full_clean",
        "version": "documents.models.PaperVersion.full_clean",
        "audit": "documents.services.audit.record",
    }[where]
    monkeypatch.setattr(target, fail)
    before = snapshot()
    with pytest.raises(Exception, match="no_such_table"):
        _upload(clerk)
    assert snapshot() == before


def test_extraction_crash_keeps_the_paper_and_marks_it(
    clerk, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(stream):
        raise RuntimeError("extractor crashed")

    monkeypatch.setitem(
        __import__("documents.extraction", fromlist=["EXTRACTORS"]).EXTRACTORS,
        "application/pdf",
        crash,
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = _upload(clerk)
    version.refresh_from_db()
    assert version.text_status == PaperVersion.TextStatus.FAILED
    assert storage.storage().exists(version.storage_name)
    out, err = StringIO(), StringIO()
    call_command("documents_verify", stdout=out, stderr=err)
    assert "All stored papers match" in out.getvalue()


def test_thumbnail_row_failure_removes_the_thumbnail(
    clerk, monkeypatch, django_capture_on_commit_callbacks
):
    real_save = PaperVersion.save

    def refuse_thumbnail(self, *args, **kwargs):
        if "thumbnail_name" in (kwargs.get("update_fields") or ()):
            raise RuntimeError("database gone")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(PaperVersion, "save", refuse_thumbnail)
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(
            actor=clerk, upload=corpus.upload("s.png", corpus.png((500, 400))), kind="scan"
        )
    version.refresh_from_db()
    assert version.thumbnail_name == ""
    assert snapshot()["objects"] == [version.storage_name]


def test_verify_is_clean_then_reports_each_problem(clerk, media_root):
    good, altered, missing = _upload(clerk), _upload(clerk), _upload(clerk)
    out, err = StringIO(), StringIO()
    call_command("documents_verify", stdout=out, stderr=err)
    assert "checked 3 of 3 versions" in out.getvalue()

    (media_root / altered.storage_name).write_bytes(b"%PDF-1.4 forged")
    (media_root / missing.storage_name).unlink()
    orphan = media_root / "papers" / "2020" / "01" / "stray.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left behind")

    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("documents_verify", stdout=out, stderr=err)
    assert exit_code.value.code == 1
    report = err.getvalue()
    assert f"altered: version {altered.pk}" in report
    assert f"missing: version {missing.pk}" in report
    assert "orphan: papers/2020/01/stray.pdf" in report
    assert good.storage_name not in report
    assert "3 problem(s) found" in report


def test_verify_deletes_old_orphans_only_when_asked(clerk, media_root):
    _upload(clerk)
    orphan = media_root / "papers" / "stray.pdf"
    orphan.write_bytes(b"left behind")
    with pytest.raises(SystemExit):
        call_command("documents_verify", stdout=StringIO(), stderr=StringIO())
    assert orphan.exists()
    with pytest.raises(SystemExit):  # younger than the grace period: kept
        call_command("documents_verify", "--delete-orphans", stdout=StringIO(), stderr=StringIO())
    assert orphan.exists()
    out = StringIO()
    call_command(
        "documents_verify", "--delete-orphans", "--grace-minutes=-1", stdout=out, stderr=StringIO()
    )
    assert not orphan.exists() and "deleted orphan papers/stray.pdf" in out.getvalue()
