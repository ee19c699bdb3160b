"""The demo seeds the tehsils of every district of the province, and an Assistant
Commissioner's office (a territorial section, a post reporting to the Deputy Commissioner, its
officer) in each tehsil of the divisions whose offices it makes, so that a citizen filing a
complaint can choose a tehsil."""

import importlib
import re
import time
from pathlib import Path

from django.urls import reverse

from demo import cgu_data
from demo import complaints as demo_complaints
from demo.tehsils import TEHSILS
from organisation.models import District, Holding, Post, Section, Tehsil, TerritorialRole
from tests.complaints.conftest import seed_territory

SEED = importlib.import_module("workspace.migrations.0012_seed_kp_divisions_districts")
SEED_DISTRICTS = {code: division for division, _, _, ds in SEED.DIVISIONS for code, _, _ in ds}
URDU = re.compile(r"^[\u0600-\u06FF ()]+$")


def test_every_tehsil_names_a_district_of_the_seed_and_every_district_has_tehsils():
    codes = [code for code, _, _ in TEHSILS]
    assert set(codes) <= set(SEED_DISTRICTS), set(codes) - set(SEED_DISTRICTS)
    assert set(SEED_DISTRICTS) <= set(codes), set(SEED_DISTRICTS) - set(codes)
    # The model's constraint: a name once in its district.
    assert len({(code, en) for code, en, _ in TEHSILS}) == len(TEHSILS)
    for code, en, ur in TEHSILS:
        assert en.strip() == en and en, (code, en)
        assert URDU.match(ur), (code, en, ur)


def test_spellings_are_the_cgu_lists_where_a_tehsil_is_in_both():
    # The CGU's municipal administrations: "Babuzai (Mingora)" is the tehsil Babuzai.
    cgu = {}
    for en, ur in cgu_data.TEHSILS:
        if en.endswith(")"):
            en, ur = en.rsplit(" (", 1)[0], ur.rsplit(" (", 1)[0]
        cgu[en] = ur
    shared = [(en, ur) for _, en, ur in TEHSILS if en in cgu]
    assert len(shared) > 60  # the lists do share most of the old tehsils
    assert [(en, ur) for en, ur in shared if cgu[en] != ur] == []


def test_every_district_gets_its_tehsils_and_the_demos_divisions_their_offices(db, client):
    seed_territory()
    started = time.monotonic()
    demo_complaints.seed_offices(progress=lambda *a: None)
    took = time.monotonic() - started
    assert Tehsil.objects.count() == len(TEHSILS)
    assert District.objects.count() == len(SEED_DISTRICTS)
    assert list(District.objects.filter(tehsils__isnull=True)) == []
    for code, en, ur in TEHSILS:
        assert Tehsil.objects.filter(district__code=code, name_en=en, name_ur=ur).exists()
    in_the_demo = [t for t in TEHSILS if SEED_DISTRICTS[t[0]] in demo_complaints.DEMO_DIVISIONS]
    assert 0 < len(in_the_demo) < len(TEHSILS)
    offices = Section.objects.filter(territorial_role=TerritorialRole.ASSISTANT_COMMISSIONER)
    assert offices.count() == len(in_the_demo)
    assert sorted(offices.values_list("district__code", "tehsil__name_en")) == sorted(
        (code, en) for code, en, _ in in_the_demo
    )
    for office in offices.select_related("tehsil", "district"):
        assert office.tehsil.district_id == office.district_id
        post = Post.objects.get(section=office)
        assert post.reports_to.section.territorial_role == TerritorialRole.DEPUTY_COMMISSIONER
        assert post.reports_to.section.district_id == office.district_id
        assert Holding.objects.current().filter(post=post).exists()
    # Idempotent, as every demo step.
    demo_complaints.seed_offices(progress=lambda *a: None)
    assert Tehsil.objects.count() == len(TEHSILS)
    assert offices.count() == len(in_the_demo)
    # The filing form offers a district's tehsils, those outside the demo's divisions too.
    page = client.get(reverse("complaints:new")).content.decode()
    assert "Takht Bhai" in page and "تخت بھائی" not in page
    assert "Khwazakhela" in page and "Toi Khulla" in page
    # ...under their district's name, so a citizen finds theirs on a phone.
    swat = page.index('<optgroup label="Swat">')
    assert swat < page.index("Khwazakhela") < page.index("</optgroup>", swat)
    assert took < 60


def test_the_readme_counts_the_tehsils_the_demo_seeds():
    readme = Path(__file__).resolve().parents[2] / "README.md"
    readme = " ".join(readme.read_text(encoding="utf-8").split())
    in_the_demo = [t for t in TEHSILS if SEED_DISTRICTS[t[0]] in demo_complaints.DEMO_DIVISIONS]
    assert f"the {len(TEHSILS)} tehsils of all {len(SEED_DISTRICTS)} districts" in readme
    assert f"each of the {len(in_the_demo)} tehsils has its Assistant Commissioner's" in readme
