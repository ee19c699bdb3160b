"""Fixtures shared by the whole suite."""

import pytest
from django.db import connection

from tests.factories import (
    DepartmentFactory,
    HoldingFactory,
    PostFactory,
    SectionFactory,
    UserFactory,
)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def org(db):
    """A small live department: Secretary ← Deputy Secretary ← Section Officer ← Assistant,
    each held by one officer. Returns a namespace of posts and users."""

    class Org:
        pass

    o = Org()
    o.dept = DepartmentFactory(code="FD", name_en="Finance Department")
    o.secy_section = SectionFactory(department=o.dept, code="Secy")
    o.section = SectionFactory(department=o.dept, code="SO(B-I)", name_en="Budget-I")
    L = PostFactory._meta.model.Level
    o.secretary = PostFactory(section=o.secy_section, level=L.SECRETARY, designation_en="Secretary")
    o.ds = PostFactory(
        section=o.section,
        level=L.DEPUTY_SECRETARY,
        designation_en="Deputy Secretary (Budget-I)",
        reports_to=o.secretary,
    )
    o.so = PostFactory(
        section=o.section,
        level=L.SECTION_OFFICER,
        designation_en="Section Officer (Budget-I)",
        reports_to=o.ds,
    )
    o.asst = PostFactory(
        section=o.section, level=L.ASSISTANT, designation_en="Assistant (Budget-I)", reports_to=o.so
    )
    for name in ["secretary", "ds", "so", "asst"]:
        user = UserFactory(username=f"fd-{name}")
        HoldingFactory(post=getattr(o, name), user=user)
        setattr(o, f"{name}_user", user)
    return o


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL (set DATABASE_URL); SQLite lacks this feature"
                )
            )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for the test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
