"""The entity portal's demo (issue 22): for a few public sector entities that have not filed
the latest quarter, a focal person and a head, invited and joined through the services, and
that quarter's return in every state an entity sees: a draft, a certified draft, received,
under review, returned with reasons, and accepted and published after a resubmission.
Idempotent: an entity that already has people is left as it is. Runs before the demo's
second-factor step, so these logins get the demo authenticator like the officers'."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from cgu import services
from cgu.models import EntityUser, KpiDefinition, KpiReturn, PublicSectorEntity, ReportingPeriod
from cgu.services import entity as entity_services
from demo.cgu import Figures, _cast, _rows
from demo.organisation import DEMO_PASSWORD

STATES = ["draft", "certified", "submitted", "under_review", "returned", "published"]


def _person(cast, entity, role: str, name: str) -> EntityUser:
    email = f"{role}.{entity.code.lower()}@entity.demo"
    member, key = entity_services.entity_user_invite(
        actor=cast.clerk, entity=entity, email=email, full_name=name, role=role
    )
    entity_services.invitation_accept(
        actor=AnonymousUser(), key=key, password=DEMO_PASSWORD, password_again=DEMO_PASSWORD
    )
    member.refresh_from_db()
    return member


def _figures(entity, kpis, index):
    values = _rows(entity, kpis, Figures(entity).quarter(index))
    by_id = {k.pk: k for k in kpis}
    return [{"kpi_code": by_id[k].code, "value": str(v)} for k, v in values.items()]


def seed(progress=print) -> None:
    with transaction.atomic():
        _seed(progress)


def _seed(progress) -> None:
    cast = _cast()
    if cast is None or not all([cast.clerk, cast.reviewer]):
        progress("  skipped: the Finance Department's CGU posts are not seeded")
        return
    if EntityUser.objects.exists():
        progress("  entity users already seeded")
        return
    quarters = list(
        ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.QUARTERLY).order_by("ends_on")
    )
    if not quarters:
        return
    period, index = quarters[-1], len(quarters) - 1
    filed = KpiReturn.objects.filter(period=period).values_list("entity_id", flat=True)
    entities = list(
        PublicSectorEntity.objects.filter(is_active=True)
        .exclude(pk__in=filed)
        .order_by("department__code", "code")[: len(STATES)]
    )
    kpis = list(KpiDefinition.objects.filter(is_active=True))
    lines = []
    for state, entity in zip(STATES, entities, strict=False):
        applicable = [k for k in kpis if k.applies_to(entity.type)]
        prep = _person(cast, entity, EntityUser.Role.PREPARER, f"Focal person {entity.code}")
        head = _person(cast, entity, EntityUser.Role.HEAD, f"Head {entity.code}")
        rows = _figures(entity, applicable, index)
        draft = entity_services.draft_save(actor=prep.user, entity=entity, period=period, rows=rows)
        if state != "draft":
            draft = entity_services.draft_certify(actor=head.user, draft=draft)
        if state not in ("draft", "certified"):
            r = entity_services.draft_submit(actor=prep.user, draft=draft)
            if state == "under_review":
                services.return_take_up(actor=cast.reviewer, kpi_return=r)
            elif state in ("returned", "published"):
                services.return_send_back(
                    actor=cast.reviewer,
                    kpi_return=r,
                    reasons="The staff figure does not match the last quarter's; please check.",
                )
            if state == "published":
                again = entity_services.draft_save(
                    actor=prep.user, entity=entity, period=period, rows=rows
                )
                again = entity_services.draft_certify(actor=head.user, draft=again)
                r2 = entity_services.draft_submit(actor=prep.user, draft=again)
                services.return_accept(actor=cast.reviewer, kpi_return=r2)
        lines.append(
            f"    {entity.code:<12} {period.code} {state:<13} "
            f"{prep.user.username} (prepares), {head.user.username} (certifies)"
        )
    progress(f"  {len(lines) * 2} entity users for {len(lines)} entities, at /entity/:")
    for line in lines:
        progress(line)
    progress(f"    password {DEMO_PASSWORD}; second factor as for the officers (below)")
