"""The file page's note paragraphs, option lists and "mark to" chooser, written in Python
(``desk.note_paragraph``, ``receipt_options``, ``choice_options``, ``mark_to``): exactly what
the template parts they replaced wrote, escaping included, in both languages."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from organisation.models import Post
from tests.factories import PostFactory, SectionFactory
from tests.workspace.helpers import diarise, file_page_as, open_file, round_of_everything
from workspace.models import Enclosure
from workspace.services import approvals, movement, notes
from workspace.templatetags import desk as desk_tags
from workspace.views.common import marking

pytestmark = pytest.mark.django_db

# The parts as templates/workspace/file_detail.html and _mark_to.html had them before
# session 13.
PARAGRAPH_LOOP = """{% load i18n desk %}{% translate "Flag" as flag_word %}{% translate "Hash of exactly what was decided" as hash_title %}{% for p in paragraphs %}<article class="para{% if not p.is_final %} draft{% endif %}" id="para-{{ p.number }}">
        <p dir="auto"><span class="para-no">{{ p.number }}.</span>{{ p.text|note_text:flag_urls }}</p>
        {% with flags=p.cited_flags %}{% if flags %}<p class="muted cites">{% translate "Refers to" %} {% for f in flags %}{% if f.read_urls %}<a href="{{ f.read_urls.0 }}" data-viewer>{{ flag_word }} {{ f.flag }}</a>{% else %}{{ flag_word }} {{ f.flag }}{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}</p>{% endif %}{% endwith %}
        <p class="sig">{{ p.author.get_full_name|default:p.author.username }} · {{ p.post.designation }} · {{ p.created_at|dated:"j M Y, H:i" }}{% if not p.is_final %} · <strong>{% translate "draft" %}</strong>{% endif %}</p>
        {% for a in p.approvals.all %}<p><span class="badge {% if a.decision == 'approved' %}badge-open{% else %}badge-urgent{% endif %}">{{ decision_labels|label:a.decision }}</span> {{ a.post.designation }}, {{ a.at|dated:"j M Y, H:i" }} <span class="muted mono" title="{{ hash_title }}">#{{ a.content_hash|slice:":12" }}</span></p>{% endfor %}|{% endfor %}"""  # noqa: E501
PARAGRAPH_TAG = """{% load i18n desk %}{% translate "Flag" as flag_word %}{% translate "Hash of exactly what was decided" as hash_title %}{% for p in paragraphs %}{% note_paragraph p flag_urls flag_word hash_title decision_labels %}|{% endfor %}"""  # noqa: E501
OPTION_LOOPS = """{% for r in pending_receipts %}<option value="{{ r.pk }}">{{ r.label }}</option>{% endfor %}|{% for value, text in park_form.hold_reason.field.choices %}<option value="{{ value }}"{% if forloop.first %} selected{% endif %}>{{ text }}</option>{% endfor %}"""  # noqa: E501
OPTION_TAGS = """{% load desk %}{% receipt_options pending_receipts %}|{% choice_options park_form.hold_reason.field.choices %}"""  # noqa: E501
MARK_TO = """{% load i18n desk %}{% comment %}
The "mark to" chooser of a file or a receipt: one department's posts at a time, another
department one GET away (works without JavaScript). Context from views.common.marking().
{% endcomment %}
<div id="mark" class="mark-to">
  <form method="get" action="#mark" class="mark-dept">
    <label for="mark-dept">{% translate "Mark to a post in" %}</label>
    <div class="inline-field">
      <select id="mark-dept" name="mark_dept">{% translate "(this desk)" as this_desk %}{% department_options mark_departments mark_department.pk mark_home_id this_desk %}</select>
      <button class="btn btn-secondary" type="submit">{% translate "Show its posts" %}</button>
    </div>
  </form>
  <form method="post" action="{{ mark_action }}">
    {% csrf_token %}
    <label for="id_to_post">{% blocktranslate with department=mark_department.name %}Post in {{ department }}{% endblocktranslate %}</label>
    <select name="to_post" id="id_to_post" required>
      <option value="">{% translate "Choose a post…" %}</option>
      {% post_options marking_groups %}
    </select>
    {% if mark_due %}<label for="mark-due">{% translate "Due by" %}</label>
    <input id="mark-due" type="date" name="due_on">{% endif %}
    <label for="mark-remarks" class="visually-hidden">{% translate "Remarks" %}</label>
    <textarea id="mark-remarks" name="remarks" rows="2" placeholder="{% translate 'Remarks (optional)' %}"></textarea>
    <button class="btn btn-secondary" type="submit">{% translate "Mark" %}</button>
  </form>
</div>
"""  # noqa: E501
MARK_TO_NOW = '{% include "workspace/_mark_to.html" %}'


