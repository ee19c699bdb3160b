"""Papers on receipts and files: through the documents pipeline, stamped, visible only with
their file, frozen when an approved note rests on them, and never orphaned."""

import io

import pytest
from pypdf import PdfReader

from documents import storage
from documents.models import Paper, PaperRendition, PaperVersion
from kernel.errors import ActionRefused, ValidationError
from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace import access
from workspace.models import Enclosure, Receipt
from workspace.services import approvals, correspondence, movement, notes, numbering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _first_page_text(version: PaperVersion | PaperRendition) -> str:
    with storage.open_object(version.storage_name) as fh:
        return PdfReader(io.BytesIO(fh.read())).pages[0].extract_text()


def test_scans_are_diarised_and_stamped_with_the_diary_number(desk):
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(2, "Budget release"))])
    paper = receipt.papers.get()
    assert paper.versions.count() == 1  # the scan as received: the stamp is a copy beside it
    scan = paper.current_version
    assert receipt.diary_label not in _first_page_text(scan)
    stamped = scan.renditions.get()
    assert receipt.diary_label in _first_page_text(stamped)


@pytest.mark.django_db(transaction=True)  # discards delete objects on real commit
def test_a_failed_diarising_leaves_no_paper_and_no_object(desk, monkeypatch):
    def broken(scope):
        raise RuntimeError("database went away")

    monkeypatch.setattr(numbering, "take", broken)
    with pytest.raises(RuntimeError):
        diarise(desk, scans=[upload("letter.pdf", text_pdf(1))])
    assert Receipt.objects.count() == 0
    assert Paper.objects.count() == 0
    assert list(storage.iter_object_names()) == []


def test_a_hostile_scan_is_refused_and_nothing_is_kept(desk):
    with pytest.raises(ValidationError):
        diarise(desk, scans=[upload("letter.pdf", b"MZ\x90\x00 this is a Windows program")])
    assert Receipt.objects.count() == 0 and Paper.objects.count() == 0
    assert list(storage.iter_object_names()) == []


def test_a_paper_put_on_a_file_gets_its_flag_and_follows_the_file(desk):
    file = open_file(desk)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("sanction.pdf", text_pdf(1, "Sanction"))
    )
    assert enclosure.flag == "A" and enclosure.paper.versions.count() == 1
    enclosure.paper.refresh_from_db()
    assert "Flag A" in _first_page_text(enclosure.paper.current_version.renditions.get())
    paper = enclosure.paper
    assert access.can_view_paper(user=desk.so_user, paper=paper)  # same department
    assert not access.can_view_paper(user=desk.other_user, paper=paper)  # other department
    movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.other_so)
    assert access.can_view_paper(user=desk.other_user, paper=paper)  # the file passed through


def test_download_refused_with_404_to_those_who_cannot_see_the_file(desk, client):
    file = open_file(desk)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("sanction.pdf", text_pdf(1))
    )
    enclosure.paper.refresh_from_db()
    url = f"/desk/papers/{enclosure.paper.current_version_id}/download/"
    client.force_login(desk.other_user)
    assert client.get(url).status_code == 404
    client.force_login(desk.so_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)  # discards delete objects on real commit
def test_a_failed_enclosure_discards_the_uploaded_paper(desk):
    file = open_file(desk)
    with pytest.raises(ActionRefused):
        correspondence.paper_enclose(
            actor=desk.so_user, file=file, upload=upload("x.pdf", text_pdf(1))
        )
    assert Enclosure.objects.count() == 0 and Paper.objects.count() == 0
    assert list(storage.iter_object_names()) == []


def test_papers_an_approved_note_rests_on_are_frozen(desk):
    file = open_file(desk)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("s.pdf", text_pdf(1)), is_puc=True
    )
    para = notes.note_add(
        actor=desk.asst_user,
        file=file,
        text="Sanction at Flag A for approval.",
        refers_to_flags=[enclosure],
    )
    for user in [desk.asst_user, desk.so_user, desk.ds_user]:
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    enclosure.paper.refresh_from_db()
    assert enclosure.paper.is_frozen
    from documents.services import paper_add_version

    with pytest.raises(ActionRefused):
        paper_add_version(
            actor=desk.asst_user, paper=enclosure.paper, upload=upload("s2.pdf", text_pdf(1))
        )
