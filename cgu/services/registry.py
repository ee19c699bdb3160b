"""Keeping the CGU's registry: entities, KPI definitions, reporting periods, and each
entity's monitoring file on the desk."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from cgu import access
from cgu.audit_actions import CguAction
from cgu.models import KpiDefinition, PublicSectorEntity, ReportingPeriod
from cgu.services._common import require_cgu_post
from kernel import audit
from kernel.audit_actions import RecordActions
from kernel.errors import ActionRefused, PermissionDenied
from workspace.services.files import file_open

FIELDS = {
    "cgu.publicsectorentity": [
        "code",
        "name_en",
        "name_ur",
        "type",
        "department",
        "contact_name",
        "contact_designation",
        "contact_email",
        "contact_phone",
        "address",
        "monitoring_file",
        "is_active",
    ],
    "cgu.kpidefinition": [
        "code",
        "name_en",
        "name_ur",
        "unit",
        "category",
        "entity_types",
        "is_required",
        "min_value",
        "max_value",
        "aggregation",
        "position",
        "is_active",
    ],
    "cgu.reportingperiod": ["code", "kind", "starts_on", "ends_on", "deadline"],
}


# The audit actions of each registry record ``_save`` keeps (the registry deletes nothing).
ACTIONS = {
    "cgu.publicsectorentity": RecordActions(CguAction.ENTITY_CREATE, CguAction.ENTITY_CHANGE),
    "cgu.kpidefinition": RecordActions(CguAction.KPI_CREATE, CguAction.KPI_CHANGE),
    "cgu.reportingperiod": RecordActions(CguAction.PERIOD_CREATE, CguAction.PERIOD_CHANGE),
}


def _require_registrar(actor):
    """The registry is kept by CGU officers of Section Officer level and above."""
    post = require_cgu_post(actor)
    if access.reviewing_post(actor) is None:
        raise PermissionDenied(
            _("Only CGU officers of Section Officer level or above can change the registry.")
        )
    return post


def _save(*, actor, instance, original=None):
    post = _require_registrar(actor)
    label = instance._meta.label_lower
    fields = FIELDS[label]
    instance.full_clean()
    with transaction.atomic():
        creating = instance._state.adding
        instance.save()
        audit.record(
            actor=actor,
            action=ACTIONS[label].saved(creating=creating),
            obj=instance,
            post=post,
            before=None if creating or original is None else audit.snapshot(original, fields),
            after=audit.snapshot(instance, fields),
        )
    return instance


def entity_save(*, actor, instance: PublicSectorEntity, original=None) -> PublicSectorEntity:
    """Create or change a public sector entity. ``original`` is the instance as loaded
    before the form changed it, for the audit row."""
    return _save(actor=actor, instance=instance, original=original)


def kpi_save(*, actor, instance: KpiDefinition, original=None) -> KpiDefinition:
    """Create or change a KPI definition. Changing a valid range applies to returns entered
    from now on; accepted figures are not re-checked."""
    return _save(actor=actor, instance=instance, original=original)


def period_save(*, actor, instance: ReportingPeriod, original=None) -> ReportingPeriod:
    """Create or change a reporting period (its deadline, typically)."""
    return _save(actor=actor, instance=instance, original=original)


def monitoring_file_open(*, actor, entity: PublicSectorEntity, subject_head):
    """Open the entity's monitoring file at the actor's CGU post (through the desk's
    ``file_open``, so it is numbered, audited and on FileFlow like any file) and record it
    on the entity. Refused if the entity has one already."""

    post = require_cgu_post(actor)
    with transaction.atomic():
        entity = PublicSectorEntity.objects.select_for_update().get(pk=entity.pk)
        if entity.monitoring_file_id is not None:
            raise ActionRefused(
                _("%(entity)s already has a monitoring file.") % {"entity": entity.code}
            )
        file = file_open(
            actor=actor,
            post=post,
            subject_head=subject_head,
            # Stored data, so in the register's language (English), not the actor's.
            subject=f"Monitoring of {entity.name_en} ({entity.code}): KPI returns",
        )
        entity.monitoring_file = file
        entity.save(update_fields=["monitoring_file"])
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_MONITORING_FILE,
            obj=entity,
            post=post,
            after={"monitoring_file": file.pk, "number": file.number},
        )
    return file
