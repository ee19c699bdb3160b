"""``desk.file_action``: the one shape of every action on a file (lock → check → move →
audit). What a service relies on: its refusal leaves nothing and tells search nothing; a body
that forgets its audit row is refused with everything undone; a committed action is told to
search inside its transaction and reindexed once, after the commit; with the database queue
the reindex job's row is written in the action's own transaction (no commit of its own), and
none for a change rolled back or refused."""

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

import search
from kernel.errors import ActionRefused
from kernel.models import AuditEvent
from tests.workspace.helpers import open_file
from workspace import signals
from workspace.audit_actions import DeskAction
from workspace.models import File, Movement
from workspace.services import desk as desk_machinery
from workspace.services import movement, notes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard():
    ids = []

    def listener(sender, file_id, **kwargs):
        ids.append(file_id)

    signals.file_changed_in_transaction.connect(listener, dispatch_uid="test_file_action")
    yield ids
    signals.file_changed_in_transaction.disconnect(dispatch_uid="test_file_action")


@pytest.fixture
def indexed(monkeypatch):
    """The files the index is updated for, in order (the inline backend of the tests runs
    each reindex job as soon as it is queued)."""
    backend = search.get_backend()
    real = backend.index_files
    ids = []

    def recording(file_ids):
        ids.extend(file_ids)
        return real(file_ids)

    monkeypatch.setattr(backend, "index_files", recording)
    return ids


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def reindex_jobs():
    """The files of the queued reindex jobs, in the order queued."""
    jobs = DBTaskResult.objects.filter(task_path="search.tasks.reindex_file")
    return [job.args_kwargs["args"][0] for job in jobs.order_by("enqueued_at", "pk")]


class Undone(Exception):
    pass


def _counts(file):
    return (
        Movement.objects.filter(file=file).count(),
        AuditEvent.objects.count(),
        File.objects.get(pk=file.pk).status,
    )


def test_a_refusal_inside_leaves_nothing_and_tells_search_nothing(desk, heard, indexed):
    file = open_file(desk)
    before, heard[:], indexed[:] = _counts(file), [], []
    with (
        pytest.raises(ActionRefused),
        desk_machinery.file_action(actor=desk.so_user, file_id=file.pk) as act,
    ):
        act.acting_post()  # the file is at the assistant's post, not the SO's
    assert _counts(file) == before
    assert heard == [] and indexed == []


def test_a_body_without_its_audit_row_is_refused_with_everything_undone(desk, heard, indexed):
    file = open_file(desk)
    before, heard[:], indexed[:] = _counts(file), [], []
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
    assert heard == [] and indexed == []


def test_a_committed_action_writes_its_row_by_the_acting_post_and_is_reindexed_once(
    desk, heard, indexed
):
    file = open_file(desk)
    heard[:], indexed[:] = [], []
    with transaction.atomic():
        with desk_machinery.file_action(actor=desk.asst_user, file_id=file.pk) as act:
            act.acting_post()
            act.record(DeskAction.FILE_PARK, before={"status": "open"}, after={"status": "x"})
        assert heard == [file.pk]  # told inside the transaction
        assert indexed == []  # reindexed only once the outer transaction commits
    row = AuditEvent.objects.order_by("-pk").first()
    assert (row.action, row.post_id, row.actor_id, row.object_id) == (
        DeskAction.FILE_PARK,
        desk.asst.pk,
        desk.asst_user.pk,
        str(file.pk),
    )
    assert heard == [file.pk]
    assert indexed == [file.pk]


def test_an_action_rolled_back_with_its_caller_reindexes_nothing(desk, indexed):
    file = open_file(desk)
    indexed[:] = []
    with pytest.raises(Undone), transaction.atomic():
        notes.note_add(actor=desk.asst_user, file=file, text="Withdrawn.")
        raise Undone
    assert indexed == []
    assert not file.paragraphs.exists()


def test_with_the_inline_backend_each_action_is_reindexed_after_the_commit(desk, indexed):
    """As before: each action of the transaction reindexes the file once it commits (the
    database queue writes one job a file a transaction: below)."""
    file = open_file(desk)
    indexed[:] = []
    with transaction.atomic():
        notes.note_add(actor=desk.asst_user, file=file, text="First.")
        notes.note_add(actor=desk.asst_user, file=file, text="Second.")
        assert indexed == []
    assert indexed == [file.pk, file.pk]
    notes.note_add(actor=desk.asst_user, file=file, text="Third, in a change of its own.")
    assert indexed == [file.pk, file.pk, file.pk]


def test_with_the_database_queue_the_job_is_written_in_the_actions_own_transaction(
    desk, database_queue
):
    """No commit of its own: every statement of the mark runs inside the mark's one
    transaction, the job's INSERT among them (enqueued after the commit, it was an INSERT in
    autocommit: a second commit)."""
    file = open_file(desk)
    DBTaskResult.objects.all().delete()
    statements = []

    def watch(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
    assert reindex_jobs() == [file.pk]
    job_inserts = [inside for sql, inside in statements if "django_tasks_database" in sql]
    assert job_inserts == [True]
    assert [sql for sql, inside in statements if not inside] == []


def test_with_the_database_queue_nothing_is_queued_for_a_change_rolled_back_or_refused(
    desk, database_queue
):
    file = open_file(desk)
    DBTaskResult.objects.all().delete()
    with pytest.raises(Undone), transaction.atomic():
        movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
        assert reindex_jobs() == [file.pk]  # in the transaction, not yet committed
        raise Undone
    assert reindex_jobs() == []
    with pytest.raises(ActionRefused):  # the file is at the assistant's post, not the SO's
        movement.file_mark(actor=desk.so_user, file=file, to_post=desk.ds)
    assert reindex_jobs() == []
    assert File.objects.get(pk=file.pk).holding_post_id == desk.asst.pk


def test_with_the_database_queue_a_rollback_to_a_savepoint_takes_its_job(desk, database_queue):
    """One job an action, written with the action's rows: a rollback to a savepoint takes the
    withdrawn action's job with it, and the kept one's stays."""
    file = open_file(desk)
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        with pytest.raises(Undone), transaction.atomic():
            notes.note_add(actor=desk.asst_user, file=file, text="Withdrawn.")
            raise Undone
        assert reindex_jobs() == []
        notes.note_add(actor=desk.asst_user, file=file, text="Kept.")
    assert reindex_jobs() == [file.pk]
