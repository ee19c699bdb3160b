"""The environment switches Daftar between the embedded default and production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
from django_tasks import task_backends
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_options": settings.STORAGES["default"].get("OPTIONS", {}),
    "tasks": type(task_backends["default"]).__name__,
    "search": settings.DAFTAR_SEARCH_BACKEND,
    "debug": settings.DEBUG,
    "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
}))
"""

PRODUCTION = {
    "DAFTAR_ENV": "production",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "DATABASE_URL": "postgres://daftar@db.internal:5432/daftar",
    "ALLOWED_HOSTS": "daftar.example.gov.pk",
    "S3_BUCKET": "daftar-papers",
    "S3_ENDPOINT_URL": "https://s3.example.gov.pk",
    "ELASTICSEARCH_URL": "https://search.example.gov.pk:9200",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "DAFTAR_TRUSTED_PROXY_COUNT": "1",
    # The office's signing key for issued letters (README, "Issued letters").
    "DAFTAR_LETTERS_KEY_FILE": "/etc/daftar/letters/{department}.key",
    "DAFTAR_LETTERS_CERT_FILE": "/etc/daftar/letters/{department}.crt",
    "DAFTAR_LETTERS_TRUST_ROOTS": "/etc/daftar/letters/root-ca.crt",
}


def _run(env_overrides, *args, tmp_path):
    leave_out = {*PRODUCTION, "TASKS_BACKEND", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    leave_out |= {"DAFTAR_CLIENT_IP_HEADER"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update({"DJANGO_SETTINGS_MODULE": "daftar.settings", "DAFTAR_VAR_DIR": str(tmp_path)})
    env.update(env_overrides)
    cmd = [sys.executable, *args] if args else [sys.executable, "-c", PROBE]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_embedded_default_needs_no_server(tmp_path):
    result = _run({}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["storage"] == "django.core.files.storage.FileSystemStorage"
    assert got["tasks"] == "ImmediateBackend"
    assert got["search"] == "database"
    assert got["debug"] is False
    assert got["cache"].endswith("LocMemCache")
    assert got["sessions"] == "django.contrib.sessions.backends.db"  # no shared cache
    # A secret key was generated and kept in the var dir, not committed anywhere.
    assert (tmp_path / "secret_key").stat().st_size > 40


def test_production_switches_every_service(tmp_path):
    result = _run(PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["engine"] == "django.db.backends.postgresql"
    assert got["storage"] == "storages.backends.s3.S3Storage"
    assert got["storage_options"]["bucket_name"] == "daftar-papers"
    assert got["storage_options"]["default_acl"] == "private"
    assert got["tasks"] == "DatabaseBackend"
    assert got["search"] == "elasticsearch"
    assert got["cache"].endswith("RedisCache")
    assert got["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert got["hsts"] >= 31_536_000


@pytest.mark.parametrize(
    "missing, message",
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must point at PostgreSQL"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
    ],
)
def test_production_refuses_to_start_without_its_essentials(tmp_path, missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _run(env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_is_check_deploy_clean(tmp_path):
    result = _run(
        PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_behind_a_proxy_without_the_trusted_proxy_count(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "DAFTAR_TRUSTED_PROXY_COUNT"}
    result = _run(
        env, "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "daftar.W001" in result.stdout + result.stderr


def test_trusted_proxy_count_must_be_a_small_whole_number(tmp_path):
    result = _run({**PRODUCTION, "DAFTAR_TRUSTED_PROXY_COUNT": "many"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DAFTAR_TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
