"""The charts' tables written by ``cgu_tags.chart_table`` are byte for byte what the
template's two nested loops wrote (``cgu/_chart.html`` before issue 20), in English and
Urdu: headers and cells escaped and localized as ``{{ value }}`` does."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from cgu import charts
from cgu.selectors import filing, published
from cgu.services import return_accept, return_submit
from organisation.models import Department
from tests.cgu.conftest import uni_rows

pytestmark = pytest.mark.django_db

MAINS = (
    '{% load i18n %}<section class="card{% if chart.wide %} chart-wide{% endif %}" '
    'aria-labelledby="{{ chart.id }}-title">\n'
    '  <h2 id="{{ chart.id }}-title">{{ chart.title }}</h2>\n'
    '  <div class="chart-box"><canvas data-chart="{{ chart.data_id }}" role="img" '
    'aria-label="{% blocktranslate with title=chart.title %}Chart: {{ title }}. The same '
    'figures are in the table below it.{% endblocktranslate %}"></canvas></div>\n'
    "  {{ chart.spec|json_script:chart.data_id }}\n"
    '  <div class="table-wrap">\n'
    '    <table class="data">\n'
    '      <caption class="visually-hidden">{{ chart.title }}</caption>\n'
    '      <thead><tr>{% for h in chart.headers %}<th scope="col"{% if not forloop.first %} '
    'class="num"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead>\n'
    "      <tbody>\n"
    "        {% for row in chart.rows %}<tr>{% for c in row %}{% if forloop.first %}"
    '<th scope="row">{{ c }}</th>{% else %}<td class="num">{{ c }}</td>{% endif %}'
    "{% endfor %}</tr>{% endfor %}\n"
    "      </tbody>\n"
    "    </table>\n"
    "  </div>\n"
    "</section>\n"
)


def _charts(cgu):
    Department.objects.filter(pk=cgu.hed.pk).update(name_en='Higher & <"Ed">')
    r = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 30),
    )
    return_accept(actor=cgu.so_user, kpi_return=r)
    report = filing.compliance_counts(cgu.q3, on=dt.date(2025, 11, 15))
    out = [charts.compliance_chart("chart-compliance", report)]
    for series in published.province_series():
        out.append(charts.series_chart(f"chart-{series.kpi.code}", series))
        figures = published.kpi_by_department(series.kpi, cgu.q3)
        out.append(charts.department_bar(f"bar-{series.kpi.code}", series.kpi, cgu.q3, figures))
    out.append(
        charts.chart(
            chart_id="odd",
            kind="bar",
            title="<t>",
            labels=[],
            datasets=[],
            headers=["A & B", Decimal("1234.5"), 7],
            rows=[["<x>", Decimal("1234.5"), 1234567], []],
        )
    )
    out.append(
        charts.chart(
            chart_id="empty", kind="bar", title="", labels=[], datasets=[], headers=[], rows=[]
        )
    )
    return out


@pytest.mark.parametrize("language", ["en", "ur"])
def test_chart_tables_are_byte_for_byte_the_template_loops(cgu, language):
    request = RequestFactory().get("/")
    old = engines["django"].from_string(MAINS)
    new = get_template("cgu/_chart.html")
    made = _charts(cgu)
    assert len(made) > 3 and any("&" in str(c["rows"]) for c in made)
    with translation.override(language):
        for chart in made:
            assert new.render({"chart": chart}, request) == old.render({"chart": chart}, request)
    with translation.override(language):
        page = new.render({"chart": made[0]}, request)
    assert "Higher &amp; &lt;&quot;Ed&quot;&gt;" in page or language == "ur"
