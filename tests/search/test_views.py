"""The staff search page, the "go to file number" box and the search API."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

import search
from search import backends
from search.backends.base import RESULT_CAP
from tests.search.factories import bulk_files
from workspace.models import File

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend_name(settings):  # screens are tested on the database backend
    settings.DAFTAR_SEARCH_BACKEND = "database"
    backends.reset()
    yield "database"
    backends.reset()


def test_the_search_page_needs_a_login(client):
    response = client.get(reverse("search:files"), {"q": "budget"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.get(reverse("search:go"), {"number": "FD/1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_search_page_shows_highlighted_hits_facets_and_sort(client, corpus):
    c = corpus
    client.force_login(c.o.asst_user)
    response = client.get(reverse("search:files"), {"q": "concurrence"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/desk/files/{c.budget.pk}/"' in html
    assert "<mark>concurrence</mark>" in html
    assert "Finance Department" in html
    assert "?q=concurrence&amp;sort=newest" in html  # the sort switch keeps the query
    facet = response.context["results"].facets["status"][0]
    assert facet.value == "open" and facet.url == "/desk/search/?q=concurrence&status=open"


def test_facet_links_toggle_and_keep_the_query(client, corpus):
    c = corpus
    client.force_login(c.o.asst_user)
    response = client.get(reverse("search:files"), {"q": "pension", "status": "closed"})
    results = response.context["results"]
    assert [h.file_id for h in results.hits] == [c.closed.pk]
    closed = next(v for v in results.facets["status"] if v.value == "closed")
    assert closed.selected and closed.url == "/desk/search/?q=pension"
    assert response.context["clear_url"] == "/desk/search/?q=pension"


def test_empty_query_lists_the_newest_files_the_user_may_see(client, corpus):
    c = corpus
    client.force_login(c.o.other_user)
    response = client.get(reverse("search:files"))
    assert [h.file_id for h in response.context["results"].hits] == [c.hed.pk]


def test_next_page_link(client, desk):
    bulk_files(desk, 25)
    client.force_login(desk.asst_user)
    first = client.get(reverse("search:files"), {"q": "budget"})
    assert len(first.context["results"].hits) == 20
    next_url = first.context["next_url"]
    assert next_url and "cursor=" in next_url
    second = client.get(next_url)
    assert len(second.context["results"].hits) == 5
    assert second.context["first_url"] and second.context["next_url"] is None
    seen = {h.file_id for h in first.context["results"].hits} | {
        h.file_id for h in second.context["results"].hits
    }
    assert len(seen) == 25


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_the_search_page_makes_the_same_queries_for_10_or_1000_matches(
    client, desk, django_assert_max_num_queries, django_assert_num_queries, sort
):
    """The page's query count does not grow with the matches (nor with the page's hits)."""
    bulk_files(desk, 10)
    client.force_login(desk.asst_user)
    url = reverse("search:files")
    client.get(url, {"q": "budget", "sort": sort})  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {"q": "budget", "sort": sort})
    assert len(response.context["results"].hits) == 10
    bulk_files(desk, 990, first_serial=5000)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url, {"q": "budget", "sort": sort})
    assert response.context["results"].total == RESULT_CAP
    assert response.context["results"].total_is_capped
    assert len(response.context["results"].hits) == 20


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_the_search_page_makes_the_same_queries_for_one_match_or_many(client, desk, sort):
    """One match or a page full of them (more than a page, with files from elsewhere in
    custody too): the same queries, none per hit or per facet value."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulk_files(desk, 30)
    bulk_files(desk, 1, subject="Lonely tubewell file", first_serial=9000)
    bulk_files(desk, 5, subject="Budget of the universities", first_serial=9100)
    File.objects.filter(serial__gte=9100).update(department=desk.other_dept)
    search.get_backend().index_files(File.objects.values_list("pk", flat=True))
    client.force_login(desk.asst_user)
    url = reverse("search:files")
    client.get(url, {"q": "budget", "sort": sort})  # warm the session and content types
    counts = {}
    for word in ["tubewell", "budget"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": word, "sort": sort})
        counts[word] = len(queries)
        results = response.context["results"]
        assert len(results.hits) == (1 if word == "tubewell" else 20)
    assert response.context["results"].total == 36
    assert counts["tubewell"] == counts["budget"]


def test_go_to_a_single_file_redirects_to_it(client, corpus):
    c = corpus
    client.force_login(c.o.asst_user)
    response = client.get(reverse("search:go"), {"number": c.budget.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/desk/files/{c.budget.pk}/"


def test_go_to_several_files_offers_a_choice(client, corpus):
    c = corpus
    client.force_login(c.o.asst_user)
    response = client.get(reverse("search:go"), {"number": "FD/SO(B-I)"})
    assert response.status_code == 200
    assert [f.pk for f in response.context["files"]] == [
        c.closed.pk,
        c.secret.pk,
        c.urdu.pk,
        c.budget.pk,
    ]
    assert "4 files match; choose one" in response.content.decode()


def test_go_to_a_file_you_cannot_see_tells_nothing(client, corpus):
    c = corpus
    client.force_login(c.o.ds_user)
    response = client.get(reverse("search:go"), {"number": c.secret.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No file found" in html and c.secret.subject not in html
    client.force_login(c.o.other_user)
    response = client.get(reverse("search:go"), {"number": "nothing-like-it"})
    assert "No file found" in response.content.decode()
    assert client.get(reverse("search:go")).status_code == 302  # empty box: to the search page


def test_a_number_that_exists_but_is_not_yours_answers_at_once(client, corpus, monkeypatch):
    """The exact lookup says whether the file exists and whether the user may see it in one
    query; for another's file no candidate search follows (it would find the same file)."""
    c = corpus
    monkeypatch.setattr(
        search.get_backend(), "number_candidates", lambda **kw: pytest.fail("searched")
    )
    client.force_login(c.o.other_user)
    response = client.get(reverse("search:go"), {"number": c.budget.number})
    assert response.status_code == 200 and response.context["files"] == []
    assert c.budget.subject not in response.content.decode()


def test_the_go_to_box_partial(rf: RequestFactory):
    html = render_to_string("search/_go_to_file.html", request=rf.get("/"))
    assert 'action="/desk/search/go/"' in html and 'name="number"' in html
    assert '<label class="visually-hidden" for="gofile-number">' in html


def test_api_search_with_session_and_token(client, corpus):
    c = corpus
    url = "/api/v1/search/"
    assert client.get(url, {"q": "budget"}).status_code in (401, 403)
    client.force_login(c.o.asst_user)
    data = client.get(url, {"q": "concurrence"}).json()
    assert data["total"] == 1 and not data["total_is_capped"]
    (hit,) = data["results"]
    assert hit["file_id"] == c.budget.pk and hit["number"] == c.budget.number
    assert "<mark>concurrence</mark>" in hit["snippet_html"]
    assert hit["url"] == f"/desk/files/{c.budget.pk}/"
    assert data["facets"]["status"] == [
        {"value": "open", "label": "Open", "count": 1, "selected": False}
    ]
    client.logout()
    token = Token.objects.create(user=c.o.other_user)
    data = client.get(
        url, {"q": "pension", "sort": "newest"}, HTTP_AUTHORIZATION=f"Token {token.key}"
    ).json()
    assert [h["file_id"] for h in data["results"]] == [c.hed.pk]


def test_api_go_to_number(client, corpus):
    c = corpus
    client.force_login(c.o.asst_user)
    data = client.get("/api/v1/search/go/", {"number": c.budget.number}).json()
    assert data["exact"] and [h["file_id"] for h in data["results"]] == [c.budget.pk]
    data = client.get("/api/v1/search/go/", {"number": c.hed.number}).json()
    assert data == {"exact": False, "results": []}


def test_api_is_in_the_openapi_schema(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "department", "status", "priority", "year", "sort", "cursor", "limit"} <= names
    assert "/api/v1/search/go/" in schema["paths"]


def test_hits_written_in_python_are_what_the_template_loop_wrote():
    """``workspace.search.views.hit_items`` gives the HTML of the loop it replaced (whitespace
    aside): plain values escaped, the highlighted subject and snippet kept as safe HTML, the grading
    badge and the post only when there is one."""
    import datetime as dt
    import re

    from django.template import engines
    from django.utils.safestring import SafeString, mark_safe

    from search.types import Hit
    from workspace.search.views import hit_items

    def hit(**kw):
        base = dict(
            file_id=7,
            number="FD/SO(B-I)/12-3/2026",
            subject="S",
            department_id=1,
            subject_html=mark_safe("Budget <mark>audit</mark> &amp; more"),
            snippet_html=mark_safe("…the <mark>audit</mark>…"),
            department="Finance & <Planning>",
            section='Budget "I"',
            holding_post="SO <x>",
            status="open",
            status_label="Open",
            priority=1,
            priority_label="Urgent",
            priority_slug="urgent",
            grading=2,
            grading_label="Confidential",
            grading_slug="confidential",
            opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            desk_since=None,
        )
        base.update(kw)
        h = Hit(**base)
        h.url, h.at_post, h.opened = "/desk/files/7/?a=1&b=2", "at SO <x>", "opened 1 Jan 2026"
        return h

    hits = [hit(), hit(grading=0, snippet_html=mark_safe("")), hit(status="closed")]
    hits[2].at_post = ""
    # The loop as templates/search/files.html had it, verbatim.
    loop = """{% for hit in results.hits %}
      <li class="hit card">
        <p class="hit-number"><a class="file-number" href="{{ hit.url }}">{{ hit.number }}</a></p>
        <h3 class="hit-subject"><a href="{{ hit.url }}">{{ hit.subject_html }}</a></h3>
        {% if hit.snippet_html %}<p class="snippet">{{ hit.snippet_html }}</p>{% endif %}
        <p class="hit-meta">
          <span class="badge badge-{{ hit.status }}">{{ hit.status_label }}</span>
          <span class="badge badge-{{ hit.priority_slug }}">{{ hit.priority_label }}</span>
          {% if hit.grading %}<span class="badge badge-{{ hit.grading_slug }}">\
{{ hit.grading_label }}</span>{% endif %}
          <span>{{ hit.department }}, {{ hit.section }}</span>
          {% if hit.at_post %}<span>· {{ hit.at_post }}</span>{% endif %}
          <span>· {{ hit.opened }}</span>
        </p>
      </li>
      {% endfor %}"""
    expected = engines["django"].from_string(loop).render({"results": {"hits": hits}})

    def squeeze(html):  # whitespace as a browser reads it: any run is one space
        return re.sub(r"\s+", " ", html).strip()

    ours = hit_items(hits)  # one string: nothing between the items, as the page's loop had
    assert isinstance(ours, SafeString)
    assert squeeze(ours.replace("</li><li", "</li> <li")) == squeeze(expected)
    assert "Finance &amp; &lt;Planning&gt;" in ours and "<mark>audit</mark>" in ours
    assert ours.count("badge-confidential") == 2 and ours.count("<span>· at SO &lt;x&gt;") == 2


def test_marked_html_escapes_as_django_does_and_marks_only_the_engines_marks():
    """``search.types.marked_html`` escapes through ``html.escape`` and builds its SafeString
    directly (no lazy wrappers): the same text as Django's ``escape`` and ``mark_safe``, with
    the engines' private-use marks turned into <mark> pairs and one left open closed."""
    from django.utils.html import escape
    from django.utils.safestring import SafeString, mark_safe

    from search.types import MARK_END, MARK_START, marked_html

    def django_way(text):
        text = (text or "").replace("\x00", "")
        out = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
        out += "</mark>" * max(0, out.count("<mark>") - out.count("</mark>"))
        return mark_safe(out)  # noqa: S308 — the old way, escaped above

    samples = [
        None,
        "",
        "plain",
        "Tom & \"Jerry\" <b>bold</b> 'quoted'",
        f"the {MARK_START}audit{MARK_END} of <accounts> & more",
        f"cut {MARK_START}inside a mark",
        f"{MARK_START}a{MARK_END}\x00{MARK_START}b",
        "اساتذہ کی <بھرتی> & تعلیم",
    ]
    for text in samples:
        ours = marked_html(text)
        assert isinstance(ours, SafeString)
        assert str(ours) == str(django_way(text)), text
    assert marked_html("<script>") == "&lt;script&gt;"
    assert marked_html(f"{MARK_START}x") == "<mark>x</mark>"
