"""``manage.py benchmark`` end to end at a tiny scale: valid JSON lines for every figure, and a
table. No timing is asserted — the figures are for people."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from benchmark.runner import block_counts

# The benchmark signs its officers in itself (benchmark/signin.py): the suite's own
# help with the second factor (tests/conftest.py) would hide a benchmark whose every staff
# page is refused, as happened when the second factor arrived.
pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

KEYS = {"op", "n_files", "p50_ms", "p95_ms", "queries", "floor_p95_ms"}


def run(*args) -> str:
    out = io.StringIO()
    call_command("benchmark", "--files", "30", "--quick", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_benchmark_command_end_to_end():
    lines = [json.loads(line) for line in run("--json").splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert set(line) >= KEYS, line
    ops = {line["op"]: line for line in lines}
    for op in [
        "floor: one indexed SELECT",
        "inbox",
        "inbox, busiest post",
        "file page",
        "go to file number",
        "public tracking lookup",
        "public performance page",
        "API: files list",
        "CGU dashboard",
        "CGU returns list",
        "mark (service)",
        "approve (service)",
        "generate: total",
        "search rebuild",
        "complaints: file (service, no evidence)",
        "complaints: filing form (public)",
        "complaints: cell queue",
        "complaints: status (API)",
        "complaints: Commissioner's dashboard",
        "complaints: public statistics",
        "complaints: escalation sweep again (idempotent)",
    ]:
        assert op in ops, op
    for line in lines:
        if "errors" in line and line["source"] == "benchmark":
            assert line["errors"] == 0, line
    for op in ["inbox", "file page", "mark (service)", "public tracking lookup"]:
        assert ops[op]["queries"] > 0
        assert ops[op]["floor_p95_ms"] is not None
    assert ops["floor: one indexed SELECT"]["queries"] == 1
    assert all(line["n_files"] > 30 for line in lines)  # the demo's files are there too
    # PostgreSQL counts a backend's block reads when it is idle outside a transaction, and
    # this test runs in one: the readings are tested on their own below.
    missed = ops.get("reads: blocks from outside shared buffers")
    assert missed is None or (0 <= missed["value"] <= 100 and missed["unit"] == "%")

    # Run again on the same database: the dataset is reused, and without --json a table.
    text = run("--skip", "writes,load,intake,hooks")
    assert "operation" in text and "p95 ms" in text
    assert '"op": "inbox"' in text
    assert '"op": "generate: total"' not in text  # nothing was generated this time

    # --only times just the operations whose names contain one of the words.
    lines = [json.loads(line) for line in run("--json", "--only", "CGU,mark").splitlines()]
    timed = {line["op"] for line in lines if line["source"] == "benchmark"}
    timed -= {"floor: one indexed SELECT"}
    timed = {
        op for op in timed if not op.startswith(("generate", "search rebuild", "load", "reads:"))
    }
    assert timed == {"CGU dashboard", "CGU returns list", "mark (service)"}  # no periods yet


def test_unknown_phase_is_refused():
    with pytest.raises(CommandError, match="unknown phase"):
        call_command("benchmark", "--files", "30", "--skip", "everything")


def test_database_url_only_from_the_command_line():
    with pytest.raises(CommandError, match="command line"):
        call_command(
            "benchmark", "--files", "30", "--database-url", "postgres://x@127.0.0.1/x_bench"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_block_counts_see_this_connection_s_own_reads():
    """The share of blocks from outside shared buffers is computed from two readings of the
    database's counters around the reads; they must include the reads just made."""
    before = block_counts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid")
    after = block_counts()
    assert after[0] + after[1] > before[0] + before[1]
