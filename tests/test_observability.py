"""Observability (issue 19, point 7): request ids, the officer's id on log lines (and nothing
of a citizen), protected metrics, slow queries without their parameters."""

import json
import logging

import pytest
from django.db import connection
from django.http import HttpResponse

from daftar import observability
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(observability.ContextFilter())

    def emit(self, record):
        self.records.append(record)


def test_a_request_gets_an_id_and_returns_it(client):
    response = client.get("/healthz/live")
    assert len(response["X-Request-ID"]) >= 16
    given = "0123456789abcdef0123"
    assert client.get("/healthz/live", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Something that is not an id is not echoed (no header injection, no personal data).
    odd = client.get("/healthz/live", HTTP_X_REQUEST_ID="Gul Bano 4321")
    assert odd["X-Request-ID"] != "Gul Bano 4321"


def test_log_lines_carry_the_request_id_and_the_officer_id_as_json(rf):
    from pythonjsonlogger.json import JsonFormatter

    officer = UserFactory(username="fd-asst")
    handler = Capture()
    log = logging.getLogger("daftar.test-observability")
    log.addHandler(handler)
    log.propagate = False

    def view(request):
        log.warning("note added")
        return HttpResponse("ok")

    request = rf.get("/desk/", HTTP_X_REQUEST_ID="req-1234567890")
    request._cached_user = officer
    request.user = officer
    observability.RequestMiddleware(view)(request)
    log.removeHandler(handler)
    (record,) = handler.records
    assert record.request_id == "req-1234567890"
    assert record.officer_id == officer.pk
    line = json.loads(JsonFormatter("%(message)s %(request_id)s %(officer_id)s").format(record))
    assert line == {
        "message": "note added",
        "request_id": "req-1234567890",
        "officer_id": officer.pk,
    }


def test_metrics_need_the_token(client, settings):
    settings.DAFTAR_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # no token configured: not served
    settings.DAFTAR_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.get("/healthz/live")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'daftar_http_requests_total{method="GET",status="200",view="healthz-live"}' in text
    assert "daftar_http_request_seconds_bucket" in text
    assert 'daftar_tasks{state="ready"}' in text and 'daftar_tasks{state="failed"}' in text


def test_slow_queries_are_logged_without_their_parameters(settings):
    settings.DAFTAR_SLOW_QUERY_MS = 0
    handler = Capture()
    log = logging.getLogger("daftar.slow")
    log.addHandler(handler)
    try:
        with (
            connection.execute_wrapper(observability.slow_query_logger),
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT %s AS cnic_last4", ["4321"])
    finally:
        log.removeHandler(handler)
    messages = [r.getMessage() for r in handler.records]
    assert any("slow query" in m and "cnic_last4" in m for m in messages), messages
    assert not any("4321" in m for m in messages)
