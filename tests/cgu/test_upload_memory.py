"""Uploads cost what they weigh: a 1.3 MB XLSX whose shared strings inflate to 850 MB took a
worker to 1.2 GB when openpyxl opened it before the ZIP limits ran. Now the limits run first,
and the parse is measured in a fresh process: its peak memory stays under 100 MB."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cgu import intake
from tests.documents.corpus import xlsx

ROOT = Path(__file__).resolve().parents[2]
INFLATED = 850 * 1024 * 1024
PEAK_LIMIT = 100 * 1024 * 1024

MEASURE = """
import json, resource, sys, tracemalloc
import django
django.setup()
from cgu import intake

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tracemalloc.start()
with open(sys.argv[1], "rb") as upload:
    parsed = intake.parse_upload(upload)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"traced_peak": peak, "rss_growth": after - before,
                  "errors": [str(e) for e in parsed.errors], "rows": len(parsed.rows)}))
"""


def shared_strings_bomb(path: Path, inflated: int = INFLATED) -> None:
    """A genuine-looking XLSX (openpyxl's own parts) whose shared strings, compressed
    ~700-fold, inflate to ``inflated`` bytes."""
    with zipfile.ZipFile(io.BytesIO(xlsx())) as source:
        parts = [(i.filename, source.read(i)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for name, data in parts:
            if name != "xl/sharedStrings.xml":
                out.writestr(name, data)
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
            part.write(b'<?xml version="1.0"?><sst xmlns="' + ns + b'">')
            block = (b"<si><t>" + b"A" * 4000 + b"</t></si>") * 256
            written = 0
            while written < inflated:
                part.write(block)
                written += len(block)
            part.write(b"</sst>")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "return.xlsx"
    shared_strings_bomb(path)
    return path


def test_the_bomb_is_real(bomb):
    assert bomb.stat().st_size < intake.MAX_UPLOAD_BYTES  # passes the upload size limit
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/sharedStrings.xml").file_size >= INFLATED


def test_the_bomb_is_refused_with_peak_memory_under_100_mb(bomb):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "daftar.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(bomb)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["rows"] == 0
    assert any("zip bomb" in e for e in got["errors"]), got["errors"]
    assert got["traced_peak"] < PEAK_LIMIT, got
    assert got["rss_growth"] < PEAK_LIMIT, got


def test_a_workbook_within_the_limits_but_with_a_large_part_is_refused_before_openpyxl(
    monkeypatch,
):
    """Under the ratio rule (random-looking strings) and under 2 MB on the wire, but 3 MB of
    shared strings that openpyxl would hold whole: refused by the return's tighter limit."""
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    with zipfile.ZipFile(io.BytesIO(xlsx())) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    strings = b"".join(b"<si><t>%s</t></si>" % os.urandom(6).hex().encode() for _ in range(99_000))
    parts["xl/sharedStrings.xml"] = b"<sst>" + strings + b"</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert len(buffer.getvalue()) < intake.MAX_UPLOAD_BYTES
    assert len(parts["xl/sharedStrings.xml"]) > intake.XLSX_MAX_WHOLE_PART_BYTES
    buffer.seek(0)
    buffer.name = "return.xlsx"
    parsed = intake.parse_upload(buffer)
    assert parsed.rows == [] and any("zip bomb" in str(e) for e in parsed.errors)
    assert opened == []


@pytest.mark.django_db
def test_a_genuine_return_still_reads():
    from tests.cgu.conftest import uni_rows

    rows = [["kpi_code", "value"], *[[r["kpi_code"], r["value"]] for r in uni_rows()]]
    buffer = io.BytesIO(xlsx(rows))
    buffer.name = "return.xlsx"
    parsed = intake.parse_upload(buffer)
    assert parsed.errors == [] and len(parsed.rows) == len(rows) - 1
