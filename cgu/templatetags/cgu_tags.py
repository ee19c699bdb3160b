"""Template helpers of the CGU's screens."""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from cgu.charts import fmt, isolate

register = template.Library()


@register.filter
def ltr(value):
    """Keep a code like 2026-Q3 reading left to right inside Urdu text (a Unicode isolate,
    so it works in table cells, sentences and <option> labels alike)."""
    return mark_safe(isolate(str(conditional_escape(value))))  # noqa: S308 — escaped above


@register.filter
def figure(value, kpi):
    """A KPI value as people read it (thousands separated, % for rates, whole counts)."""

    return fmt(value, kpi)


@register.filter
def code(value):
    """A period or entity code in a table cell: left to right, never broken at its hyphen."""
    return format_html('<span class="nowrap">{}</span>', ltr(value))


@register.simple_tag(takes_context=True)
def chart_table(context, chart):
    """The head and body rows of a chart's table (``cgu/_chart.html``), each cell written as
    ``{{ cell }}`` writes it (``render_value_in_context``: localized, escaped). The two
    nested template loops they replace cost ~2.5 ms of CPU a chart in a request at 100k
    files, three charts on the dashboard (docs/benchmarks.md, "The CGU's screens (issue
    20)"); ``tests/cgu/test_chart_table.py`` compares this with those loops in English and
    Urdu."""
    head = []
    for i, h in enumerate(chart["headers"]):
        th = '<th scope="col">' if i == 0 else '<th scope="col" class="num">'
        head.append(f"{th}{render_value_in_context(h, context)}</th>")
    body = []
    for row in chart["rows"]:
        body.append("<tr>")
        for i, c in enumerate(row):
            cell = render_value_in_context(c, context)
            body.append(
                f'<th scope="row">{cell}</th>' if i == 0 else f'<td class="num">{cell}</td>'
            )
        body.append("</tr>")
    return mark_safe(  # noqa: S308 — every cell is escaped by render_value_in_context
        f"<thead><tr>{''.join(head)}</tr></thead>\n      <tbody>\n        {''.join(body)}"
        "\n      </tbody>"
    )
