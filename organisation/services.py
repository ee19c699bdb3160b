"""Keeping the organisation: departments going live, posts and who holds them."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import audit
from kernel.audit_actions import RecordActions
from kernel.errors import PermissionDenied, ValidationError
from organisation.audit_actions import OrganisationAction
from organisation.models import Department, Holding, Post
from organisation.selectors import my_holdings

ORG_FIELDS = {
    "organisation.department": [
        "code",
        "name_en",
        "name_ur",
        "is_live",
        "live_since",
        "limit_most_immediate_days",
        "limit_immediate_days",
        "limit_urgent_days",
        "limit_routine_days",
    ],
    "organisation.section": [
        "department",
        "code",
        "name_en",
        "name_ur",
        "territorial_role",
        "division",
        "district",
        "tehsil",
    ],
    "organisation.division": ["code", "name_en", "name_ur", "province"],
    "organisation.district": ["division", "code", "name_en", "name_ur"],
    "organisation.tehsil": ["district", "name_en", "name_ur"],
    "organisation.holiday": ["date", "province", "name_en", "name_ur"],
    "organisation.post": [
        "section",
        "designation_en",
        "designation_ur",
        "level",
        "reports_to",
        "may_approve",
        "is_active",
    ],
    "organisation.holding": ["post", "user", "kind", "reason", "starts_at", "ends_at"],
}

# The audit actions of each model kept through ``org_save``/``org_delete``; an app that
# adds a model to ORG_FIELDS adds its actions here too, in its ``ready()`` (the desk's subject
# heads in workspace.apps, the complaint categories in complaints.apps).
ORG_ACTIONS = {
    "organisation.department": RecordActions(
        OrganisationAction.DEPARTMENT_CREATE,
        OrganisationAction.DEPARTMENT_CHANGE,
        OrganisationAction.DEPARTMENT_DELETE,
    ),
    "organisation.section": RecordActions(
        OrganisationAction.SECTION_CREATE,
        OrganisationAction.SECTION_CHANGE,
        OrganisationAction.SECTION_DELETE,
    ),
    "organisation.division": RecordActions(
        OrganisationAction.DIVISION_CREATE,
        OrganisationAction.DIVISION_CHANGE,
        OrganisationAction.DIVISION_DELETE,
    ),
    "organisation.district": RecordActions(
        OrganisationAction.DISTRICT_CREATE,
        OrganisationAction.DISTRICT_CHANGE,
        OrganisationAction.DISTRICT_DELETE,
    ),
    "organisation.tehsil": RecordActions(
        OrganisationAction.TEHSIL_CREATE,
        OrganisationAction.TEHSIL_CHANGE,
        OrganisationAction.TEHSIL_DELETE,
    ),
    "organisation.holiday": RecordActions(
        OrganisationAction.HOLIDAY_CREATE,
        OrganisationAction.HOLIDAY_CHANGE,
        OrganisationAction.HOLIDAY_DELETE,
    ),
    "organisation.post": RecordActions(
        OrganisationAction.POST_CREATE,
        OrganisationAction.POST_CHANGE,
        OrganisationAction.POST_DELETE,
    ),
    "organisation.holding": RecordActions(
        OrganisationAction.HOLDING_CREATE,
        OrganisationAction.HOLDING_CHANGE,
        OrganisationAction.HOLDING_DELETE,
    ),
}


def _require_org_admin(actor) -> None:
    if not (actor.is_active and (actor.is_superuser or actor.has_perm("organisation.change_post"))):
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
            action=ORG_ACTIONS[instance._meta.label_lower].saved(creating=creating),
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
            action=ORG_ACTIONS[instance._meta.label_lower].delete,
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
            action=OrganisationAction.DEPARTMENT_GO_LIVE,
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
            action=OrganisationAction.HOLDING_ASSIGN,
            obj=holding,
            after=audit.snapshot(holding, ORG_FIELDS["organisation.holding"]),
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
        action=OrganisationAction.HOLDING_END,
        obj=holding,
        before={"ends_at": None},
        after={"ends_at": ends_at},
    )
    return holding


# --- Additional charge: the department's own screen (/desk/charges/) ------------------------


def may_manage_charges(actor, department) -> bool:
    """Who may give and end an additional charge on a post of ``department``: an
    administrator of the organisation, or the holder of the department's Secretary post."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser or actor.has_perm("organisation.change_post"):
        return True
    dept_id = getattr(department, "pk", department)
    return any(
        h.post.level >= Post.Level.SECRETARY and h.post.section.department_id == dept_id
        for h in my_holdings(actor)
    )


