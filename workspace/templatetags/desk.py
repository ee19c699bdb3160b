"""Small presentation helpers for the desk screens."""

import html
import re
from datetime import date, datetime
from functools import lru_cache

from django import template
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from workspace import tracking

register = template.Library()


@register.filter
def days_since(value, now=None) -> int:
    """Whole days from ``value`` until now; pass the view's ``now`` in a loop
    (``{{ file.desk_since|days_since:now }}``) to read the clock once a page."""
    if not value:
        return 0
    return max(0, ((now or timezone.now()) - value).days)


# Format characters whose output depends on more than the wall-clock time and the language
# (time zone names and offsets, the epoch): never remembered by ``dated``.
_ZONED = set("eOTZUcrI")


@register.filter(expects_localtime=True)
def dated(value, fmt: str = "j M Y") -> str:
    """``value|date:fmt``, remembered per wall-clock time, format and language: the inbox shows
    a due date on each of its 50 rows (mostly the same few days) and the file page a time on
    each movement, paragraph and stay, and Django's formatter costs ~25 µs a call (session 11:
    2.8 of the busiest inbox's 5.4 ms of template, instrumented). The value arrives in the
    site's time (``expects_localtime``), so its wall-clock fields are what is shown."""
    if not value:
        return ""
    if _ZONED & set(fmt):
        return dateformat.format(value, fmt)
    wall = value.replace(tzinfo=None) if isinstance(value, datetime) else value
    return _dated(wall, fmt, get_language())


@lru_cache(maxsize=8192)
def _dated(value: date | datetime, fmt: str, language: str) -> str:
    return dateformat.format(value, fmt)


@register.filter
def tracking_ref(value) -> str:
    """A tracking reference as citizens read it on their slip: ``K7M2Q-X9PT4``."""
    return tracking.display(value) if value else ""


@register.filter
def label(labels, key):
    """``{{ priority_labels|label:file.priority }}``: a choice's label from a dict the view
    translated once (``get_FOO_display`` translates every choice of the field on each call)."""
    return labels.get(key, key)


@register.filter
def duration(seconds) -> str:
    """3 days 4 hours / 5 hours 10 minutes / 12 minutes."""
    seconds = int(seconds or 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return ngettext("%(m)s minute", "%(m)s minutes", minutes) % {"m": minutes}


@register.filter
def is_overdue(due_on) -> bool:
    return bool(due_on) and due_on < timezone.localdate()


# The "mark to" chooser's two lists (workspace/_mark_to.html) are the longest loops on the file
# and receipt pages: forty-odd departments and a department's posts. Written here rather than
# as template loops (~0.9 ms a page in the template engine) or with format_html (~0.6 ms; it
# escapes through lazy wrappers): html.escape is what Django's escape() calls.


@register.simple_tag
def department_options(departments, chosen_id, home_id, home_label):
    """``<option>``s of the departments: ``chosen_id``'s selected, ``home_id``'s labelled."""
    label = f" {html.escape(str(home_label))}"
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<option value="{html.escape(d.code)}"{" selected" if d.pk == chosen_id else ""}>'
            f"{html.escape(d.name)}{label if d.pk == home_id else ''}</option>"
            for d in departments
        )
    )


@register.simple_tag
def post_options(groups):
    """An ``<optgroup>`` of ``<option>``s for each ``(section, [post, …])`` of ``groups``."""
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<optgroup label="{html.escape(section.name)}">'
            + "".join(
                f'<option value="{int(p.pk)}">{html.escape(p.designation)}</option>' for p in posts
            )
            + "</optgroup>"
            for section, posts in groups
        )
    )


_FLAG_CITATION = None


@register.filter
def note_text(text, flag_urls):
    """A note paragraph's text, escaped, line breaks kept, with every "Flag A" (or "فلیگ A")
    that names a flag of the file made a link that opens that paper in the viewer
    (``flag_urls``: ``{"A": url}`` from the view)."""
    global _FLAG_CITATION
    if _FLAG_CITATION is None:
        _FLAG_CITATION = re.compile(r"(?<!\w)(Flag|flag|FLAG|فلیگ)\s+([A-Z]{1,2})\b")
    escaped = html.escape(text or "")

    def link(match):
        url = (flag_urls or {}).get(match.group(2))
        if not url:
            return match.group(0)
        return f'<a href="{html.escape(url)}" data-viewer>{match.group(0)}</a>'

    linked = _FLAG_CITATION.sub(link, escaped)
    return mark_safe(linked.replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308 — escaped above
