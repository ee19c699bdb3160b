"""The cell's queue rows, written in Python (``complaints/queue.html``).

The queue shows 50 rows of six cells with up to four badges each. As a template loop that
was ~600 template nodes a page and 1.1–1.8 ms of CPU for 50 rows (Urdu, English); written
here, 0.15–0.30 ms (session 13, interleaved; docs/benchmarks.md "The cell's queue"). Written
here under the README's rule for HTML outside templates (at least 1 ms a page, said where
written); ``tests/complaints/test_queue_rows.py`` compares it with the loop it replaced, in
both languages, escaping included."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kernel.html import escaped

register = template.Library()


_esc = escaped


@register.simple_tag
def complaint_queue_rows(rows):
    """The ``<tr>`` of each row the queue view made (``complaints.views.queue``)."""
    # Translated before formatting: makemessages does not read a call inside an f-string.
    words = {"escalated": _("escalated"), "duplicate": _("duplicate"), "moved on": _("moved on")}
    escalated = f' <span class="badge badge-urgent">{_esc(words["escalated"])}</span>'
    duplicate = f' <span class="badge">{_esc(words["duplicate"])}</span>'
    moved_on = f' <span class="muted">({_esc(words["moved on"])})</span>'
    out = []
    for row in rows:
        left = _esc(row["time_left"])
        out.append(
            "\n      <tr" + (' class="row-escalated"' if row["escalated_to_me"] else "") + ">\n"
            f'        <td><a class="file-number" dir="ltr" href="{_esc(row["url"])}">'
            f"{_esc(row['ref'])}</a>"
            + (escalated if row["escalated_to_me"] else "")
            + (duplicate if row["duplicate"] else "")
            + "</td>\n"
            f"        <td>{_esc(row['category'])}</td><td>{_esc(row['district'])}</td>"
            f"<td>{_esc(row['status'])}</td>\n"
            f"        <td>{_esc(row['office'])}" + (moved_on if row["moved_on"] else "") + "</td>\n"
            "        <td>"
            + (f'<span class="badge badge-urgent">{left}</span>' if row["overdue"] else left)
            + "</td>\n      </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value is escaped)
