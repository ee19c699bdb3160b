"""The returns list's keyset pages and the table rows the compliance and returns screens
build in Python (cgu/views/rows.py): same links, badges and escaping as the templates had."""

import datetime as dt
import re

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cgu.models import PublicSectorEntity
from cgu.selectors import returns
from cgu.services import return_accept, return_submit
from tests.cgu.conftest import hosp_rows, uni_rows
from tests.cgu.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def so_client(client, cgu):
    client.force_login(cgu.so_user)
    return client


def _returns(cgu, n, *, name="Entity"):
    out = []
    for i in range(n):
        e = EntityFactory(code=f"PAGE{i}", department=cgu.hed, name_en=f"{name} {i}")
        out.append(
            return_submit(
                actor=cgu.asst_user,
                entity=e,
                period=cgu.q3,
                rows=uni_rows(),
                received_on=dt.date(2025, 11, 10) if i % 2 else dt.date(2025, 10, 10),
            )
        )
    return out


def test_keyset_pages_walk_every_return_once_newest_first(cgu, django_assert_num_queries):
    made = _returns(cgu, 5)
    seen, cursor = [], None
    while True:
        with django_assert_num_queries(1):  # the page, its figures counted in it
            page = returns.returns_page(cursor=cursor, limit=2)
        seen += page.rows
        cursor = page.next_cursor
        if cursor is None:
            break
    assert [r.pk for r in seen] == [
        r.pk for r in sorted(made, key=lambda r: (r.submitted_at, r.pk), reverse=True)
    ]
    assert all(r.value_count == len(uni_rows()) for r in seen)


def test_keyset_page_keeps_filters_and_ignores_a_bad_cursor(cgu):
    made = _returns(cgu, 3)
    return_accept(actor=cgu.so_user, kpi_return=made[0])
    page = returns.returns_page(status="accepted", cursor="not-a-cursor")
    assert [r.pk for r in page.rows] == [made[0].pk] and page.next_cursor is None


def test_returns_list_links_the_next_page_and_keeps_the_filter(so_client, cgu, monkeypatch):
    _returns(cgu, 3)
    real = returns.returns_page
    monkeypatch.setattr(returns, "returns_page", lambda **kw: real(**kw, limit=2))
    first = so_client.get(reverse("cgu:returns"), {"status": "submitted"}).content.decode()
    assert first.count('<tr><th scope="row">') == 2
    assert "status=submitted&amp;after=" in first
    cursor = real(status="submitted", limit=2).next_cursor
    second = so_client.get(
        reverse("cgu:returns"), {"status": "submitted", "after": cursor}
    ).content.decode()
    assert second.count('<tr><th scope="row">') == 1
    assert (
        "&amp;after=" not in second.split("<tbody>")[1] and 'href="?status=submitted"' in second
    )  # first page


def test_rows_escape_names_and_link_returns_and_entities(so_client, cgu):
    (r,) = _returns(cgu, 1, name="<b>Bold</b>")
    listing = so_client.get(reverse("cgu:returns")).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; 0" in listing and "<b>Bold" not in listing
    assert f'href="{reverse("cgu:return", args=[r.pk])}"' in listing
    assert ">Submitted</span>" in listing
    compliance = so_client.get(reverse("cgu:compliance_period", args=["2025-Q3"])).content.decode()
    assert f'href="{reverse("cgu:entity", args=["PAGE0"])}"' in compliance
    assert "&lt;b&gt;Bold&lt;/b&gt; 0" in compliance
    assert f'href="{reverse("cgu:return", args=[r.pk])}">v1</a>' in compliance


