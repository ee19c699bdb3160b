"""Small presentation helpers for the desk screens."""

import html
import re
import time
from datetime import date, datetime
from functools import lru_cache

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kernel.html import escaped
from workspace import tracking
from workspace.selectors.desk import LIVE_DEPARTMENTS_SECONDS

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
    pieces = _plain_pieces(fmt)
    if pieces is not None and isinstance(value, datetime):
        # The file page's times are all different (each movement, paragraph and stay), so
        # remembering them saves nothing: their few fields are put together here instead,
        # with the month's name from Django's own table (session 12: 22 → 3.5 µs a time,
        # ~25 times a file page). Days (the inbox's due dates: a few, over and over) are
        # still remembered below, which costs less than this (~1 µs).
        months = _month_names(get_language())
        return "".join(
            piece if kind is None else _FIELDS[kind](value, months) for kind, piece in pieces
        )
    if _ZONED & set(fmt):
        return dateformat.format(value, fmt)
    wall = value.replace(tzinfo=None) if isinstance(value, datetime) else value
    return _dated(wall, fmt, get_language())


@lru_cache(maxsize=8192)
def _dated(value: date | datetime, fmt: str, language: str) -> str:
    return dateformat.format(value, fmt)


# The desk's own formats use only these fields; each is written as ``dateformat`` writes it
# (``DateFormat.j``, ``M``, ``Y``, ``TimeFormat.H``, ``i``). Any other format, or one with an
# escaped character, goes through ``dateformat`` (tests/workspace/test_dated.py compares both).
_FIELDS = {
    "j": lambda v, months: str(v.day),
    "M": lambda v, months: months[v.month],
    "Y": lambda v, months: f"{v.year:04d}",
    "H": lambda v, months: f"{v.hour:02d}",
    "i": lambda v, months: f"{v.minute:02d}",
}


@lru_cache(maxsize=64)
def _plain_pieces(fmt: str) -> tuple | None:
    """``fmt`` as ``((field, None) | (None, literal), …)`` when every field is one of
    ``_FIELDS`` and nothing is escaped; otherwise None."""
    if "\\" in fmt:
        return None
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if i % 2:
            if piece not in _FIELDS:
                return None
            pieces.append((piece, None))
        elif piece:
            pieces.append((None, piece))
    return tuple(pieces)


@lru_cache(maxsize=16)
def _month_names(language: str) -> dict:
    """``{month: "Jan"}`` as ``dateformat``'s ``M`` writes it, in ``language`` (the active
    one: the names are translated when read here)."""
    return {month: str(name).title() for month, name in MONTHS_3.items()}


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


# The inbox's rows: the busiest posts' inbox shows 50 files and up to 50 receipts, and Django's
# template engine spent ~40 µs a row on them (a dozen variable lookups, filters and number
# localisation each). Written here as the mark-to chooser's options are (the README's "Fast
# paths": HTML outside a template only where it saves ≥ 1 ms a page). Measured in session 12,
# interleaved request by request against the loops at 100k files: the busiest post's inbox
# 9.9 → 7.1 ms CPU with the rows' posts taken from the holdings (selectors.desk), the
# template 6.1 → 3.1 ms. Every value is escaped as the template escaped it;
# tests/workspace/test_inbox_rows.py compares these rows with the loops they replace, in
# both languages.


_esc = escaped


