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

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

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
    """``date -> "j M Y"``, formatted once per distinct date (returns arrive in bunches),
    the month's name translated once per distinct month: Django's ``date_format`` took
    ~0.05 ms a date, a third of the returns list's rows (32 dates on a page). "j M Y" is
    Django's ``j`` (the day), ``M`` (``date_format(value, "M")``) and ``Y`` (``%04d``)
    joined by spaces, so the text is the same (tests/cgu/test_list_rows.py)."""
    seen: dict = {None: "—"}
    months: dict = {}

    def fmt(value) -> str:
        text = seen.get(value)
        if text is None:
            month = months.get(value.month)
            if month is None:
                month = months[value.month] = date_format(value, "M")
            text = seen[value] = _e(f"{value.day} {month} {value.year:04d}")
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
    """One ``<tr>`` per ``cgu.selectors.filing.FilingRow`` (see
    ``templates/cgu/compliance.html``); each PSE's name in the active language as
    ``BilingualName.name`` gives it, the language read once a page."""
    entity_url = url_prefix("cgu:entity")
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    filing = _Filing()
    date = _dates()
    channels = {
        value: f'<span class="badge badge-channel-{value}">{_e(label)}</span>'
        for value, label in KpiReturn.Channel.choices
    }
    urdu = (get_language() or "en").startswith("ur")
    out = []
    for row in rows:
        if row.latest_id is None:
            latest_html = channel = "—"
        else:
            channel = channels.get(row.latest_channel, "")
            latest_html = (
                f'<a href="{return_url[0]}{row.latest_id}{return_url[1]}">'
                f"v{row.latest_version}</a> "
                f"{statuses.get(row.latest_status) or _e(row.latest_status)}"
            )
        code = row.entity_code
        name = row.name_ur if urdu and row.name_ur else row.name_en
        href = f"{entity_url[0]}{_e(quote(code, safe=_URL_SAFE))}{entity_url[1]}"
        out.append(
            mark_safe(  # noqa: S308 — every value above is escaped by _e
                f'<tr><th scope="row"><a href="{href}">{_e(name)}</a> '
                f'<span class="muted mono">{_e(code)}</span></th>'
                f"<td>{_e(row.department_code)}</td><td>{filing.badge(row)}</td>"
                f"<td>{date(row.first_received_on)}</td><td>{latest_html}</td>"
                f"<td>{channel}</td>"
                f'<td class="num">{int(row.reminders)}</td></tr>'
            )
        )
    return out


