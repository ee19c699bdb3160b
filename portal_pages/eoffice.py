"""The e-office figures, kept: computed by a background task (never while a visitor waits),
served from the cache, refreshed once stale. ``portal_pages.selectors`` computes them."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from portal_pages import selectors
from portal_pages.caching import figures_changed
from portal_pages.selectors import (
    EOFFICE_CACHE_SECONDS,
    EOFFICE_KEEP_SECONDS,
    compute_eoffice_figures,
)


@task()
def refresh_eoffice() -> int:
    """Recompute the e-office figures the public pages show (``eoffice_figures``). Returns the
    number of departments."""
    return len(refresh_eoffice_figures().departments)


CACHE_KEY = "portal:eoffice:v2"
REFRESH_LOCK = "portal:eoffice:refreshing"


def refresh_eoffice_figures() -> selectors.EofficeFigures:
    """Compute the figures and keep them (what the background task runs); the public pages
    that show them render anew."""
    figures = compute_eoffice_figures(timezone.localdate())
    cache.set(CACHE_KEY, (timezone.now(), figures), EOFFICE_KEEP_SECONDS)
    cache.delete(REFRESH_LOCK)
    figures_changed()
    return figures


def _enqueue_refresh() -> None:
    """Ask the background worker for fresh figures, once however many visitors ask."""
    if cache.add(REFRESH_LOCK, 1, EOFFICE_CACHE_SECONDS):
        refresh_eoffice.enqueue()


def _not_ready(today: dt.date) -> selectors.EofficeFigures:
    return selectors.EofficeFigures(
        period_start=today - dt.timedelta(days=selectors.PERIOD_DAYS), period_end=today, ready=False
    )


def eoffice_figures(
    *, today: dt.date | None = None, use_cache: bool = True
) -> selectors.EofficeFigures:
    """Files moved, median days to disposal and pending files by age, per department, over
    the last year; and files moved per month. Five queries, whatever the number of files.

    Only ever computed by the background task (``refresh_eoffice`` below), never while a
    visitor waits: at a million files the queries take seconds. Served from the cache, stale
    while the task recomputes them once they are older than ``EOFFICE_CACHE_SECONDS``; with
    nothing cached yet (a fresh deployment, a cleared cache) the task is enqueued and the
    answer has ``ready=False``, which the pages show as "being prepared". Where tasks run
    inline (the embedded setup, tests) the enqueued task has already stored them."""
    if not use_cache or today is not None:
        return compute_eoffice_figures(today or timezone.localdate())
    entry = cache.get(CACHE_KEY)
    if entry is None:
        _enqueue_refresh()
        entry = cache.get(CACHE_KEY)
        if entry is None:
            return _not_ready(timezone.localdate())
    computed_at, figures = entry
    if (timezone.now() - computed_at).total_seconds() > EOFFICE_CACHE_SECONDS:
        _enqueue_refresh()
    return figures
