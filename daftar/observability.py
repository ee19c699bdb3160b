"""What an operator sees of a running Daftar: JSON logs carrying a request id and the officer's
id, Prometheus metrics, slow queries, and (optionally) Sentry.

- **Request id**: nginx's ``X-Request-ID`` (``$request_id``, deploy/nginx/daftar.conf) or a
  new one; returned in the response's ``X-Request-ID`` and put on every log line of the
  request with the signed-in officer's user id. Never a name, a CNIC, a tracking reference or
  a URL's query: log lines must not carry a citizen's personal data.
- **Metrics** (``prometheus_client``): requests by method, view and status, their latency,
  the task queue by state (counted at scrape time) and the failed tasks. Served at
  ``/metrics`` only with ``Authorization: Bearer $DAFTAR_METRICS_TOKEN`` (404 while the token
  is unset), and nginx lets only the monitoring address reach it. With several gunicorn
  workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory per start) so the counts of
  every worker are added up.
- **Slow queries**: each statement slower than ``DAFTAR_SLOW_QUERY_MS`` (500) is logged with
  its time and SQL, never its parameters (they are people's data).
- **Sentry**: when ``SENTRY_DSN`` is set and sentry-sdk is installed (``pip install
  .[sentry]``), without personal data (``send_default_pii=False``).
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from daftar.ops.queue import counts

logger = logging.getLogger("daftar.slow")

_request = contextvars.ContextVar("daftar_request", default=None)
_request_id = contextvars.ContextVar("daftar_request_id", default="")
_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


# --- metrics ---------------------------------------------------------------------------------


def _metrics():
    from prometheus_client import Counter, Histogram

    global REQUESTS, LATENCY
    if "REQUESTS" not in globals():
        REQUESTS = Counter(
            "daftar_http_requests_total", "HTTP requests answered", ["method", "view", "status"]
        )
        LATENCY = Histogram(
            "daftar_http_request_seconds",
            "Time to answer an HTTP request",
            ["method"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
    return REQUESTS, LATENCY


class RequestMiddleware:
    """Request id in, request id out, the request counted and timed. Place it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        t_id, t_req = _request_id.set(request_id), _request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(t_id)
            _request.reset(t_req)
        requests_total, latency = _metrics()
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "-") if match else "-"
        requests_total.labels(request.method, view, str(response.status_code)).inc()
        latency.labels(request.method).observe(time.perf_counter() - started)
        response["X-Request-ID"] = request_id
        return response


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``officer_id`` (the signed-in user's id, only if the request
    already loaded it: reading it here must not cost a query) to every record."""

    def filter(self, record):
        record.request_id = _request_id.get()
        request = _request.get()
        user = getattr(request, "_cached_user", None) if request is not None else None
        record.officer_id = user.pk if user is not None and user.is_authenticated else None
        return True


def _queue_lines() -> str:
    """The task queue by state, counted now (gauges of the database's state, identical on
    every worker, so not kept in the multiprocess registry)."""

    lines = [
        "# HELP daftar_tasks Tasks in the queue by state",
        "# TYPE daftar_tasks gauge",
    ]
    for state, n in counts().items():
        lines.append(f'daftar_tasks{{state="{state.lower()}"}} {n}')
    return "\n".join(lines) + "\n"


@never_cache
@require_GET
def metrics(request):
    token = getattr(settings, "DAFTAR_METRICS_TOKEN", "")
    given = request.META.get("HTTP_AUTHORIZATION", "")
    import hmac

    if not token or not hmac.compare_digest(given, f"Bearer {token}"):
        raise Http404  # not "forbidden": the endpoint is not advertised
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    _metrics()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    body = generate_latest(registry).decode() + _queue_lines()
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


# --- slow queries ----------------------------------------------------------------------------


def slow_query_logger(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        took = (time.perf_counter() - started) * 1000
        if took >= getattr(settings, "DAFTAR_SLOW_QUERY_MS", 500):
            # The statement's start names it; a bulk statement's whole text (a search rebuild's
            # is several kilobytes) would bury the log, and the tail is rarely what identifies it.
            logger.warning("slow query: %.0f ms: %s", took, " ".join(str(sql).split())[:400])


def install_slow_query_logger(sender, connection, **kwargs):
    if slow_query_logger not in connection.execute_wrappers:
        connection.execute_wrappers.append(slow_query_logger)


# --- Sentry ----------------------------------------------------------------------------------


def init_sentry(dsn: str, environment: str) -> bool:
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        logging.getLogger("daftar").warning("SENTRY_DSN is set but sentry-sdk is not installed")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
    return True
