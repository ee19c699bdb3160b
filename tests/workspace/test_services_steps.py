"""What one step of a file costs and leaves behind: the statements a move and an approval make
(a fixed number, one holding check, no savepoints), and the flow's tasks exactly as Viewflow
would have written them."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.status import STATUS

from kernel.errors import ActionRefused
from kernel.models import AuditChainHead, AuditEvent
from tests.factories import UserFactory
from tests.workspace.helpers import open_file
from workspace.flows import FileFlow, holding_known
from workspace.models import File, Movement
from workspace.services import approvals, movement, notes

# Real transactions, as in production: otherwise the test's own transaction turns each
# service's atomic block into a savepoint.
pytestmark = pytest.mark.django_db(transaction=True)


def _fresh(user):
    """A user object as a request would have it: nothing cached on it."""
    return get_user_model().objects.get(pk=user.pk)


def _in_transaction(ctx):
    """The statements up to the service's COMMIT (what follows is the search index's
    on-commit hook, not the step)."""
    sqls = [q["sql"] for q in ctx.captured_queries]
    return sqls[: sqls.index("COMMIT") + 1] if "COMMIT" in sqls else sqls


def _statements(ctx, word):
    return [sql for sql in _in_transaction(ctx) if word in sql]


def test_a_move_checks_the_holding_once_and_takes_no_savepoint(desk):
    file = open_file(desk)
    actor = _fresh(desk.asst_user)
    with CaptureQueriesContext(connection) as ctx:
        movement.file_mark(actor=actor, file=File(pk=file.pk), to_post=desk.so)
    assert len(_statements(ctx, '"workspace_holding"')) == 1
    assert _statements(ctx, "SAVEPOINT") == []
    # BEGIN, lock timeout, file (locked alone), file with its post, holding, process
    # (locked), desk task, route, desk task done, gateway and its link, next desk and its
    # link, drafts, movement, file, audit (chain head, then row and head in one statement on
    # PostgreSQL: 2), COMMIT. The file is locked, then read with its post by a second
    # statement (issue 19: a joined locked read sees a stale post after a lock wait).
    # (SQLite has no lock timeout to set, and writes the audit row and its head apart.)
    assert len(_in_transaction(ctx)) == 19  # PostgreSQL: + lock timeout, - 1 audit


def test_a_move_costs_the_same_however_long_the_history(desk):
    file = open_file(desk)

    def mark_and_count(actor, to_post):
        with CaptureQueriesContext(connection) as ctx:
            movement.file_mark(actor=_fresh(actor), file=File(pk=file.pk), to_post=to_post)
        return len(_in_transaction(ctx))

    first = mark_and_count(desk.asst_user, desk.so)
    for _ in range(3):
        notes.note_add(actor=desk.so_user, file=file, text="Seen.")
        movement.file_mark(actor=desk.so_user, file=file, to_post=desk.asst)
        movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.so)
    movement.file_mark(actor=desk.so_user, file=file, to_post=desk.asst)
    assert mark_and_count(desk.asst_user, desk.so) == first


def test_the_flow_records_each_step_as_viewflow_would(desk):
    file = open_file(desk)
    movement.file_mark(actor=_fresh(desk.asst_user), file=file, to_post=desk.so)
    tasks = list(FileFlow.task_class.objects.filter(process__fileprocess__file=file).order_by("pk"))
    names = [t.flow_task.name for t in tasks]
    assert names == ["start", "desk", "route", "desk"]
    start, done, route, open_ = tasks
    assert done.status == STATUS.DONE and done.owner_id == desk.asst_user.pk
    assert done.started and done.finished and done.owner_permission_obj_pk == str(desk.asst.pk)
    assert route.status == STATUS.DONE and route.finished
    assert list(route.previous.all()) == [done] and list(open_.previous.all()) == [route]
    assert open_.status == STATUS.NEW and open_.owner_id is None
    assert open_.owner_permission_obj_pk == str(desk.so.pk)
    assert Movement.objects.filter(file=file, kind="mark").get().task_id == done.pk


def test_an_approval_is_tied_to_its_flow_step_without_reloading(desk):
    file = open_file(desk)
    notes.note_add(actor=desk.asst_user, file=file, text="For approval.")
    movement.file_mark(actor=desk.asst_user, file=file, to_post=desk.secretary)
    para = file.paragraphs.get(number=1)
    actor = _fresh(desk.secretary_user)
    # The actor's audit chain has a head already (its first row creates it: not counted here).
    AuditChainHead.objects.get_or_create(chain=actor.pk % settings.DAFTAR_AUDIT_CHAINS)
    with CaptureQueriesContext(connection) as ctx:
        approval = approvals.note_decide(
            actor=actor,
            file=File(pk=file.pk),
            paragraph=para,
            decision="approved",
        )
    assert _statements(ctx, "SAVEPOINT") == []
    assert len(_statements(ctx, '"workspace_holding"')) == 1
    # The file is locked, then read once with its post (two statements, issue 19): the
    # paragraph's hash does not load it again.
    assert len(_statements(ctx, 'FROM "workspace_file"')) == 2
    decide = FileFlow.task_class.objects.get(
        flow_task=FileFlow.decide, process__fileprocess__file=file
    )
    assert approval.task == decide
    approval.refresh_from_db()
    assert approval.task_id == decide.pk
    assert AuditEvent.objects.filter(action="note.approved").count() == 1
    # The approval and the decide task are each written once: no UPDATE of either.
    assert _statements(ctx, 'UPDATE "workspace_approval"') == []
    assert len(_statements(ctx, 'INSERT INTO "workspace_approval"')) == 1
    assert [s for s in _statements(ctx, 'UPDATE "viewflow_task"') if "decide" in s] == []
    # "Already approved?" is read with the locked paragraph, not asked apart.
    assert _statements(ctx, 'FROM "workspace_approval"') == [] or all(
        "noteparagraph" in s for s in _statements(ctx, 'FROM "workspace_approval"')
    )
    # BEGIN, lock timeout, file (locked alone, then read with its post: 2), holding, paragraph
    # (locked, with "already approved?"), where
    # it came from, cited papers, process (locked), desk task, route, desk task done, gateway
    # and its link, decide and its link, approval, next desk and its link, drafts, movement,
    # file, audit (2 on PostgreSQL, 3 on SQLite), COMMIT. The office's signature of the
    # decision (letters, a registered decision step) is a background job: with the tests'
    # inline backend it is queued after the commit; with the database queue its row is one
    # INSERT here (issue 20).
    assert len(_in_transaction(ctx)) == 25  # PostgreSQL: + lock timeout, - 1 audit
    tasks = list(FileFlow.task_class.objects.filter(process__fileprocess__file=file).order_by("pk"))
    route, decided, open_ = tasks[-3:]
    assert decided == decide and decided.status == STATUS.DONE
    assert decided.started and decided.finished
    assert list(decided.previous.all()) == [route] and list(open_.previous.all()) == [decided]
    assert open_.status == STATUS.NEW and open_.owner_permission_obj_pk == str(desk.asst.pk)


def test_a_known_holding_answers_only_for_that_user_and_post(desk):
    file = open_file(desk)
    task = FileFlow.task_class.objects.get(
        flow_task=FileFlow.desk, process__fileprocess__file=file, status=STATUS.NEW
    )
    stranger = UserFactory(username="stranger")
    with holding_known(desk.asst_user, desk.asst):
        assert FileFlow.desk.can_assign(desk.asst_user, task)
        # Another user, or the same user for another post, is still asked of the database.
        assert not FileFlow.desk.can_assign(stranger, task)
    assert not FileFlow.desk.can_assign(stranger, task)
    with holding_known(desk.asst_user, desk.so):
        assert FileFlow.desk.can_assign(desk.asst_user, task)  # asked: the user holds asst
        assert not FileFlow.desk.can_assign(desk.so_user, task)


def test_a_refused_step_leaves_no_task_behind(desk):
    file = open_file(desk)
    before = FileFlow.task_class.objects.count()
    with pytest.raises(ActionRefused):
        movement.file_mark(actor=_fresh(desk.so_user), file=file, to_post=desk.ds)
    assert FileFlow.task_class.objects.count() == before
