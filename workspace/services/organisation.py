"""Keeping the organisation: departments going live, posts and who holds them."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workspace import audit
from workspace.errors import PermissionDenied, ValidationError
from workspace.models import Department, Holding, Post

ORG_FIELDS = {
    "workspace.department": ["code", "name_en", "name_ur", "is_live", "live_since"],
    "workspace.section": ["department", "code", "name_en", "name_ur"],
    "workspace.post": [
        "section",
        "designation_en",
        "designation_ur",
        "level",
        "reports_to",
        "may_approve",
        "is_active",
    ],
    "workspace.holding": ["post", "user", "kind", "starts_at", "ends_at"],
    "workspace.subjecthead": ["department", "code", "name_en", "name_ur"],
}


def _require_org_admin(actor) -> None:
    if not (actor.is_active and (actor.is_superuser or actor.has_perm("workspace.change_post"))):
        raise PermissionDenied(_("Only an administrator can change the organisation."))


def org_save(*, actor, instance, original=None):
    """Create or change a department, section, post or holding (the admin's one way in).

    ``original`` is the instance as loaded before the form changed it, for the audit row.
    """
    _require_org_admin(actor)
    fields = ORG_FIELDS[instance._meta.label_lower]
    instance.full_clean()
    with transaction.atomic():
        creating = instance._state.adding
        instance.save()
        audit.record(
            actor=actor,
            action=f"{instance._meta.model_name}.{'create' if creating else 'change'}",
            obj=instance,
            before=None if creating or original is None else audit.snapshot(original, fields),
            after=audit.snapshot(instance, fields),
        )
    return instance


def org_delete(*, actor, instance) -> None:
    """Delete an organisation record that nothing refers to (PROTECT keys refuse the rest)."""
    _require_org_admin(actor)
    fields = ORG_FIELDS[instance._meta.label_lower]
    with transaction.atomic():
        before = audit.snapshot(instance, fields)
        audit.record(
            actor=actor,
            action=f"{instance._meta.model_name}.delete",
            obj=instance,
            before=before,
        )
        instance.delete()


def department_go_live(*, actor, department: Department, since: date | None = None):
    """Switch Daftar on for a department: from now on it can receive files electronically."""
    _require_org_admin(actor)
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        if department.is_live:
            raise ValidationError(_("%(dept)s is already live.") % {"dept": department.name})
        before = audit.snapshot(department, ["is_live", "live_since"])
        department.is_live = True
        department.live_since = since or timezone.localdate()
        department.save(update_fields=["is_live", "live_since"])
        audit.record(
            actor=actor,
            action="department.go_live",
            obj=department,
            before=before,
            after=audit.snapshot(department, ["is_live", "live_since"]),
        )
    return department


def holding_assign(
    *,
    actor,
    post: Post,
    user,
    kind: str = Holding.Kind.REGULAR,
    starts_at: datetime | None = None,
) -> Holding:
    """Give ``user`` the post from ``starts_at``. The post's open holding of the same kind is
    ended at that moment (a transfer, or a new additional charge replacing the old)."""
    _require_org_admin(actor)
    starts_at = starts_at or timezone.now()
    with transaction.atomic():
        # Lock the post so two administrators cannot both open a holding of this kind.
        Post.objects.select_for_update().get(pk=post.pk)
        for previous in Holding.objects.filter(post=post, kind=kind, ends_at__isnull=True):
            _end(actor=actor, holding=previous, ends_at=starts_at)
        holding = Holding(post=post, user=user, kind=kind, starts_at=starts_at)
        holding.full_clean()
        holding.save()
        audit.record(
            actor=actor,
            action="holding.assign",
            obj=holding,
            after=audit.snapshot(holding, ORG_FIELDS["workspace.holding"]),
        )
    return holding


def holding_end(*, actor, holding: Holding, ends_at: datetime | None = None) -> Holding:
    """End a holding (relieved, transferred, additional charge withdrawn)."""
    _require_org_admin(actor)
    with transaction.atomic():
        holding = Holding.objects.select_for_update().get(pk=holding.pk)
        return _end(actor=actor, holding=holding, ends_at=ends_at or timezone.now())


def _end(*, actor, holding: Holding, ends_at: datetime) -> Holding:
    if holding.ends_at is not None:
        raise ValidationError(_("This holding has already ended."))
    if ends_at <= holding.starts_at:
        raise ValidationError(_("A holding must end after it starts."))
    holding.ends_at = ends_at
    holding.save(update_fields=["ends_at"])
    audit.record(
        actor=actor,
        action="holding.end",
        obj=holding,
        before={"ends_at": None},
        after={"ends_at": ends_at},
    )
    return holding
