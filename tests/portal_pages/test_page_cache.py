"""The server-side cache of rendered public pages (``portal_pages.caching``): who may be served
from it, what it is keyed by, and that a publish — of a page, of CGU figures, of fresh e-office
figures — shows at once. Versions change on commit, so the writes run inside
``django_capture_on_commit_callbacks(execute=True)``, as a committed transaction would."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from portal_pages.models import SiteIdentity
from tests.portal_pages.factories import (
    EntityFactory,
    FileFactory,
    KpiFactory,
    kpi_return,
    quarter,
)

pytestmark = pytest.mark.django_db

#: what a hit costs: Wagtail's routing (site, root, the page) and its view-restriction check
HIT_QUERIES = 6


def queries(client, url, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (on-commit callbacks executed)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_a_hit_costs_only_the_routing_whatever_the_data(client, tree, org, published):
    url = tree.performance.url
    _, first = queries(client, url)
    _, hit = queries(client, url)
    assert len(hit) <= HIT_QUERIES < len(first)
    assert not any("cgu_" in sql or "workspace_" in sql for sql in hit)
    # more data behind the page: the miss costs the same, so does the hit
    budget = KpiFactory(code="BUDGET")
    q1 = quarter(2025, 1)
    for i in range(10):
        entity = EntityFactory(code=f"X{i}", department=org.dept)
        published(lambda entity=entity, i=i: kpi_return(entity, q1, {budget: i}))
    queries(client, url)
    _, again = queries(client, url)
    assert len(again) == len(hit)


def test_anonymous_headers_and_the_cached_copy_carry_them_too(client, tree):
    for _ in range(2):  # the miss, then the hit
        response = client.get(tree.about.url)
        assert response["Cache-Control"] == "public, max-age=300"
        assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"]
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert not response.cookies


def test_downloads_keep_their_type_and_name_when_cached(client, tree):
    url = tree.performance.url + "e-office/csv/"
    first = client.get(url)
    second = client.get(url)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_a_signed_in_editor_is_never_served_from_nor_stored_in_the_cache(client, tree, admin_user):
    from django.test import Client

    anonymous = client.get(tree.about.url).content.decode()  # stored
    assert "wagtail-userbar" not in anonymous
    editor = Client()
    editor.force_login(admin_user)
    response = editor.get(tree.about.url)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "wagtail-userbar" in response.content.decode()  # rendered for the editor
    # and the editor's page (with the user bar) did not replace the anonymous copy
    assert "wagtail-userbar" not in client.get(tree.about.url).content.decode()


def test_a_preview_shows_the_draft_privately_and_never_reaches_the_cache(client, tree, admin_user):
    from django.test import RequestFactory

    client.get(tree.about.url)  # the live page, stored
    page = tree.about
    page.intro = "A draft nobody has approved"
    page.save_revision()
    request = RequestFactory().get(page.url)
    request.user = admin_user
    preview = page.get_latest_revision_as_object().make_preview_request(request)
    assert "A draft nobody has approved" in preview.content.decode()
    assert "public" not in preview["Cache-Control"]
    html = client.get(tree.about.url).content.decode()
    assert "A draft nobody has approved" not in html


def test_a_published_change_is_visible_at_once(client, tree, published):
    page = tree.about
    assert "Who we are" not in client.get(page.url).content.decode()
    client.get(tree.home.url)
    page.intro = "Who we are"
    page.title = "About the portal"
    published(lambda: page.save_revision().publish())
    assert "Who we are" in client.get(page.url).content.decode()
    # the new title shows in other pages' menus at once too
    assert "About the portal" in client.get(tree.home.url).content.decode()
    published(lambda: page.unpublish())
    assert client.get(page.url).status_code == 404
    assert "About the portal" not in client.get(tree.home.url).content.decode()


def test_cgu_publishing_a_return_shows_at_once(client, tree, org, published):
    budget = KpiFactory(code="BUDGET", name_en="Budget allocation")
    entity = EntityFactory(code="BOK", name_en="The Bank of Khyber", department=org.dept)
    q1 = quarter(2025, 1)
    url = tree.performance.url + "entities/bok/"
    assert "4,321" not in client.get(url).content.decode()
    ret = kpi_return(entity, q1, {budget: "4321"}, status="under_review", published=False)
    assert "4,321" not in client.get(url).content.decode()

    def accept():  # as the review flow does: one save naming is_published
        ret.status, ret.is_published, ret.decided_at = "accepted", True, timezone.now()
        ret.save(update_fields=["status", "is_published", "decided_at"])

    published(accept)
    assert "4,321" in client.get(url).content.decode()


def test_refreshed_eoffice_figures_show_at_once(client, tree, org, published):
    from portal_pages.eoffice import refresh_eoffice_figures

    url = tree.performance.url + "e-office/"
    before = client.get(url).content.decode()
    FileFactory(holding_post=org.so, opened_at=timezone.now() - dt.timedelta(days=40))
    assert client.get(url).content.decode() == before  # cached, figures not refreshed yet
    published(refresh_eoffice_figures)
    assert client.get(url).content.decode() != before


def test_english_and_urdu_are_cached_separately(client, tree):
    from django.test import Client

    urdu = Client()
    urdu.cookies["django_language"] = "ur"
    for _ in range(2):
        english_html = client.get(tree.about.url).content.decode()
        urdu_html = urdu.get(tree.about.url).content.decode()
        assert '<html lang="en"' in english_html and "تعارف" not in english_html.split("<h1")[1]
        assert '<html lang="ur" dir="rtl">' in urdu_html and "تعارف" in urdu_html
        by_header = Client(HTTP_ACCEPT_LANGUAGE="ur").get(tree.about.url).content.decode()
        assert '<html lang="ur" dir="rtl">' in by_header


def test_only_declared_query_parameters_make_their_own_entry(client, tree):
    from tests.portal_pages.factories import news_page

    for day in range(12):
        news_page(tree, f"Notice {day}", dt.date(2025, 1, day + 1))
    first = client.get(tree.news.url).content.decode()
    second = client.get(tree.news.url, {"page": 2}).content.decode()
    assert "Notice 11" in first and "Notice 11" not in second
    assert client.get(tree.news.url, {"page": 2}).content.decode() == second
    # an undeclared parameter is rendered every time, never stored
    _, miss = queries(client, tree.about.url, data={"utm_source": "x"})
    _, again = queries(client, tree.about.url, data={"utm_source": "x"})
    assert len(again) == len(miss) > HIT_QUERIES


def test_tracking_page_and_lookups_are_never_stored(client, tree, org):
    from tests.portal_pages.factories import CitizenReceiptFactory

    receipt = CitizenReceiptFactory(holding_post=org.asst)
    first = client.get(tree.tracking.url, {"ref": "AAAAA-BBBBB"}).content.decode()
    second = client.get(tree.tracking.url, {"ref": "CCCCC-DDDDD"}).content.decode()
    assert "AAAAA-BBBBB" in first and "CCCCC-DDDDD" in second
    for _ in range(2):
        found = client.post(
            tree.tracking.url, {"reference": receipt.tracking_ref, "second_factor": "0000"}
        )
        assert "no-store" in found["Cache-Control"]


def test_a_page_behind_a_password_is_not_public(client, tree, published):
    from wagtail.models import PageViewRestriction

    client.get(tree.about.url)  # stored while open to all
    restriction = published(
        lambda: PageViewRestriction.objects.create(
            page=tree.about, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
        )
    )
    locked = client.get(tree.about.url)
    assert "password" in locked.content.decode().lower()
    assert "public" not in locked.get("Cache-Control", "")
    client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{tree.about.pk}/",
        {"password": "s3cret", "return_url": tree.about.url},
    )
    for _ in range(2):
        response = client.get(tree.about.url)
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"]


# ---- no visitor waits for the e-office figures
@pytest.fixture
def background_worker(settings):
    """Tasks queued for a worker that has not run yet (the production setup)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


