"""The staff API for returns: the same services as the screens, errors as row/column lists."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cgu.models import KpiReturn
from tests.cgu.conftest import uni_rows

pytestmark = pytest.mark.django_db


def client_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def submit(api, **extra):
    body = {"entity": "UOP", "period": "2025-Q3", "received_on": "2025-10-20", "rows": uni_rows()}
    body.update(extra)
    return api.post(reverse("cgu-return-list"), body, format="json")


def test_submit_review_and_list(cgu):
    clerk, reviewer = client_for(cgu.asst_user), client_for(cgu.so_user)
    response = submit(clerk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["version"], body["source"]) == ("submitted", 1, "api")
    assert {v["kpi"]: v["value"] for v in body["values"]}["BUDGET"] == "1200.50"
    pk = body["id"]

    assert reviewer.post(reverse("cgu-return-take-up", args=[pk])).json()["status"] == (
        "under_review"
    )
    back = reviewer.post(reverse("cgu-return-send-back", args=[pk]), {"reasons": "Fix it."})
    assert back.json()["status"] == "returned"
    v2 = clerk.post(
        reverse("cgu-return-resubmit", args=[pk]), {"rows": uni_rows(STAFF="2400")}, format="json"
    )
    assert v2.status_code == 201 and v2.json()["version"] == 2
    accepted = reviewer.post(reverse("cgu-return-accept", args=[v2.json()["id"]]))
    assert accepted.json()["is_published"] is True

    listing = reviewer.get(reverse("cgu-return-list"), {"entity": "UOP"}).json()
    assert [r["version"] for r in listing["results"]] == [2, 1]
    detail = reviewer.get(reverse("cgu-return-detail", args=[pk])).json()
    assert detail["reasons"] == "Fix it."


def test_validation_errors_name_row_and_column(cgu):
    response = submit(client_for(cgu.asst_user), rows=uni_rows(UTIL_PCT="900", ENROLMENT=None))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 3,
            "column": "value",
            "message": "900 is outside the valid range of UTIL_PCT (0 to 150).",
        },
        {
            "row": None,
            "column": "kpi_code",
            "message": "The required KPI ENROLMENT (Students enrolled) is missing.",
        },
    ]
    assert KpiReturn.objects.count() == 0


def test_upload_through_the_api(cgu):
    text = "kpi_code,value\n" + "\n".join(f"{r['kpi_code']},{r['value']}" for r in uni_rows())
    response = client_for(cgu.asst_user).post(
        reverse("cgu-return-list"),
        {
            "entity": "UOP",
            "period": "2025-Q3",
            "received_on": "2025-10-20",
            "upload": SimpleUploadedFile("uop.csv", text.encode()),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "csv"


def test_refusals_map_to_status_codes(cgu):
    clerk = client_for(cgu.asst_user)
    pk = submit(clerk).json()["id"]
    assert submit(clerk).status_code == 409  # already filed: resubmit instead
    assert clerk.post(reverse("cgu-return-accept", args=[pk])).status_code == 403
    reviewer = client_for(cgu.so_user)
    assert reviewer.post(reverse("cgu-return-send-back", args=[pk]), {}).status_code == 400
    assert reviewer.post(reverse("cgu-return-accept", args=[pk])).status_code == 200
    assert reviewer.post(reverse("cgu-return-accept", args=[pk])).status_code == 409
    assert reviewer.post(reverse("cgu-return-accept", args=[999999])).status_code == 404
    both = submit(clerk, upload=SimpleUploadedFile("x.csv", b"kpi_code,value\n"))
    assert both.status_code == 400