@register.simple_tag
def inbox_file_rows(files, file_url, now, priority_labels, grading_labels, overdue, by_priority):
    """The ``<tr>`` of each inbox file (``workspace/inbox.html``); ``overdue`` and
    ``by_priority`` are the page's translated words."""
    overdue_badge = f' <span class="badge badge-overdue">{_esc(overdue)}</span>'
    by_priority_note = f' <span class="muted">{_esc(by_priority)}</span>'
    no_due = '<span class="muted">—</span>'
    url = _esc(file_url)
    rows = []
    for f in files:
        badges = (
            f'<span class="badge badge-{_esc(f.priority_slug)}">'
            f"{_esc(priority_labels.get(f.priority, f.priority))}</span>"
        )
        if f.grading:
            badges += (
                f' <span class="badge badge-{_esc(f.grading_slug)}">'
                f"{_esc(grading_labels.get(f.grading, f.grading))}</span>"
            )
        if f.overdue:
            badges += overdue_badge
        due = _esc(dated(f.due_by)) + ("" if f.due_on else by_priority_note) if f.due_by else no_due
        rows.append(
            "\n      <tr>\n"
            f'        <td><a class="file-number" href="{url}{int(f.pk)}/">'
            f"{_esc(f.number)}</a></td>\n"
            f"        <td>{_esc(f.subject)}</td>\n"
            f"        <td>{badges}</td>\n"
            f"        <td>{_esc(f.holding_post.designation)}</td>\n"
            f'        <td class="num">{days_since(f.desk_since, now)}</td>\n'
            f"        <td>{due}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value is escaped)


@register.simple_tag
def inbox_receipt_rows(receipts, receipt_url, now, priority_labels):
    """The ``<tr>`` of each pending receipt on the inbox (``workspace/inbox.html``)."""
    url = _esc(receipt_url)
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            "\n      <tr>\n"
            f'        <td><a class="file-number" href="{url}{int(r.pk)}/">'
            f"{_esc(r.diary_label)}</a></td>\n"
            f"        <td>{_esc(r.sender)}</td>\n"
            f"        <td>{_esc(r.subject)}</td>\n"
            f'        <td><span class="badge badge-{_esc(r.priority_slug)}">'
            f"{_esc(priority_labels.get(r.priority, r.priority))}</span></td>\n"
            f'        <td class="num">{days_since(r.diarised_at, now)}</td>\n'
            "      </tr>\n    "
            for r in receipts
        )
    )


# The receipts list's rows (``workspace/receipts.html``): 100 a page, each a dozen template
# nodes with two ``{% url %}``, a date and a status translated on every row. Written here
# for the same reason and under the same rule as the inbox's rows above, from values
# (``selectors.desk.receipt_rows``), the URLs reversed once and the labels translated once
# a page. Session 14, interleaved request by request at 100k files: see docs/benchmarks.md
# ("The receipts list and its API"). tests/workspace/test_receipt_list_rows.py compares
# them with the template loop they replace, in both languages.


@register.simple_tag
def receipt_list_rows(receipts, receipt_url, file_url, status_labels):
    """The ``<tr>`` of each ``selectors.desk.ReceiptRow`` on the receipts list."""
    urdu = (get_language() or "en").startswith("ur")
    receipt_url, file_url = _esc(receipt_url), _esc(file_url)
    rows = []
    for r in receipts:
        status = _esc(status_labels.get(r.status, r.status))
        if r.file_id is not None:
            status += (
                f' — <a class="file-number" href="{file_url}{int(r.file_id)}/">'
                f"{_esc(r.file_number)}</a>"
            )
        rows.append(
            "\n      <tr>\n"
            f'        <td><a class="file-number" href="{receipt_url}{int(r.pk)}/">'
            f"{_esc(r.diary_label)}</a></td>\n"
            f"        <td>{_esc(dated(r.received_on))}</td>\n"
            f"        <td>{_esc(r.sender)}</td>\n"
            f"        <td>{_esc(r.subject)}</td>\n"
            f"        <td>{status}</td>\n"
            f"        <td>{_esc((urdu and r.at_ur) or r.at_en)}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value is escaped)


# The file page's history and its "time at each desk": a row per movement and per stay, the
# longest loops on the page and the ones that grow with the file (its p95 is the files with
# the longest histories). Written here for the same reason and under the same rule as the
# inbox's rows above; tests/workspace/test_file_history_rows.py compares them with the
# template loops they replace, in both languages.


def _who(user) -> str:
    """``{{ m.by.get_full_name|default:m.by.username }}``."""
    if user is None:
        return ""
    return _esc(user.get_full_name() or user.username)


@register.simple_tag
def file_history(movements, kind_labels, department_id):
    """The ``<li>`` of each movement of the file (``workspace/file_detail.html``)."""
    after = _("after %(t)s at the desk")
    rows = []
    for m in movements:
        frm, to = m.from_post, m.to_post
        if frm and to and m.from_post_id != m.to_post_id:
            where = f"— {_esc(frm.designation)} → {_esc(to.designation)}"
            if to.section.department_id != department_id:
                where += f", {_esc(to.section.department.code)}"
        elif to:
            where = f"— {_esc(to.designation)}"
        else:
            where = ""
        when = _esc(dated(timezone.template_localtime(m.at), "j M Y, H:i"))
        if m.desk_seconds:
            when += " · " + after % {"t": _esc(duration(m.desk_seconds))}
        remarks = f'<br><bdi class="remarks">“{_esc(m.remarks)}”</bdi>' if m.remarks else ""
        rows.append(
            "\n          <li>\n"
            f"            <strong>{_esc(kind_labels.get(m.kind, m.kind))}</strong>\n"
            f"            {where}\n"
            f'            <br><span class="muted">{_who(m.by)} · {when}</span>\n'
            f"            {remarks}\n"
            "          </li>\n        "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value is escaped)


@register.simple_tag
def desk_stay_rows(stays):
    """The ``<tr>`` of each stay at a desk (``workspace/file_detail.html``)."""
    # Translated outside the f-string: makemessages does not read calls inside one.
    still_there = _esc(_("still there"))
    still = f' <span class="muted">({still_there})</span>'
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f"<tr><td>{_esc(s.post.designation) if s.post else ''}</td>"
            f"<td>{_esc(dated(timezone.template_localtime(s.arrived), 'j M, H:i'))}</td>"
            f'<td class="num">{_esc(duration(s.seconds))}{"" if s.left else still}</td></tr>'
            for s in stays
        )
    )


