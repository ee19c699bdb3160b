"""The cell's queue rows, written in Python (``complaint_queue_rows``): exactly what the
template loop it replaced wrote, escaping and badges included, in both languages."""

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from complaints import services
from complaints.models import Complaint
from tests.complaints.conftest import at, clock, sweep

# The loop as templates/complaints/queue.html had it before session 13.
QUEUE_LOOP = """{% load i18n %}{% for row in rows %}
      <tr{% if row.escalated_to_me %} class="row-escalated"{% endif %}>
        <td><a class="file-number" dir="ltr" href="{{ row.url }}">{{ row.ref }}</a>{% if row.escalated_to_me %} <span class="badge badge-urgent">{% translate "escalated" %}</span>{% endif %}{% if row.duplicate %} <span class="badge">{% translate "duplicate" %}</span>{% endif %}</td>
        <td>{{ row.category }}</td><td>{{ row.district }}</td><td>{{ row.status }}</td>
        <td>{{ row.office }}{% if row.moved_on %} <span class="muted">({% translate "moved on" %})</span>{% endif %}</td>
        <td>{% if row.overdue %}<span class="badge badge-urgent">{{ row.time_left }}</span>{% else %}{{ row.time_left }}{% endif %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501
QUEUE_TAG = "{% load complaint_queue %}{% complaint_queue_rows rows %}"


def _file(ladder, district, day, mobile):
    with clock(at(2026, 3, day)):
        return services.file_complaint(
            actor=services.portal_actor(), client=f"r{day}{mobile}", category=ladder.category,
            district=district, description="The dispensary has had no doctor for a month.",
            mobile=mobile, cnic_last4="3333",
        )  # fmt: skip


def test_queue_rows_are_what_the_template_loop_wrote(ladder, client):
    ladder.category.name_en = 'Hospitals <& "clinics">'
    ladder.category.name_ur = "ہسپتال <اور> 'ڈسپنسریاں'"
    ladder.category.save()
    first = _file(ladder, ladder.peshawar, 2, "03001112223")
    again = _file(ladder, ladder.peshawar, 2, "03001112223")  # linked as a duplicate
    _file(ladder, ladder.peshawar, 20, "03001112224")
    sweep(at(2026, 3, 12))  # the first two escalate to the Commissioner's office
    assert Complaint.objects.get(pk=again.pk).duplicate_of_id == first.pk
    seen = set()
    for user in (ladder.cell_user, ladder.com_user):
        for language in ("en", "ur"):
            with translation.override(language), clock(at(2026, 5, 4)):  # all overdue
                client.cookies.load({"django_language": language})
                client.force_login(user)
                response = client.get(reverse("complaints:queue"))
                assert response.status_code == 200
                rows = response.context["rows"]
                assert rows
                context = Context({"rows": rows})
                expected = Template(QUEUE_LOOP).render(context)
                assert Template(QUEUE_TAG).render(context) == expected
                assert expected in response.content.decode()
                for row in rows:
                    seen |= {k for k in ("escalated_to_me", "duplicate", "moved_on", "overdue")
                             if row[k]}  # fmt: skip
            page = response.content.decode()
            assert 'Hospitals <& "clinics">' not in page and "<اور>" not in page
    # Every badge the loop could write was written at least once above.
    assert seen == {"escalated_to_me", "duplicate", "moved_on", "overdue"}
