"""Production as it starts: static files collected with hashed names under
``DAFTAR_ENV=production`` (issue 19, point 1), pages rendering with them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from daftar.staticfiles import DaftarStaticFilesStorage, own_static_names

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DAFTAR_ENV": "production",
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "DATABASE_URL": "postgres://daftar@db.invalid:5432/daftar",
    "ALLOWED_HOSTS": "daftar.example.gov.pk",
    "SECURE_SSL_REDIRECT": "0",
}

RENDER = """
import django
django.setup()
from django.test import Client
from django.templatetags.static import static
response = Client().get("/accounts/login/", HTTP_HOST="daftar.example.gov.pk", secure=True)
print(response.status_code)
print(static("css/daftar.css"))
print(response.content.decode())
"""


def _env(tmp_path):
    leave_out = {"DATABASE_URL", "REDIS_URL", "S3_BUCKET", "ELASTICSEARCH_URL", "TASKS_BACKEND"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(PRODUCTION)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "daftar.settings",
            "DAFTAR_VAR_DIR": str(tmp_path),
            "STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    return env


def test_collectstatic_in_production_writes_the_manifest_and_pages_use_it(tmp_path):
    env = _env(tmp_path)
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    # Viewflow's dead reference is reported, not fatal.
    assert "Roboto-" in collect.stderr and "left unhashed" in collect.stderr
    # gzip beside each text file; no brotli (whose slowest level took collectstatic to minutes).
    assert any((tmp_path / "static").rglob("daftar.*.css.gz"))
    assert not any((tmp_path / "static").rglob("*.br"))

    page = subprocess.run(
        [sys.executable, "-c", RENDER], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert page.returncode == 0, page.stderr[-3000:]
    status, css_url, html = page.stdout.split("\n", 2)
    assert status == "200"
    assert re.fullmatch(r"/static/css/daftar\.[0-9a-f]{12}\.css", css_url), css_url
    assert css_url in html
    # Every stylesheet and script the page names is a hashed name that was collected.
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    assert assets
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.", asset), asset
        assert (tmp_path / "static" / asset).exists(), asset


def test_a_dead_reference_in_daftars_own_css_still_fails(tmp_path, monkeypatch):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "ours.css").write_text("a { background: url('missing.png'); }")
    (tmp_path / "css" / "lib.css").write_text("a { background: url('missing.png'); }")
    storage = DaftarStaticFilesStorage(location=str(tmp_path))
    monkeypatch.setattr(storage, "_own_names", frozenset({"css/ours.css"}), raising=False)
    pattern = re.compile(r"""(?P<matched>url\(['"]{0,1}\s*(?P<url>.*?)["']{0,1}\))""")
    text = "a { background: url('missing.png'); }"
    with pytest.raises(ValueError):
        pattern.sub(storage.url_converter("css/ours.css", {}), text)
    # A library's file keeps its reference as written.
    assert pattern.sub(storage.url_converter("css/lib.css", {}), text) == text


def test_own_static_names_are_daftars_files():
    names = own_static_names()
    assert "css/daftar.css" in names
    assert not any(name.startswith(("viewflow/", "wagtailadmin/", "admin/")) for name in names)
