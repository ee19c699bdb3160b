"""How the index learns of changes: the desk's hook (told inside the change's transaction, the
file reindexed once it commits), the documents app's "text extracted" hook, and retries of
failed updates. The database queue's side (the job's row in the change's own transaction, one
a file a transaction) is in ``tests/workspace/test_file_action.py``."""

import pytest

import search
from documents.models import PaperText
from documents.services import paper_upload
from search import tasks
from search.models import FileDocument, PendingReindex
from tests.documents.corpus import text_pdf, upload
from workspace.services import correspondence, files, notes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def ids(results):
    return [h.file_id for h in results.hits]


def _open(o, subject="Bridge repairs on the Swat river"):
    return files.file_open(actor=o.asst_user, post=o.asst, subject_head=o.head, subject=subject)


def test_a_committed_change_is_indexed_and_an_uncommitted_one_is_not(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file = _open(desk)
    assert not FileDocument.objects.filter(file=file).exists()  # nothing before commit
    for callback in callbacks:
        callback()
    assert FileDocument.objects.filter(file=file).exists()
    with django_capture_on_commit_callbacks(execute=True):
        notes.note_add(actor=desk.asst_user, file=file, text="Estimates for the abutments.")
    assert ids(search.search_files(user=desk.asst_user, query="abutments")) == [file.pk]


def test_text_extracted_from_a_paper_on_the_file_is_searchable(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file = _open(desk)
        correspondence.paper_enclose(
            actor=desk.asst_user,
            file=file,
            upload=upload("sanction.pdf", text_pdf(1, "Sanction for the culvert widening")),
        )
    results = search.search_files(user=desk.asst_user, query="culvert")
    assert ids(results) == [file.pk]
    assert "<mark>culvert</mark>" in results.hits[0].snippet_html
    assert ids(search.search_files(user=desk.other_user, query="culvert")) == []


def test_paper_text_extracted_reindexes_the_files_the_paper_is_on(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file = _open(desk)
        enclosure = correspondence.paper_enclose(
            actor=desk.asst_user, file=file, upload=upload("a.pdf", text_pdf(1, "Nothing yet"))
        )
    version = enclosure.paper.versions.order_by("-number").first()
    # As when a worker extracts the text after the paper is already on the file:
    PaperText.objects.update_or_create(version=version, defaults={"content": "Tubewell tender"})
    assert ids(search.search_files(user=desk.asst_user, query="tubewell")) == []
    with django_capture_on_commit_callbacks(execute=True):
        search.paper_text_extracted(version.pk)
    assert ids(search.search_files(user=desk.asst_user, query="tubewell")) == [file.pk]


def test_paper_text_extracted_for_a_paper_on_no_file_does_nothing(
    desk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file = _open(desk)
        version = paper_upload(
            actor=desk.asst_user,
            upload=upload("loose.pdf", text_pdf(1, "Loose")),
            kind="attachment",
        )
    indexed = FileDocument.objects.get(file=file).updated_at
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        search.paper_text_extracted(version.pk)  # on no file: nothing to reindex
        search.paper_text_extracted(987654)  # no such version: nothing either
    assert callbacks == []
    assert FileDocument.objects.get(file=file).updated_at == indexed


def test_a_failed_update_is_retried_then_left_pending_for_check(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    backend = search.get_backend()
    calls = []

    def broken(file_ids):
        calls.append(list(file_ids))
        raise ConnectionError("index unreachable")

    monkeypatch.setattr(backend, "index_files", broken)
    with django_capture_on_commit_callbacks(execute=True):
        file = _open(desk)  # the desk action itself succeeds
    assert len(calls) == tasks.MAX_ATTEMPTS
    pending = PendingReindex.objects.get(file_id=file.pk)
    assert pending.attempts == tasks.MAX_ATTEMPTS
    assert "index unreachable" in pending.last_error

    monkeypatch.undo()
    report = search.check()
    assert report.pending == [file.pk] and report.missing == [file.pk]
    report = search.check(repair=True)
    assert report.repaired >= 1
    assert not PendingReindex.objects.exists()
    assert search.check().ok
    assert ids(search.search_files(user=desk.asst_user, query="swat")) == [file.pk]


def test_a_retry_that_succeeds_clears_the_pending_entry(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    file = _open(desk)
    backend = search.get_backend()
    real = backend.index_files
    attempts = []

    def flaky(file_ids):
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("slow")
        return real(file_ids)

    monkeypatch.setattr(backend, "index_files", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        search.file_changed(file.pk)
        assert attempts == []  # inline tasks run once the transaction commits
    assert len(attempts) == 2
    assert not PendingReindex.objects.exists()
    assert FileDocument.objects.filter(file=file).exists()


def test_a_queueing_failure_is_recorded_not_raised(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    file = _open(desk)

    def refuse(*args, **kwargs):
        raise RuntimeError("task queue down")

    backend = tasks.reindex_file.get_backend()
    monkeypatch.setattr(type(backend), "enqueue", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        search.file_changed(file.pk)  # does not raise
    assert PendingReindex.objects.get(file_id=file.pk).attempts == 0
    assert "task queue down" in PendingReindex.objects.get(file_id=file.pk).last_error


def test_a_desk_action_whose_reindex_cannot_be_queued_is_made_and_the_file_left_pending(
    desk, monkeypatch, django_capture_on_commit_callbacks
):
    """With the inline backend the job is queued after the commit: a queue that refuses it
    then does not undo the action, and the file waits for ``check --repair``."""
    file = _open(desk)

    def refuse(*args, **kwargs):
        raise RuntimeError("task queue down")

    monkeypatch.setattr(type(tasks.reindex_file.get_backend()), "enqueue", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        notes.note_add(actor=desk.asst_user, file=file, text="Estimates for the abutments.")
    assert file.paragraphs.count() == 1
    assert PendingReindex.objects.get(file_id=file.pk).attempts == 0


def test_the_demo_step_indexes_what_is_missing(desk):
    from demo import search as demo

    file = _open(desk)  # made outside the after-commit hooks: not indexed yet
    lines = []
    demo.seed(progress=lines.append)
    assert FileDocument.objects.filter(file=file).exists()
    assert "1 files; 1 index entries written or repaired (database backend)" in lines[0]


def test_a_receipt_is_found_only_through_the_file_it_is_on(
    desk, django_capture_on_commit_callbacks
):
    """The index names a receipt (sender, subject) only inside the file it is on, so a search
    sees it exactly as the desk does (``access.visible_receipts``: a receipt on a file is the
    file's to see): an unclassified letter on a confidential file is not found by a colleague
    of the department, who gets 404 on the file too."""
    from tests.factories import HoldingFactory, PostFactory, UserFactory
    from workspace import access
    from workspace.models import Grading
    from workspace.services import receipts

    colleague = UserFactory(username="fd-asst2")
    HoldingFactory(post=PostFactory(section=desk.section, level=10), user=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = receipts.receipt_diarise(
            actor=desk.asst_user, post=desk.asst, sender="Khyber Pass Traders",
            subject="Tender of the Landikotal bypass",
        )  # fmt: skip
        file = files.file_open(
            actor=desk.asst_user, post=desk.asst, subject_head=desk.head,
            subject="Inquiry", grading=Grading.CONFIDENTIAL, receipt=receipt,
        )  # fmt: skip
    assert ids(search.search_files(user=desk.asst_user, query="Landikotal")) == [file.pk]
    assert ids(search.search_files(user=colleague, query="Landikotal")) == []
    receipt.refresh_from_db()
    assert not access.can_view_receipt(user=colleague, receipt=receipt)
    assert access.can_view_receipt(user=desk.asst_user, receipt=receipt)
