"""Who may add a new version of a paper, and when never (issue 17, point 3).

A new version only by the holder of the post that holds the file the paper is on (or the
uploader while the paper is on no file); never once the paper is final: approved, issued, on
a closed file, a KPI return's original. The right to act is checked before the upload is
stored, so a refusal — by the service, the screen or the API — leaves no object in storage,
no row, no audit row and no queued task."""

from contextlib import contextmanager

import pytest
from django_tasks import default_task_backend

from documents.models import Paper
from documents.services import paper_add_version, paper_upload
from kernel.errors import ActionRefused, PermissionDenied
from tests.documents.conftest import snapshot
from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import api_client, diarise, open_file
from workspace.services import approvals, correspondence, movement, notes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_and_queue(settings, tmp_path):
    """Papers on a temporary disk; tasks queued on the dummy backend, so a test can see
    whether anything was queued."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()


@pytest.fixture
def nothing_left(django_capture_on_commit_callbacks):
    """``with nothing_left(): ...`` — no row, no audit row, no stored object, nothing queued
    to run after the commit (the callbacks are run, so a queued task would show)."""

    @contextmanager
    def check():
        before = snapshot()
        queued = len(default_task_backend.results)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield
        assert snapshot() == before
        assert callbacks == []
        assert len(default_task_backend.results) == queued

    return check


def _new():
    return upload("forged.pdf", text_pdf(1, "A different letter"))


@pytest.fixture
def on_file(desk):
    """A file at the Assistant's desk with a paper on it (Flag A, the PUC) and a receipt whose
    scan is on it too (Flag B)."""
    file = open_file(desk)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("letter.pdf", text_pdf(1)), is_puc=True
    )
    receipt = diarise(desk, scans=[upload("scan.pdf", text_pdf(1, "Scan"))])
    correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=receipt)
    file.refresh_from_db()
    return file, enclosure.paper, receipt.papers.get()


def test_the_holder_of_the_files_post_adds_a_version(desk, on_file):
    file, paper, scan = on_file
    before = paper.versions.count()
    version = paper_add_version(actor=desk.asst_user, paper=paper, upload=_new())
    assert paper.versions.count() == before + 1
    paper.refresh_from_db()
    assert paper.current_version == version
    assert paper_add_version(actor=desk.asst_user, paper=scan, upload=_new()).paper_id == scan.pk


def test_an_officer_who_only_sees_the_file_is_refused_with_nothing_stored(
    desk, on_file, nothing_left
):
    file, paper, scan = on_file
    # The Secretary's post is in another section of the department: the unclassified file is
    # visible to her, but it is not at her desk.
    for target in (paper, scan):
        with nothing_left(), pytest.raises(PermissionDenied, match="desk"):
            paper_add_version(actor=desk.secretary_user, paper=target, upload=_new())


def test_the_uploader_loses_the_right_once_the_file_moves_on(desk, on_file, nothing_left):
    file, paper, _ = on_file
    movement.file_put_up(actor=desk.asst_user, file=file)
    with nothing_left(), pytest.raises(PermissionDenied):
        paper_add_version(actor=desk.asst_user, paper=paper, upload=_new())
    # ... and the Section Officer, now holding the file, may.
    assert (
        paper_add_version(actor=desk.so_user, paper=paper, upload=_new()).created_by == desk.so_user
    )


def test_a_paper_on_nothing_is_the_uploaders_alone(desk):
    version = paper_upload(actor=desk.asst_user, upload=upload("a.pdf", text_pdf(1)), kind="scan")
    assert paper_add_version(actor=desk.asst_user, paper=version.paper, upload=_new()).number == 2


def _approve_note_on(desk, file, enclosure_ids):
    para = notes.note_add(
        actor=desk.asst_user,
        file=file,
        text="Funds may be released.",
        refers_to_flags=enclosure_ids,
    )
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    file.refresh_from_db()
    return file


def test_an_approved_paper_is_final_even_at_the_holders_desk(desk, on_file, nothing_left):
    file, paper, scan = on_file
    file = _approve_note_on(desk, file, list(file.enclosures.all()))
    holder = desk.ds_user  # the file came back down to the Deputy Secretary
    assert file.holding_post == desk.ds
    for target in (paper, scan):
        target.refresh_from_db()
        assert target.is_frozen, "the note's papers (the receipt's scan too) freeze at approval"
        with nothing_left(), pytest.raises(ActionRefused, match="no longer be changed"):
            paper_add_version(actor=holder, paper=target, upload=_new())


def test_a_cited_paper_stays_final_even_if_it_was_never_frozen(
    desk, on_file, nothing_left, monkeypatch
):
    """The rule reads the approval itself, not only the freeze it left (papers approved
    before approvals froze them: here the freeze is switched off for the approval)."""
    from workspace.services import papers

    file, paper, _ = on_file
    monkeypatch.setattr(papers, "freeze_all", lambda **kwargs: None)
    file = _approve_note_on(desk, file, list(file.enclosures.filter(paper=paper)))
    paper.refresh_from_db()
    assert not paper.is_frozen
    with nothing_left(), pytest.raises(ActionRefused, match="approved note"):
        paper_add_version(actor=desk.ds_user, paper=paper, upload=_new())


def test_a_paper_on_a_closed_file_is_final(desk, on_file, nothing_left):
    file, paper, scan = on_file
    movement.file_close(actor=desk.asst_user, file=file)
    for target in (paper, scan):
        with nothing_left(), pytest.raises(ActionRefused, match="closed"):
            paper_add_version(actor=desk.asst_user, paper=target, upload=_new())


def test_an_issued_letter_and_a_kpi_return_are_final(desk, nothing_left):
    file = open_file(desk)
    for kind in (Paper.Kind.KPI_RETURN, Paper.Kind.ISSUED_LETTER):
        version = paper_upload(actor=desk.asst_user, upload=upload("r.pdf", text_pdf(1)), kind=kind)
        with nothing_left(), pytest.raises(ActionRefused, match="original"):
            paper_add_version(actor=desk.asst_user, paper=version.paper, upload=_new())
    assert file.pk


# --- the screen and the API ask the same service ---------------------------------------------


def test_the_screen_refuses_a_non_holder_and_stores_nothing(client, desk, on_file, nothing_left):
    file, paper, _ = on_file
    client.force_login(desk.secretary_user)
    page = client.get(f"/desk/papers/paper/{paper.pk}/").content.decode()
    assert "Add a version" not in page and "at whose desk" in page
    with nothing_left():
        response = client.post(f"/desk/papers/paper/{paper.pk}/versions/", {"upload": _new()})
    assert response.status_code == 403
    assert "at whose desk" in response.content.decode()


def test_the_screen_refuses_a_frozen_paper_and_stores_nothing(client, desk, on_file, nothing_left):
    file, paper, _ = on_file
    movement.file_close(actor=desk.asst_user, file=file)
    client.force_login(desk.asst_user)
    with nothing_left():
        response = client.post(f"/desk/papers/paper/{paper.pk}/versions/", {"upload": _new()})
    assert response.status_code == 409
    assert "is closed" in response.content.decode()


def test_the_screen_lets_the_holder_add_a_version(client, desk, on_file):
    file, paper, _ = on_file
    client.force_login(desk.asst_user)
    assert "Add a version" in client.get(f"/desk/papers/paper/{paper.pk}/").content.decode()
    before = paper.versions.count()
    response = client.post(f"/desk/papers/paper/{paper.pk}/versions/", {"upload": _new()})
    assert response.status_code == 302
    assert paper.versions.count() == before + 1


def test_the_api_refuses_a_non_holder_a_frozen_paper_and_a_stranger(desk, on_file, nothing_left):
    file, paper, _ = on_file
    url = f"/api/v1/papers/{paper.pk}/versions/"
    with nothing_left():
        refused = api_client(desk.secretary_user).post(url, {"upload": _new()}, format="multipart")
        assert refused.status_code == 403 and "desk" in refused.json()["detail"]
        stranger = api_client(desk.other_user).post(url, {"upload": _new()}, format="multipart")
        assert stranger.status_code == 404  # another department: not told it exists
    movement.file_close(actor=desk.asst_user, file=file)
    with nothing_left():
        frozen = api_client(desk.asst_user).post(url, {"upload": _new()}, format="multipart")
    assert frozen.status_code == 409 and "closed" in frozen.json()["detail"]


def test_the_api_adds_a_version_for_the_holder(desk, on_file, django_capture_on_commit_callbacks):
    file, paper, _ = on_file
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(desk.asst_user).post(
            f"/api/v1/papers/{paper.pk}/versions/", {"upload": _new()}, format="multipart"
        )
    assert response.status_code == 201
    paper.refresh_from_db()
    assert response.json()["id"] == paper.current_version_id
    assert len(default_task_backend.results) >= 1  # the text extraction was queued
