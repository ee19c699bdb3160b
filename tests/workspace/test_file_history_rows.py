"""The file page's history and time at each desk, written in Python (``desk.file_history``,
``desk_stay_rows``): exactly what the template loops they replaced wrote, escaping included,
in both languages."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tests.workspace.helpers import file_page_as, open_file
from workspace.models import Movement
from workspace.services import movement

pytestmark = pytest.mark.django_db

# The loops as templates/workspace/file_detail.html had them before session 12.
HISTORY_LOOP = """{% load i18n desk %}{% for m in movements %}
          <li>
            <strong>{{ kind_labels|label:m.kind }}</strong>
            {% if m.from_post and m.to_post and m.from_post_id != m.to_post_id %}— {{ m.from_post.designation }} → {{ m.to_post.designation }}{% if m.to_post.section.department_id != file.department_id %}, {{ m.to_post.section.department.code }}{% endif %}{% elif m.to_post %}— {{ m.to_post.designation }}{% endif %}
            <br><span class="muted">{{ m.by.get_full_name|default:m.by.username }} · {{ m.at|dated:"j M Y, H:i" }}{% if m.desk_seconds %} · {% blocktranslate with t=m.desk_seconds|duration %}after {{ t }} at the desk{% endblocktranslate %}{% endif %}</span>
            {% if m.remarks %}<br><bdi class="remarks">“{{ m.remarks }}”</bdi>{% endif %}
          </li>
        {% endfor %}"""  # noqa: E501
HISTORY_TAG = "{% load desk %}{% file_history movements kind_labels file.department_id %}"
STAYS_LOOP = """{% load i18n desk %}{% for s in stays %}<tr><td>{{ s.post.designation }}</td><td>{{ s.arrived|dated:"j M, H:i" }}</td><td class="num">{{ s.seconds|duration }}{% if not s.left %} <span class="muted">({% translate "still there" %})</span>{% endif %}</td></tr>{% endfor %}"""  # noqa: E501
STAYS_TAG = "{% load desk %}{% desk_stay_rows stays %}"


def test_history_and_stays_are_what_the_template_loops_wrote(client, desk):
    desk.so_user.first_name, desk.so_user.last_name = "Amna", "Khan <SO>"
    desk.so_user.save()
    file = open_file(desk)
    movement.file_put_up(actor=desk.asst_user, file=file, remarks='See <b>para 3</b> & "4"')
    movement.file_mark(actor=desk.so_user, file=file, to_post=desk.other_so, remarks="For HED")
    movement.file_send_back(actor=desk.other_user, file=file)
    # Stays of days and hours, and a movement at another minute of another month.
    Movement.objects.filter(file=file).update(desk_seconds=3 * 86400 + 4 * 3600)
    Movement.objects.filter(file=file, kind=Movement.Kind.OPEN).update(
        at=timezone.now() - dt.timedelta(days=40, minutes=7), desk_seconds=0
    )
    for language in ("en", "ur"):
        with translation.override(language):
            response = file_page_as(client, desk.asst_user, file, language)
            context = {
                k: response.context[k] for k in ("movements", "stays", "kind_labels", "file")
            }
            assert len(context["movements"]) == 4 and len(context["stays"]) >= 3
            for loop, tag in ((HISTORY_LOOP, HISTORY_TAG), (STAYS_LOOP, STAYS_TAG)):
                expected = Template(loop).render(Context(context))
                assert Template(tag).render(Context(context)) == expected
            page = response.content.decode()
            assert "<b>para 3</b>" not in page
            assert "See &lt;b&gt;para 3&lt;/b&gt; &amp; &quot;4&quot;" in page
            assert "Amna Khan &lt;SO&gt;" in page
            assert f", {desk.other_dept.code}" in page  # marked out of the department
            if language == "ur":
                assert "at the desk" not in page and "still there" not in page