def _main_return_rows(returns) -> list[str]:
    """``cgu.views.rows.return_rows`` as main wrote it before the list was read as values
    (5b571a5): from ``KpiReturn`` instances with entity, department, period and both users
    loaded and ``value_count`` annotated (``returns.returns_list``), each date by Django's
    ``date_format``. The rows of ``returns_page`` must give these bytes."""
    import html

    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from cgu.views.rows import status_labels, url_prefix

    def e(value):
        return html.escape(str(value))

    def person(user):
        return e(user.get_full_name() or user.username)

    return_url = url_prefix("cgu:return", 2147483647)
    statuses = status_labels()
    published = f' <span class="badge badge-accepted">{e(_("published"))}</span>'
    late = f' <span class="badge badge-late">{e(_("late"))}</span>'
    out = []
    for r in returns:
        entity = r.entity
        received = "—" if r.received_on is None else e(date_format(r.received_on, "j M Y"))
        out.append(
            f'<tr><th scope="row"><a href="{return_url[0]}{r.pk}{return_url[1]}">'
            f'{e(entity.name)}</a> <span class="muted mono">{e(entity.code)}</span></th>'
            f"<td>{e(entity.department.code)}</td>"
            f'<td><span class="nowrap">\u2066{e(r.period.code)}\u2069</span></td>'
            f'<td class="num">{int(r.version)}</td>'
            f"<td>{statuses.get(r.status) or e(r.status)}"
            f"{published if r.is_published else ''}</td>"
            f'<td class="num">{int(r.value_count)}</td>'
            f"<td>{received}{late if r.is_late else ''}</td>"
            f"<td>{person(r.submitted_by)}</td>"
            f"<td>{person(r.reviewed_by) if r.reviewed_by_id else '—'}</td></tr>"
        )
    return out


@pytest.fixture
def varied(cgu):
    """Returns of two periods and three departments, in every state the list shows: late and
    on time, accepted and published, sent back, waiting; names to escape, a PSE without an
    Urdu name, people with and without a full name, a return with no figures counted yet."""
    from cgu.services import return_send_back
    from organisation.models import Department

    made = _returns(cgu, 7, name='A & B <"quoted">')
    PublicSectorEntity.objects.filter(code="PAGE1").update(name_ur="")  # Urdu: the English
    Department.objects.filter(pk=cgu.hed.pk).update(code="P&D")
    cgu.asst_user.last_name = "<Khan> & Sons"
    cgu.asst_user.save()
    hosp = return_submit(
        actor=cgu.asst_user,
        entity=cgu.hosp,
        period=cgu.q2,
        rows=hosp_rows(),
        received_on=dt.date(2025, 8, 30),  # after Q2's deadline: late
    )
    return_accept(actor=cgu.so_user, kpi_return=made[0])
    return_send_back(actor=cgu.so_user, kpi_return=made[1], reasons="Figures missing.")
    type(cgu.so_user).objects.filter(pk=cgu.so_user.pk).update(first_name="", last_name="")
    return_accept(actor=cgu.head_user, kpi_return=hosp)
    return made


def _walk(language, **filters):
    """Every page of the list (three rows a page) under ``filters``: ours, and main's rows
    of the same returns in the same order."""
    from django.utils import translation

    from cgu.views.rows import return_rows

    ours, cursor, pages = [], None, 0
    with translation.override(language):
        while True:
            page = returns.returns_page(**filters, cursor=cursor, limit=3)
            ours += return_rows(page.rows)
            pages += 1
            cursor = page.next_cursor
            if cursor is None:
                break
        theirs = _main_return_rows(
            returns.returns_list(
                status=filters.get("status"),
                period=filters.get("period"),
                department=filters.get("department"),
            )
        )
    return ours, theirs, pages


@pytest.mark.parametrize("language", ["en", "ur"])
def test_returns_rows_are_the_bytes_main_wrote_from_instances(cgu, varied, language):
    """The list from values gives, page by page and under each filter, exactly the rows the
    model instances gave (names in the language, escaping, badges, dates, people)."""
    ours, theirs, pages = _walk(language)
    assert pages == 3 and len(ours) == 8
    assert "".join(ours) == "".join(theirs)
    for filters in [
        {"status": "accepted"},
        {"status": "returned"},
        {"status": "submitted"},
        {"period": cgu.q2},
        {"department": cgu.hed},
        {"department": cgu.hd, "status": "accepted"},
    ]:
        ours, theirs, _pages = _walk(language, **filters)
        assert ours and "".join(ours) == "".join(theirs), filters
    if language == "en":
        assert "&lt;Khan&gt; &amp; Sons" in "".join(_walk("en")[0])
        assert ">cgu-so<" in "".join(_walk("en")[0])  # no full name: the username


