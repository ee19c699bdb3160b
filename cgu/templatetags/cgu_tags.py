"""Template helpers of the CGU's screens."""

from django import template
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
