"""Table rows of the CGU's longer screens, built in Python.

The compliance table has a row for every active PSE (183 in the province, whatever the
number of files), and the Django template engine costs ~0.2 ms a row once a row has an
``{% include %}``, two ``{% url %}`` tags and a translated badge. Here each row is one
f-string: the URLs are reversed once per page, the labels translated once per page (and once
per distinct day count or date), and every value from the database goes through ``_e``
(``html.escape``, exactly what Django's ``escape`` does, without its lazy-string wrapper,
which was half the cost of ``format_html`` here)."""

from __future__ import annotations

import html
from urllib.parse import quote

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cgu.models import KpiReturn
from cgu.selectors.filing import FilingState

# What ``reverse`` leaves unquoted in a path argument (RFC 3986 sub-delims and ~:@).
_URL_SAFE = "!$&'()*+,;=~:@"


def _e(value) -> str:
    return html.escape(str(value))


def url_prefix(name: str, placeholder: str | int = "ARGPLACEHOLDER") -> tuple[str, str]:
    """``reverse(name)`` split around its one argument, reversed once for a whole table:
    the URL of ``arg`` is ``prefix + arg + suffix``. ``placeholder`` must match the
    argument's converter (an int for ``<int:pk>``)."""
    url = reverse(name, args=[placeholder])
    before, _sep, after = url.partition(str(placeholder))
    return _e(before), _e(after)


def status_labels() -> dict[str, str]:
    """``{status: badge HTML}``, translated once a page."""
    return {
        value: f'<span class="badge badge-{value}">{_e(label)}</span>'
        for value, label in KpiReturn.Status.choices
    }


def _dates():
    """``date -> "j M Y"``, formatted once per distinct date (returns arrive in bunches)."""
    seen: dict = {None: "—"}

    def fmt(value) -> str:
        text = seen.get(value)
        if text is None:
            text = seen[value] = _e(date_format(value, "j M Y"))
        return text

    return fmt


class _Filing:
    """The filing badge, translated once per page and once per distinct day count."""

    def __init__(self):
        self.on_time = f'<span class="badge badge-on_time">{_e(_("on time"))}</span>'
        self.not_due = f'<span class="badge badge-not_due">{_e(_("not yet due"))}</span>'
        self._late: dict[int, str] = {}
        self._overdue: dict[int, str] = {}

    def badge(self, row) -> str:
        days = row.days_late
        if row.state == FilingState.ON_TIME:
            return self.on_time
        if row.state == FilingState.LATE:
            text = self._late.get(days)
            if text is None:
                label = ngettext("%(days)s day late", "%(days)s days late", days)
                text = self._late[days] = (
                    f'<span class="badge badge-late">{_e(label % {"days": days})}</span>'
                )
            return text
        if row.state == FilingState.OVERDUE:
            text = self._overdue.get(days)
            if text is None:
                label = ngettext(
                    "not filed, %(days)s day overdue", "not filed, %(days)s days overdue", days
                )
                text = self._overdue[days] = (
                    f'<span class="badge badge-overdue">{_e(label % {"days": days})}</span>'
                )
            return text
        return self.not_due


def compliance_rows(rows) -> list[str]:
    """One ``<tr>`` per ``EntityCompliance`` row (see ``templates/cgu/compliance.html``)."""
    entity_url = url_prefix("cgu:entity")
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    filing = _Filing()
    date = _dates()
    channels = {
        value: f'<span class="badge badge-channel-{value}">{_e(label)}</span>'
        for value, label in KpiReturn.Channel.choices
    }
    out = []
    for row in rows:
        entity, latest = row.entity, row.latest
        channel = channels.get(latest.channel, "") if latest is not None else "—"
        if latest is None:
            latest_html = "—"
        else:
            latest_html = (
                f'<a href="{return_url[0]}{latest.pk}{return_url[1]}">v{latest.version}</a> '
                f"{statuses.get(latest.status) or _e(latest.status)}"
            )
        code = _e(entity.code)
        href = f"{entity_url[0]}{_e(quote(entity.code, safe=_URL_SAFE))}{entity_url[1]}"
        out.append(
            mark_safe(  # noqa: S308 — every value above is escaped by _e
                f'<tr><th scope="row"><a href="{href}">{_e(entity.name)}</a> '
                f'<span class="muted mono">{code}</span></th>'
                f"<td>{_e(entity.department.code)}</td><td>{filing.badge(row)}</td>"
                f"<td>{date(row.first_received_on)}</td><td>{latest_html}</td>"
                f"<td>{channel}</td>"
                f'<td class="num">{int(row.reminders)}</td></tr>'
            )
        )
    return out


def _person(user) -> str:
    return _e(user.get_full_name() or user.username)


def return_rows(returns) -> list[str]:
    """One ``<tr>`` per ``KpiReturn`` of ``cgu.selectors.returns.returns_page``
    (``value_count`` set; entity, department, period and both users loaded), as
    ``cgu/return_list.html`` shows."""
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    published = f' <span class="badge badge-accepted">{_e(_("published"))}</span>'
    late = f' <span class="badge badge-late">{_e(_("late"))}</span>'
    date = _dates()
    out = []
    for r in returns:
        entity = r.entity
        out.append(
            mark_safe(  # noqa: S308 — every value above is escaped by _e
                f'<tr><th scope="row"><a href="{return_url[0]}{r.pk}{return_url[1]}">'
                f'{_e(entity.name)}</a> <span class="muted mono">{_e(entity.code)}</span></th>'
                f"<td>{_e(entity.department.code)}</td>"
                f'<td><span class="nowrap">\u2066{_e(r.period.code)}\u2069</span></td>'
                f'<td class="num">{int(r.version)}</td>'
                f"<td>{statuses.get(r.status) or _e(r.status)}"
                f"{published if r.is_published else ''}</td>"
                f'<td class="num">{int(r.value_count)}</td>'
                f"<td>{date(r.received_on)}{late if r.is_late else ''}</td>"
                f"<td>{_person(r.submitted_by)}</td>"
                f"<td>{_person(r.reviewed_by) if r.reviewed_by_id else '—'}</td></tr>"
            )
        )
    return out


def code_links(name: str, items) -> str:
    """``<li><a>`` links to ``name``'s page of each item (a department, a KPI: ``code`` and
    ``name``), the URL reversed once for the list (the dashboard's two lists of links)."""
    before, after = url_prefix(name)
    return mark_safe(  # noqa: S308 — every value is escaped by _e
        "".join(
            f'<li><a href="{before}{_e(quote(item.code, safe=_URL_SAFE))}{after}">'
            f"{_e(item.name)}</a></li>"
            for item in items
        )
    )


def awaiting_rows(returns) -> list[str]:
    """One ``<tr>`` per return of ``cgu.selectors.returns.awaiting_review`` (entity and
    period loaded), as the dashboard's review queue shows it."""
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    date = _dates()
    return [
        mark_safe(  # noqa: S308 — every value is escaped by _e
            f'<tr><th scope="row"><a href="{return_url[0]}{r.pk}{return_url[1]}">'
            f"{_e(r.entity.name)}</a></th>"
            f'<td><span class="nowrap">\u2066{_e(r.period.code)}\u2069</span></td>'
            f'<td class="num">{int(r.version)}</td>'
            f"<td>{statuses.get(r.status) or _e(r.status)}</td>"
            f"<td>{date(localtime(r.submitted_at).date())}</td></tr>"
        )
        for r in returns
    ]