@pytest.mark.parametrize("path", ["", "e-office/"])
def test_no_visitor_waits_for_the_eoffice_figures(client, tree, org, path, background_worker):
    FileFactory(holding_post=org.so)
    url = tree.performance.url + path
    for _ in range(3):
        response, sql = queries(client, url)
        assert not any("workspace_movement" in q or "workspace_file" in q for q in sql)
        assert "The e-office figures are being prepared" in response.content.decode()
    assert [r.task.name for r in background_worker.results] == ["refresh_eoffice"]  # once
    assert client.get(tree.performance.url + "e-office/json/").status_code == 503


def test_the_pages_show_the_figures_once_the_worker_has_run(
    client, tree, org, background_worker, published
):
    from portal_pages.tasks import refresh_eoffice

    FileFactory(holding_post=org.so)
    url = tree.performance.url + "e-office/"
    assert "being prepared" in client.get(url).content.decode()
    published(lambda: refresh_eoffice.call())
    html = client.get(url).content.decode()
    assert "being prepared" not in html
    assert "Finance Department" in html


def test_the_layouts_identity_and_menu_cost_no_query_and_follow_an_edit_at_once(
    client, tree, published
):
    """Pages outside Wagtail's tree (the verification page) show the site's identity and
    menu from the cache: no Site or SiteIdentity query on a hit, and an edit shows at once."""
    client.get("/verify/")
    _, hit = queries(client, "/verify/")
    assert not any("wagtailcore_site" in sql or "siteidentity" in sql for sql in hit)
    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentity.for_site(site)
    identity.organisation = "Government of the Test Province"
    published(lambda: identity.save())
    assert "Government of the Test Province" in client.get("/verify/").content.decode()
    tree.about.title = "About this portal"
    published(lambda: tree.about.save_revision().publish())
    assert "About this portal" in client.get("/verify/").content.decode()
