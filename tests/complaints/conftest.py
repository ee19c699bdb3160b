"""A small ladder: Peshawar's DC office (cell officer and DC), the Peshawar Commissioner's
office, the Performance Management Cell, a line office (District Health Office, Peshawar),
and Mardan's DC office (another district, whose officers must see nothing of Peshawar's)."""

import datetime as dt
import importlib
import io
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone
from PIL import Image

from complaints import services
from complaints.models import Category
from organisation.models import District, Division, Post, TerritorialRole
from tests.factories import (
    DepartmentFactory,
    HoldingFactory,
    PostFactory,
    SectionFactory,
    UserFactory,
)

L = Post.Level


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.DAFTAR_SMS_BACKEND = "complaints.notify.FileBackend"
    settings.DAFTAR_SMS_FILE = str(tmp_path / "sms.jsonl")
    return tmp_path / "media"


def _office(dept, code, name, role, **where):
    return SectionFactory(
        department=dept, code=code, name_en=name, name_ur=name, territorial_role=role, **where
    )


def _held(section, level, name, username, reports_to=None):
    post = PostFactory(section=section, level=level, designation_en=name, reports_to=reports_to)
    user = UserFactory(username=username)
    HoldingFactory(post=post, user=user, starts_at=at(2020, 1, 1))
    return post, user


def seed_territory():
    """The divisions and districts migration 0012 seeds (again, after a transactional test
    has flushed the tables)."""
    importlib.import_module("workspace.migrations.0012_seed_kp_divisions_districts").seed_into(
        Division, District
    )


@pytest.fixture
def ladder(db):
    seed_territory()
    o = SimpleNamespace()
    o.peshawar = District.objects.get(code="PSH-PSH")
    o.charsadda = District.objects.get(code="PSH-CSD")
    o.mardan = District.objects.get(code="MRD-MRD")
    cso = DepartmentFactory(code="CSO", name_en="Chief Secretary's Office")
    health = DepartmentFactory(code="HD", name_en="Health Department")
    o.pmc = _office(cso, "PMC", "Performance Management Cell", TerritorialRole.PERFORMANCE_CELL)
    o.com = _office(
        cso,
        "COM-PSH",
        "Commissioner's Office, Peshawar",
        TerritorialRole.COMMISSIONER,
        division=o.peshawar.division,
    )
    o.dc = _office(
        cso,
        "DC-PSH",
        "Deputy Commissioner's Office, Peshawar",
        TerritorialRole.DEPUTY_COMMISSIONER,
        district=o.peshawar,
    )
    o.dc_mardan = _office(
        cso,
        "DC-MRD",
        "Deputy Commissioner's Office, Mardan",
        TerritorialRole.DEPUTY_COMMISSIONER,
        district=o.mardan,
    )
    o.line = _office(
        health,
        "DHO-PSH",
        "District Health Office, Peshawar",
        TerritorialRole.LINE,
        district=o.peshawar,
    )
    o.pmc_post, o.pmc_user = _held(o.pmc, L.SECTION_OFFICER, "PMC officer", "pmc")
    o.com_post, o.com_user = _held(o.com, L.SECRETARY, "Commissioner Peshawar", "commissioner")
    o.dc_head, o.dc_head_user = _held(
        o.dc, L.ADDITIONAL_SECRETARY, "Deputy Commissioner Peshawar", "dc", o.com_post
    )
    o.cell_post, o.cell_user = _held(
        o.dc, L.SECTION_OFFICER, "Complaint Cell Officer", "cell", o.dc_head
    )
    o.mardan_post, o.mardan_user = _held(o.dc_mardan, L.SECTION_OFFICER, "Cell Mardan", "mardan")
    o.line_post, o.line_user = _held(o.line, L.DEPUTY_SECRETARY, "District Health Officer", "dho")
    o.category = Category.objects.create(
        code="health", name_en="Hospitals", name_ur="ہسپتال", department=health, limit_days=3
    )
    return o


def at(year, month, day, hour=10):
    """A moment in Pakistan's time (the site's TIME_ZONE)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@contextmanager
def clock(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF carries a GPS position and a camera make."""
    image = Image.new("RGB", (64, 48), (120, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (34.0, 0.0, 36.0)
    gps[3] = "E"
    gps[4] = (71.0, 34.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def filed(ladder):
    with clock(at(2026, 3, 2)):  # Monday; 3 working days: due Thursday, overdue Friday
        return services.file_complaint(
            actor=services.portal_actor(),
            client="1.2.3.4",
            category=ladder.category,
            district=ladder.peshawar,
            description="The emergency ward turns patients away at night.",
            mobile="03009876543",
            cnic_last4="2468",
            name="Gul Bibi",
            email="gul@example.org",
        )


def sweep(moment):
    with clock(moment):
        return services.escalate_due(now=moment)


def resolve_at(actor, complaint, moment):
    with clock(moment):
        return services.resolve(actor=actor, complaint=complaint, action_taken="Doctor posted.")
