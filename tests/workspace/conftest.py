"""Fixtures for the desk: a live department with subject heads, and a second one."""

import pytest

from organisation.models import Post
from tests.factories import (
    DepartmentFactory,
    HoldingFactory,
    PostFactory,
    SectionFactory,
    UserFactory,
)
from workspace.models import SubjectHead


@pytest.fixture
def desk(org):
    """``org`` plus: the Secretary may approve, a subject head, an assistant in another live
    department, and a department that is not live yet."""
    org.secretary.may_approve = True
    org.secretary.save(update_fields=["may_approve"])
    org.head = SubjectHead.objects.create(
        department=org.dept, code="12", name_en="Budget estimates"
    )
    org.other_dept = DepartmentFactory(code="HED", name_en="Higher Education Department")
    other_section = SectionFactory(department=org.other_dept, code="SO(Univ)")
    org.other_so = PostFactory(
        section=other_section,
        level=Post.Level.SECTION_OFFICER,
        designation_en="Section Officer (Universities)",
    )
    org.other_head = SubjectHead.objects.create(
        department=org.other_dept, code="4", name_en="Universities"
    )
    org.other_user = UserFactory(username="hed-so")
    HoldingFactory(post=org.other_so, user=org.other_user)
    org.dead_dept = DepartmentFactory(
        code="HD", name_en="Health Department", is_live=False, live_since=None
    )
    org.dead_post = PostFactory(section=SectionFactory(department=org.dead_dept, code="SO(Hosp)"))
    return org
