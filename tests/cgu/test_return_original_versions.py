"""Issue 17's case: an officer of another section who may see the unclassified monitoring file
tried to replace the original of a KPI return still under review. Refused, nothing stored —
and the CGU desk holding the file cannot replace it either: a return's original is final."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cgu.services import monitoring_file_open, return_submit
from documents.models import Paper, PaperVersion
from documents.services import paper_add_version
from kernel.errors import ActionRefused, NotFound, PermissionDenied
from tests.cgu.conftest import uni_rows
from tests.documents.conftest import snapshot
from tests.documents.corpus import text_pdf
from tests.workspace.helpers import api_client
from workspace.access import can_view_paper
from workspace.models import SubjectHead


@pytest.fixture
def on_monitoring_file(cgu):
    head = SubjectHead.objects.create(
        department=cgu.fd, code="PSE", name_en="Public sector entities"
    )
    monitoring_file_open(actor=cgu.asst_user, entity=cgu.uni, subject_head=head)
    return return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        rows=uni_rows(),
        received_on=dt.date(2025, 10, 20),
    )


def _forged():
    return SimpleUploadedFile("forged.pdf", text_pdf(1, "Other figures"))


def test_another_sections_officer_cannot_replace_a_returns_original(
    cgu, on_monitoring_file, client, django_capture_on_commit_callbacks
):
    paper = on_monitoring_file.paper
    assert paper.kind == Paper.Kind.KPI_RETURN
    # The Budget-I officer may see the unclassified monitoring file, but a return's papers are
    # the CGU's alone (issue 17, point 7: one rule whichever door is used) ...
    assert can_view_paper(user=cgu.budget_so_user, paper=paper) is False
    current = paper.current_version_id
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # ... so neither the service, nor the screen, nor the API lets him replace it,
        with pytest.raises((ActionRefused, PermissionDenied, NotFound)):
            paper_add_version(actor=cgu.budget_so_user, paper=paper, upload=_forged())
        client.force_login(cgu.budget_so_user)
        screen = client.post(f"/desk/papers/paper/{paper.pk}/versions/", {"upload": _forged()})
        api = api_client(cgu.budget_so_user).post(
            f"/api/v1/papers/{paper.pk}/versions/", {"upload": _forged()}, format="multipart"
        )
        # ... nor the CGU desk that holds the file.
        with pytest.raises(ActionRefused, match="KPI return"):
            paper_add_version(actor=cgu.asst_user, paper=paper, upload=_forged())
    assert screen.status_code == 404 and api.status_code == 404
    assert snapshot() == before and callbacks == []
    paper.refresh_from_db()
    assert paper.current_version_id == current
    assert PaperVersion.objects.filter(paper=paper).count() == 1
