"""A return is a paper: kept through the documents pipeline and put on the entity's
monitoring file as correspondence, so it moves and is noted like any other paper."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cgu import intake
from cgu.models import KpiReturn
from cgu.services import (
    monitoring_file_open,
    return_put_on_file,
    return_resubmit,
    return_send_back,
    return_submit,
)
from kernel.errors import ActionRefused
from tests.cgu.conftest import uni_rows
from workspace.models import Enclosure, SubjectHead
from workspace.services.movement import file_mark


@pytest.fixture
def monitored(cgu):
    head = SubjectHead.objects.create(
        department=cgu.fd, code="PSE", name_en="Public sector entities"
    )
    file = monitoring_file_open(actor=cgu.asst_user, entity=cgu.uni, subject_head=head)
    cgu.uni.refresh_from_db()
    return file


def enter(cgu, **kw):
    kw.setdefault("actor", cgu.asst_user)
    return return_submit(entity=cgu.uni, period=cgu.q3, received_on=dt.date(2025, 10, 20), **kw)


def test_monitoring_file_is_opened_at_the_cgu_post(cgu, monitored):
    assert cgu.uni.monitoring_file == monitored
    assert monitored.holding_post == cgu.asst
    assert monitored.number.startswith("FD/CGU/PSE-1/")
    with pytest.raises(ActionRefused):
        monitoring_file_open(
            actor=cgu.asst_user, entity=cgu.uni, subject_head=monitored.subject_head
        )


def test_form_return_becomes_a_pdf_paper_on_the_file(cgu, monitored):
    r = enter(cgu, rows=uni_rows())
    assert r.paper.kind == "kpi_return"
    assert r.paper.current_version.mime_type == "application/pdf"
    assert r.enclosure.file == monitored
    assert (r.enclosure.flag, r.enclosure.is_puc) == ("A", True)
    assert r.enclosure.title == "KPI return 2025-Q3, version 1"
    assert r.enclosure.paper == r.paper
    # On the file, the paper is open to those who may see the file (the reviewer), not only
    # to the clerk who uploaded it.
    from workspace.access import can_view_paper

    assert can_view_paper(user=cgu.so_user, paper=r.paper)


def test_uploaded_original_is_kept_and_flagged(cgu, monitored):
    text = "kpi_code,value\n" + "\n".join(f"{x['kpi_code']},{x['value']}" for x in uni_rows())
    r = enter(cgu, upload=SimpleUploadedFile("uop-q3.csv", text.encode()))
    assert r.paper.current_version.original_filename == "uop-q3.csv"
    assert r.enclosure.title == "KPI return 2025-Q3, version 1 (uop-q3.csv)"
    # The resubmission goes on the same file under the next flag; the old flag stays.
    returned = return_send_back(actor=cgu.so_user, kpi_return=r, reasons="Check staff.")
    v2 = return_resubmit(actor=cgu.asst_user, kpi_return=returned, rows=uni_rows(STAFF="2400"))
    assert v2.enclosure.flag == "B" and v2.enclosure.is_puc
    assert list(Enclosure.objects.filter(file=monitored).values_list("flag", flat=True)) == [
        "A",
        "B",
    ]


def test_formula_cells_are_refused_by_the_documents_pipeline(cgu, monitored):
    text = (
        "kpi_code,value,remarks\n"
        + "\n".join(f"{x['kpi_code']},{x['value']}," for x in uni_rows())
        + '\nCOMPLAINTS_PCT,,=HYPERLINK("http://x")\n'
    )
    with pytest.raises(intake.ReturnRejected) as exc:
        enter(cgu, upload=SimpleUploadedFile("r.csv", text.encode()))
    assert "formula" in str(exc.value.row_errors[0])
    assert KpiReturn.objects.count() == 0


def test_when_the_file_is_elsewhere_the_return_waits_for_its_holder(cgu, monitored):
    file_mark(actor=cgu.asst_user, file=monitored, to_post=cgu.so)
    r = enter(cgu, rows=uni_rows())
    assert r.enclosure is None
    with pytest.raises(ActionRefused):
        return_put_on_file(actor=cgu.asst_user, kpi_return=r)
    r = return_put_on_file(actor=cgu.so_user, kpi_return=r)
    assert r.enclosure.file == monitored
    with pytest.raises(ActionRefused, match="already on the monitoring file"):
        return_put_on_file(actor=cgu.so_user, kpi_return=r)


def test_entity_without_a_monitoring_file(cgu):
    r = enter(cgu, rows=uni_rows())
    assert r.paper is not None and r.enclosure is None
    with pytest.raises(ActionRefused, match="no monitoring file"):
        return_put_on_file(actor=cgu.so_user, kpi_return=r)
