"""The generator writes data Daftar's own code accepts: custody agrees, the audit chain
verifies, counts are right, and the services and screens work on what it wrote."""

import pytest
from django.db import connection
from django.db.models import Count, Max
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from benchmark import database
from benchmark.files import paragraph_hash
from benchmark.writer import GeneratorOutOfDate, Table
from documents.models import Paper, PaperText, PaperVersion
from kernel import audit
from organisation.models import Holding
from tests.benchmarks.conftest import FILES
from workflows.models import FileProcess
from workspace import custody, tracking
from workspace.flows import FileFlow
from workspace.models import (
    Approval,
    Counter,
    Enclosure,
    File,
    Movement,
    NoteParagraph,
    Receipt,
    SubjectHead,
)
from workspace.services import approvals, files, movement

pytestmark = pytest.mark.django_db

OPEN_TASK = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def holder(post_id):
    return Holding.objects.current().get(post_id=post_id, kind=Holding.Kind.REGULAR).user


def test_counts(office):
    assert File.objects.count() == FILES
    assert office.rows["workspace_file"] == FILES
    assert sum(office.stats.values()) == FILES
    assert FileProcess.objects.count() == FILES
    # About ten movements a file, one desk task per stay plus the start task.
    moves = Movement.objects.count()
    assert 3 * FILES <= moves <= 25 * FILES
    assert Task.objects.filter(flow_task=FileFlow.start).count() == FILES
    per_file = File.objects.annotate(n=Count("movements")).values_list("n", flat=True)
    assert min(per_file) >= 3
    for table, count in office.rows.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] == count, table
    assert PaperText.objects.count() == PaperVersion.objects.count() == Paper.objects.count()
    assert not Paper.objects.filter(current_version__isnull=True).exists()


def test_custody_agrees(office):
    assert custody.disagreements() == []
    ongoing = File.objects.filter(status__in=[File.Status.OPEN, File.Status.PARKED]).count()
    assert Task.objects.filter(flow_task=FileFlow.desk, status__in=OPEN_TASK).count() == ongoing
    # Closed journeys are finished; open ones are not.
    assert FileProcess.objects.filter(finished__isnull=True).count() == ongoing


def test_journeys_read_like_the_services_write_them(office):
    for file in File.objects.all():
        moves = list(file.movements.order_by("at", "pk"))
        assert moves[0].kind == Movement.Kind.OPEN and moves[0].from_post_id is None
        assert all(m.desk_seconds >= 0 for m in moves)
        arrivals = [m for m in moves if m.kind not in {"park", "close", "record_room"}]
        assert arrivals[-1].to_post_id == file.holding_post_id
        assert file.desk_since == arrivals[-1].at
        numbers = list(file.paragraphs.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        assert not file.paragraphs.filter(is_final=False).exclude(post=file.holding_post).exists()
        # Movements point at the desk task they completed, at the post they left.
        for m in moves:
            if m.task_id:
                assert m.task.owner_permission_obj_pk == str(m.from_post_id)
                assert m.task.status == STATUS.DONE
    for receipt in Receipt.objects.all():
        assert (receipt.file_id is None) == (receipt.status == Receipt.Status.PENDING)
        if receipt.tracking_ref:
            assert tracking.is_valid(receipt.tracking_ref)
            assert receipt.is_citizen_matter and receipt.citizen_name
    for enclosure in Enclosure.objects.all():
        assert (enclosure.receipt_id is None) != (enclosure.paper_id is None)


def test_approvals_carry_the_services_hash(office):
    assert Approval.objects.exists()
    for approval in Approval.objects.select_related("paragraph__file"):
        assert approval.content_hash == approvals.content_hash(approval.paragraph)
        assert approval.paragraph.is_final
    para = NoteParagraph.objects.select_related("file").first()
    assert paragraph_hash(
        para.file.number, para.number, para.text, para.author_id, para.post_id
    ) == approvals.content_hash(para)


def test_task_rows_are_what_viewflow_writes(office):
    generated = Task.objects.filter(flow_task=FileFlow.desk, status=STATUS.NEW).first()
    # A file opened through the service, at a post of the generated office.
    post = generated.owner_permission_obj
    user = holder(post.pk)
    head = SubjectHead.objects.filter(department=post.section.department).first()
    file = files.file_open(actor=user, post=post, subject_head=head, subject="Made by a service")
    made = Task.objects.get(
        process__fileprocess__file=file, flow_task=FileFlow.desk, status=STATUS.NEW
    )
    for name in [
        "flow_task",
        "flow_task_type",
        "status",
        "owner_permission",
        "owner_permission_content_type_id",
        "token",
        "data",
        "owner_id",
    ]:
        assert getattr(made, name) == getattr(generated, name), name
    assert made.process.flow_class == generated.process.flow_class
    assert made.process.status == generated.process.status


def test_services_go_on_from_generated_data(office):
    """Numbering, sequences and the flow: the services act on generated files, the audit
    chain verifies, and custody still agrees."""
    file = File.objects.filter(status=File.Status.OPEN, holding_post__may_approve=False).first()
    siblings = file.holding_post.section.posts.exclude(pk=file.holding_post_id)
    movement.file_mark(actor=holder(file.holding_post_id), file=file, to_post=siblings.first())
    waiting = [
        f
        for f in File.objects.filter(status=File.Status.OPEN, holding_post__may_approve=True)
        if f.paragraphs.order_by("-number").first().post_id != f.holding_post_id
    ]
    if waiting:
        f = waiting[0]
        approvals.note_decide(
            actor=holder(f.holding_post_id),
            file=f,
            paragraph=f.paragraphs.order_by("-number").first(),
            decision="approved",
        )
    post = file.holding_post
    head = SubjectHead.objects.filter(department=post.section.department).first()
    new = files.file_open(actor=holder(post.pk), post=post, subject_head=head, subject="Next")
    top = File.objects.filter(section=post.section, subject_head=head, year=new.year).aggregate(
        m=Max("serial")
    )["m"]
    assert new.serial == top
    assert Counter.objects.get(scope=f"file:{post.section_id}:{head.pk}:{new.year}").value == top
    assert custody.disagreements() == []
    assert list(audit.verify()) == []


def test_inbox_and_file_page_render(office, client):
    file = File.objects.filter(status=File.Status.OPEN).order_by("-priority", "desk_since").first()
    client.force_login(holder(file.holding_post_id))
    inbox = client.get(reverse("workspace:home"))
    assert inbox.status_code == 200
    assert file.number in inbox.content.decode()
    page = client.get(reverse("workspace:file", args=[file.pk]))
    assert page.status_code == 200
    assert file.subject in page.content.decode()


def test_search_index_covers_every_file(office):
    from search.models import FileDocument

    assert office.search["files"] == FILES
    assert FileDocument.objects.count() == FILES


def test_refuses_a_database_that_is_not_a_benchmarks(settings, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "test")
    with pytest.raises(database.NotABenchDatabase):
        database.check_allowed(30)
    monkeypatch.setitem(connection.settings_dict, "NAME", "daftar")
    with pytest.raises(database.NotABenchDatabase):
        database.check_allowed(30)
    monkeypatch.setitem(connection.settings_dict, "NAME", "daftar_bench")
    if connection.vendor == "sqlite":
        database.check_allowed(30)
        with pytest.raises(database.NotABenchDatabase):
            database.check_allowed(database.SQLITE_MAX_FILES + 1)
    else:
        database.check_allowed(1_000_000)


def test_a_field_the_generator_does_not_fill_fails_loudly():
    with pytest.raises(GeneratorOutOfDate, match="number"):
        Table(File, ["id", "department", "section"])
