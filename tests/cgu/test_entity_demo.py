"""The entity portal's demo step: entity users for a few entities, returns in every state."""

import pytest

from cgu.models import EntityDraft, EntityUser, KpiReturn
from demo import cgu_entities as demo_entities
from tests.cgu.factories import EntityFactory

pytestmark = pytest.mark.django_db


def test_demo_seeds_entity_users_and_returns_in_every_state(cgu):
    cgu.hosp.is_active = False  # the demo's figures know the demo's KPIs; keep to universities
    cgu.hosp.save(update_fields=["is_active"])
    for n in range(4):
        EntityFactory(code=f"DEMO-{n}", department=cgu.hed)
    lines = []
    demo_entities.seed(progress=lines.append)
    assert EntityUser.objects.filter(joined_at__isnull=False).count() == 12
    assert "preparer.uop@entity.demo" in "\n".join(lines)  # named in the output
    drafts = set(EntityDraft.objects.values_list("state", flat=True))
    assert {"draft", "certified", "submitted"} <= drafts
    statuses = set(KpiReturn.objects.filter(channel="entity").values_list("status", flat=True))
    assert statuses == {"submitted", "under_review", "returned", "accepted"}
    assert KpiReturn.objects.filter(channel="entity", is_published=True).count() == 1
    demo_entities.seed(progress=lines.append)  # idempotent
    assert EntityUser.objects.count() == 12
