"""The registry in Django's admin goes through the audited services; returns are read-only."""

import pytest
from django.urls import reverse

from cgu.models import PublicSectorEntity
from kernel.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_cgu_officer_adds_an_entity_through_the_service(client, cgu):
    cgu.so_user.is_staff = True
    cgu.so_user.save()
    client.force_login(cgu.so_user)
    response = client.post(
        reverse("admin:cgu_publicsectorentity_add"),
        {
            "code": "UOT",
            "name_en": "University of Turbat",
            "name_ur": "",
            "type": "university",
            "department": cgu.hed.pk,
            "contact_name": "",
            "contact_designation": "",
            "contact_email": "",
            "contact_phone": "",
            "address": "",
            "monitoring_file": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    entity = PublicSectorEntity.objects.get(code="UOT")
    event = AuditEvent.objects.get(action="publicsectorentity.create")
    assert (event.actor_id, event.object_id) == (cgu.so_user.pk, str(entity.pk))


def test_superuser_outside_the_cgu_may_look_but_not_change(client, cgu, submitted):
    client.force_login(cgu.superuser)
    assert client.get(reverse("admin:cgu_publicsectorentity_changelist")).status_code == 200
    assert client.get(reverse("admin:cgu_publicsectorentity_add")).status_code == 403
    change = reverse("admin:cgu_kpireturn_change", args=[submitted.pk])
    assert client.post(change, {"status": "accepted"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
