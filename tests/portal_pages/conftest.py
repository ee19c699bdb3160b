"""Fixtures of the public site: the page tree. (Every test has an empty cache of its own:
``tests/conftest.py``.)"""

import pytest

from tests.portal_pages.factories import build_tree


@pytest.fixture
def tree(db):
    return build_tree()
