"""Health checks for load balancers, orchestrators and monitors.

- ``GET /healthz/live``: the process answers (no I/O at all). A failing liveness check means
  "restart me"; it must not fail because PostgreSQL or Redis is down, or every app server
  would be restarted at once during an outage.
- ``GET /healthz/ready``: database, cache, storage, search and the task queue, each with its
  state and time; 200 when all are up, 503 when any is down ("send me no traffic").
- ``GET /healthz``: the same as ready (what the docs and monitors have always used).

An answer reveals only states and timings, never an exception's text (which may name hosts,
buckets or users); the failure itself is logged, with its type, on the server.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import search
from daftar.ops.queue import queue_depth

logger = logging.getLogger("daftar.health")


def _timed(name, check):
    started = time.perf_counter()
    try:
        detail = check() or {}
        state = "ok"
    except Exception as exc:  # a health check reports every failure, whatever its kind
        logger.warning("health: %s is down (%s: %s)", name, type(exc).__name__, exc)
        detail, state = {}, "down"
    return {"status": state, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache():
    cache = caches["default"]
    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis (kernel.cache): ask Redis itself, past the circuit breaker
        ping()
    else:
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "ok", 10)
        if cache.get(key) != "ok":
            raise OSError("the cache did not keep a value")
        cache.delete(key)
    return {"backend": type(cache).__name__}


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
    return search.health()


def _tasks():
    from django_tasks import task_backends

    backend = task_backends["default"]
    detail = {"backend": type(backend).__name__}
    if detail["backend"] == "DatabaseBackend":
        detail["queued"] = queue_depth()
    return detail


CHECKS = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "search": _search,
    "tasks": _tasks,
}


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    checks = {name: _timed(name, check) for name, check in CHECKS.items()}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )


healthz = ready
