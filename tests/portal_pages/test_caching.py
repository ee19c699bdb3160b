"""Public pages are cacheable by anyone; the tracking lookup, previews and pages seen by a
signed-in editor are not; no public page sets a cookie."""

import pytest

from tests.portal_pages.factories import CitizenReceiptFactory, news_page

pytestmark = pytest.mark.django_db


def public_urls(tree):
    perf = tree.performance.url
    return [
        tree.home.url,
        tree.about.url,
        tree.news.url,
        tree.departments.url,
        perf,
        perf + "e-office/",
        perf + "e-office/csv/",
        perf + "e-office/json/",
    ]


def test_public_pages_are_cacheable_and_set_no_cookie(client, tree, org):
    import datetime as dt

    item = news_page(tree, "Portal opens", dt.date(2025, 6, 2))
    for url in public_urls(tree) + [item.url, tree.performance.url + "departments/fd/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"], url
        assert "max-age=300" in response["Cache-Control"], url
        assert "Cookie" in response["Vary"] and "Accept-Language" in response["Vary"], url
        assert not response.cookies, (url, response.cookies)


def test_tracking_is_never_cached(client, tree, org):
    receipt = CitizenReceiptFactory(holding_post=org.asst)
    for response in [
        client.get(tree.tracking.url),
        client.post(
            tree.tracking.url, {"reference": receipt.tracking_ref, "second_factor": "4321"}
        ),
        client.post("/api/v1/track/", {"reference": receipt.tracking_ref, "second_factor": "4321"}),
    ]:
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


def test_signed_in_editor_gets_a_private_page(client, tree, admin_user):
    client.force_login(admin_user)
    response = client.get(tree.home.url)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_language_switch_works_without_a_csrf_token(tree):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/portal/language/", {"language": "ur", "next": tree.about.url})
    assert response.status_code == 302
    assert response["Location"] == tree.about.url
    assert response.cookies["django_language"].value == "ur"
    page = client.get(tree.about.url)
    assert '<html lang="ur" dir="rtl">' in page.content.decode()
    assert "تعارف" in page.content.decode()  # the Urdu title
    # an outside address is not followed
    away = client.post("/portal/language/", {"language": "en", "next": "https://evil.example/"})
    assert away["Location"] != "https://evil.example/"
    assert client.get("/portal/language/").status_code == 405


def test_urdu_falls_back_to_english_marked_as_english(client, tree):
    from portal_pages.models import StandardPage

    page = tree.home.add_child(
        instance=StandardPage(title="Accessibility", slug="accessibility", intro="How we help.")
    )
    client.cookies["django_language"] = "ur"
    html = client.get(page.url).content.decode()
    assert '<h1 lang="en" dir="ltr">Accessibility</h1>' in html
    assert 'lang="en" dir="ltr">How we help.</p>' in html
