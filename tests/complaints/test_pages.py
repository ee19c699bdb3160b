"""The public screens and the API: filing with the acknowledgement, following by tracking
number and four digits (never anyone else's, never naming the complainant), feedback."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, Evidence, Status
from kernel.models import AuditEvent
from tests.complaints.conftest import jpeg_with_gps
from tests.portal_pages.factories import build_tree


def form_data(ladder, **change):
    data = {
        "category": ladder.category.pk,
        "district": ladder.peshawar.pk,
        "description": "The dispensary in our village has been shut for a month.",
        "mobile": "0300-1234567",
        "cnic_last4": "9876",
        "name": "Noor Khan",
    }
    data.update(change)
    return data


def test_filing_on_the_public_page_gives_the_acknowledgement(ladder, client):
    page = client.get(reverse("complaints:new"))
    assert page.status_code == 200 and ladder.category.name_en in page.content.decode()
    response = client.post(
        reverse("complaints:new"),
        {**form_data(ladder), "evidence": [SimpleUploadedFile("p.jpg", jpeg_with_gps())]},
    )
    assert response.status_code == 201
    complaint = Complaint.objects.get()
    body = response.content.decode()
    assert complaint.display_ref in body and "Noor Khan" not in body
    assert complaint.mobile == "03001234567" and complaint.evidence.count() == 1
    # This browser may now follow it without typing the digits again.
    mine = client.get(reverse("complaints:mine", args=[complaint.tracking_ref]))
    assert mine.status_code == 200 and complaint.display_ref in mine.content.decode()


def test_refusals_on_the_public_page_in_english_and_urdu(ladder, client):
    response = client.post(reverse("complaints:new"), form_data(ladder, mobile="12"))
    assert response.status_code == 400
    assert "11 digits starting with 03" in response.content.decode()
    bad = {**form_data(ladder), "evidence": [SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo")]}
    response = client.post(reverse("complaints:new"), bad, HTTP_ACCEPT_LANGUAGE="ur")
    assert response.status_code == 400
    assert "ہم یہ فائل" in response.content.decode() or "x.jpg" in response.content.decode()
    assert not Complaint.objects.exists() and not Evidence.objects.exists()
    assert not AuditEvent.objects.exists()


def test_following_needs_the_number_and_the_digits(ladder, client):
    complaint = services.file_complaint(
        actor=services.portal_actor(), client="x", category=ladder.category,
        district=ladder.peshawar, description="Streetlights out on the main road.",
        mobile="03001239999", cnic_last4="5555",
    )  # fmt: skip
    mine = reverse("complaints:mine", args=[complaint.tracking_ref])
    assert client.get(mine).status_code == 404  # not unlocked in this browser
    wrong = client.post(
        reverse("complaints:track"),
        {"reference": complaint.display_ref, "second_factor": "1234"},
    )
    assert wrong.status_code == 404 and "could not find" in wrong.content.decode()
    by_mobile = client.post(
        reverse("complaints:track"),
        {"reference": complaint.display_ref.lower(), "second_factor": "9999"},
    )
    assert by_mobile.status_code == 302 and by_mobile["Location"] == mine
    page = client.get(mine).content.decode()
    assert "03001239999" not in page and "5555" not in page


def test_feedback_on_the_page(ladder, client):
    complaint = services.file_complaint(
        actor=services.portal_actor(), client="x", category=ladder.category,
        district=ladder.peshawar, description="Streetlights out on the main road.",
        mobile="03001239999", cnic_last4="5555",
    )  # fmt: skip
    services.resolve(actor=ladder.cell_user, complaint=complaint, action_taken="Lights fixed.")
    client.post(
        reverse("complaints:track"), {"reference": complaint.tracking_ref, "second_factor": "5555"}
    )
    url = reverse("complaints:feedback", args=[complaint.tracking_ref])
    refused = client.post(url, {"satisfied": "no", "comment": ""})
    assert refused.status_code == 400 and "why you are not satisfied" in refused.content.decode()
    assert client.post(url, {"satisfied": "no", "comment": "Still dark"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.level == 2 and complaint.status == Status.REGISTERED
    page = client.get(reverse("complaints:mine", args=[complaint.tracking_ref])).content.decode()
    assert "Reopened at Commissioner&#x27;s Office, Peshawar" in page


def test_the_api_files_reports_and_takes_feedback_without_naming_anyone(ladder, client):
    response = client.post(
        "/api/v1/complaints/",
        {**form_data(ladder), "evidence": [SimpleUploadedFile("p.jpg", jpeg_with_gps())]},
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == "registered" and "mobile" not in answer
    ref = answer["reference"]
    bad = client.post("/api/v1/complaints/", form_data(ladder, cnic_last4="1"))
    assert bad.status_code == 400 and "cnic_last4" in bad.json()["errors"]
    status = client.post(
        "/api/v1/complaints/status/",
        {"reference": ref, "second_factor": "9876"},
        content_type="application/json",
    )
    assert status.status_code == 200
    assert "Noor" not in status.content.decode() and "1234567" not in status.content.decode()
    unknown = client.post(
        "/api/v1/complaints/status/",
        {"reference": ref, "second_factor": "0000"},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    early = client.post(
        "/api/v1/complaints/feedback/",
        {"reference": ref, "second_factor": "9876", "satisfied": True},
        content_type="application/json",
    )
    assert (
        early.status_code == 409 and "only once a complaint is resolved" in early.json()["detail"]
    )
    complaint = Complaint.objects.get()
    services.resolve(actor=ladder.cell_user, complaint=complaint, action_taken="Reopened.")
    done = client.post(
        "/api/v1/complaints/feedback/",
        {"reference": ref, "second_factor": "9876", "satisfied": True},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "closed"


def test_the_api_is_rate_limited(ladder, client, settings):
    settings.DAFTAR_COMPLAINT_CLIENT_LIMIT = (1, 3600)
    assert client.post("/api/v1/complaints/", form_data(ladder)).status_code == 201
    again = client.post("/api/v1/complaints/", form_data(ladder, mobile="03007654321"))
    assert again.status_code == 429 and "Too many complaints" in again.json()["detail"]


def test_the_public_sites_tracking_page_finds_a_complaint(ladder, filed, client):
    """A complaint's number typed into the public site's tracking page (portal_pages) opens
    the complaint's own page with its public status; wrong digits find nothing, as for any
    matter."""
    page = build_tree().tracking
    wrong = client.post(page.url, {"reference": filed.display_ref, "second_factor": "1111"})
    assert wrong.status_code == 200
    assert "could not find a matter" in wrong.content.decode()
    response = client.post(page.url, {"reference": filed.display_ref, "second_factor": "2468"})
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:mine", args=[filed.tracking_ref])
    assert "no-store" in response["Cache-Control"]
    status = client.get(response["Location"]).content.decode()
    assert filed.display_ref in status and "Gul Bibi" not in status
    # The tracking API stays the diarised matters': complaints have their own.
    api = client.post("/api/v1/track/", {"reference": filed.display_ref, "second_factor": "2468"})
    assert api.status_code == 404
