"""``GET /healthz``: the state of the database, storage, search and task backends as JSON.

Answers 200 when everything is up and 503 when any part is down, so a load balancer or
monitor can act on the status code alone. It reveals no data, only states.
"""

import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check):
    started = time.perf_counter()
    try:
        detail = check() or {}
        state = "ok"
    except Exception as exc:  # a health check reports every failure, whatever its kind
        detail, state = {"error": f"{type(exc).__name__}: {exc}"[:300]}, "down"
    return {"status": state, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _storage():
    # Write, read back and delete a small probe object: proves the bucket or disk is writable.
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as fh:
            if fh.read() != b"ok":
                raise OSError("storage returned different bytes")
    finally:
        default_storage.delete(name)
    return {"backend": type(default_storage).__name__}


def _search():
    from search import health

    return health()


def _tasks():
    from django_tasks import task_backends

    return {"backend": type(task_backends["default"]).__name__}


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": _timed(_database),
        "storage": _timed(_storage),
        "search": _timed(_search),
        "tasks": _timed(_tasks),
    }
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
