"""The receipts list's rows, written in Python from values (``selectors.desk.receipt_rows``,
``desk.receipt_list_rows``) to save ~760 model instances and the template engine's dozen
nodes a row: they must be exactly what the template loop they replaced wrote over
``receipts_for``'s receipts, escaping included, in both languages; and the page must still
show only the receipts its reader may see."""

import pytest
from django.template import Context, Template
from django.utils import translation

from organisation.models import Post
from tests.factories import HoldingFactory, PostFactory, UserFactory
from tests.workspace.helpers import diarise, open_file
from workspace.models import File, Grading, Priority, Receipt
from workspace.selectors import desk as sel
from workspace.services import movement, receipts

pytestmark = pytest.mark.django_db

# The loop as templates/workspace/receipts.html had it before session 14.
LOOP = """{% for r in receipts %}
      <tr>
        <td><a class="file-number" href="{% url 'workspace:receipt' r.pk %}">{{ r.diary_label }}</a></td>
        <td>{{ r.received_on|date:"j M Y" }}</td>
        <td>{{ r.sender }}</td>
        <td>{{ r.subject }}</td>
        <td>{{ r.get_status_display }}{% if r.file %} — <a class="file-number" href="{% url 'workspace:file' r.file_id %}">{{ r.file.number }}</a>{% endif %}</td>
        <td>{% if r.file and r.status == "on_file" %}{{ r.file.holding_post.designation }}{% else %}{{ r.holding_post.designation }}{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
TAG = """{% load desk %}{% receipt_list_rows receipts receipt_url file_url status_labels %}"""


def _page(client, user, language):
    client.cookies.load({"django_language": language})
    client.force_login(user)
    response = client.get("/desk/receipts/")
    assert response.status_code == 200
    return response


def _office(desk):
    """Receipts in every state the list shows: pending here and marked on, on a file held
    elsewhere, on a file at no post, disposed of while on a file, names to escape, a post
    with and without its Urdu designation."""
    Post.objects.filter(pk=desk.asst.pk).update(designation_ur="اسسٹنٹ (بجٹ ون)")
    diarise(desk, sender="<AG> & Co", subject='"Budget" <b>release</b> for O\'Brien')
    diarise(desk, subject="Urgent", priority=Priority.URGENT, grading=Grading.RESTRICTED)
    marked = diarise(desk, subject="Marked on")
    receipts.receipt_mark(actor=desk.asst_user, receipt=marked, to_post=desk.so)
    on_file = diarise(desk, subject="On a file")
    file = open_file(desk, subject="Moved on", receipt=on_file)
    movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
    at_no_post = diarise(desk, subject="On a file at no post")
    parked = open_file(desk, subject="Nowhere", receipt=at_no_post)
    File.objects.filter(pk=parked.pk).update(holding_post=None)
    disposed = diarise(desk, subject="Disposed of, on a file")
    Receipt.objects.filter(pk=disposed.pk).update(file=file, status=Receipt.Status.DISPOSED)
    File.objects.filter(pk=file.pk).update(number='FD/<B-I>&"1"/2026')


def test_the_rows_are_what_the_template_loop_wrote_in_both_languages(client, desk):
    _office(desk)
    for language in ("en", "ur"):
        with translation.override(language):
            response = _page(client, desk.asst_user, language)
            context = response.context
            plain = sel.receipts_for(user=desk.asst_user)
            rows = context["receipts"]
            assert [r.pk for r in rows] == [r.pk for r in plain] and len(rows) == 6
            assert {r.status for r in plain} == set(Receipt.Status.values)
            expected = Template(LOOP).render(Context({"receipts": plain}))
            flat = {k: context[k] for k in ("receipts", "receipt_url", "file_url")}
            flat["status_labels"] = context["status_labels"]
            written = Template(TAG).render(Context(flat))
            assert written == expected
            assert written in response.content.decode()
            assert "<AG>" not in expected and "<B-I>" not in expected
            if language == "ur":
                assert "اسسٹنٹ (بجٹ ون)" in expected  # the Urdu designation was compared
                assert str(Receipt.Status.PENDING.label) != "Pending"


def test_the_page_shows_only_the_receipts_its_reader_may_see(client, desk):
    colleague = UserFactory(username="fd-asst2")  # a second assistant of the section
    HoldingFactory(post=PostFactory(section=desk.section, reports_to=desk.so), user=colleague)
    plain = diarise(desk, subject="Plain letter")
    secret = diarise(desk, subject="Secret letter", grading=Grading.SECRET, mark_to=desk.so)
    for user, seen, unseen in (
        (colleague, [plain], [secret]),
        (desk.so_user, [plain, secret], []),
        (desk.other_user, [], [plain, secret]),
    ):
        page = _page(client, user, "en").content.decode()
        for receipt in seen:
            assert receipt.subject in page and f"/desk/receipts/{receipt.pk}/" in page
        for receipt in unseen:
            assert receipt.subject not in page and f"/desk/receipts/{receipt.pk}/" not in page