def return_rows(returns) -> list[str]:
    """One ``<tr>`` per ``cgu.selectors.returns.ReturnRow`` of ``returns_page``, as
    ``cgu/return_list.html`` shows it; each PSE's name in the active language as
    ``BilingualName.name`` gives it, the language read once a page."""
    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    published = f' <span class="badge badge-accepted">{_e(_("published"))}</span>'
    late = f' <span class="badge badge-late">{_e(_("late"))}</span>'
    date = _dates()
    urdu = (get_language() or "en").startswith("ur")
    out = []
    for r in returns:
        reviewer = r.reviewed_by
        out.append(
            mark_safe(  # noqa: S308 — every value above is escaped by _e
                f'<tr><th scope="row"><a href="{return_url[0]}{r.pk}{return_url[1]}">'
                f'{_e(r.name(urdu))}</a> <span class="muted mono">{_e(r.entity_code)}</span></th>'
                f"<td>{_e(r.department_code)}</td>"
                f'<td><span class="nowrap">\u2066{_e(r.period_code)}\u2069</span></td>'
                f'<td class="num">{int(r.version)}</td>'
                f"<td>{statuses.get(r.status) or _e(r.status)}"
                f"{published if r.is_published else ''}</td>"
                f'<td class="num">{int(r.value_count)}</td>'
                f"<td>{date(r.received_on)}{late if r.is_late else ''}</td>"
                f"<td>{_e(r.submitted_by)}</td>"
                f"<td>{'—' if reviewer is None else _e(reviewer)}</td></tr>"
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


# The entity portal's home (templates/cgu/entity/home.html): its two tables, the periods due
# and the published figures beside the medians, were two template loops with an include, a
# {% url %}, three blocktranslates and three floatformats a row: ~1.8 ms of the page's CPU
# (session 13, docs/benchmarks.md, "The entity portal's home"). Written here under the same
# rule as the CGU's rows above; tests/cgu/test_entity_home_rows.py compares both with the
# template loops they replace, in English and Urdu.


def entity_states() -> dict[str, str]:
    """``{status key: badge HTML}`` of ``cgu/entity/_state.html``, translated once a page;
    ``due`` is the badge of any other key, as there."""
    labels = {
        "draft": ("queued", _("Draft: not yet certified")),
        "certified": ("under_review", _("Certified: not yet submitted")),
        "submitted": ("submitted", _("Received by the CGU")),
        "under_review": ("under_review", _("Under review at the CGU")),
        "returned": ("returned", _("Returned with reasons")),
        "accepted": ("accepted", _("Accepted")),
        "published": ("accepted", _("Accepted and published")),
        "overdue": ("overdue", _("Overdue: not filed")),
        "due": ("queued", _("Due: not filed")),
    }
    return {
        key: f'<span class="badge badge-{badge}">{_e(label)}</span>'
        for key, (badge, label) in labels.items()
    }


def entity_due_rows(rows) -> str:
    """The ``<tr>`` of each ``cgu.portal.DueRow`` on the entity portal's home."""
    before, after = url_prefix("entity:period")
    states = entity_states()
    due = states["due"]
    # Translated before formatting: makemessages does not read a call inside an f-string.
    file_label, see_label = _("File the return"), _("See the return")
    file_it = f'<span class="visually-hidden"> {_e(file_label)}</span>'
    see_it = f'<span class="visually-hidden"> {_e(see_label)}</span>'
    date = _dates()
    overdue = ' class="overdue"'
    out = []
    for row in rows:
        period = row.period
        days = row.days_left
        needs_filing = row.needs_filing
        if row.overdue:
            n = abs(days)
            text = ngettext("%(d)s day overdue", "%(d)s days overdue", n) % {"d": _e(localize(n))}
            when = f' <strong class="overdue-text">{text}</strong>'
        elif needs_filing and days >= 0:
            text = ngettext("%(d)s day left", "%(d)s days left", days) % {"d": _e(localize(days))}
            when = f' <span class="muted">{text}</span>'
        else:
            when = ""
        version = ""
        if row.latest is not None:
            text = _("version %(v)s") % {"v": _e(localize(row.latest.version))}
            version = f' <span class="muted">{text}</span>'
        out.append(
            f"<tr{overdue if row.overdue else ''}>\n"
            f'      <th scope="row"><a class="mono" href="{before}'
            f'{_e(quote(period.code, safe=_URL_SAFE))}{after}">'
            f'<span class="nowrap">\u2066{_e(period.code)}\u2069</span></a>'
            f"{file_it if needs_filing else see_it}</th>\n"
            f"      <td>{date(period.deadline)}{when}</td>\n"
            f"      <td>{states.get(row.status_key, due)}\n{version}</td>\n"
            "    </tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 — every value is escaped by _e


def entity_figure_rows(comparisons) -> str:
    """The ``<tr>`` of each ``cgu.portal.Comparison`` (our figure, the department's and the
    province's medians) on the entity portal's home, formatted as ``floatformat:"-2g"``."""
    out = []
    for c in comparisons:
        out.append(
            f'<tr><th scope="row">{_e(c.kpi_name)} <span class="mono muted">{_e(c.kpi_code)}'
            f'</span></th><td class="num">{floatformat(c.value, "-2g")}</td>'
            f'<td class="num">{floatformat(c.department_median, "-2g") or "—"}</td>'
            f'<td class="num">{floatformat(c.province_median, "-2g") or "—"}</td></tr>'
        )
    return mark_safe("".join(out))  # noqa: S308 — names escaped; floatformat's are numbers
