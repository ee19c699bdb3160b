"""An entity's typed return is received in the request; the PDF of its figures is kept by a
background task afterwards (cgu.originals). The status the entity and the CGU read stays
true while the task waits, a failure is on the return and on the CGU's page, and the
scheduler's sweep enqueues it again until the paper is kept."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from cgu import originals, tasks
from cgu.models import EntityUser, KpiReturn
from cgu.services import return_put_on_file
from cgu.services.entity import (
    draft_certify,
    draft_save,
    draft_submit,
    entity_user_invite,
    invitation_accept,
)
from documents import storage
from documents.models import Paper
from kernel.errors import ActionRefused
from tests.cgu.conftest import uni_rows

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough pass phrase 42"  # noqa: S105


def _join(cgu, email, role):
    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=cgu.uni, email=email, full_name=email, role=role
    )
    invitation_accept(actor=AnonymousUser(), key=key, password=PASSWORD, password_again=PASSWORD)
    member.refresh_from_db()
    return member


@pytest.fixture
def filed(cgu, django_capture_on_commit_callbacks):
    """The focal person's typed return, certified by the head and submitted; the task that
    keeps its PDF is captured, not run."""
    cgu.prep = _join(cgu, "focal@uop.edu.pk", EntityUser.Role.PREPARER)
    cgu.uhead = _join(cgu, "vc@uop.edu.pk", EntityUser.Role.HEAD)
    draft = draft_save(actor=cgu.prep.user, entity=cgu.uni, period=cgu.q3, rows=uni_rows())
    draft = draft_certify(actor=cgu.uhead.user, draft=draft)
    with django_capture_on_commit_callbacks() as callbacks:
        cgu.r = draft_submit(actor=cgu.prep.user, draft=draft)
    cgu.keep = callbacks
    return cgu


def _is_keep(callback) -> bool:
    return getattr(callback, "func", None) == tasks.keep_return_paper.enqueue


def _run(callbacks):
    for callback in callbacks:
        callback()


def test_received_at_once_and_the_paper_follows(filed, client):
    o = filed
    r = KpiReturn.objects.get(pk=o.r.pk)
    assert r.status == KpiReturn.Status.SUBMITTED and r.certified_by == o.uhead.user
    assert r.paper is None and r.paper_status == KpiReturn.PaperStatus.QUEUED
    # The task, enqueued once the return is committed.
    assert [c.args for c in o.keep if _is_keep(c)] == [(r.pk,)]
    client.force_login(o.prep.user)
    page = client.get(reverse("entity:period", args=[o.q3.code])).content.decode()
    assert "Received by the CGU" in page
    client.force_login(o.so_user)
    page = client.get(reverse("cgu:return", args=[r.pk])).content.decode()
    assert "the PDF of the figures is being made" in page
    with pytest.raises(ActionRefused, match="not kept yet"):
        return_put_on_file(actor=o.so_user, kpi_return=r)

    _run(o.keep)  # the worker (the immediate backend runs it inline)
    r.refresh_from_db()
    assert r.paper_status == KpiReturn.PaperStatus.KEPT and r.paper_attempts == 1
    assert r.paper.kind == Paper.Kind.KPI_RETURN
    assert r.paper.title == f"KPI return UOP {o.q3.code} v1"
    assert r.paper.created_by == o.prep.user
    assert r.paper.current_version.mime_type == "application/pdf"
    # The PDF says who entered the figures: the entity itself, certified by its head.
    with storage.open_object(r.paper.current_version.storage_name) as stream:
        text = " ".join(PdfReader(io.BytesIO(stream.read())).pages[0].extract_text().split())
    assert "filed in Daftar by the entity itself and certified by its head" in text
    assert "Corporate Governance Unit" not in text
    page = client.get(reverse("cgu:return", args=[r.pk])).content.decode()
    assert "the return as received" in page and "being made" not in page
    # Enqueued twice (the sweep and a slow worker): one paper.
    assert originals.keep_paper(r.pk) == "kept"
    assert Paper.objects.filter(kind=Paper.Kind.KPI_RETURN).count() == 1


def test_a_failure_is_visible_and_retried(filed, client, monkeypatch):
    o = filed

    def storage_down(**kwargs):
        raise OSError("storage is down")

    monkeypatch.setattr(originals, "paper_upload", storage_down)
    result = tasks.keep_return_paper.enqueue(o.r.pk)  # immediate backend: runs now
    assert result.status == "FAILED"
    r = KpiReturn.objects.get(pk=o.r.pk)
    assert r.paper is None and r.paper_status == KpiReturn.PaperStatus.FAILED
    assert r.paper_attempts == 1 and r.status == KpiReturn.Status.SUBMITTED
    assert not Paper.objects.exists()
    client.force_login(o.so_user)
    page = client.get(reverse("cgu:return", args=[r.pk])).content.decode()
    assert "making the PDF of the figures failed (1 attempt)" in page

    # The sweep leaves a fresh one to the queue, then enqueues it again.
    assert originals.due_for_retry() == []
    later = timezone.now() + originals.STALE_AFTER + dt.timedelta(seconds=1)
    assert originals.due_for_retry(now=later) == [r.pk]
    monkeypatch.undo()
    monkeypatch.setattr(originals, "STALE_AFTER", dt.timedelta(0))
    assert tasks.requeue_return_papers() == 1
    r.refresh_from_db()
    assert r.paper_status == KpiReturn.PaperStatus.KEPT and r.paper_attempts == 2
    assert r.paper is not None
    assert tasks.requeue_return_papers() == 0  # nothing left to keep


def test_the_sweep_gives_up_after_the_last_attempt(filed, monkeypatch):
    o = filed
    KpiReturn.objects.filter(pk=o.r.pk).update(
        paper_status=KpiReturn.PaperStatus.FAILED, paper_attempts=originals.MAX_ATTEMPTS
    )
    later = timezone.now() + originals.STALE_AFTER + dt.timedelta(seconds=1)
    assert originals.due_for_retry(now=later) == []


def test_a_lost_task_is_enqueued_again(filed):
    """The commit happened but the enqueue never did (the captured task is dropped)."""
    o = filed
    later = timezone.now() + originals.STALE_AFTER + dt.timedelta(seconds=1)
    assert originals.due_for_retry(now=later) == [o.r.pk]


def test_an_upload_is_still_kept_in_the_request(cgu, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cgu.uhead = _join(cgu, "vc@uop.edu.pk", EntityUser.Role.HEAD)
    text = "kpi_code,value\n" + "".join(f"{r['kpi_code']},{r['value']}\n" for r in uni_rows())
    upload = SimpleUploadedFile("ours.csv", text.encode(), "text/csv")
    draft = draft_save(actor=cgu.uhead.user, entity=cgu.uni, period=cgu.q3, upload=upload)
    draft = draft_certify(actor=cgu.uhead.user, draft=draft)
    with django_capture_on_commit_callbacks() as callbacks:
        r = draft_submit(actor=cgu.uhead.user, draft=draft)
    assert r.paper is not None and r.paper_status == KpiReturn.PaperStatus.KEPT
    assert r.original_filename == "ours.csv"
    assert not any(_is_keep(c) for c in callbacks)


def test_submission_queries_do_not_grow_with_the_returns(
    filed, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """A submission's queries (25 with the flow's start and the audit row; 62 when the PDF
    was made in the request) are the same for an entity with many returns."""
    from cgu.services import return_send_back
    from tests.cgu.factories import PeriodFactory

    o = filed
    for year in (2021, 2022, 2023, 2024):
        PeriodFactory(
            code=f"{year}-Q3",
            starts_on=dt.date(year, 7, 1),
            ends_on=dt.date(year, 9, 30),
            deadline=dt.date(year, 10, 31),
        )
    counts = []
    r = o.r
    for n in range(3):
        return_send_back(actor=o.so_user, kpi_return=r, reasons=f"Check it ({n}).")
        draft = draft_save(
            actor=o.prep.user, entity=o.uni, period=o.q3, rows=uni_rows(STAFF=str(2000 + n))
        )
        draft = draft_certify(actor=o.uhead.user, draft=draft)
        with django_assert_max_num_queries(25) as captured:
            r = draft_submit(actor=o.prep.user, draft=draft)
        counts.append(len(captured))
        assert r.version == n + 2
    assert len(set(counts)) == 1, counts


def test_with_the_database_queue_the_paper_job_is_written_with_the_return(cgu, settings):
    """The job rides the submission's own transaction (kernel.tasks.enqueue_on_commit): one
    commit, and rolled back with it nothing is queued; committed, one job for that return."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    prep = _join(cgu, "focal@uop.edu.pk", EntityUser.Role.PREPARER)
    head = _join(cgu, "vc@uop.edu.pk", EntityUser.Role.HEAD)
    draft = draft_certify(
        actor=head.user,
        draft=draft_save(actor=prep.user, entity=cgu.uni, period=cgu.q3, rows=uni_rows()),
    )

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        draft_submit(actor=prep.user, draft=draft)
        assert DBTaskResult.objects.filter(task_path__endswith="keep_return_paper").count() == 1
        raise Undone
    assert not KpiReturn.objects.exists() and not DBTaskResult.objects.exists()
    r = draft_submit(actor=prep.user, draft=draft)
    jobs = DBTaskResult.objects.filter(task_path__endswith="keep_return_paper")
    assert [job.args_kwargs["args"] for job in jobs] == [[r.pk]]
