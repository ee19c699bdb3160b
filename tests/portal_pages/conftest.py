"""Fixtures of the public site: the page tree, and a cache of its own for every test
(rate-limit counters and cached figures must not leak between tests, and clearing a shared
Redis would wipe other test processes' counters)."""

import pytest
from django.core.cache import cache

from tests.portal_pages.factories import build_tree

LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal-pages-tests",
    }
}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = LOCAL_CACHE
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    return build_tree()
