"""One rule for a KPI return's papers, whichever door is used (issue 17, point 7).

The monitoring file is an unclassified Finance Department file, so every officer of the
department may see it on the desk; but a return's original (or the PDF of its typed figures)
is the CGU's: the CGU's own screens answer 403 to an officer who is not CGU staff, and the
desk's download, the paper's page and the "My papers" list answer as if it did not exist.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cgu.services import monitoring_file_open, return_submit
from documents.models import Paper
from tests.cgu.conftest import uni_rows
from workspace import access
from workspace.models import Enclosure, SubjectHead
from workspace.services import correspondence


@pytest.fixture
def monitored_return(cgu):
    head = SubjectHead.objects.create(
        department=cgu.fd, code="PSE", name_en="Public sector entities"
    )
    monitoring_file_open(actor=cgu.asst_user, entity=cgu.uni, subject_head=head)
    cgu.uni.refresh_from_db()
    text = "kpi_code,value\n" + "\n".join(f"{x['kpi_code']},{x['value']}" for x in uni_rows())
    return return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q3,
        received_on=dt.date(2025, 10, 20),
        upload=SimpleUploadedFile("uop-q3.csv", text.encode()),
    )


def test_an_officer_who_sees_the_monitoring_file_cannot_open_the_returns_original(
    client, cgu, monitored_return
):
    r = monitored_return
    file = r.enclosure.file
    version = r.paper.current_version
    outsider = cgu.budget_so_user  # Finance Department, Budget-I: sees FD's unclassified files
    assert access.can_view_file(user=outsider, file=file)
    assert not access.can_view_paper(user=outsider, paper=r.paper)
    client.force_login(outsider)
    assert client.get(f"/desk/files/{file.pk}/").status_code == 200
    # Every door: the CGU's screen, the desk's download and view, the paper's page.
    assert client.get(f"/desk/cgu/returns/{r.pk}/").status_code == 403
    assert client.get(f"/desk/papers/{version.pk}/download/").status_code == 404
    assert client.get(f"/desk/papers/{version.pk}/view/").status_code == 404
    assert client.get(f"/desk/papers/paper/{r.paper_id}/").status_code == 404
    # Even as its uploader would be listed: the list asks the same rule.
    assert not Paper.objects.filter(access.paper_visibility(outsider), pk=r.paper_id).exists()


def test_cgu_staff_open_it_through_the_desk_as_through_their_screen(client, cgu, monitored_return):
    r = monitored_return
    version = r.paper.current_version
    for user in (cgu.asst_user, cgu.so_user, cgu.head_user):
        assert access.can_view_paper(user=user, paper=r.paper)
        client.force_login(user)
        assert client.get(f"/desk/cgu/returns/{r.pk}/").status_code == 200
        response = client.get(f"/desk/papers/{version.pk}/download/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"kpi_code,value")


def test_other_papers_on_the_monitoring_file_stay_open_to_the_department(cgu, monitored_return):
    """The narrowing is for a return's papers only: a letter flagged on the same file is the
    file's to see, as on any file."""
    from tests.documents.corpus import text_pdf, upload

    file = monitored_return.enclosure.file
    enclosure = correspondence.paper_enclose(
        actor=cgu.asst_user, file=file, upload=upload("letter.pdf", text_pdf(1, "Letter"))
    )
    assert Enclosure.objects.filter(file=file).count() == 2
    assert access.can_view_paper(user=cgu.budget_so_user, paper=enclosure.paper)
    assert not access.can_view_paper(user=cgu.budget_so_user, paper=monitored_return.paper)
    assert not access.can_view_paper(user=cgu.outsider, paper=enclosure.paper)
