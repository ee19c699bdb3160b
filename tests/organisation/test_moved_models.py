"""The organisation's models moved from ``workspace`` to ``organisation`` (issue 20) by
migrations that change Django's record only. A seeded office is taken back across the move and
forward again: its rows, hash chains and custody records stay whole, the grants on the moved
models' permissions follow them, and the desk still finds who holds which post."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from kernel.models import AuditEvent
from organisation.models import Holding, Post
from organisation.selectors import holds_post
from tests.documents.corpus import text_pdf, upload
from tests.workspace.helpers import diarise, open_file
from workspace.services import movement, notes

# ``restores_schema``: a failure between the two migrations must not leave the worker's later
# tests on the old schema.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restores_schema")]


def test_the_office_stays_whole_across_the_move(desk, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path)
    receipt = diarise(desk, scans=[upload("letter.pdf", text_pdf(1, "Budget release"))])
    file = open_file(desk, subject=receipt.subject, receipt=receipt)
    notes.note_add(actor=desk.asst_user, file=file, text="Submitted for orders.")
    movement.file_put_up(actor=desk.asst_user, file=file)
    chain = list(AuditEvent.objects.order_by("chain", "seq").values_list("hash", flat=True))
    holdings = sorted(Holding.objects.values_list("pk", "post_id", "user_id"))
    change_post = Permission.objects.get(codename="change_post")
    assert change_post.content_type.app_label == "organisation"
    keepers = Group.objects.create(name="Organisation keepers")
    keepers.permissions.add(change_post)

    call_command("migrate", "organisation", "zero", verbosity=0)
    # Back before the move: the grant hangs on workspace's content type, the rows are there.
    assert Permission.objects.get(pk=change_post.pk).content_type.app_label == "workspace"
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "The audit trail is intact." in out.getvalue()

    call_command("migrate", verbosity=0)
    assert Permission.objects.filter(codename="change_post").count() == 1
    moved = Permission.objects.get(pk=change_post.pk)
    assert moved.content_type == ContentType.objects.get_for_model(Post)
    assert keepers.permissions.filter(pk=change_post.pk).exists()
    assert sorted(Holding.objects.values_list("pk", "post_id", "user_id")) == holdings
    assert list(AuditEvent.objects.order_by("chain", "seq").values_list("hash", flat=True)) == chain
    assert holds_post(user=desk.so_user, post=desk.so)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    call_command("custody_verify", stdout=out)
    text = out.getvalue()
    assert "The audit trail is intact." in text and "custody" in text.lower()
