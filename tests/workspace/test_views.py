"""The desk screens: what they show, to whom, and in how many queries."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.models import File, Grading, Priority, Receipt
from workspace.services import approvals, movement, notes

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_inbox_orders_by_urgency_then_age_and_shows_only_my_posts(client, desk):
    routine = open_file(desk, subject="Routine matter")
    urgent = open_file(desk, subject="Urgent matter", priority=Priority.URGENT)
    most = open_file(desk, subject="Most immediate matter", priority=Priority.MOST_IMMEDIATE)
    elsewhere = open_file(desk, at=desk.other_so, user=desk.other_user, subject="HED matter")
    client.force_login(desk.asst_user)
    page = client.get("/desk/").content.decode()
    positions = [page.index(f.number) for f in (most, urgent, routine)]
    assert positions == sorted(positions)
    assert elsewhere.number not in page


def test_inbox_query_count_does_not_grow_with_rows(client, desk):
    client.force_login(desk.asst_user)
    for i in range(3):
        open_file(desk, subject=f"File {i}")
        diarise(desk)
    client.get("/desk/")  # reads the public holidays once a process (workspace.time_limits)
    few, _ = _queries(client, "/desk/")
    for i in range(25):
        open_file(desk, subject=f"More {i}", priority=i % 4)
        diarise(desk)
    many, response = _queries(client, "/desk/")
    assert many == few
    assert response.content.decode().count("/desk/files/") >= 28


def test_file_page_query_count_does_not_grow_with_notes_and_movements(client, desk):
    file = open_file(desk)
    notes.note_add(actor=desk.asst_user, file=file, text="one")
    client.force_login(desk.asst_user)
    client.get(f"/desk/files/{file.pk}/")  # caches the list of live departments
    few, _ = _queries(client, f"/desk/files/{file.pk}/")
    for _ in range(4):
        notes.note_add(actor=desk.asst_user, file=file, text="more")
        movement.file_put_up(actor=desk.asst_user, file=file)
        movement.file_send_back(actor=desk.so_user, file=file)
    many, response = _queries(client, f"/desk/files/{file.pk}/")
    assert many == few
    assert response.content.decode().count('<article class="para') == 5


@pytest.mark.parametrize(
    "url", ["/desk/sent/", "/desk/parked/", "/desk/receipts/", "/desk/dispatch/"]
)
def test_lists_make_a_constant_number_of_queries(client, desk, url):
    client.force_login(desk.asst_user)
    file = open_file(desk)
    movement.file_put_up(actor=desk.asst_user, file=file)
    few, _ = _queries(client, url)
    for i in range(8):
        f = open_file(desk, subject=f"F{i}")
        movement.file_put_up(actor=desk.asst_user, file=f)
        diarise(desk)
        p = open_file(desk, subject=f"P{i}")
        movement.file_park(actor=desk.asst_user, file=p)
    many, _ = _queries(client, url)
    assert many == few


def test_file_of_another_department_answers_404(client, desk):
    file = open_file(desk)
    client.force_login(desk.other_user)
    assert client.get(f"/desk/files/{file.pk}/").status_code == 404
    response = client.post(f"/desk/files/{file.pk}/notes/", {"text": "intrusion"})
    assert response.status_code == 404
    assert file.paragraphs.count() == 0


def test_secret_file_is_seen_only_along_its_chain(client, desk):
    secret = open_file(desk, grading=Grading.SECRET, subject="Secret matter")
    client.force_login(desk.so_user)  # same department, not in the chain yet
    assert client.get(f"/desk/files/{secret.pk}/").status_code == 404
    assert secret.number not in client.get("/desk/").content.decode()
    movement.file_put_up(actor=desk.asst_user, file=secret)
    assert client.get(f"/desk/files/{secret.pk}/").status_code == 200
    client.force_login(desk.ds_user)  # above, but the file never reached this post
    assert client.get(f"/desk/files/{secret.pk}/").status_code == 404


def test_restricted_file_is_seen_department_wide(client, desk):
    restricted = open_file(desk, grading=Grading.RESTRICTED)
    client.force_login(desk.secretary_user)
    assert client.get(f"/desk/files/{restricted.pk}/").status_code == 200


def test_put_up_through_the_screen(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    response = client.post(f"/desk/files/{file.pk}/put_up/", {"remarks": "For orders"}, follow=True)
    assert "File put up." in [str(m) for m in response.context["messages"]]
    file.refresh_from_db()
    assert file.holding_post == desk.so


def test_a_refused_action_shows_its_reason_and_changes_nothing(client, desk):
    file = open_file(desk)
    client.force_login(desk.asst_user)
    response = client.post(f"/desk/files/{file.pk}/mark/", {"to_post": desk.dead_post.pk})
    # The dead department's post is not even offered; forcing it is refused by the form.
    msgs = [str(m) for m in get_messages(response.wsgi_request)]
    assert msgs and file.movements.count() == 1
    movement.file_put_up(actor=desk.asst_user, file=file)
    response = client.post(f"/desk/files/{file.pk}/notes/", {"text": "Too late"}, follow=True)
    assert any("not at a post you hold" in str(m) for m in response.context["messages"])
    assert file.paragraphs.count() == 0


def test_secretary_approves_in_one_action_from_the_file_page(client, desk):
    file = open_file(desk)
    para = notes.note_add(actor=desk.asst_user, file=file, text="Proposal for approval")
    for user in [desk.asst_user, desk.so_user, desk.ds_user]:
        movement.file_put_up(actor=user, file=file)
    client.force_login(desk.secretary_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    assert f"/desk/files/{file.pk}/notes/{para.number}/decide/" in page
    response = client.post(
        f"/desk/files/{file.pk}/notes/{para.number}/decide/",
        {"decision": "approved", "remarks": "Approved."},
        follow=True,
    )
    assert "Approved and sent down." in [str(m) for m in response.context["messages"]]
    file.refresh_from_db()
    assert file.holding_post == desk.ds
    assert para.approvals.get().decision == "approved"


def test_diarise_with_a_scan_through_the_form(client, desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(desk.asst_user)
    response = client.post(
        "/desk/receipts/new/",
        {
            "post": desk.asst.pk,
            "sender": "Director Audit",
            "subject": "Audit para 12",
            "mode": "physical",
            "priority": 0,
            "grading": 0,
            "scans": [upload("audit.pdf", text_pdf(1, "Audit para"))],
        },
    )
    receipt = Receipt.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/receipts/{receipt.pk}/"
    assert receipt.papers.count() == 1


def test_open_file_on_a_receipt_through_the_screen(client, desk):
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    response = client.post(
        f"/desk/receipts/{receipt.pk}/open-file/",
        {
            "post": desk.asst.pk,
            "subject_head": desk.head.pk,
            "subject": "Budget release",
            "priority": 0,
            "grading": 0,
        },
    )
    file = File.objects.get()
    assert response["Location"] == f"/desk/files/{file.pk}/"
    assert file.enclosures.get().receipt == receipt


def test_dispatch_register_shows_issued_letters(client, desk):
    file = open_file(desk)
    for user in [desk.asst_user, desk.so_user, desk.ds_user]:
        movement.file_put_up(actor=user, file=file)
    movement.file_send_back(actor=desk.secretary_user, file=file)
    draft = approvals.draft_create(
        actor=desk.ds_user, file=file, subject="Release letter", addressees="AG KP", body="Text"
    )
    movement.file_put_up(actor=desk.ds_user, file=file)
    approvals.draft_decide(actor=desk.secretary_user, file=file, draft=draft, decision="approved")
    entry = approvals.draft_issue(actor=desk.ds_user, file=file, draft=draft)
    client.force_login(desk.so_user)  # same section
    assert entry.outgoing_number in client.get("/desk/dispatch/").content.decode()
    client.force_login(desk.other_user)
    assert entry.outgoing_number not in client.get("/desk/dispatch/").content.decode()


def test_inbox_counts_badges_and_links(client, desk):
    import datetime as dt

    from django.utils import timezone

    late = open_file(desk, subject="Late matter", priority=Priority.URGENT)
    File.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    open_file(desk, subject="Secret matter", grading=Grading.SECRET)
    parked = open_file(desk, subject="Parked matter")
    movement.file_park(actor=desk.asst_user, file=parked)
    receipt = diarise(desk)
    client.force_login(desk.asst_user)
    response = client.get("/desk/")
    assert response.context["counts"] == {"files": 2, "overdue": 1, "parked": 1, "receipts": 1}
    page = response.content.decode()
    assert f'href="/desk/files/{late.pk}/"' in page
    assert f'href="/desk/receipts/{receipt.pk}/"' in page
    assert '<span class="badge badge-urgent">Urgent</span>' in page
    assert page.count('<span class="badge badge-overdue">Overdue</span>') == 1
    assert '<span class="badge badge-secret">Secret</span>' in page
    assert 'href="/desk/" aria-current="page"' in page  # the staff navigation


def test_file_page_offers_sending_back_to_where_the_file_came_from(client, desk):
    file = open_file(desk)
    movement.file_put_up(actor=desk.asst_user, file=file)
    movement.file_put_up(actor=desk.so_user, file=file)
    client.force_login(desk.ds_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    file.refresh_from_db()
    assert movement.came_from(file) == desk.so
    assert f"Send back to {desk.so.designation_en}" in page
    assert f"Put up to {desk.secretary.designation_en}" in page
    assert "<strong>Put up</strong>" in page  # the history's labels


def test_file_page_shows_the_flags_each_paragraph_cites_and_who_wrote_it(client, desk):
    from workspace.services import correspondence

    file = open_file(desk)
    first = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("a.pdf", text_pdf(1))
    )
    second = correspondence.paper_enclose(
        actor=desk.asst_user, file=file, upload=upload("b.pdf", text_pdf(1))
    )
    notes.note_add(
        actor=desk.asst_user, file=file, text="Both papers.", refers_to_flags=[second, first]
    )
    notes.note_add(actor=desk.asst_user, file=file, text="No paper.")
    client.force_login(desk.asst_user)
    page = client.get(f"/desk/files/{file.pk}/").content.decode()
    import re

    # Each cited flag is a link that opens its paper in the viewer (issue 17).
    cites = re.findall(r'<p class="muted cites">(.*?)</p>', page)
    assert len(cites) == 1
    assert re.sub(r"<[^>]+>", "", cites[0]) == f"Refers to Flag {first.flag}, Flag {second.flag}"
    assert cites[0].count("data-viewer") == 2
    assert desk.asst.designation_en in page.split('id="para-1"')[1].split("</article>")[0]
