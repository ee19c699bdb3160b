"""Versions never overwrite each other; a frozen paper is final."""

import pytest
from django.db import IntegrityError, connection, transaction

from documents import storage
from documents.models import Paper, PaperRendition, PaperVersion
from documents.services import (
    paper_add_version,
    paper_discard,
    paper_freeze,
    paper_stamp,
    paper_upload,
)
from kernel.errors import ActionRefused, PermissionDenied, ValidationError
from kernel.models import AuditEvent
from tests.documents import corpus
from tests.documents.conftest import snapshot


@pytest.fixture
def first(clerk):
    return paper_upload(
        actor=clerk, upload=corpus.upload("v1.pdf", corpus.text_pdf(1, "First")), kind="scan"
    )


def _content(version):
    with storage.open_object(version.storage_name) as stored:
        return stored.read()


def test_a_new_version_keeps_the_old_one(clerk, first):
    old_bytes = _content(first)
    second = paper_add_version(
        actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf(2))
    )
    assert second.number == 2 and second.paper_id == first.paper_id
    assert second.storage_name != first.storage_name
    assert _content(first) == old_bytes
    paper = Paper.objects.get(pk=first.paper_id)
    assert paper.current_version == second
    assert list(paper.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEvent.objects.filter(action="paper.add_version", object_id=str(second.pk)).exists()


def test_a_new_version_goes_through_the_same_checks(clerk, first, nothing_left):
    with nothing_left(), pytest.raises(ValidationError) as refused:
        paper_add_version(
            actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.encrypted_pdf())
        )
    assert refused.value.code == "pdf_encrypted"


def test_only_someone_who_may_see_the_paper_adds_versions(officer, first, nothing_left):
    with nothing_left(), pytest.raises(PermissionDenied):
        paper_add_version(
            actor=officer, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf())
        )


def test_freeze_refuses_new_versions_and_stamps(clerk, first, nothing_left):
    paper = paper_freeze(actor=clerk, paper=first.paper, reason="Approved in note ¶7")
    assert paper.is_frozen and paper.frozen_by == clerk
    event = AuditEvent.objects.get(action="paper.freeze")
    assert event.after["sha256"] == first.sha256
    with nothing_left():
        with pytest.raises(ActionRefused, match="no longer be changed"):
            paper_add_version(
                actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf())
            )
        with pytest.raises(ActionRefused):
            paper_stamp(actor=clerk, version=first, text="Diary No. 1")
        with pytest.raises(ActionRefused):
            paper_discard(actor=clerk, paper=first.paper)
        again = paper_freeze(actor=clerk, paper=first.paper, reason="Issued")
    assert again.frozen_reason == "Approved in note ¶7"


def test_freeze_needs_a_reason(clerk, first):
    with pytest.raises(ValidationError):
        paper_freeze(actor=clerk, paper=first.paper, reason="  ")


def test_a_freeze_between_check_and_commit_still_wins(clerk, first, monkeypatch, nothing_left):
    """The frozen flag is read again under the paper's row lock before the version is added."""
    import documents.services as services

    real_run = services.pipeline.run

    def run_then_freeze(intake, steps=None):
        result = real_run(intake, steps)
        Paper.objects.filter(pk=first.paper_id).update(
            frozen_at=first.created_at, frozen_by=clerk, frozen_reason="Approved"
        )
        return result

    monkeypatch.setattr(services.pipeline, "run", run_then_freeze)
    before = snapshot()
    with pytest.raises(ActionRefused):
        paper_add_version(
            actor=clerk, paper=first.paper, upload=corpus.upload("v2.pdf", corpus.text_pdf())
        )
    assert snapshot()["objects"] == before["objects"]
    assert PaperVersion.objects.count() == before["versions"]


def test_stored_identity_cannot_be_changed_through_the_model(first):
    first.sha256 = "0" * 64
    with pytest.raises(ValueError):
        first.save()
    with pytest.raises(ValueError):
        first.save(update_fields=["sha256"])
    first.refresh_from_db()
    first.page_count = 9
    first.save(update_fields=["page_count"])