def charge_departments(actor) -> list[Department]:
    """The departments in which ``actor`` may give additional charges."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.is_superuser or actor.has_perm("organisation.change_post"):
        return list(Department.objects.order_by("code"))
    return sorted(
        {
            h.post.section.department
            for h in my_holdings(actor)
            if h.post.level >= Post.Level.SECRETARY
        },
        key=lambda d: d.code,
    )


def _require_charge_manager(actor, post: Post) -> None:
    if not may_manage_charges(actor, post.section.department_id):
        raise PermissionDenied(
            _(
                "Only an administrator or the Secretary of %(dept)s can give or end an "
                "additional charge there."
            )
            % {"dept": post.section.department.name}
        )


def additional_charge_give(
    *,
    actor,
    post: Post,
    user,
    reason: str,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Holding:
    """Give ``user`` the additional charge of ``post`` from ``starts_at`` (now) until
    ``ends_at`` (open while none: until ended), e.g. while its holder is on leave or on tour.

    Refused when another additional charge of the post overlaps the period (end it first),
    when ``user`` already holds the post, or to anyone but an administrator and the
    department's Secretary. Audited as ``holding.charge``."""
    _require_charge_manager(actor, post)
    starts_at = starts_at or timezone.now()
    if reason not in Holding.Reason.values:
        raise ValidationError(_("Choose why the charge is given (leave, tour, …)."))
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(_("The charge must end after it starts."))
    if not getattr(user, "is_active", False):
        raise ValidationError(_("Choose an officer with an active account."))
    with transaction.atomic():
        post = (
            Post.objects.select_for_update().select_related("section__department").get(pk=post.pk)
        )
        if not post.is_active:
            raise ValidationError(_("This post is no longer in use."))
        held = Holding.objects.filter(post=post, user=user)
        if held.filter(_overlapping(starts_at, ends_at)).exists():
            raise ValidationError(
                _("%(user)s already holds this post in that period.")
                % {"user": user.get_full_name() or user.username}
            )
        clash = (
            Holding.objects.filter(post=post, kind=Holding.Kind.ADDITIONAL)
            .filter(_overlapping(starts_at, ends_at))
            .select_related("user")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "%(user)s holds the additional charge of this post from %(start)s%(end)s; "
                    "end that charge first or choose other dates."
                )
                % {
                    "user": clash.user.get_full_name() or clash.user.username,
                    "start": timezone.localtime(clash.starts_at).strftime("%d-%m-%Y"),
                    "end": ""
                    if clash.ends_at is None
                    else _(" until %(date)s")
                    % {"date": timezone.localtime(clash.ends_at).strftime("%d-%m-%Y")},
                }
            )
        holding = Holding(
            post=post,
            user=user,
            kind=Holding.Kind.ADDITIONAL,
            reason=reason,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        holding.full_clean()
        holding.save()
        audit.record(
            actor=actor,
            action=OrganisationAction.HOLDING_CHARGE,
            obj=holding,
            after=audit.snapshot(holding, ORG_FIELDS["organisation.holding"]),
        )
    return holding


def additional_charge_end(*, actor, holding: Holding, ends_at: datetime | None = None) -> Holding:
    """End an additional charge at ``ends_at`` (now): its holder returned early, or the tour
    was cut short. Refused for a charge that has already ended (or is not an additional
    charge), and to anyone but an administrator and the department's Secretary."""
    holding = Holding.objects.select_related("post__section__department").get(pk=holding.pk)
    _require_charge_manager(actor, holding.post)
    if holding.kind != Holding.Kind.ADDITIONAL:
        raise ValidationError(_("Only an additional charge is ended here."))
    ends_at = ends_at or timezone.now()
    with transaction.atomic():
        holding = Holding.objects.select_for_update().get(pk=holding.pk)
        if holding.ends_at is not None and holding.ends_at <= ends_at:
            raise ValidationError(_("This charge has already ended."))
        if ends_at <= holding.starts_at:
            raise ValidationError(
                _("This charge starts on %(date)s; choose an end after that.")
                % {"date": timezone.localtime(holding.starts_at).strftime("%d-%m-%Y")}
            )
        before = {"ends_at": holding.ends_at}
        holding.ends_at = ends_at
        holding.save(update_fields=["ends_at"])
        audit.record(
            actor=actor,
            action=OrganisationAction.HOLDING_END,
            obj=holding,
            before=before,
            after={"ends_at": ends_at},
        )
    return holding


def _overlapping(starts_at: datetime, ends_at: datetime | None) -> Q:
    """Holdings whose period meets [starts_at, ends_at) (open-ended on either side)."""
    q = Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at)
    if ends_at is not None:
        q &= Q(starts_at__lt=ends_at)
    return q