@pytest.mark.parametrize("language", ["en", "ur"])
def test_returns_screen_is_the_bytes_main_wrote(so_client, cgu, varied, language, settings):
    """The screen as the CGU opens it (the compiled first page) writes main's rows in its
    table, in English and Urdu; CGU staff see it, an officer of another section does not."""
    from django.utils import translation

    so_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = so_client.get(reverse("cgu:returns")).content.decode()
    body = page.split("<tbody>")[1].split("</tbody>")[0].strip()
    with translation.override(language):
        assert body == "".join(_main_return_rows(returns.returns_list()))
    so_client.force_login(cgu.budget_so_user)
    assert so_client.get(reverse("cgu:returns")).status_code == 403


@pytest.mark.parametrize("language", ["en", "ur"])
def test_returns_screen_choosers_are_what_its_template_loops_wrote(
    so_client, cgu, varied, language, settings
):
    """The status, period and department choosers, from the reads the first page sends
    together (``returns_screen``), are the options main's template loops wrote, with nothing
    chosen and with a choice of each (a department code to escape); a filter that matches
    nothing says so."""
    from django.template import engines
    from django.utils import translation

    from cgu.models import KpiReturn
    from cgu.selectors import registry

    loops = engines["django"].from_string(
        "{% load cgu_tags %}"
        '{% for value, label in statuses %}<option value="{{ value }}"'
        "{% if value == status %} selected{% endif %}>{{ label }}</option>{% endfor %}|"
        '{% for p in periods %}<option value="{{ p.code }}"{% if p == period %} selected'
        "{% endif %}>{{ p.code|ltr }}</option>{% endfor %}|"
        '{% for d in departments %}<option value="{{ d.code }}"{% if d == department %} '
        "selected{% endif %}>{{ d.name }}</option>{% endfor %}"
    )
    so_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    hed = type(cgu.hed).objects.get(pk=cgu.hed.pk)  # its code is P&D now
    for status, period, department in [(None, None, None), ("accepted", cgu.q3, hed)]:
        query = {"status": status, "period": period, "department": department}
        query = {k: getattr(v, "code", v) for k, v in query.items() if v is not None}
        page = so_client.get(reverse("cgu:returns"), query).content.decode()
        with translation.override(language):
            expected = loops.render(
                {
                    "statuses": KpiReturn.Status.choices,
                    "periods": registry.recent_periods(),
                    "departments": registry.departments_with_entities(),
                    "status": status,
                    "period": period,
                    "department": department,
                }
            )
        statuses, periods, departments = expected.split("|")
        assert f"{_all(language)}</option>\n      {statuses}</select>" in page
        for options in (periods, departments):
            assert f"{_all(language)}</option>\n      {options}</select>" in page
        if status:
            assert 'value="accepted" selected>' in page and 'value="P&amp;D" selected>' in page
    empty = so_client.get(reverse("cgu:returns"), {"status": "under_review"}).content.decode()
    with translation.override(language):
        assert f'<td colspan="9" class="empty">{_no_match()}</td>' in empty


def _all(language):
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(language):
        return gettext("All")


def _no_match():
    from django.utils.translation import gettext

    return gettext("No returns match.")


def test_returns_list_query_count_does_not_grow_with_returns(so_client, cgu):
    from django.db import connection

    _returns(cgu, 2)
    with CaptureQueriesContext(connection) as few:
        so_client.get(reverse("cgu:returns"))
    for i in range(2, 8):
        e = EntityFactory(code=f"MORE{i}", department=cgu.hd)
        return_submit(
            actor=cgu.asst_user,
            entity=e,
            period=cgu.q3,
            rows=uni_rows(),
            received_on=dt.date(2025, 10, 10),
        )
    with CaptureQueriesContext(connection) as many:
        so_client.get(reverse("cgu:returns"))
    assert len(many) == len(few)


