"""Django's admin and complaints: the catalogue, the territory and the holidays are kept
there (audited); complaints are listed without the sealed identity and cannot be changed."""

from django.urls import reverse

import daftar.urls  # noqa: F401  (admin_site.configure() has run)
from complaints import services
from complaints.models import Complaint
from kernel.models import AuditEvent
from organisation.models import Holiday
from tests.factories import UserFactory


def test_the_admin_shows_no_complainant_and_changes_nothing(ladder, client):
    complaint = services.file_complaint(
        actor=services.portal_actor(), client="a", category=ladder.category,
        district=ladder.peshawar, description="Open manhole on the main road.",
        mobile="03004445555", cnic_last4="7777", name="Zarina", email="z@example.org",
    )  # fmt: skip
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for name, args in [
        ("complaints_complaint_changelist", []),
        ("complaints_complaint_change", [complaint.pk]),
        ("complaints_category_changelist", []),
        ("organisation_division_changelist", []),
        ("organisation_district_changelist", []),
        ("organisation_tehsil_changelist", []),
        ("organisation_holiday_changelist", []),
    ]:
        response = client.get(reverse(f"admin:{name}", args=args))
        assert response.status_code == 200, name
        html = response.content.decode()
        for secret in ("03004445555", "Zarina", "z@example.org", "7777"):
            assert secret not in html, (name, secret)
    response = client.post(
        reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"status": "closed"}
    )
    assert response.status_code == 403
    assert Complaint.objects.get().status == "registered"
    # A holiday added in the admin goes through the audited organisation service.
    response = client.post(
        reverse("admin:organisation_holiday_add"),
        {"date": "2026-03-23", "name_en": "Pakistan Day", "name_ur": "یومِ پاکستان", "province": ""},
    )
    assert response.status_code == 302
    assert Holiday.objects.get().name_en == "Pakistan Day"
    assert AuditEvent.objects.filter(action="holiday.create").exists()
