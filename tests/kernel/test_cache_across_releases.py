"""A cache entry written by another release (its pickle names a model this release does not
have, as when the organisation's models moved app) is a miss, not a 500; and each set of
migrations has a key prefix of its own, so an upgrade starts on an empty namespace."""

import os
import pickle
import subprocess
import sys
import uuid

import pytest
from django.conf import settings as django_settings
from django.db.models.base import model_unpickle

from kernel.cache import DegradingRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (set REDIS_URL)")


class OldDepartment:
    """What the release before the organisation's move pickled: a Department of the app
    ``workspace``, which has no such model now."""

    def __reduce__(self):
        return (model_unpickle, (("workspace", "Department"),), {})


@pytest.fixture
def cache():
    backend = DegradingRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})
    yield backend
    backend.delete_many(["departments", "fine"])


def _write_unreadable(cache, key):
    client = cache._cache.get_client(write=True)
    client.set(cache.make_and_validate_key(key), pickle.dumps([OldDepartment()]))


def test_an_unreadable_entry_is_a_miss_and_is_dropped(cache):
    _write_unreadable(cache, "departments")
    cache.set("fine", [1, 2])
    assert cache.get("departments", "recompute") == "recompute"
    client = cache._cache.get_client(write=True)
    assert client.get(cache.make_and_validate_key("departments")) is None  # dropped
    _write_unreadable(cache, "departments")
    assert cache.get_many(["departments", "fine"]) == {}  # the whole read is a miss
    assert cache.get_many(["fine"]) == {}  # its keys were dropped with it, to be recomputed
    cache.set("departments", ["now readable"])
    assert cache.get("departments") == ["now readable"]


def test_each_set_of_migrations_has_its_own_key_prefix():
    """The prefix of this code names its migrations; another list gives another prefix."""
    code = (
        "import os; os.environ['REDIS_URL']='redis://127.0.0.1:6379/15';"
        "os.environ['DJANGO_SETTINGS_MODULE']='daftar.settings';"
        "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    )
    prefix = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert prefix.startswith("daftar-") and len(prefix) == len("daftar-") + 8
    if django_settings.CACHES["default"].get("KEY_PREFIX", "").startswith("daftar-"):
        assert django_settings.CACHES["default"]["KEY_PREFIX"] == prefix
    import hashlib
    from pathlib import Path

    names = sorted(p.name for p in Path(django_settings.BASE_DIR).glob("*/migrations/0*.py"))
    assert prefix == "daftar-" + hashlib.sha256("\n".join(names).encode()).hexdigest()[:8]
    moved = names + ["0099_a_new_release.py"]
    assert prefix != "daftar-" + hashlib.sha256("\n".join(sorted(moved)).encode()).hexdigest()[:8]
