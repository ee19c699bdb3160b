"""/healthz/live, /healthz/ready and /healthz (issue 19, point 3): liveness does no I/O,
readiness checks every service and answers 503 when one is down, and no answer carries an
exception's text."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.ports import redis_at_a_closed_port

pytestmark = pytest.mark.django_db


def test_live_answers_without_touching_anything(client, settings):
    redis_at_a_closed_port(settings)
    settings.MEDIA_ROOT = "/proc/no-such-place"  # storage would fail, if it were asked
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert len(ctx.captured_queries) == 0


def test_ready_reports_each_part(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for part in ["database", "cache", "storage", "search", "tasks"]:
        assert body[part]["status"] == "ok", body
    assert client.get("/healthz").json().keys() == body.keys()  # /healthz is the same


def test_ready_is_503_when_redis_is_down_and_names_no_host(client, settings):
    redis_at_a_closed_port(settings)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["cache"]["status"] == "down"
    assert body["database"]["status"] == "ok"
    text = response.content.decode()
    assert "127.0.0.1" not in text and "Error" not in text and "refused" not in text.lower()


def test_ready_is_503_when_storage_is_down_without_the_error(client, settings, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(blocked)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["storage"] == {"status": "down", "ms": body["storage"]["ms"]}
    assert str(tmp_path) not in response.content.decode()


def test_ready_is_503_when_search_is_down(client, monkeypatch):
    import search

    def broken():
        raise ConnectionError("search.internal:9200 refused")

    monkeypatch.setattr(search, "health", broken)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["search"]["status"] == "down"
    assert "search.internal" not in response.content.decode()


def test_ready_reports_the_task_queue_depth(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from portal_pages.tasks import refresh_eoffice

    refresh_eoffice.enqueue()
    body = client.get("/healthz/ready").json()
    assert body["tasks"]["status"] == "ok"
    assert body["tasks"]["backend"] == "DatabaseBackend"
    assert body["tasks"]["queued"] == 1
