"""The entity portal home's two tables, written in Python since session 13
(``cgu.views.rows.entity_due_rows``, ``entity_figure_rows``) to save the template engine's
time: they must be exactly what the template loops they replaced wrote, escaping, plurals,
dates and number formats included, in both languages, for every state a row can be in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from cgu import portal
from cgu.models import EntityDraft, KpiReturn, ReportingPeriod
from cgu.portal import Comparison, DueRow
from cgu.views.rows import entity_due_rows, entity_figure_rows, entity_states

# The loops as templates/cgu/entity/home.html had them before session 13.
DUE_LOOP = """{% load i18n cgu_tags %}{% for row in rows %}<tr{% if row.overdue %} class="overdue"{% endif %}>
      <th scope="row"><a class="mono" href="{% url 'entity:period' row.period.code %}">{{ row.period.code|code }}</a><span class="visually-hidden"> {% if row.needs_filing %}{% translate "File the return" %}{% else %}{% translate "See the return" %}{% endif %}</span></th>
      <td>{{ row.period.deadline|date:"j M Y" }}{% if row.overdue %} <strong class="overdue-text">{% blocktranslate count d=row.days_left|cut:"-"|add:0 %}{{ d }} day overdue{% plural %}{{ d }} days overdue{% endblocktranslate %}</strong>{% elif row.needs_filing and row.days_left >= 0 %} <span class="muted">{% blocktranslate count d=row.days_left %}{{ d }} day left{% plural %}{{ d }} days left{% endblocktranslate %}</span>{% endif %}</td>
      <td>{% include "cgu/entity/_state.html" with key=row.status_key %}{% if row.latest %} <span class="muted">{% blocktranslate with v=row.latest.version %}version {{ v }}{% endblocktranslate %}</span>{% endif %}</td>
    </tr>{% empty %}<tr><td colspan="3" class="muted">{% translate "No period has ended yet." %}</td></tr>{% endfor %}"""  # noqa: E501
FIGURE_LOOP = """{% for c in benchmarks.rows %}<tr><th scope="row">{{ c.kpi_name }} <span class="mono muted">{{ c.kpi_code }}</span></th><td class="num">{{ c.value|floatformat:"-2g" }}</td><td class="num">{{ c.department_median|floatformat:"-2g"|default:"—" }}</td><td class="num">{{ c.province_median|floatformat:"-2g"|default:"—" }}</td></tr>{% endfor %}"""  # noqa: E501

ON = dt.date(2026, 1, 15)
STATES = ["draft", "certified", "submitted", "under_review", "returned", "accepted", "published"]


def _rows() -> list[DueRow]:
    """A row in every state the home page shows: nothing filed (due, overdue by one and by
    many days, due today), each of the CGU's statuses, published, a draft or a certified
    draft beside a returned version, and a code that must be escaped and quoted."""
    out = []
    cases = [
        # (code, deadline, latest (status, version, published) or None, draft state or None)
        ("2025-Q4", ON + dt.timedelta(days=16), None, None),
        ("2025-Q3", ON, None, None),
        ("2025-Q2", ON + dt.timedelta(days=1), None, None),
        ("2025-Q1", ON - dt.timedelta(days=1), None, None),
        ("2024-Q4", ON - dt.timedelta(days=400), None, "draft"),
        ("2024-Q3", ON - dt.timedelta(days=30), ("returned", 2, False), "certified"),
        ("2024-Q2", ON - dt.timedelta(days=30), ("returned", 1, False), None),
        ("2024-Q1", ON - dt.timedelta(days=30), ("submitted", 1, False), None),
        ("2023-Q4", ON - dt.timedelta(days=30), ("under_review", 3, False), None),
        ("2023-Q3", ON - dt.timedelta(days=30), ("accepted", 1, False), None),
        ("2023-Q2", ON + dt.timedelta(days=3), ("accepted", 12, True), None),
        ('H1 "a&b" <c> ü?#%', ON - dt.timedelta(days=2), None, "certified"),
    ]
    for code, deadline, latest, draft in cases:
        period = ReportingPeriod(code=code, deadline=deadline, ends_on=deadline)
        row = DueRow(
            period=period,
            latest=None
            if latest is None
            else KpiReturn(status=latest[0], version=latest[1], is_published=latest[2]),
            draft=None if draft is None else EntityDraft(state=draft),
            overdue=False,
            days_left=(deadline - ON).days,
        )
        row.overdue = row.needs_filing and deadline < ON
        out.append(row)
    return out


def test_the_due_rows_are_what_the_template_loop_wrote_in_both_languages():
    rows = _rows()
    keys = {row.status_key for row in rows}
    assert keys >= {*STATES, "due", "overdue"}  # every badge of _state.html
    assert any(r.overdue and r.days_left == -1 for r in rows)  # "1 day overdue"
    assert any(r.needs_filing and r.days_left == 0 for r in rows)  # "0 days left"
    assert any(not r.overdue and not r.needs_filing and r.days_left > 0 for r in rows)
    for language in ("en", "ur"):
        with translation.override(language):
            expected = Template(DUE_LOOP).render(Context({"rows": rows}))
            assert entity_due_rows(rows) == expected
            assert "&quot;a&amp;b&quot; &lt;c&gt;" in expected and "<c>" not in expected
            if language == "ur":  # the Urdu labels were compared, not the English again
                assert "Accepted and published" not in expected
    assert Template(DUE_LOOP).render(Context({"rows": []})).startswith("<tr><td colspan")


def test_a_badge_for_every_key_of_the_state_template():
    states = entity_states()
    for key in [*STATES, "overdue", "due", "anything else"]:
        html = Template('{% include "cgu/entity/_state.html" %}').render(Context({"key": key}))
        assert html == states.get(key, states["due"]) + "\n"


def test_the_figure_rows_are_what_the_template_loop_wrote_in_both_languages():
    comparisons = [
        Comparison("STAFF", 'Staff <b>&</b> "others"', "count", Decimal("1234567"), None, None),
        Comparison("UTIL_PCT", "استعمال", "percent", Decimal("81.50"), Decimal("2500.25"), None),
        Comparison("ZERO", "Zero", "count", Decimal("0"), Decimal("0.005"), Decimal("-12.344")),
        Comparison("NONE", "None", "count", None, Decimal("3.1"), Decimal("1000000.999")),
    ]
    for language in ("en", "ur"):
        with translation.override(language):
            context = Context({"benchmarks": portal.Benchmarks(period=None, rows=comparisons)})
            expected = Template(FIGURE_LOOP).render(context)
            assert entity_figure_rows(comparisons) == expected
            assert "Staff &lt;b&gt;&amp;&lt;/b&gt; &quot;others&quot;" in expected
            assert "—" in expected
            if language == "en":
                assert "1,234,567" in expected  # grouped, as floatformat's "g" asks


@pytest.mark.django_db
def test_the_home_page_shows_the_rows(cgu, client):
    from tests.cgu.test_entity_portal_queries import _head, _published

    head = _head(cgu, cgu.uni, "vc@uop.edu.pk")
    _published(cgu, cgu.uni, cgu.q3, STAFF="2000")
    client.force_login(head.user)
    page = client.get(reverse("entity:home")).content.decode()
    rows = portal.due(cgu.uni)
    assert rows and entity_due_rows(rows) in page
    figures = portal.benchmarks(cgu.uni).rows
    assert figures and entity_figure_rows(figures) in page
    assert "2,000" in page and "Accepted and published" in page
