"""``desk.file_action``: the one shape of every action on a file (lock → check → move →
audit). What a service relies on: its refusal leaves nothing and tells search nothing; a body
that forgets its audit row is refused with everything undone; a committed action is heard by
search once, after the commit."""

import pytest
from django.db import transaction

from kernel.errors import ActionRefused
from kernel.models import AuditEvent
from tests.workspace.helpers import open_file
from workspace import signals
from workspace.audit_actions import DeskAction
from workspace.models import File, Movement
from workspace.services import desk as desk_machinery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard():
    ids = []

    def listener(sender, file_id, **kwargs):
        ids.append(file_id)

    signals.file_changed.connect(listener, dispatch_uid="test_file_action")
    yield ids
    signals.file_changed.disconnect(dispatch_uid="test_file_action")


def _counts(file):
    return (
        Movement.objects.filter(file=file).count(),
        AuditEvent.objects.count(),
        File.objects.get(pk=file.pk).status,
    )


def test_a_refusal_inside_leaves_nothing_and_tells_search_nothing(desk, heard):
    file = open_file(desk)
    before, heard[:] = _counts(file), []
    with (
        pytest.raises(ActionRefused),
        desk_machinery.file_action(actor=desk.so_user, file_id=file.pk) as act,
    ):
        act.acting_post()  # the file is at the assistant's post, not the SO's
    assert _counts(file) == before
    assert heard == []


def test_a_body_without_its_audit_row_is_refused_with_everything_undone(desk, heard):
    file = open_file(desk)
    before, heard[:] = _counts(file), []
    with (
        pytest.raises(RuntimeError, match="audit row"),
        desk_machinery.file_action(actor=desk.asst_user, file_id=file.pk) as act,
    ):
        post = act.acting_post()
        desk_machinery.record_movement(
            actor=desk.asst_user,
            file=act.file,
            kind=Movement.Kind.PARK,
            from_post=post,
            to_post=post,
        )
        act.file.status = File.Status.PARKED
        act.file.save(update_fields=["status"])
    assert _counts(file) == before
    assert heard == []


def test_a_committed_action_writes_its_row_by_the_acting_post_and_is_heard_once(desk, heard):
    file = open_file(desk)
    heard[:] = []
    with transaction.atomic():
        with desk_machinery.file_action(actor=desk.asst_user, file_id=file.pk) as act:
            act.acting_post()
            act.record(DeskAction.FILE_PARK, before={"status": "open"}, after={"status": "x"})
        assert heard == []  # not before the outer transaction commits
    row = AuditEvent.objects.order_by("-pk").first()
    assert (row.action, row.post_id, row.actor_id, row.object_id) == (
        DeskAction.FILE_PARK,
        desk.asst.pk,
        desk.asst_user.pk,
        str(file.pk),
    )
    assert heard == [file.pk]
