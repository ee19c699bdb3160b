"""Letter templates and standard texts are kept by an administrator, through the service."""

import pytest

from letters import services
from letters.models import LetterTemplate
from workspace.errors import PermissionDenied, ValidationError
from workspace.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_officer_cannot_change_the_letterhead(desk):
    template = LetterTemplate(department=desk.dept, heading_en="Forged letterhead")
    with pytest.raises(PermissionDenied):
        services.setting_save(actor=desk.secretary_user, instance=template)
    assert not LetterTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="lettertemplate").exists()


def test_a_letterhead_needs_its_heading(desk, admin_user):
    with pytest.raises(ValidationError):
        services.setting_save(actor=admin_user, instance=LetterTemplate(department=desk.dept))
    assert not LetterTemplate.objects.exists()


def test_change_and_delete_are_audited(desk, admin_user):
    template = services.setting_save(
        actor=admin_user, instance=LetterTemplate(department=desk.dept, heading_en="FD")
    )
    template.heading_en = "Finance Department"
    services.setting_save(actor=admin_user, instance=template)
    services.setting_delete(actor=admin_user, instance=template)
    actions = list(
        AuditEvent.objects.filter(object_type="letters.lettertemplate")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["lettertemplate.create", "lettertemplate.change", "lettertemplate.delete"]
