"""The tracking page and the tracking API: found, not found (the same answer for a wrong
reference and a wrong second factor), refused input, rate limits, never cached."""

import logging
import re

import pytest
from django.core.cache import cache

from portal_pages import ratelimit
from tests.portal_pages.factories import CitizenReceiptFactory, on_file
from workspace import tracking
from workspace.models import Grading, NoteParagraph

pytestmark = pytest.mark.django_db

API = "/api/v1/track/"


@pytest.fixture
def receipt(org):
    return CitizenReceiptFactory(holding_post=org.asst)


def post_page(client, tree, reference, factor, **extra):
    return client.post(
        tree.tracking.url, {"reference": reference, "second_factor": factor}, **extra
    )


def body_of(response) -> str:
    """The page's main content without the token and reference echo (for comparisons)."""
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


# ---- the page


def test_form_prefills_the_reference_from_the_home_page_box(client, tree):
    response = client.get(tree.tracking.url + "?ref=k7m2q-x9pt4")
    assert response.status_code == 200
    assert 'value="k7m2q-x9pt4"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_found_shows_stage_office_dates_and_next_step(client, tree, receipt):
    response = post_page(client, tree, tracking.display(receipt.tracking_ref), "4321")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Received and registered" in html
    assert "Budget-I" in html and "Finance Department" in html
    assert "What happens next" in html
    assert tracking.display(receipt.tracking_ref) in html
    assert "no-store" in response["Cache-Control"]


def test_wrong_factor_and_unknown_reference_get_the_same_page(client, tree, receipt):
    unknown = tracking.new_reference()
    wrong_factor = post_page(client, tree, receipt.tracking_ref, "0000")
    wrong_ref = post_page(client, tree, unknown, "4321")
    assert wrong_factor.status_code == wrong_ref.status_code == 200
    a = body_of(wrong_factor).replace(receipt.tracking_ref, "REF")
    b = body_of(wrong_ref).replace(unknown, "REF")
    assert a == b
    assert "could not find" in a


def test_graded_matter_answers_as_not_found(client, tree, org):
    graded = CitizenReceiptFactory(holding_post=org.asst, grading=Grading.SECRET)
    response = post_page(client, tree, graded.tracking_ref, "4321")
    assert "could not find" in response.content.decode()


def test_a_name_in_the_notes_never_appears_on_the_page(client, tree, receipt, org):
    file = on_file(receipt, subject="Complaint against Inspector Shah Jehan")
    NoteParagraph.objects.create(
        file=file, number=1, text="Discussed with Ayesha Khan", author=org.so_user, post=org.so
    )
    html = post_page(client, tree, receipt.tracking_ref, "4321").content.decode()
    assert "Being examined" in html
    for secret in ["Ayesha", "Shah Jehan", "Gul Bano", "domicile", org.asst_user.last_name]:
        assert secret not in html


def test_mistyped_reference_is_caught_by_the_check_character(client, tree, receipt):
    ref = receipt.tracking_ref
    swapped = ref[1] + ref[0] + ref[2:] if ref[0] != ref[1] else ref[2] + ref[1] + ref[0] + ref[3:]
    html = post_page(client, tree, swapped, "4321").content.decode()
    assert "mistyped" in html
    assert 'aria-invalid="true"' in html


