"""Fixtures of the public site: the page tree, a department with citizen matters, and a
clean cache (rate-limit counters and cached figures must not leak between tests)."""

import pytest
from django.core.cache import cache

from tests.portal_pages.factories import build_tree


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    return build_tree()
