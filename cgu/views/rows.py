"""Table rows of the CGU's longer screens, built in Python.

The compliance table has a row for every active PSE (183 in the province, whatever the
number of files), and the Django template engine costs ~0.2 ms a row once a row has an
``{% include %}``, two ``{% url %}`` tags and a translated badge. Here each row is one
``format_html`` call: the URLs are reversed once per page (``pk_url``-style prefixes), the
status labels translated once per page, and everything is still escaped."""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cgu.models import KpiReturn
from cgu.selectors import FilingState


def url_prefix(name: str, placeholder: str | int = "ARGPLACEHOLDER") -> tuple[str, str]:
    """``reverse(name)`` split around its one argument, reversed once for a whole table:
    the URL of ``arg`` is ``prefix + arg + suffix``. ``placeholder`` must match the
    argument's converter (an int for ``<int:pk>``)."""
    url = reverse(name, args=[placeholder])
    before, _sep, after = url.partition(str(placeholder))
    return before, after


def status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in KpiReturn.Status.choices}


def _dates():
    """``date -> "j M Y"``, formatted once per distinct date (returns arrive in bunches)."""
    seen: dict = {None: "—"}

    def fmt(value) -> str:
        text = seen.get(value)
        if text is None:
            text = seen[value] = date_format(value, "j M Y")
        return text

    return fmt


class _Filing:
    """The filing badge, translated once per page and once per distinct day count."""

    def __init__(self):
        self.on_time = _("on time")
        self.not_due = _("not yet due")
        self._late: dict[int, str] = {}
        self._overdue: dict[int, str] = {}

    def badge(self, row) -> str:
        if row.state == FilingState.ON_TIME:
            return format_html('<span class="badge badge-on_time">{}</span>', self.on_time)
        if row.state == FilingState.LATE:
            text = self._late.get(row.days_late)
            if text is None:
                text = self._late[row.days_late] = ngettext(
                    "%(days)s day late", "%(days)s days late", row.days_late
                ) % {"days": row.days_late}
            return format_html('<span class="badge badge-late">{}</span>', text)
        if row.state == FilingState.OVERDUE:
            text = self._overdue.get(row.days_late)
            if text is None:
                text = self._overdue[row.days_late] = ngettext(
                    "not filed, %(days)s day overdue",
                    "not filed, %(days)s days overdue",
                    row.days_late,
                ) % {"days": row.days_late}
            return format_html('<span class="badge badge-overdue">{}</span>', text)
        return format_html('<span class="badge badge-not_due">{}</span>', self.not_due)


def compliance_rows(rows) -> list[str]:
    """One ``<tr>`` per ``EntityCompliance`` row (see ``templates/cgu/compliance.html``)."""
    entity_url = url_prefix("cgu:entity")
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    filing = _Filing()
    date = _dates()
    out = []
    for row in rows:
        entity, latest = row.entity, row.latest
        if latest is None:
            latest_html = "—"
        else:
            latest_html = format_html(
                '<a href="{}{}{}">v{}</a> <span class="badge badge-{}">{}</span>',
                return_url[0],
                latest.pk,
                return_url[1],
                latest.version,
                latest.status,
                statuses.get(latest.status, latest.status),
            )
        out.append(
            format_html(
                '<tr><th scope="row"><a href="{}{}{}">{}</a> <span class="muted mono">{}</span>'
                "</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                '<td class="num">{}</td></tr>',
                entity_url[0],
                quote(entity.code, safe="!$&'()*+,;=~:@"),
                entity_url[1],
                entity.name,
                entity.code,
                entity.department.code,
                filing.badge(row),
                date(row.first_received_on),
                latest_html,
                row.reminders,
            )
        )
    return out


def _person(user) -> str:
    return user.get_full_name() or user.username


def return_rows(returns) -> list[str]:
    """One ``<tr>`` per ``KpiReturn`` of ``selectors.returns_page`` (``value_count`` set;
    entity, department, period and both users loaded), as ``cgu/return_list.html`` shows."""
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    published = format_html(' <span class="badge badge-accepted">{}</span>', _("published"))
    late = format_html(' <span class="badge badge-late">{}</span>', _("late"))
    date = _dates()
    out = []
    for r in returns:
        out.append(
            format_html(
                '<tr><th scope="row"><a href="{}{}{}">{}</a> <span class="muted mono">{}</span>'
                "</th><td>{}</td>"
                '<td><span class="nowrap">\u2066{}\u2069</span></td><td class="num">{}</td>'
                '<td><span class="badge badge-{}">{}</span>{}</td><td class="num">{}</td>'
                "<td>{}{}</td><td>{}</td><td>{}</td></tr>",
                return_url[0],
                r.pk,
                return_url[1],
                r.entity.name,
                r.entity.code,
                r.entity.department.code,
                r.period.code,
                r.version,
                r.status,
                statuses.get(r.status, r.status),
                published if r.is_published else "",
                r.value_count,
                date(r.received_on),
                late if r.is_late else "",
                _person(r.submitted_by),
                _person(r.reviewed_by) if r.reviewed_by_id else "—",
            )
        )
    return out