def _a_file_with_everything(desk):
    desk.asst_user.first_name, desk.asst_user.last_name = "Amna", "Khan <Asst>"
    desk.asst_user.save()
    file = open_file(desk)
    for n in (1, 2):
        round_of_everything(desk, file, n)
    # A paragraph approved, one citing flags (one of them without a paper), one still a draft.
    para = notes.note_add(actor=desk.asst_user, file=file, text="See Flag A & <b>B</b>")
    for user in (desk.asst_user, desk.so_user, desk.ds_user):
        movement.file_put_up(actor=user, file=file)
    approvals.note_decide(actor=desk.secretary_user, file=file, paragraph=para, decision="approved")
    file.refresh_from_db()
    for user, down in ((desk.ds_user, desk.so), (desk.so_user, desk.asst)):
        movement.file_send_back(actor=user, file=file, to_post=down)
    notes.note_add(
        actor=desk.asst_user,
        file=file,
        text="Draft: Flag A, flag B",
        refers_to_flags=Enclosure.objects.filter(file=file),
    )
    diarise(desk, subject='Pending <one> & "two" ' + "x" * 70)
    return file


def test_paragraphs_and_options_are_what_the_template_wrote(client, desk):
    file = _a_file_with_everything(desk)
    for language in ("en", "ur"):
        with translation.override(language):
            response = file_page_as(client, desk.asst_user, file, language)
            keys = ("paragraphs", "flag_urls", "decision_labels", "pending_receipts", "park_form")
            context = {k: response.context[k] for k in keys}
            paragraphs = context["paragraphs"]
            assert len(paragraphs) >= 4 and not paragraphs[-1].is_final
            assert any(p.cited_flags for p in paragraphs)
            assert {a.decision for p in paragraphs for a in p.approvals.all()} == {
                "approved",
                "returned",
            }
            assert context["pending_receipts"]
            for old, new in ((PARAGRAPH_LOOP, PARAGRAPH_TAG), (OPTION_LOOPS, OPTION_TAGS)):
                expected = Template(old).render(Context(context))
                assert Template(new).render(Context(context)) == expected
            page = response.content.decode()
            assert "Amna Khan &lt;Asst&gt;" in page and "<b>B</b>" not in page
            assert "Pending &lt;one&gt; &amp; &quot;two&quot;" in page


def _chooser_context(request, desk, holding_post, *, due=True):
    return {
        "csrf_token": "token-123",
        **marking(request, holding_post=holding_post, action="/desk/files/7/mark/", due=due),
    }


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_mark_to_chooser_is_what_its_template_wrote(desk, language):
    # A section whose only post is the desk's own: left out of the list with it.
    alone = PostFactory(section=SectionFactory(department=desk.dept, code="ZZ(Alone)"))
    rf = RequestFactory()
    with translation.override(language):
        for request, holding_post, due in (
            (rf.get("/"), desk.so, True),
            (rf.get("/"), alone, False),
            (rf.get("/", {"mark_dept": desk.other_dept.code}), desk.asst, True),
        ):
            for _twice in (1, 2):  # written, then from what was kept
                context = _chooser_context(request, desk, holding_post, due=due)
                expected = Template(MARK_TO).render(Context(context))
                assert Template(MARK_TO_NOW).render(Context(context)) == expected
                assert f'value="{holding_post.pk}"' not in expected
            # Without a version (the cache away), the lists are written each time.
            context["mark_version"] = None
            assert Template(MARK_TO_NOW).render(Context(context)) == expected
        assert "ZZ(Alone)" not in Template(MARK_TO_NOW).render(
            Context(_chooser_context(rf.get("/"), desk, alone))
        )


def test_a_changed_post_is_written_afresh(desk):
    """The kept options are the version's: renaming a post gives a new version."""
    rf = RequestFactory()
    context = _chooser_context(rf.get("/"), desk, desk.asst)
    Template(MARK_TO_NOW).render(Context(context))
    Post.objects.filter(pk=desk.so.pk).update(designation_en="Old name")  # no signal: no change
    post = Post.objects.get(pk=desk.so.pk)
    post.designation_en = "Section Officer (Renamed)"
    post.save()
    page = Template(MARK_TO_NOW).render(Context(_chooser_context(rf.get("/"), desk, desk.asst)))
    assert "Section Officer (Renamed)" in page
    assert desk_tags._OPTIONS  # something was kept
