"""Lists and papers obey the visibility rule of what they name (issue 17, point 6).

- The dispatch register shows a letter only to those who may open its file.
- A receipt on a file is seen exactly by those who see the file (its effective grading is
  the file's): the receipts list does not name it, and its scans do not download, for a
  colleague who gets 404 on the file.
- The uploader-only rule is for a paper on nothing: an uploader loses sight of a paper once
  it is on a receipt or file they cannot see (a secret receipt marked to a senior; after a
  transfer ends their holding).
- ``can_view_receipt`` and ``can_view_paper`` (one object) and ``papers_seen`` (several
  papers) agree with ``visible_receipts`` and ``paper_visibility`` (lists) for every user and
  object of an office.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import services as paper_services
from documents.models import Paper
from organisation import services as org
from organisation.models import Holding, Post
from tests.documents.corpus import text_pdf, upload
from tests.factories import HoldingFactory, PostFactory, UserFactory
from tests.workspace.helpers import diarise, open_file
from workspace import access
from workspace.models import Grading, Receipt
from workspace.selectors import desk as sel
from workspace.services import approvals, correspondence, movement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def colleague(desk):
    """A second assistant of the same section, who has never held the files below."""
    post = PostFactory(
        section=desk.section,
        level=Post.Level.ASSISTANT,
        designation_en="Assistant-II (Budget-I)",
        reports_to=desk.so,
    )
    user = UserFactory(username="fd-asst2")
    HoldingFactory(post=post, user=user)
    return user


def _issue(desk, file, subject="Release letter"):
    for user in [desk.asst_user, desk.so_user, desk.ds_user]:
        movement.file_put_up(actor=user, file=file)
    movement.file_send_back(actor=desk.secretary_user, file=file)
    draft = approvals.draft_create(
        actor=desk.ds_user, file=file, subject=subject, addressees="AG KP", body="Text"
    )
    movement.file_put_up(actor=desk.ds_user, file=file)
    approvals.draft_decide(actor=desk.secretary_user, file=file, draft=draft, decision="approved")
    return approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the dispatch register -------------------------------------------------------------------


def test_the_dispatch_register_hides_a_secret_files_letter_from_a_colleague(
    client, desk, colleague
):
    secret = _issue(desk, open_file(desk, subject="Secret file", grading=Grading.SECRET), "Covert")
    plain = _issue(desk, open_file(desk, subject="Plain file"), "Open letter")
    client.force_login(colleague)
    assert client.get(f"/desk/files/{secret.draft.file_id}/").status_code == 404
    page = _page(client, "/desk/dispatch/")
    assert plain.outgoing_number in page and "Open letter" in page
    for leaked in (secret.outgoing_number, "Covert", secret.draft.file.number):
        assert leaked not in page
    # Those the secret file passed through still find its letter in their register.
    client.force_login(desk.so_user)
    page = _page(client, "/desk/dispatch/")
    assert secret.outgoing_number in page and plain.outgoing_number in page


# --- receipts on graded files ----------------------------------------------------------------


def _receipt_on_confidential_file(desk):
    receipt = diarise(
        desk, subject="Unclassified letter", scans=[upload("letter.pdf", text_pdf(1, "Hello"))]
    )
    file = open_file(
        desk, subject="Confidential inquiry", grading=Grading.CONFIDENTIAL, receipt=receipt
    )
    receipt.refresh_from_db()
    assert receipt.file_id == file.pk and receipt.grading == Grading.UNCLASSIFIED
    return receipt, file


def test_a_receipt_on_a_confidential_file_is_the_files_to_see(client, desk, colleague):
    receipt, file = _receipt_on_confidential_file(desk)
    scan = receipt.papers.get()
    download = f"/desk/papers/{scan.current_version_id}/download/"
    client.force_login(colleague)
    assert client.get(f"/desk/files/{file.pk}/").status_code == 404
    page = _page(client, "/desk/receipts/")
    assert receipt.diary_label not in page and file.number not in page
    assert f"/desk/files/{file.pk}/" not in page
    assert client.get(f"/desk/receipts/{receipt.pk}/").status_code == 404
    assert client.get(download).status_code == 404
    assert client.get(f"/desk/papers/paper/{scan.pk}/").status_code == 404
    assert not access.can_view_receipt(user=colleague, receipt=receipt)
    # The clerk who opened the file holds it: the receipt, its file and its scan are theirs.
    client.force_login(desk.asst_user)
    page = _page(client, "/desk/receipts/")
    assert receipt.diary_label in page and f"/desk/files/{file.pk}/" in page
    assert client.get(download).status_code == 200


def test_a_receipt_on_no_file_follows_its_own_grading_and_post(desk, colleague):
    plain = diarise(desk, subject="Plain")
    restricted = diarise(desk, subject="Restricted", grading=Grading.RESTRICTED)
    secret = diarise(desk, subject="Secret", grading=Grading.SECRET, mark_to=desk.so)
    seen = set(sel.receipts_for(user=colleague))
    assert plain in seen and restricted in seen and secret not in seen
    assert secret in set(sel.receipts_for(user=desk.so_user))  # marked to the SO's post
    assert secret not in set(sel.receipts_for(user=desk.other_user))


# --- papers: the uploader-only rule is for a paper on nothing --------------------------------


def test_an_uploaders_own_paper_on_nothing_is_theirs_alone(client, desk, colleague):
    version = paper_services.paper_upload(
        actor=desk.asst_user,
        upload=upload("memo.pdf", text_pdf(1)),
        kind="attachment",
        title="Memo",
    )
    paper = version.paper
    assert access.can_view_paper(user=desk.asst_user, paper=paper)
    assert not access.can_view_paper(user=colleague, paper=paper)
    client.force_login(desk.asst_user)
    assert "Memo" in _page(client, "/desk/papers/")
    assert client.get(f"/desk/papers/{version.pk}/download/").status_code == 200


def test_the_uploader_loses_a_scan_marked_to_a_senior_on_a_secret_receipt(client, desk):
    receipt = diarise(
        desk,
        subject="Secret letter",
        grading=Grading.SECRET,
        mark_to=desk.ds,
        scans=[upload("secret.pdf", text_pdf(1, "Secret"))],
    )
    scan = receipt.papers.get()
    assert scan.created_by == desk.asst_user
    assert not access.can_view_paper(user=desk.asst_user, paper=scan)
    assert access.can_view_paper(user=desk.ds_user, paper=scan)
    client.force_login(desk.asst_user)
    assert client.get(f"/desk/papers/{scan.current_version_id}/download/").status_code == 404
    assert client.get(f"/desk/papers/paper/{scan.pk}/").status_code == 404
    assert "secret.pdf" not in _page(client, "/desk/papers/")
    assert scan.title not in _page(client, "/desk/papers/")


def test_the_uploader_loses_the_papers_of_a_department_they_were_transferred_from(client, desk):
    receipt = diarise(desk, subject="Plain letter", scans=[upload("plain.pdf", text_pdf(1))])
    enclosure = correspondence.paper_enclose(
        actor=desk.asst_user,
        file=open_file(desk, subject="A file"),
        upload=upload("sanction.pdf", text_pdf(1)),
    )
    papers = [receipt.papers.get(), enclosure.paper]
    for paper in papers:
        assert access.can_view_paper(user=desk.asst_user, paper=paper)
    # Transferred out: the regular holding ends, and the clerk now holds a post in HED.
    holding = Holding.objects.get(user=desk.asst_user, post=desk.asst)
    org.holding_end(
        actor=UserFactory(is_superuser=True),
        holding=holding,
        ends_at=timezone.now() - dt.timedelta(seconds=1),
    )
    HoldingFactory(post=desk.dead_post, user=desk.asst_user)
    clerk = type(desk.asst_user).objects.get(pk=desk.asst_user.pk)  # a new request
    for paper in papers:
        assert not access.can_view_paper(user=clerk, paper=paper)
    client.force_login(clerk)
    for paper in papers:
        paper.refresh_from_db()
        assert client.get(f"/desk/papers/{paper.current_version_id}/download/").status_code == 404
    assert _page(client, "/desk/papers/").count("/desk/papers/paper/") == 0


# --- one rule in two forms -------------------------------------------------------------------


def _office(desk, colleague):
    """Receipts and papers of every kind of place, for the agreement tests."""
    receipt, _file = _receipt_on_confidential_file(desk)
    diarise(desk, subject="Plain", scans=[upload("a.pdf", text_pdf(1))])
    diarise(
        desk,
        subject="Secret",
        grading=Grading.SECRET,
        mark_to=desk.ds,
        scans=[upload("b.pdf", text_pdf(1))],
    )
    hed = diarise(desk, subject="To HED", mark_to=desk.other_so)
    hed_file = open_file(desk, at=desk.other_so, user=desk.other_user, subject="HED file")
    Receipt.objects.filter(pk=hed.pk).update(file=hed_file)
    correspondence.paper_enclose(
        actor=desk.asst_user,
        file=open_file(desk, subject="Secret file", grading=Grading.SECRET),
        upload=upload("c.pdf", text_pdf(1)),
    )
    paper_services.paper_upload(
        actor=desk.so_user, upload=upload("d.pdf", text_pdf(1)), kind="attachment", title="Loose"
    )
    return [
        desk.asst_user,
        desk.so_user,
        desk.ds_user,
        desk.secretary_user,
        desk.other_user,
        colleague,
        UserFactory(username="no-post"),
    ]


def test_one_receipt_and_the_receipt_list_agree_for_every_user(desk, colleague):
    users = _office(desk, colleague)
    receipts = list(Receipt.objects.select_related("file", "section"))
    for user in users:
        seen = set(access.visible_receipts(user).values_list("pk", flat=True))
        for receipt in receipts:
            assert access.can_view_receipt(user=user, receipt=receipt) == (receipt.pk in seen), (
                user,
                receipt.subject,
            )
        assert access.visible_receipt_ids(user, limit=1000) == sorted(seen, reverse=True)


def test_one_paper_and_the_paper_rule_as_a_list_agree_for_every_user(desk, colleague):
    users = _office(desk, colleague)
    papers = list(Paper.objects.all())
    assert len(papers) >= 5
    views = set()
    for user in users:
        seen = set(Paper.objects.filter(access.paper_visibility(user)).values_list("pk", flat=True))
        for paper in papers:
            assert access.can_view_paper(user=user, paper=paper) == (paper.pk in seen), (
                user,
                paper.title,
            )
        # The same rule for several papers at once (an approved note's papers, frozen together).
        assert access.papers_seen(user=user, papers=papers) == seen, user
        views.add(frozenset(seen))
    assert len(views) >= 4  # the rule tells the users apart


# --- what the lists cost ---------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/desk/dispatch/", "/desk/receipts/", "/desk/papers/"])
def test_the_lists_cost_the_same_however_many_rows(client, desk, url):
    _issue(desk, open_file(desk, subject="First"))
    diarise(desk, scans=[upload("x.pdf", text_pdf(1))])
    paper_services.paper_upload(
        actor=desk.ds_user, upload=upload("w.pdf", text_pdf(1)), kind="attachment", title="W"
    )
    client.force_login(desk.ds_user)
    client.get(url)
    few = _queries(client, url)
    for i in range(3):
        _issue(desk, open_file(desk, subject=f"File {i}", grading=Grading.SECRET))
        receipt = diarise(desk, subject=f"R{i}", scans=[upload("y.pdf", text_pdf(1))])
        open_file(desk, subject=f"C{i}", grading=Grading.CONFIDENTIAL, receipt=receipt)
        paper_services.paper_upload(
            actor=desk.ds_user,
            upload=upload("z.pdf", text_pdf(1)),
            kind="attachment",
            title=f"P{i}",
        )
    assert _queries(client, url) == few
