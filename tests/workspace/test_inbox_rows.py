"""The inbox's rows, written in Python (``desk.inbox_file_rows``, ``inbox_receipt_rows``) to
save the template engine's ~40 µs a row: they must be exactly what the template loops they
replaced wrote, escaping included, in both languages; and each row's holding post, now taken
from the user's holdings rather than joined, must be the row's own."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tests.factories import HoldingFactory
from tests.workspace.helpers import api_client, diarise, open_file
from workspace.models import File, Grading, Priority
from workspace.selectors import desk as sel

pytestmark = pytest.mark.django_db

# The loops as templates/workspace/inbox.html had them before session 12.
FILE_LOOP = """{% load i18n desk %}{% translate "Overdue" as overdue %}{% translate "(time limit)" as by_priority %}{% for file in files %}
      <tr>
        <td><a class="file-number" href="{{ file_url }}{{ file.pk }}/">{{ file.number }}</a></td>
        <td>{{ file.subject }}</td>
        <td><span class="badge badge-{{ file.priority_slug }}">{{ priority_labels|label:file.priority }}</span>{% if file.grading %} <span class="badge badge-{{ file.grading_slug }}">{{ grading_labels|label:file.grading }}</span>{% endif %}{% if file.overdue %} <span class="badge badge-overdue">{{ overdue }}</span>{% endif %}</td>
        <td>{{ file.holding_post.designation }}</td>
        <td class="num">{{ file.desk_since|days_since:now }}</td>
        <td>{% if file.due_by %}{{ file.due_by|dated }}{% if not file.due_on %} <span class="muted">{{ by_priority }}</span>{% endif %}{% else %}<span class="muted">—</span>{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
FILE_TAG = """{% load i18n desk %}{% translate "Overdue" as overdue %}{% translate "(time limit)" as by_priority %}{% inbox_file_rows files file_url now priority_labels grading_labels overdue by_priority %}"""  # noqa: E501
RECEIPT_LOOP = """{% load desk %}{% for r in receipts %}
      <tr>
        <td><a class="file-number" href="{{ receipt_url }}{{ r.pk }}/">{{ r.diary_label }}</a></td>
        <td>{{ r.sender }}</td>
        <td>{{ r.subject }}</td>
        <td><span class="badge badge-{{ r.priority_slug }}">{{ priority_labels|label:r.priority }}</span></td>
        <td class="num">{{ r.diarised_at|days_since:now }}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
RECEIPT_TAG = "{% load desk %}{% inbox_receipt_rows receipts receipt_url now priority_labels %}"


def _inbox_context(client, user):
    client.force_login(user)
    response = client.get("/desk/")
    assert response.status_code == 200
    return response


def test_the_rows_are_what_the_template_loops_wrote_in_both_languages(client, desk):
    tricky = 'Funds <b>&</b> "schemes" for O\'Brien'
    open_file(desk, subject=tricky, priority=Priority.MOST_IMMEDIATE, grading=Grading.SECRET)
    late = open_file(desk, subject="Late", priority=Priority.URGENT)
    File.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    old = open_file(desk, subject="Old routine matter")
    File.objects.filter(pk=old.pk).update(desk_since=timezone.now() - dt.timedelta(days=40))
    open_file(desk, subject="Restricted", grading=Grading.RESTRICTED)
    diarise(desk, sender="<AG> & Co", subject='"Budget" release', priority=Priority.IMMEDIATE)
    diarise(desk)
    for language in ("en", "ur"):
        with translation.override(language):
            client.cookies.load({"django_language": language})
            context = _inbox_context(client, desk.asst_user).context
            keys = ["files", "receipts", "file_url", "receipt_url", "now"]
            flat = {k: context[k] for k in [*keys, "priority_labels", "grading_labels"]}
            assert len(flat["files"]) == 4 and len(flat["receipts"]) == 2
            assert any(f.overdue for f in flat["files"])
            assert any(not f.due_on and f.due_by for f in flat["files"])
            for loop, tag in ((FILE_LOOP, FILE_TAG), (RECEIPT_LOOP, RECEIPT_TAG)):
                expected = Template(loop).render(Context(flat))
                assert Template(tag).render(Context(flat)) == expected
                assert "<b>" not in expected and "<AG>" not in expected
            if language == "ur":
                # the Urdu page's own labels were compared, not the English ones again
                assert flat["priority_labels"][Priority.URGENT] != "Urgent"
    page = _inbox_context(client, desk.asst_user).content.decode()
    assert "Funds &lt;b&gt;&amp;&lt;/b&gt; &quot;schemes&quot; for O&#x27;Brien" in page
    assert "&lt;AG&gt; &amp; Co" in page


def test_each_row_shows_its_own_post_also_under_an_additional_charge(client, desk):
    additional = HoldingFactory._meta.model.Kind.ADDITIONAL  # (the model's app is moving)
    HoldingFactory(post=desk.other_so, user=desk.asst_user, kind=additional)
    mine = open_file(desk, subject="At the assistant")
    theirs = open_file(desk, at=desk.other_so, user=desk.other_user, subject="At HED")
    response = _inbox_context(client, desk.asst_user)
    rows = {f.pk: f for f in response.context["files"]}
    assert rows[mine.pk].holding_post == desk.asst
    assert rows[mine.pk].holding_post.section.department == desk.dept
    assert rows[theirs.pk].holding_post == desk.other_so
    assert rows[theirs.pk].holding_post.section.department == desk.other_dept
    page = response.content.decode()
    assert page.count("Section Officer (Universities)") >= 1
    assert page.index("At HED") < page.index("Section Officer (Universities)", page.index("At HED"))
    api = api_client(desk.asst_user).get("/api/v1/inbox/").json()["results"]
    posts = {row["id"]: row["holding_post"]["designation_en"] for row in api}
    assert posts == {mine.pk: "Assistant (Budget-I)", theirs.pk: "Section Officer (Universities)"}


def test_later_pages_carry_their_posts_too(desk, monkeypatch):
    monkeypatch.setattr(sel, "INBOX_PAGE", 2)
    made = [open_file(desk, subject=f"File {i}") for i in range(5)]
    first = sel.inbox_files(user=desk.asst_user)
    second = sel.inbox_files(user=desk.asst_user, cursor=first.next_cursor)
    assert len(first.rows) == len(second.rows) == 2
    assert {f.pk for f in first.rows + second.rows} < {f.pk for f in made}
    assert all(f.holding_post.designation_en == "Assistant (Budget-I)" for f in second.rows)