# The file page's note sheet and its short lists, for the same reason and under the same rule
# as the history above (session 13: the note paragraphs were ~6 template nodes each plus one a
# flag cited and ~8 an approval, the pending receipts' list 2 a receipt, the park reasons 3 an
# option; docs/benchmarks.md, "The file page's template (session 13)").
# tests/workspace/test_note_paragraph_rows.py compares them with the template they replace, in
# both languages.


@register.simple_tag
def note_paragraph(p, flag_urls, flag_word, hash_title, decision_labels):
    """A note paragraph of ``workspace/file_detail.html`` up to its approvals: the ``<article>``
    opening, the text with its flags linked, the flags it refers to, the signature and each
    approval (the edit form and ``</article>`` stay in the template)."""
    number = int(p.number)
    parts = [
        f'<article class="para{"" if p.is_final else " draft"}" id="para-{number}">\n'
        f'        <p dir="auto"><span class="para-no">{number}.</span>'
        f"{note_text(p.text, flag_urls)}</p>\n        "
    ]
    flags = p.cited_flags
    if flags:
        word = _esc(flag_word)
        cited = ", ".join(
            f'<a href="{_esc(f.read_urls[0])}" data-viewer>{word} {_esc(f.flag)}</a>'
            if f.read_urls
            else f"{word} {_esc(f.flag)}"
            for f in flags
        )
        parts.append(f'<p class="muted cites">{_esc(_("Refers to"))} {cited}</p>')
    draft = "" if p.is_final else f" · <strong>{_esc(_('draft'))}</strong>"
    when = _esc(dated(timezone.template_localtime(p.created_at), "j M Y, H:i"))
    parts.append(
        f'\n        <p class="sig">{_who(p.author)} · {_esc(p.post.designation)} · {when}'
        f"{draft}</p>\n        "
    )
    for a in p.approvals.all():
        badge = "badge-open" if a.decision == "approved" else "badge-urgent"
        at = _esc(dated(timezone.template_localtime(a.at), "j M Y, H:i"))
        parts.append(
            f'<p><span class="badge {badge}">{_esc(decision_labels.get(a.decision, a.decision))}'
            f"</span> {_esc(a.post.designation)}, {at} "
            f'<span class="muted mono" title="{_esc(hash_title)}">#{_esc(a.content_hash[:12])}'
            "</span></p>"
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value is escaped)


@register.simple_tag
def receipt_options(receipts):
    """``<option>``s of the officer's pending receipts (``selectors.desk.ReceiptChoice``)."""
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(f'<option value="{int(r.pk)}">{_esc(r.label)}</option>' for r in receipts)
    )


@register.simple_tag
def choice_options(choices):
    """``<option>``s of a field's ``(value, label)`` choices, the first one selected."""
    return mark_safe(  # noqa: S308 (every value is escaped)
        "".join(
            f'<option value="{_esc(value)}"{" selected" if i == 0 else ""}>{_esc(text)}</option>'
            for i, (value, text) in enumerate(choices)
        )
    )


# The "mark to" chooser (workspace/_mark_to.html, on the file page and a receipt's page at the
# desk): its two lists were already written above; the rest was some twenty template nodes
# (eight translations, the include itself). Written here as one tag under the same rule;
# tests/workspace/test_note_paragraph_rows.py compares it with the template it replaces.
_CSRF = CsrfTokenNode()

