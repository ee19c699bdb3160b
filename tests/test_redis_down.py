"""Redis down degrades, it does not break (issue 19, point 5). REDIS_URL points at a closed
port: sign-in and the public pages work (sessions from the database, no page cache), the
tracking limit refuses with "try again shortly" in English and Urdu (fails closed), and
readiness says the cache is down."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.portal_pages.factories import CitizenReceiptFactory, build_tree
from tests.ports import redis_at_a_closed_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def redis_down(settings):
    redis_at_a_closed_port(settings)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import caches

    return caches["default"]


def test_the_cache_answers_as_a_miss(redis_down):
    from kernel.cache import available

    assert redis_down.get("anything", "fallback") == "fallback"
    assert redis_down.set("k", "v") is None  # skipped, not raised
    assert not available(redis_down)  # the breaker is open after the failure
    with pytest.raises(ConnectionError):
        redis_down.incr("counter")  # a count someone relies on is never faked


def test_sign_in_and_the_desk_work_with_sessions_from_the_database(redis_down, org):
    from django.contrib.sessions.models import Session

    user = UserFactory(username="clerk")
    user.set_password("a-strong-password-9")
    user.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "clerk", "password": "a-strong-password-9"}
    )
    assert response.status_code == 302, response.content[:500]
    assert Session.objects.count() == 1  # the session is in the database
    # The next request reads it back (from the database: Redis answers nothing).
    response = client.get("/desk/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "clerk"


def test_public_pages_are_served_without_the_page_cache(redis_down, tree, client):
    for page in (tree.home, tree.tracking):
        for _ in range(2):  # the second would be served from the page cache, if there were one
            response = client.get(page.url)
            assert response.status_code == 200, page.url


@pytest.mark.parametrize(
    "language, words",
    [("en", "try again shortly"), ("ur", None)],
)
def test_tracking_refuses_while_the_limit_cannot_be_kept(
    redis_down, tree, org, client, language, words
):
    from django.utils import translation

    from portal_pages.track import UNAVAILABLE

    receipt = CitizenReceiptFactory(holding_post=org.asst)
    client.cookies["django_language"] = language
    response = client.post(
        tree.tracking.url,
        {"reference": receipt.tracking_ref, "second_factor": "4321"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    with translation.override(language):
        expected = str(UNAVAILABLE)
    assert expected in html
    if words:
        assert words in html
    else:  # the Urdu page carries the Urdu message, not the English one
        assert "try again shortly" not in html
    assert receipt.citizen_name not in html  # nothing of the matter is shown


def test_the_tracking_api_refuses_too(redis_down, org, client):
    receipt = CitizenReceiptFactory(holding_post=org.asst)
    response = client.post(
        "/api/v1/track/", {"reference": receipt.tracking_ref, "second_factor": "4321"}
    )
    assert response.status_code == 503
    assert "try again shortly" in response.json()["detail"]


def test_readiness_reports_redis_down(redis_down, client):
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["cache"]["status"] == "down"
    assert client.get("/healthz/live").status_code == 200
