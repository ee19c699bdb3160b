"""The demo seeds the tehsils of its districts, each with an Assistant Commissioner's office
(a territorial section, a post reporting to the Deputy Commissioner, its officer), so that
a citizen filing a complaint can choose a tehsil."""

import time

from django.urls import reverse

from demo import complaints as demo_complaints
from demo.tehsils import TEHSILS
from organisation.models import Holding, Post, Section, Tehsil, TerritorialRole
from tests.complaints.conftest import seed_territory


def test_every_tehsil_has_its_assistant_commissioners_office(db, client):
    seed_territory()
    started = time.monotonic()
    demo_complaints.seed_offices(progress=lambda *a: None)
    took = time.monotonic() - started
    assert Tehsil.objects.count() == len(TEHSILS)
    offices = Section.objects.filter(territorial_role=TerritorialRole.ASSISTANT_COMMISSIONER)
    assert offices.count() == len(TEHSILS)
    for office in offices.select_related("tehsil", "district"):
        assert office.tehsil.district_id == office.district_id
        post = Post.objects.get(section=office)
        assert post.reports_to.section.territorial_role == TerritorialRole.DEPUTY_COMMISSIONER
        assert post.reports_to.section.district_id == office.district_id
        assert Holding.objects.current().filter(post=post).exists()
    # Idempotent, as every demo step.
    demo_complaints.seed_offices(progress=lambda *a: None)
    assert Tehsil.objects.count() == len(TEHSILS)
    # The filing form offers a district's tehsils.
    page = client.get(reverse("complaints:new")).content.decode()
    assert "Takht Bhai" in page and "تخت بھائی" not in page
    assert took < 60
