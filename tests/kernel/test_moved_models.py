"""The audit trail's models moved from ``workspace`` to ``kernel`` (issue 20) by migrations that
change Django's record only. A seeded office is taken back across the move and forward again:
its rows, its hash chains and its custody records stay whole, and the content type (with the
permissions hanging on it) follows the model."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from kernel.models import AuditEvent
from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.services import movement, notes

# ``restores_schema``: a failure between the two migrations must not leave the worker's later
# tests on the old schema.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restores_schema")]


def _verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    call_command("custody_verify", stdout=out)
    return out.getvalue()


def test_audit_and_custody_stay_whole_across_the_move(desk, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path)
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(1, "Budget release"))])
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    notes.note_add(actor=desk.asst_user, file=file, text="Submitted for orders.")
    movement.file_put_up(actor=desk.asst_user, file=file)
    rows = list(AuditEvent.objects.order_by("chain", "seq").values_list("hash", flat=True))
    assert len(rows) >= 4
    view = Permission.objects.get(codename="view_auditevent")
    assert view.content_type.app_label == "kernel"
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(view)

    call_command("migrate", "kernel", "zero", verbosity=0)
    call_command("migrate", "workspace", "0014", verbosity=0)
    # Back before the move: the permission (and its grant) hangs on workspace's content type.
    assert Permission.objects.get(pk=view.pk).content_type.app_label == "workspace"
    out = StringIO()  # (custody_verify reads the flows, whose stored references are old here)
    call_command("audit_verify", stdout=out)
    assert "The audit trail is intact." in out.getvalue()

    call_command("migrate", verbosity=0)
    assert Permission.objects.filter(codename="view_auditevent").count() == 1
    moved = Permission.objects.get(pk=view.pk)
    assert moved.content_type == ContentType.objects.get_for_model(AuditEvent)
    assert auditors.permissions.filter(pk=view.pk).exists()
    assert list(AuditEvent.objects.order_by("chain", "seq").values_list("hash", flat=True)) == rows
    text = _verify()
    assert "The audit trail is intact." in text and "custody" in text.lower()