@pytest.mark.parametrize("language", ["en", "ur"])
def test_dashboard_rows_and_links_are_what_its_template_wrote(cgu, language):
    """The dashboard's review queue and its lists of departments and KPIs, built in Python,
    give the HTML the template's loops gave (links, status badges, local dates, escaping)."""
    from django.template import engines
    from django.utils import translation

    from cgu.models import KpiDefinition
    from cgu.views.rows import awaiting_rows, code_links
    from organisation.models import Department

    made = _returns(cgu, 3, name='A & B <"quoted">')
    Department.objects.filter(pk=cgu.hed.pk).update(code="P&D", name_en="Planning & <Dev>")
    queue = returns.awaiting_review()
    departments = list(Department.objects.all())
    kpis = list(KpiDefinition.objects.all())
    assert {r.pk for r in queue} == {r.pk for r in made}
    template = engines["django"].from_string(
        "{% load cgu_tags %}"
        "{% for r in awaiting %}<tr>"
        '<th scope="row"><a href="{% url \'cgu:return\' r.pk %}">{{ r.entity.name }}</a></th>'
        '<td>{{ r.period.code|code }}</td><td class="num">{{ r.version }}</td>'
        '<td>{% include "cgu/_status.html" %}</td><td>{{ r.submitted_at|date:"j M Y" }}</td>'
        "</tr>{% endfor %}|"
        "{% for d in departments %}<li><a href=\"{% url 'cgu:department' d.code %}\">"
        "{{ d.name }}</a></li>{% endfor %}|"
        "{% for k in kpis %}<li><a href=\"{% url 'cgu:kpi' k.code %}\">{{ k.name }}</a></li>"
        "{% endfor %}"
    )
    with translation.override(language):
        expected = template.render({"awaiting": queue, "departments": departments, "kpis": kpis})
        ours = "|".join(
            [
                "".join(awaiting_rows(queue)),
                code_links("cgu:department", departments),
                code_links("cgu:kpi", kpis),
            ]
        )
    # The same, but for the newline the included badge template ended with.
    assert ours == re.sub(r">\s+<", "><", expected)
    assert "/departments/P&amp;D/" in ours  # the code as reverse() writes it, escaped
    if language == "en":  # (the Urdu page shows the entities' Urdu names)
        assert "A &amp; B &lt;&quot;quoted&quot;&gt;" in ours


@pytest.mark.parametrize("language", ["en", "ur"])
def test_dashboard_choosers_are_what_its_template_loops_wrote(
    so_client, cgu, varied, language, settings
):
    """The dashboard's period and KPI choosers, from the reads it sends together
    (cgu.selectors.overview), are the options main's template loops wrote: the latest
    ended quarter chosen by default, or the period and KPI asked for; a period that does
    not exist is 404 as before."""
    from django.template import engines
    from django.utils import translation

    from cgu.models import KpiDefinition
    from cgu.selectors import registry

    loops = engines["django"].from_string(
        "{% load cgu_tags %}"
        '{% for p in periods %}<option value="{{ p.code }}"{% if p == period %} selected'
        "{% endif %}>{{ p.code|ltr }}</option>{% endfor %}|"
        '{% for k in kpis %}<option value="{{ k.code }}"{% if k == kpi %} selected{% endif %}>'
        "{{ k.name }}</option>{% endfor %}"
    )
    KpiDefinition.objects.filter(code="STAFF").update(name_en="Staff & <others>")
    so_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for query, period, kpi in [
        ({}, registry.current_period(), KpiDefinition.objects.get(code="UTIL_PCT")),
        ({"period": "2025-Q2", "kpi": "STAFF"}, cgu.q2, KpiDefinition.objects.get(code="STAFF")),
    ]:
        page = so_client.get(reverse("cgu:dashboard"), query).content.decode()
        with translation.override(language):
            periods, kpis = loops.render(
                {
                    "periods": registry.recent_periods(),
                    "kpis": registry.active_kpis(),
                    "period": period,
                    "kpi": kpi,
                }
            ).split("|")
        assert f'<select id="id_period" name="period">\n        {periods}\n' in page
        assert f'<select id="id_kpi" name="kpi">\n        {kpis}\n' in page
        assert "selected" in periods and "selected" in kpis
    assert "Staff &amp; &lt;others&gt;" in page or language == "ur"
    assert so_client.get(reverse("cgu:dashboard"), {"period": "1999-Q1"}).status_code == 404
