"""Letter templates and standard texts are kept by an administrator, through the service."""

import pytest

from kernel.errors import PermissionDenied, ValidationError
from kernel.models import AuditEvent
from letters import services
from letters.models import LetterTemplate

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


def test_check_deploy_warns_until_the_signing_key_is_installed(settings):
    from letters.checks import signing_key_installed

    base = {**settings.DAFTAR_LETTERS, "signer": "file", "key_file": "", "cert_file": ""}
    settings.DAFTAR_LETTERS = {**base, "trust_roots": []}
    (warning,) = signing_key_installed(None)
    assert warning.id == "letters.W001" and "DAFTAR_LETTERS_KEY_FILE" in warning.msg
    settings.DAFTAR_LETTERS = {
        **base, "key_file": "/k/{department}.key", "cert_file": "/k/{department}.crt",
        "trust_roots": ["/k/root.crt"],
    }  # fmt: skip
    assert signing_key_installed(None) == []


def test_issuing_without_a_key_is_refused_and_leaves_nothing(desk, settings):
    from kernel.errors import ActionRefused
    from letters.models import IssuedLetter
    from tests.letters.conftest import issue_letter
    from workspace.models import DispatchEntry, Draft

    def remove_the_key():
        settings.DAFTAR_LETTERS = {
            **settings.DAFTAR_LETTERS, "signer": "file", "key_file": "", "cert_file": "",
        }  # fmt: skip

    with pytest.raises(ActionRefused, match="No signing key"):
        issue_letter(desk, before_issue=remove_the_key)
    assert not DispatchEntry.objects.exists() and not IssuedLetter.objects.exists()
    assert Draft.objects.get().status == Draft.Status.APPROVED  # still waiting to be issued
