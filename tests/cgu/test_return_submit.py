"""Entering a return: every validation error names its row and column, all errors come at
once, and nothing is saved until the return is clean."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cgu import intake
from cgu.models import KpiReturn, KpiValue
from cgu.services import return_submit
from kernel.errors import ActionRefused, PermissionDenied, ValidationError
from kernel.models import AuditEvent
from tests.cgu.conftest import uni_rows

RECEIVED = dt.date(2025, 10, 20)


def submit(cgu, **kw):
    kw.setdefault("actor", cgu.asst_user)
    kw.setdefault("entity", cgu.uni)
    kw.setdefault("period", cgu.q3)
    kw.setdefault("received_on", RECEIVED)
    return return_submit(**kw)


def errors_of(excinfo):
    return [(e.row, e.column, e.message) for e in excinfo.value.row_errors]


def assert_nothing_saved():
    assert KpiReturn.objects.count() == 0
    assert KpiValue.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="kpi_return").exists()


def csv_upload(text, name="return.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, name="return.xlsx"):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def test_clean_return_from_rows_is_submitted_with_its_values(cgu):
    r = submit(cgu, rows=uni_rows())
    assert (r.version, r.status, r.source) == (1, "submitted", "form")
    assert {v.kpi.code: str(v.value) for v in r.values.all()} == {
        "BUDGET": "1200.50",
        "EXPENDITURE": "980.25",
        "UTIL_PCT": "81.65",
        "STAFF": "2300.00",
        "ENROLMENT": "14500.00",
    }
    assert r.submitted_by == cgu.asst_user
    assert not r.is_published
    assert r.review_processes.get().flow_class.__name__ == "KpiReviewFlow"


def test_unknown_kpi(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows() + [{"kpi_code": "NOPE", "value": "1"}])
    assert errors_of(exc) == [(6, "kpi_code", "Unknown KPI code “NOPE”.")]
    assert_nothing_saved()


def test_kpi_of_another_entity_type(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows() + [{"kpi_code": "OPD", "value": "10"}])
    assert errors_of(exc) == [
        (6, "kpi_code", "OPD is not reported by entities of type University.")
    ]


def test_wrong_period_and_wrong_entity_columns(cgu):
    rows = uni_rows()
    rows[0] = {**rows[0], "period": "2025-Q2", "entity_code": "UOP"}
    rows[1] = {**rows[1], "period": "2025-Q3", "entity_code": "LRH-MTI"}
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=rows)
    assert errors_of(exc) == [
        (1, "period", "This row is for period 2025-Q2; the return is for 2025-Q3."),
        (2, "entity_code", "This row is for LRH-MTI; the return is for UOP."),
    ]


def test_out_of_range_values(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows(UTIL_PCT="151", BUDGET="-5"))
    assert errors_of(exc) == [
        (1, "value", "-5 is outside the valid range of BUDGET (0 to 100000)."),
        (3, "value", "151 is outside the valid range of UTIL_PCT (0 to 150)."),
    ]


def test_not_a_number_fractions_and_whole_numbers(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows(BUDGET="twelve", EXPENDITURE="1.234", STAFF="12.5"))
    assert errors_of(exc) == [
        (1, "value", "“twelve” is not a number."),
        (2, "value", "Use at most two decimal places."),
        (4, "value", "STAFF must be a whole number."),
    ]


def test_thousands_separators_are_accepted(cgu):
    r = submit(cgu, rows=uni_rows(ENROLMENT="14,500", BUDGET=" 1 200.50 "))
    assert r.values.get(kpi__code="ENROLMENT").value == 14500


def test_duplicate_kpi(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows() + [{"kpi_code": "budget", "value": "1"}])
    assert errors_of(exc) == [(6, "kpi_code", "BUDGET appears twice (first on row 1).")]


def test_missing_required_kpi_and_missing_value(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=uni_rows(ENROLMENT=None, STAFF=""))
    assert errors_of(exc) == [
        (4, "value", "No value for STAFF."),
        (None, "kpi_code", "The required KPI ENROLMENT (Students enrolled) is missing."),
    ]
    # The optional KPI may be left out; the message names the column.
    assert str(exc.value.row_errors[0]) == "Row 4, column value: No value for STAFF."


def test_every_error_is_listed_at_once(cgu):
    rows = uni_rows(UTIL_PCT="900", ENROLMENT=None) + [
        {"kpi_code": "", "value": "3"},
        {"kpi_code": "XYZ", "value": "abc"},
    ]
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, rows=rows)
    assert [(e.row, e.column) for e in exc.value.row_errors] == [
        (3, "value"),
        (5, "kpi_code"),
        (6, "kpi_code"),
        (6, "value"),
        (None, "kpi_code"),
    ]
    assert_nothing_saved()


def test_csv_upload_with_errors_names_spreadsheet_rows(cgu):
    text = (
        "entity_code,period,kpi_code,kpi_name,unit,value\n"
        "UOP,2025-Q3,BUDGET,Budget,PKR million,1200\n"
        "UOP,2025-Q3,EXPENDITURE,Expenditure,PKR million,1300\n"
        "UOP,2025-Q2,UTIL_PCT,Utilisation,per cent,108\n"
        "UOP,2025-Q3,STAFF,Staff,number,\n"
        "UOP,2025-Q3,STAFF,Staff,number,2300\n"
    )
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, upload=csv_upload(text))
    assert errors_of(exc) == [
        (4, "period", "This row is for period 2025-Q2; the return is for 2025-Q3."),
        (5, "value", "No value for STAFF."),
        (6, "kpi_code", "STAFF appears twice (first on row 5)."),
        (None, "kpi_code", "The required KPI ENROLMENT (Students enrolled) is missing."),
    ]
    assert_nothing_saved()


def test_clean_csv_and_xlsx_uploads(cgu):
    text = intake.template_csv(cgu.uni, cgu.q3).decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    values = {
        "BUDGET": "1200",
        "EXPENDITURE": "900",
        "UTIL_PCT": "75",
        "STAFF": "2300",
        "ENROLMENT": "14500",
        "COMPLAINTS_PCT": "",
    }
    filled = [lines[0]] + [line + values[line.split(",")[2]] for line in lines[1:]]
    r = submit(cgu, upload=csv_upload("\n".join(filled)))
    assert (r.source, r.values.count(), r.original_filename) == ("csv", 5, "return.csv")
    assert len(r.original_sha256) == 64

    rows = [["kpi_code", "value"]] + [[k, float(v)] for k, v in values.items() if v]
    r2 = submit(cgu, entity=cgu.uni2, upload=xlsx_upload(rows))
    assert r2.source == "xlsx"
    assert r2.values.get(kpi__code="UTIL_PCT").value == 75


def test_xlsx_template_round_trips(cgu):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(intake.template_xlsx(cgu.uni, cgu.q3)))
    sheet = wb.active
    assert [c.value for c in sheet[1]] == intake.COLUMNS
    codes = [row[2].value for row in sheet.iter_rows(min_row=2)]
    assert codes == ["BUDGET", "EXPENDITURE", "UTIL_PCT", "STAFF", "ENROLMENT", "COMPLAINTS_PCT"]
    for row in sheet.iter_rows(min_row=2):
        row[5].value = {"UTIL_PCT": 80, "COMPLAINTS_PCT": None}.get(row[2].value, 100)
    out = io.BytesIO()
    wb.save(out)
    r = submit(cgu, upload=SimpleUploadedFile("anything.bin", out.getvalue()))
    assert r.source == "xlsx" and r.values.count() == 5


def test_upload_header_without_value_column(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, upload=csv_upload("kpi_code,amount\nBUDGET,1\n"))
    assert errors_of(exc) == [(1, "value", "The header row has no value column.")]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7 binary\x00\x01", "Upload the return as a CSV or Excel (.xlsx) file."),
        (b"PK\x03\x04not really a zip", "Upload the return as a CSV or Excel (.xlsx) file."),
        (
            "kpi_code,value\nBUDGET,1\n".encode("utf-16"),
            "Upload the return as a CSV or Excel (.xlsx) file.",
        ),
    ],
)
def test_uploads_that_are_not_csv_or_xlsx(cgu, content, message):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, upload=SimpleUploadedFile("return.csv", content))
    assert errors_of(exc) == [(None, "", message)]
    assert_nothing_saved()


def test_content_decides_not_the_name(cgu):
    # An .xlsx name on CSV bytes is read as CSV, and rejected for its rows, not its name.
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, upload=csv_upload("kpi_code,value\nBUDGET,x\n", name="return.xlsx"))
    assert (2, "value", "“x” is not a number.") in errors_of(exc)


def test_oversized_upload(cgu):
    big = b"kpi_code,value\n" + b"BUDGET,1\n" * (intake.MAX_UPLOAD_BYTES // 9 + 10)
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, upload=SimpleUploadedFile("big.csv", big))
    assert errors_of(exc) == [(None, "", "The file is larger than 2 MB.")]


def test_empty_return(cgu):
    with pytest.raises(intake.ReturnRejected) as exc:
        submit(cgu, entity=cgu.uni, rows=[{"kpi_code": "", "value": ""}])
    assert (None, "kpi_code", "The required KPI BUDGET (Budget) is missing.") in errors_of(exc)


def test_only_cgu_staff_may_enter_returns(cgu):
    for user in [cgu.budget_so_user, cgu.outsider, cgu.superuser]:
        with pytest.raises(PermissionDenied):
            submit(cgu, actor=user, rows=uni_rows())
    assert_nothing_saved()


def test_second_submission_is_refused_and_points_to_resubmit(cgu, submitted):
    with pytest.raises(ActionRefused, match="Resubmit it as a new version"):
        submit(cgu, rows=uni_rows())
    assert KpiReturn.objects.count() == 1


def test_dates_are_checked(cgu):
    with pytest.raises(ValidationError):
        submit(cgu, rows=uni_rows(), received_on=dt.date(2025, 9, 1))
    future = cgu.q3.__class__.objects.create(
        code="2099-Q1",
        kind="quarterly",
        starts_on=dt.date(2099, 1, 1),
        ends_on=dt.date(2099, 3, 31),
        deadline=dt.date(2099, 4, 30),
    )
    with pytest.raises(ActionRefused, match="has not ended"):
        submit(cgu, period=future, rows=uni_rows(), received_on=None)
    assert_nothing_saved()


def test_inactive_entity_is_refused(cgu):
    cgu.uni.is_active = False
    cgu.uni.save()
    with pytest.raises(ActionRefused):
        submit(cgu, rows=uni_rows())