@pytest.mark.postgres
def test_database_refuses_to_change_a_version_or_unfreeze(clerk, first):
    with pytest.raises(Exception, match="identity"), transaction.atomic():
        PaperVersion.objects.filter(pk=first.pk).update(sha256="0" * 64)
    paper_freeze(actor=clerk, paper=first.paper, reason="Approved")
    with pytest.raises(Exception, match="frozen"), transaction.atomic():
        Paper.objects.filter(pk=first.paper_id).update(frozen_at=None, frozen_by=None)
    with pytest.raises(Exception, match="frozen"), transaction.atomic():
        PaperVersion.objects.filter(pk=first.pk).delete()
    assert connection.vendor == "postgresql"


def test_version_numbers_are_unique_per_paper(clerk, first):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperVersion.objects.create(
            paper=first.paper,
            number=1,
            storage_name="papers/x.pdf",
            original_filename="x.pdf",
            sha256="a" * 64,
            size=1,
            mime_type="application/pdf",
            created_by=clerk,
        )


def test_a_stamp_whose_rows_fail_leaves_no_stored_copy(clerk, first, monkeypatch, nothing_left):
    """The stamped copy's object is written before its row; a failure in the transaction
    deletes it again (the same compensation as every version's)."""
    import documents.services as services

    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with nothing_left(), pytest.raises(RuntimeError):
        paper_stamp(actor=clerk, version=first, text="Diary No. 9")
    assert not PaperRendition.objects.exists()


def test_stamp_makes_a_copy_beside_the_version_never_a_new_version(clerk, first):
    original = _content(first)
    stamped = paper_stamp(actor=clerk, version=first, text="Diary No. 123/2025\n12 Mar 2025")
    assert stamped.version == first and stamped.note == "Diary No. 123/2025 · 12 Mar 2025"
    paper = Paper.objects.get(pk=first.paper_id)
    assert list(paper.versions.values_list("number", flat=True)) == [1]
    assert paper.current_version == first and _content(first) == original
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(_content(stamped))).pages[0].extract_text()
    assert "Diary No. 123/2025" in text and "First page 1" in text


def test_a_scanned_image_is_stamped_as_a_pdf(clerk):
    scan = paper_upload(actor=clerk, upload=corpus.upload("s.png", corpus.png()), kind="scan")
    stamped = paper_stamp(actor=clerk, version=scan, text="Diary No. 7")
    assert stamped.mime_type == "application/pdf" and scan.mime_type == "image/png"


def test_only_someone_who_may_see_the_paper_stamps_it(officer, first, nothing_left):
    with nothing_left(), pytest.raises(PermissionDenied):
        paper_stamp(actor=officer, version=first, text="Diary No. 1")


def test_discard_takes_the_stamped_copies_with_the_paper(
    clerk, first, django_capture_on_commit_callbacks
):
    copy = paper_stamp(actor=clerk, version=first, text="Diary No. 1")
    with django_capture_on_commit_callbacks(execute=True):
        paper_discard(actor=clerk, paper=first.paper)
    assert not PaperRendition.objects.filter(pk=copy.pk).exists()
    assert not storage.storage().exists(copy.storage_name)


def test_discard_deletes_rows_now_and_objects_after_commit(
    clerk, first, django_capture_on_commit_callbacks
):
    name = first.storage_name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paper_discard(actor=clerk, paper=first.paper)
    assert not Paper.objects.filter(pk=first.paper_id).exists()
    assert storage.storage().exists(name)  # the transaction could still roll back
    for callback in callbacks:
        callback()
    assert not storage.storage().exists(name)
    assert AuditEvent.objects.filter(action="paper.discard").exists()


def test_only_the_uploader_discards(officer, first, nothing_left):
    with nothing_left(), pytest.raises(PermissionDenied):
        paper_discard(actor=officer, paper=first.paper)