def test_page_is_rate_limited_per_client(client, tree, receipt, settings):
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (3, 600)
    for _ in range(3):
        assert post_page(client, tree, receipt.tracking_ref, "4321").status_code == 200
    response = post_page(client, tree, receipt.tracking_ref, "4321")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many attempts" in response.content.decode()
    # another client is not affected
    other = post_page(client, tree, receipt.tracking_ref, "4321", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_page_is_rate_limited_per_reference_on_failures_only(client, tree, receipt, settings):
    settings.DAFTAR_TRACKING_REFERENCE_LIMIT = (3, 3600)
    for _ in range(5):  # the citizen checking again and again is never stopped
        assert (
            "Received and registered"
            in post_page(client, tree, receipt.tracking_ref, "4321").content.decode()
        )
    for i in range(3):  # guessing the four digits from many addresses
        post_page(client, tree, receipt.tracking_ref, f"000{i}", REMOTE_ADDR=f"10.1.0.{i}")
    response = post_page(client, tree, receipt.tracking_ref, "4321", REMOTE_ADDR="10.2.0.1")
    assert response.status_code == 429  # even the right digits wait now


# ---- the API


def test_api_found(client, receipt):
    response = client.post(
        API,
        {"reference": tracking.display(receipt.tracking_ref), "second_factor": "8765"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["found"] is True
    assert data["stage"] == "received"
    assert data["office"] == {"department": "Finance Department", "section": "Budget-I"}
    assert data["received_on"] == receipt.received_on.isoformat()
    assert data["time_limit_days"] == 30
    assert data["is_overdue"] is False
    assert "no-store" in response["Cache-Control"]
    assert "Gul Bano" not in response.content.decode()


def test_api_wrong_factor_and_unknown_reference_same_answer(client, receipt):
    a = client.post(
        API,
        {"reference": receipt.tracking_ref, "second_factor": "0000"},
        content_type="application/json",
    )
    b = client.post(
        API,
        {"reference": tracking.new_reference(), "second_factor": "4321"},
        content_type="application/json",
    )
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()
    assert a.json()["found"] is False


def test_api_accepts_form_data_and_refuses_bad_input(client, receipt):
    ok = client.post(API, {"reference": receipt.tracking_ref, "second_factor": "4321"})
    assert ok.status_code == 200
    bad = client.post(API, {"reference": "HELLO", "second_factor": "12"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"reference", "second_factor"}


def test_api_get_is_refused_so_the_digits_stay_out_of_logs(client):
    response = client.get(API + "?reference=K7M2Q-X9PT4&second_factor=1234")
    assert response.status_code == 405


def test_api_rate_limited(client, receipt, settings):
    settings.DAFTAR_TRACKING_CLIENT_LIMIT = (2, 600)
    payload = {"reference": receipt.tracking_ref, "second_factor": "4321"}
    for _ in range(2):
        assert client.post(API, payload, content_type="application/json").status_code == 200
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["retry_after"] > 0
    assert response["Retry-After"]


def test_api_needs_no_csrf_token_or_session(receipt):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        API,
        {"reference": receipt.tracking_ref, "second_factor": "4321"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies


# ---- the limiter itself


def test_limiter_keys_hold_no_reference_or_address(receipt, settings):
    settings.CACHES = settings.CACHES  # locmem in tests
    ratelimit.check(client="203.0.113.7", reference=receipt.tracking_ref)
    ratelimit.record_failure(reference=receipt.tracking_ref)
    keys = [k for k in cache._cache]  # locmem's store
    assert keys
    assert not any(receipt.tracking_ref in k or "203.0.113.7" in k for k in keys)


def test_limiter_refuses_when_the_cache_is_down(monkeypatch, caplog):
    """Issue 19, point 5: fails closed (a limit that lets all through is no limit)."""

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(ratelimit, "count_and_peek", broken)
    logger = logging.getLogger("daftar")  # does not propagate to the root logger
    logger.addHandler(caplog.handler)
    try:
        verdict = ratelimit.check(client="1.2.3.4", reference="ABC")
    finally:
        logger.removeHandler(caplog.handler)
    assert not verdict.allowed and verdict.unavailable and verdict.retry_after > 0
    assert "unavailable" in caplog.text and "refused" in caplog.text
    assert "1.2.3.4" not in caplog.text and "ABC" not in caplog.text


def test_client_address_header_is_used_only_when_configured(rf, settings):
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.2")
    assert ratelimit.client_of(request) == "10.0.0.1"
    settings.DAFTAR_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert ratelimit.client_of(request) == "10.0.0.1"  # no proxy trusted: header ignored
    settings.DAFTAR_TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_of(request) == "198.51.100.2"


def test_the_home_page_leads_to_filing_a_complaint_and_the_complaints_figures(client, tree):
    html = client.get(tree.home.url).content.decode()
    services = html[
        html.index('class="service-cards"') : html.index(
            "</ul>", html.index('class="service-cards"')
        )
    ]
    assert 'href="/complaints/new/"' in services and "File a complaint" in services
    assert 'href="/complaints/statistics/"' in services
    # Both lead somewhere a citizen can use.
    assert client.get("/complaints/new/").status_code == 200
    assert "Complaints" in client.get("/complaints/statistics/").content.decode()
