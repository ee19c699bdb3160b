"""Letter templates and standard texts are kept by an administrator, through the service."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def _department_admin(user):
    """An officer of the department made its administrator of letters' settings."""
    from django.contrib.auth.models import Permission

    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="letters", codename__contains="_"
        ).filter(codename__regex=r"^(add|change|delete|view)_(lettertemplate|standardtext)$")
    )
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


def test_a_departments_administrator_keeps_only_that_departments_settings(client, desk):
    from letters.models import StandardText

    keeper = _department_admin(desk.secretary_user)
    ours = services.setting_save(
        actor=keeper, instance=StandardText(department=desk.dept, title="Ref", text="Refer.")
    )
    theirs = StandardText.objects.create(department=desk.other_dept, title="Theirs", text="T.")
    events = AuditEvent.objects.count()
    # Not another department's: neither a new text there, nor theirs changed, nor ours moved.
    for forged in (
        StandardText(department=desk.other_dept, title="Forged", text="F."),
        StandardText.objects.get(pk=theirs.pk),
    ):
        with pytest.raises(PermissionDenied):
            services.setting_save(actor=keeper, instance=forged)
    moved = StandardText.objects.get(pk=ours.pk)
    moved.department = desk.other_dept
    with pytest.raises(PermissionDenied):
        services.setting_save(actor=keeper, instance=moved)
    with pytest.raises(PermissionDenied):
        services.setting_delete(actor=keeper, instance=theirs)
    assert StandardText.objects.get(pk=ours.pk).department_id == desk.dept.pk
    assert StandardText.objects.filter(title="Forged").count() == 0
    assert StandardText.objects.filter(pk=theirs.pk).exists()
    assert AuditEvent.objects.count() == events
    # The admin lists and offers only the keeper's department.
    client.force_login(keeper)
    device = TOTPDevice.objects.create(user=keeper, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    listed = client.get("/django-admin/letters/standardtext/")
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "Ref" in page and "Theirs" not in page
    form = client.get("/django-admin/letters/standardtext/add/").content.decode()
    assert f'value="{desk.dept.pk}"' in form and f'value="{desk.other_dept.pk}"' not in form
    other = client.get(f"/django-admin/letters/standardtext/{theirs.pk}/change/")
    assert other.status_code in (302, 404)
