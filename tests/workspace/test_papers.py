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
from workspace.models import Enclosure, Grading, Receipt
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


def _note_resting_on(desk, count: int):
    """A file opened on a receipt with a scan (its PUC), ``count`` papers enclosed under flags
    and a note citing them, put up to the Secretary."""
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(1))])
    file = open_file(desk, receipt=receipt)
    flags = [
        correspondence.paper_enclose(
            actor=desk.asst_user, file=file, upload=upload(f"p{i}.pdf", text_pdf(1))
        )
        for i in range(count)
    ]
    para = notes.note_add(
        actor=desk.asst_user, file=file, text="Sanction for approval.", refers_to_flags=flags
    )
    for user in [desk.asst_user, desk.so_user, desk.ds_user]:
        movement.file_put_up(actor=user, file=file)
    return file, para, [receipt.papers.get(), *(flag.paper for flag in flags)]


def test_an_approval_freezes_its_papers_in_queries_that_do_not_grow_with_them(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kernel.models import AuditEvent

    counts = []
    for count in (2, 1, 4):  # the first warms the process's caches (content types)
        file, para, papers = _note_resting_on(desk, count)
        with CaptureQueriesContext(connection) as ctx:
            approvals.note_decide(
                actor=desk.secretary_user, file=file, paragraph=para, decision="approved"
            )
        counts.append(len(ctx.captured_queries))
        for paper in papers:  # the receipt's scan (the PUC) and every flag cited
            paper.refresh_from_db()
            assert paper.is_frozen and paper.frozen_by == desk.secretary_user
            assert paper.frozen_reason == f"Part of approved note {para}"
        rows = AuditEvent.objects.filter(
            action="paper.freeze", object_id__in=[str(p.pk) for p in papers]
        )
        assert rows.count() == len(papers)
        assert {row.after["sha256"] for row in rows} == {p.current_version.sha256 for p in papers}
    assert counts[1] == counts[2], counts


def test_papers_freeze_refuses_a_paper_the_actor_cannot_see_and_freezes_none(desk):
    from django.db import transaction

    from documents.services import papers_freeze
    from kernel.errors import PermissionDenied
    from kernel.models import AuditEvent

    seen = diarise(desk, scans=[upload("a.pdf", text_pdf(1))]).papers.get()
    unseen = diarise(
        desk, grading=Grading.SECRET, mark_to=desk.ds, scans=[upload("b.pdf", text_pdf(1))]
    ).papers.get()
    # In a transaction of its own (a refusal inside a caller's undoes the caller's: no savepoint).
    with pytest.raises(PermissionDenied), transaction.atomic():
        papers_freeze(actor=desk.asst_user, paper_ids=[seen.pk, unseen.pk], reason="Approved")
    assert not Paper.objects.filter(frozen_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="paper.freeze").exists()
    # Frozen once: a second freeze changes nothing and writes no row.
    assert papers_freeze(actor=desk.asst_user, paper_ids=[seen.pk], reason="Approved") == [seen]
    assert papers_freeze(actor=desk.asst_user, paper_ids=[seen.pk], reason="Again") == []
    assert AuditEvent.objects.filter(action="paper.freeze").count() == 1