# Its two lists were most of the chooser's ~1 ms a page (forty-odd departments and a
# department's posts, each name read in the active language and escaped): the same for every
# page under one version of the lists (``selectors.desk.marking_version``: any change to a
# department, section or post gives a new one) and one language, so they are written once per
# process for each, beside the department they list, and written again after
# LIVE_DEPARTMENTS_SECONDS as the lists themselves are read again.
_OPTIONS: dict = {}  # key -> (when written, html)
_OPTIONS_MAX = 512


def _kept_html(key: tuple, write):
    now = time.monotonic()
    hit = _OPTIONS.get(key)
    if hit is not None and now - hit[0] < LIVE_DEPARTMENTS_SECONDS:
        return hit[1]
    if len(_OPTIONS) >= _OPTIONS_MAX:
        _OPTIONS.clear()
    value = write()
    _OPTIONS[key] = (now, value)
    return value


def _post_option_parts(groups) -> tuple:
    """``post_options(groups)`` in pieces: ``((section's <optgroup> opening, ((post id,
    <option>), …)), …)``, so one post can be left out when they are put together."""
    return tuple(
        (
            f'<optgroup label="{html.escape(section.name)}">',
            tuple(
                (p.pk, f'<option value="{int(p.pk)}">{html.escape(p.designation)}</option>')
                for p in posts
            ),
        )
        for section, posts in groups
    )


def _posts_but(sections: tuple, exclude_id) -> str:
    """What ``post_options`` writes for ``marking_choices(exclude_post_id=exclude_id)``:
    ``exclude_id``'s option left out, and a section left with no post left out with it."""
    out = []
    for opening, options in sections:
        kept = "".join(option for pk, option in options if pk != exclude_id)
        if kept:
            out.append(f"{opening}{kept}</optgroup>")
    return "".join(out)


@register.simple_tag(takes_context=True)
def mark_to(context):
    """The chooser of ``views.common.marking()``'s context: a GET form choosing the department,
    and the POST form marking the paper to one of its posts."""
    department = context["mark_department"]
    this_desk = _("(this desk)")
    due = (
        f'<label for="mark-due">{_esc(_("Due by"))}</label>\n'
        '    <input id="mark-due" type="date" name="due_on">'
        if context.get("mark_due")
        else ""
    )
    post_in = _("Post in %(department)s") % {"department": _esc(department.name)}
    version, home_id = context.get("mark_version"), context["mark_home_id"]
    if version:
        key = (version, get_language(), department.pk)
        departments = _kept_html(
            (*key, "departments", home_id),
            lambda: department_options(
                context["mark_departments"], department.pk, home_id, this_desk
            ),
        )
        sections = _kept_html(
            (*key, "posts"), lambda: _post_option_parts(context["marking_all_groups"])
        )
        posts = _posts_but(sections, context["mark_exclude_id"])
    else:
        departments = department_options(
            context["mark_departments"], department.pk, home_id, this_desk
        )
        posts = post_options(context["marking_groups"])
    # Translated before formatting: makemessages does not read a call inside an f-string.
    mark_in, show_posts = _("Mark to a post in"), _("Show its posts")
    choose = _("Choose a post…")
    return mark_safe(  # noqa: S308 (every value is escaped)
        '\n<div id="mark" class="mark-to">\n'
        '  <form method="get" action="#mark" class="mark-dept">\n'
        f'    <label for="mark-dept">{_esc(mark_in)}</label>\n'
        '    <div class="inline-field">\n'
        '      <select id="mark-dept" name="mark_dept">'
        f"{departments}"
        "</select>\n"
        f'      <button class="btn btn-secondary" type="submit">{_esc(show_posts)}'
        "</button>\n"
        "    </div>\n"
        "  </form>\n"
        f'  <form method="post" action="{_esc(context["mark_action"])}">\n'
        f"    {_CSRF.render(context)}\n"
        f'    <label for="id_to_post">{post_in}</label>\n'
        '    <select name="to_post" id="id_to_post" required>\n'
        f'      <option value="">{_esc(choose)}</option>\n'
        f"      {posts}\n"
        "    </select>\n"
        f"    {due}\n"
        '    <label for="mark-remarks" class="visually-hidden">'
        f"{_esc(_('Remarks'))}</label>\n"
        '    <textarea id="mark-remarks" name="remarks" rows="2" '
        f'placeholder="{_esc(_("Remarks (optional)"))}"></textarea>\n'
        f'    <button class="btn btn-secondary" type="submit">{_esc(_("Mark"))}</button>\n'
        "  </form>\n"
        "</div>"
    )
