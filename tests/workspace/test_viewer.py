"""The paper under consideration opens where it is cited (issue 17, point 1): every flag, a
receipt's scans, each version and each draft open in the viewer; "Flag A" in a paragraph is
a link to it. One audit row per opening, none per page image; the page images need the
opening's pass and the right to see the paper."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from documents.services import paper_add_version
from kernel.models import AuditEvent
from tests.documents.corpus import png, text_pdf, upload
from tests.workspace.helpers import diarise, open_file, round_of_everything
from workspace import access
from workspace.models import Enclosure, Grading
from workspace.services import approvals, correspondence, movement, notes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def at_secretary(desk):
    """Flag A: a diarised letter's two-page scan (the PUC); Flag B: an attached image; a note
    citing Flag A in its text; a draft; the file put up to the Secretary."""
    file = open_file(desk)
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(2, "Request for funds"))])
    correspondence.enclosure_add(actor=desk.asst_user, file=file, receipt=receipt, is_puc=True)
    correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("map.png", png(), "image/png")
    )
    notes.note_add(actor=desk.asst_user, file=file, text="The request at Flag A is in order.")
    approvals.draft_create(
        actor=desk.asst_user, file=file, subject="Release", addressees="AG KP", body="Sir, ..."
    )
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    return file, receipt


def _reader_urls(page: str, file) -> list[str]:
    return re.findall(rf'href="(/desk/files/{file.pk}/read/\d+/)" data-viewer', page)


def test_the_secretary_opens_flag_a_from_the_file_page(client, desk, at_secretary):
    file, receipt = at_secretary
    client.force_login(desk.secretary_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    scan = receipt.papers.get()
    flag_a = f"/desk/files/{file.pk}/read/{scan.current_version_id}/"
    # The flag in the correspondence, the placeholder's PUC button and "Flag A" in the note's
    # own words all open the letter.
    assert f'<a class="flag-link" href="{flag_a}" data-viewer>' in page
    assert f'<a href="{flag_a}" data-viewer>Flag A</a> is in order.' in page
    assert "Read Flag A, the paper under consideration" in page
    assert len(set(_reader_urls(page, file))) == 2  # Flag A's scan and Flag B's image
    assert f'href="/desk/files/{file.pk}/drafts/1/" data-viewer' in page
    assert 'src="/static/js/viewer.js" defer' in page and "<script>" not in page

    opened = AuditEvent.objects.filter(action="paper.open").count()
    reader = client.get(flag_a).content.decode()
    # The flag and the title each isolated, so an English title reads right on an Urdu page.
    assert "<bdi>Flag A</bdi> — <bdi>" in reader and "2 pages" in reader
    images = re.findall(r'<img src="([^"]+)"', reader)
    assert len(images) == 2
    for url in images:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response).startswith(b"\x89PNG")
    # One audit row for the opening, none for the two page images.
    assert AuditEvent.objects.filter(action="paper.open").count() == opened + 1
    event = AuditEvent.objects.filter(action="paper.open").latest("pk")
    assert event.actor_id == desk.secretary_user.pk
    # The panel the file page loads beside the note sheet is the same viewer.
    panel = client.get(flag_a + "?partial=1").content.decode()
    assert "<html" not in panel and 'id="viewer-title"' in panel


def test_an_image_paper_and_a_draft_open_in_the_viewer(client, desk, at_secretary):
    file, _ = at_secretary
    client.force_login(desk.secretary_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    image_url = [u for u in _reader_urls(page, file) if "Flag B" in client.get(u).content.decode()]
    assert image_url
    reader = client.get(image_url[0]).content.decode()
    src = re.findall(r'<img src="([^"]+)"', reader)[0].replace("&amp;", "&")
    assert client.get(src)["Content-Type"] == "image/png"
    draft = client.get(f"/desk/files/{file.pk}/drafts/1/").content.decode()
    assert "Sir, ..." in draft and "AG KP" in draft


def test_versions_open_in_the_viewer(client, desk, at_secretary):
    file, receipt = at_secretary
    scan = receipt.papers.get()
    first = scan.current_version_id
    movement.file_send_back(actor=desk.secretary_user, file=file)  # to the DS, who holds it
    paper_add_version(actor=desk.ds_user, paper=scan, upload=upload("v.pdf", text_pdf(1)))
    scan.refresh_from_db()
    client.force_login(desk.ds_user)
    reader = client.get(f"/desk/files/{file.pk}/read/{scan.current_version_id}/").content
    assert f'href="/desk/files/{file.pk}/read/{first}/" data-viewer'.encode() in reader
    assert client.get(f"/desk/files/{file.pk}/read/{first}/").status_code == 200


def test_page_images_need_the_openings_pass_and_the_right_to_see(client, desk, at_secretary):
    file, receipt = at_secretary
    version = receipt.papers.get().current_version_id
    client.force_login(desk.secretary_user)
    reader = client.get(f"/desk/files/{file.pk}/read/{version}/").content.decode()
    src = re.findall(r'<img src="([^"]+)"', reader)[0].replace("&amp;", "&")
    bare = src.split("?")[0]
    assert client.get(bare).status_code == 404  # no pass: not opened, not audited
    assert client.get(bare + "?t=forged").status_code == 404
    assert client.get(src.replace("/1.png", "/9.png")).status_code == 404  # no such page
    # Another department's officer: neither the viewer nor someone else's pass works.
    client.force_login(desk.other_user)
    opened = AuditEvent.objects.filter(action="paper.open").count()
    assert client.get(f"/desk/files/{file.pk}/read/{version}/").status_code == 404
    assert client.get(src).status_code == 404
    assert AuditEvent.objects.filter(action="paper.open").count() == opened


def test_a_paper_not_on_the_file_does_not_open_in_its_viewer(client, desk, at_secretary):
    file, _ = at_secretary
    other = open_file(desk, subject="Another matter")
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=other, upload=upload("x.pdf", text_pdf(1))
    )
    client.force_login(desk.secretary_user)
    url = f"/desk/files/{file.pk}/read/{enclosure.paper.current_version_id}/"
    assert client.get(url).status_code == 404


def _openings():
    return AuditEvent.objects.filter(action="paper.open").count()


def test_a_graded_files_papers_open_only_to_those_who_may_see_the_file(client, desk):
    file = open_file(desk, subject="Postings", grading=Grading.CONFIDENTIAL)
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("x.pdf", text_pdf(1))
    )
    url = f"/desk/files/{file.pk}/read/{enclosure.paper.current_version_id}/"
    opened = _openings()
    # A colleague of the department (who reads its files up to restricted) and an officer of
    # another department: neither the panel nor the screen, and no opening is recorded.
    for user in (desk.so_user, desk.other_user):
        client.force_login(user)
        assert client.get(url, {"partial": "1"}).status_code == 404
        assert client.get(url).status_code == 404
    assert _openings() == opened
    client.force_login(desk.asst_user)  # the desk it is at
    assert client.get(url, {"partial": "1"}).status_code == 200
    assert _openings() == opened + 1


def test_a_paper_its_rule_withholds_does_not_open_on_a_file_the_reader_sees(
    client, desk, at_secretary, monkeypatch
):
    """The file's viewer asks the paper's own rule, not only the file's: a rule an app above
    the desk registers (the CGU's, for a KPI return's papers) withholds a paper on a file the
    reader sees."""
    file, receipt = at_secretary
    scan = receipt.papers.get()
    withheld = [lambda user: ~Q(pk=scan.pk) if user.pk == desk.secretary_user.pk else None]
    monkeypatch.setattr(access, "_paper_rules", withheld)
    assert access.can_view_file(user=desk.secretary_user, file=file)
    client.force_login(desk.secretary_user)
    opened = _openings()
    url = f"/desk/files/{file.pk}/read/{scan.current_version_id}/"
    assert client.get(url, {"partial": "1"}).status_code == 404
    assert client.get(url).status_code == 404
    assert _openings() == opened
    # Flag B, which the rule leaves alone, opens; and the scan opens to whom it does not bind.
    flag_b = Enclosure.objects.get(file=file, flag="B").paper
    assert client.get(f"/desk/files/{file.pk}/read/{flag_b.current_version_id}/").status_code == 200
    client.force_login(desk.ds_user)
    assert client.get(url, {"partial": "1"}).status_code == 200
    assert _openings() == opened + 2


def test_the_viewer_panel_does_not_grow_with_the_file(client, desk):
    file = open_file(desk)
    round_of_everything(desk, file, 0)
    scan = Enclosure.objects.filter(file=file, receipt__isnull=False).get().receipt.papers.get()
    url = f"/desk/files/{file.pk}/read/{scan.current_version_id}/"
    client.force_login(desk.asst_user)
    assert client.get(url, {"partial": "1"}).status_code == 200

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"partial": "1"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(1, 4):
        round_of_everything(desk, file, n)
    paper_add_version(actor=desk.asst_user, paper=scan, upload=upload("v2.pdf", text_pdf(2)))
    assert count() == few
    panel = client.get(url, {"partial": "1"}).content.decode()
    assert 'aria-label="Versions"' in panel and "<bdi>Flag A</bdi>" in panel


def test_the_receipt_page_shows_its_scan(client, desk, at_secretary):
    _, receipt = at_secretary
    client.force_login(desk.asst_user)
    page = client.get(f"/desk/receipts/{receipt.pk}/").content.decode()
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == 2
    assert client.get(images[0].replace("&amp;", "&"))["Content-Type"] == "image/png"


def test_flag_citations_in_english_and_urdu_become_links_and_nothing_else_does():
    from workspace.templatetags.desk import note_text

    html = str(
        note_text(
            "See Flag A and فلیگ B, not Flag Z.\n<script>x</script>", {"A": "/a/", "B": "/b/"}
        )
    )
    assert '<a href="/a/" data-viewer>Flag A</a>' in html
    assert '<a href="/b/" data-viewer>فلیگ B</a>' in html
    assert "Flag Z" in html and "data-viewer>Flag Z" not in html  # no such flag: plain text
    assert "&lt;script&gt;" in html and "<script>" not in html and "<br>" in html
