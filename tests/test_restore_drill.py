"""Backups and a restore drill (issue 19, point 8): a small office is dumped, restored into a
fresh database with a copy of its papers, and every verify command finds it whole.
PostgreSQL only: the drill is pg_dump and pg_restore (SQLite has neither)."""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.services import movement, notes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_office(desk, settings, tmp_path, monkeypatch):  # noqa: F811
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setenv("MEDIA_ROOT", str(media))  # the verify commands run as new processes
    monkeypatch.delenv("REDIS_URL", raising=False)
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(2, "Budget release"))])
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    notes.note_add(actor=desk.asst_user, file=file, text="Submitted for orders.")
    movement.file_put_up(actor=desk.asst_user, file=file)
    return file


def test_a_restored_office_is_whole(small_office, tmp_path):
    out = StringIO()
    target = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
    call_command(
        "restore_drill", target_db=target, target_media=str(tmp_path / "restored"), stdout=out
    )
    text = out.getvalue()
    for command in ["audit_verify", "custody_verify", "documents_verify", "search_index check"]:
        assert f"{command}" in text and "FAILED" not in text, text
    assert "copied" in text and "The restored office is whole." in text
    with connection.cursor() as cursor:  # the drill cleaned up after itself
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
        assert cursor.fetchone() is None


def test_a_restore_missing_a_paper_is_not_whole(small_office, tmp_path, monkeypatch):
    """The drill's checks can fail: a copy of the bucket that lost an object is reported."""
    from daftar.ops.management.commands import restore_drill

    real_copytree = shutil.copytree
    top = {}

    def lossy_copy(source, target, *args, **kwargs):
        top.setdefault("target", target)
        result = real_copytree(source, target, *args, **kwargs)
        if target == top["target"]:  # the drill's copy, not shutil's own recursion
            sorted(Path(target).rglob("*.pdf"))[0].unlink()
        return result

    monkeypatch.setattr(restore_drill.shutil, "copytree", lossy_copy)
    with pytest.raises(CommandError, match="not whole: documents_verify"):
        call_command(
            "restore_drill",
            target_db=f"{connection.settings_dict['NAME']}_drill_b_{os.getpid()}",
            target_media=str(tmp_path / "restored"),
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_the_drill_refuses_the_live_database():
    with pytest.raises(CommandError, match="must not be the live one"):
        call_command("restore_drill", target_db=connection.settings_dict["NAME"])
