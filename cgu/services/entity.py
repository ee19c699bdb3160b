"""The entities' own door: their people (invited by the CGU, deactivated by the CGU or the
entity's head) and their returns (a draft, certified by the head, then submitted into the
CGU's review exactly as a return the CGU keys in).

Four eyes inside the entity: only the entity's head certifies; a head cannot certify a draft
they prepared themselves while the entity has another active user; nobody submits an
uncertified draft. Lateness is judged on when the certified return was submitted.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ApiToken, token_digest
from cgu import access, intake
from cgu.audit_actions import CguAction
from cgu.models import EntityDraft, EntityUser, KpiReturn, PublicSectorEntity, ReportingPeriod
from cgu.services._common import require_cgu_post
from cgu.services.returns import (
    _check_dates,
    _create_version,
    _lock_entity,
    _original_kept,
    _snapshot,
)
from cgu.tasks import keep_return_paper
from kernel import audit
from kernel.errors import ActionRefused, NotFound, PermissionDenied, ValidationError
from kernel.tasks import enqueue_on_commit

INVITE_PREFIX = "inv_"


# ---------------------------------------------------------------- who is acting


def require_member(actor, entity: PublicSectorEntity | None = None) -> EntityUser:
    """The active entity membership through which ``actor`` acts; with ``entity``, refuses
    (as not found: another entity's things do not exist for them) a member of another."""
    if actor is None or not getattr(actor, "is_active", False):
        raise PermissionDenied(_("Sign in to do this."))
    member = access.entity_membership(actor)
    if member is None:
        raise PermissionDenied(_("Only the people of a public sector entity can do this."))
    if entity is not None and member.entity_id != entity.pk:
        raise NotFound(_("No such entity."))
    return member


def _cgu_or_head(actor, entity: PublicSectorEntity):
    """CGU staff (their post) or the entity's own head (their membership)."""
    if access.acting_cgu_post(actor) is not None:
        return require_cgu_post(actor), None
    member = require_member(actor, entity)
    if not member.is_head:
        raise PermissionDenied(_("Only the head of the entity or the CGU can do this."))
    return None, member


# ---------------------------------------------------------------- people


def _invite_link(key: str) -> str:
    return settings.DAFTAR_SITE_URL.rstrip("/") + reverse("entity:join", args=[key])


def _send_invitation(member_id: int, key: str) -> None:
    member = EntityUser.objects.select_related("user", "entity").get(pk=member_id)
    parts = []
    for language in ("en", "ur"):
        with translation.override(language):
            parts.append(
                _(
                    "You have been invited to file %(entity)s's KPI returns with the Corporate "
                    "Governance Unit, Finance Department, as its %(role)s.\n\n"
                    "Open this link once, before %(expires)s, to set your password:\n%(link)s\n\n"
                    "At your first sign-in you will set up an authenticator app on your phone."
                )
                % {
                    "entity": member.entity.name,
                    "role": member.get_role_display(),
                    "expires": timezone.localtime(member.invite_expires_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "link": _invite_link(key),
                }
            )
    with translation.override("en"):
        subject = _("Daftar: your invitation to the entity portal")
    send_mail(
        subject, "\n\n— — —\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [member.user.email]
    )


def entity_user_invite(
    *, actor, entity: PublicSectorEntity, email: str, full_name: str, role: str
) -> tuple[EntityUser, str]:
    """Invite a person of ``entity`` (CGU staff only): an inactive user with no password,
    tied to the entity with ``role``, and a one-time link that expires, emailed once this
    commits. Returns the membership and the link's key (shown to no one but the email)."""
    post = require_cgu_post(actor)
    email = (email or "").strip().lower()
    full_name = " ".join((full_name or "").split())[:150]
    errors = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = _("Enter a valid email address.")
    if not full_name:
        errors["full_name"] = _("Give the person's name.")
    if role not in EntityUser.Role.values:
        errors["role"] = _("Choose the person's role.")
    if errors:
        raise ValidationError(errors)
    if not entity.is_active:
        raise ActionRefused(_("%(entity)s no longer reports to the CGU.") % {"entity": entity.name})
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("Someone already signs in with this email address.")})
    key = INVITE_PREFIX + secrets.token_urlsafe(32)
    first, _sep, last = full_name.partition(" ")
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
        user.is_active = False
        user.set_unusable_password()
        user.full_clean()
        user.save()
        member = EntityUser(
            user=user, entity=entity, role=role, invited_by=actor, invite_digest=token_digest(key)
        )
        member.full_clean()
        member.save()
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_USER_INVITE,
            obj=member,
            post=post,
            after={"entity": entity.code, "email": email, "role": role},
        )
        transaction.on_commit(partial(_send_invitation, member.pk, key))
    return member, key


def invitation_for(key: str) -> EntityUser | None:
    """The pending, unexpired invitation a link's key opens, or None."""
    if not key.startswith(INVITE_PREFIX):
        return None
    return (
        EntityUser.objects.select_related("user", "entity")
        .filter(
            invite_digest=token_digest(key),
            joined_at__isnull=True,
            deactivated_at__isnull=True,
            invite_expires_at__gt=timezone.now(),
        )
        .first()
    )


def invitation_accept(*, actor, key: str, password: str, password_again: str) -> EntityUser:
    """The invited person sets their password through the link (``actor`` is whoever holds
    the link: not signed in). The link works once; the person then signs in and enrols
    their second factor like an officer."""
    if getattr(actor, "is_authenticated", False):
        raise ActionRefused(_("Sign out first: this link is for the person invited."))
    with transaction.atomic():
        member = invitation_for(key or "")
        if member is None:
            raise NotFound(_("This invitation link is not valid: it was used or has expired."))
        member = (
            EntityUser.objects.select_for_update()
            .select_related("user", "entity")
            .get(pk=member.pk)
        )
        if member.joined_at is not None:
            raise NotFound(_("This invitation link is not valid: it was used or has expired."))
        if password != password_again:
            raise ValidationError({"password_again": _("The two passwords differ.")})
        try:
            validate_password(password, member.user)
        except DjangoValidationError as exc:
            raise ValidationError({"password": exc.messages})
        user = member.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        member.joined_at = timezone.now()
        member.invite_digest = ""
        member.save(update_fields=["joined_at", "invite_digest"])
        audit.record(
            actor=user,
            action=CguAction.ENTITY_USER_JOIN,
            obj=member,
            after={"entity": member.entity.code, "role": member.role},
        )
    return member


def entity_user_deactivate(*, actor, member: EntityUser) -> EntityUser:
    """End an entity user's access (CGU staff, or the entity's head for another of its
    people): the user can no longer sign in, and their tokens are revoked."""
    post, by_member = _cgu_or_head(actor, member.entity)
    if by_member is not None and by_member.pk == member.pk:
        raise ActionRefused(_("You cannot deactivate yourself; ask the CGU."))
    with transaction.atomic():
        member = (
            EntityUser.objects.select_for_update()
            .select_related("user", "entity")
            .get(pk=member.pk)
        )
        if member.deactivated_at is not None:
            raise ActionRefused(_("This person is already deactivated."))
        member.deactivated_at = timezone.now()
        member.deactivated_by = actor
        member.invite_digest = ""
        member.save(update_fields=["deactivated_at", "deactivated_by", "invite_digest"])
        user = member.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        tokens = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_USER_DEACTIVATE,
            obj=member,
            post=post,
            after={"entity": member.entity.code, "user": user.get_username(), "tokens": tokens},
        )
    return member


# ---------------------------------------------------------------- returns


def _open_draft(entity, period) -> EntityDraft | None:
    return (
        EntityDraft.objects.filter(
            entity=entity, period=period, state__in=[EntityDraft.State.DRAFT, "certified"]
        )
        .select_for_update()
        .first()
    )


def _latest(entity, period) -> KpiReturn | None:
    return KpiReturn.objects.filter(entity=entity, period=period).order_by("-version").first()


def _refuse_if_waiting(entity, period) -> KpiReturn | None:
    """Refuse while a version is with the CGU or once one is accepted; else the latest."""
    latest = _latest(entity, period)
    if latest is not None and latest.is_open:
        raise ActionRefused(
            _("Version %(version)s of this return is with the CGU (%(status)s); wait for it.")
            % {"version": latest.version, "status": latest.get_status_display().lower()}
        )
    if latest is not None and latest.status == KpiReturn.Status.ACCEPTED:
        raise ActionRefused(_("The CGU has accepted this return; there is nothing to file."))
    return latest


def draft_save(
    *,
    actor,
    entity: PublicSectorEntity,
    period: ReportingPeriod,
    rows: Sequence[Mapping] | None = None,
    upload=None,
    source: str | None = None,
) -> EntityDraft:
    """Save (or replace) the entity's draft for ``period``, typed ``rows`` or an ``upload``
    of the template. Every row is checked as the CGU's intake checks it; with any error,
    ``intake.ReturnRejected`` lists them all (row, column) and nothing is saved. Saving a
    certified draft again drops its certification."""
    member = require_member(actor, entity)
    _check_dates(period, timezone.localdate())
    if (rows is None) == (upload is None):
        raise ValueError("Give either rows or upload.")
    if upload is not None:
        parsed = intake.parse_upload(upload)
        if parsed.errors:
            raise intake.ReturnRejected(parsed.errors)
    else:
        parsed = intake.Parsed(
            rows=intake.rows_from_mappings(rows), source=source or KpiReturn.Source.FORM
        )
    values = intake.validate(entity=entity, period=period, rows=parsed.rows)
    kpis = {k.pk: k.code for k in intake.kpis_for(entity.type)}
    figures = [{"kpi_code": kpis[pk], "value": f"{v:f}"} for pk, v in values.items()]
    _refuse_if_waiting(entity, period)
    with transaction.atomic():
        _lock_entity(entity)
        _refuse_if_waiting(entity, period)
        draft = _open_draft(entity, period)
        before = None
        if draft is None:
            draft = EntityDraft(entity=entity, period=period)
        else:
            before = {"state": draft.state, "figures": len(draft.rows)}
        draft.state = EntityDraft.State.DRAFT
        draft.rows = figures
        draft.source = source or parsed.source
        draft.upload_name = parsed.filename or ""
        draft.upload_type = (parsed.mime_type or "") if parsed.content else ""
        draft.upload_content = parsed.content or None
        draft.prepared_by = actor
        draft.prepared_at = timezone.now()
        draft.certified_by = None
        draft.certified_at = None
        draft.full_clean()
        draft.save()
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_RETURN_SAVE_DRAFT,
            obj=draft,
            before=before,
            after={
                "entity": entity.code,
                "period": period.code,
                "figures": len(figures),
                "source": draft.source,
                "role": member.role,
            },
        )
    return draft


def _lock_draft(draft: EntityDraft) -> EntityDraft:
    try:
        return (
            EntityDraft.objects.select_for_update(of=("self",))
            .select_related("entity", "period", "certified_by")
            .get(pk=draft.pk)
        )
    except EntityDraft.DoesNotExist:
        raise NotFound(_("No such draft."))


def draft_certify(*, actor, draft: EntityDraft) -> EntityDraft:
    """The entity's head certifies the draft's figures as correct. A head cannot certify a
    draft they prepared themselves while the entity has another active user (who should
    have prepared it): four eyes inside the entity."""
    member = require_member(actor, draft.entity)
    if not member.is_head:
        raise PermissionDenied(_("Only the head of the entity certifies its returns."))
    with transaction.atomic():
        draft = _lock_draft(draft)
        if draft.state != EntityDraft.State.DRAFT:
            raise ActionRefused(
                _("This draft is already %(state)s.") % {"state": draft.get_state_display().lower()}
            )
        others = (
            EntityUser.objects.filter(
                entity_id=draft.entity_id, deactivated_at__isnull=True, joined_at__isnull=False
            )
            .exclude(user_id=actor.pk)
            .exists()
        )
        if draft.prepared_by_id == actor.pk and others:
            raise ActionRefused(
                _(
                    "You prepared this draft yourself; your focal person must prepare (or "
                    "re-save) it before you can certify it."
                )
            )
        draft.state = EntityDraft.State.CERTIFIED
        draft.certified_by = actor
        draft.certified_at = timezone.now()
        draft.full_clean()
        draft.save(update_fields=["state", "certified_by", "certified_at"])
        audit.record(
            actor=actor,
            action=CguAction.ENTITY_RETURN_CERTIFY,
            obj=draft,
            before={"state": EntityDraft.State.DRAFT},
            after={"state": draft.state, "entity": draft.entity.code, "period": draft.period.code},
        )
    return draft


def draft_submit(*, actor, draft: EntityDraft) -> KpiReturn:
    """Submit a certified draft to the CGU: the return's next version (the first, or the
    one after a return), waiting for the CGU's review. It is received the moment it is
    submitted; lateness is judged on that. An uploaded file is kept through the documents
    intake first (a refusal there refuses the return); typed figures get their PDF from the
    background task once the return is received (``cgu.originals``)."""
    require_member(actor, draft.entity)
    draft = EntityDraft.objects.select_related("entity", "period").get(pk=draft.pk)
    entity, period = draft.entity, draft.period
    if draft.state != EntityDraft.State.CERTIFIED:
        raise ActionRefused(
            _("The head of the entity must certify this return before it is submitted.")
        )
    if draft.upload_content:
        parsed = intake.Parsed(
            rows=intake.rows_from_mappings(draft.rows),
            source=draft.source,
            filename=draft.upload_name,
            content=bytes(draft.upload_content),
            sha256=hashlib.sha256(bytes(draft.upload_content)).hexdigest(),
            mime_type=draft.upload_type,
        )
    else:
        parsed = intake.Parsed(rows=intake.rows_from_mappings(draft.rows), source=draft.source)
    values = intake.validate(entity=entity, period=period, rows=parsed.rows)
    if not parsed.content:
        return _submit(actor=actor, draft=draft, parsed=parsed, values=values, paper=None)
    # The upload is kept before the return's transaction (its own, with its storage): the
    # version it is titled with is read first and checked again under the lock.
    latest = _refuse_if_waiting(entity, period)
    version = 1 if latest is None else latest.version + 1
    kept = _original_kept(
        actor=actor, entity=entity, period=period, version=version, parsed=parsed, values=values
    )
    with kept as paper:
        return _submit(
            actor=actor, draft=draft, parsed=parsed, values=values, paper=paper, version=version
        )


def _submit(*, actor, draft, parsed, values, paper, version=None) -> KpiReturn:
    """``draft_submit``'s transaction: under the entity's lock, the draft still certified,
    no version waiting, the return's row, values, flow and audit; for typed figures
    (``paper`` None) the background task that keeps their PDF is queued with it."""
    with transaction.atomic():
        entity = _lock_entity(draft.entity)
        draft = _lock_draft(draft)
        period = draft.period
        if draft.state != EntityDraft.State.CERTIFIED:
            raise ActionRefused(
                _("The head of the entity must certify this return before it is submitted.")
            )
        latest = _refuse_if_waiting(entity, period)
        next_version = (latest.version if latest else 0) + 1
        if version is not None and next_version != version:
            raise ActionRefused(_("Someone has just filed this return; reload the page."))
        kpi_return = _create_version(
            actor=actor,
            post=None,
            entity=entity,
            period=period,
            version=next_version,
            parsed=parsed,
            values=values,
            received_on=timezone.localdate(),
            source=draft.source,
            paper=paper,
            channel=KpiReturn.Channel.ENTITY,
            certified_by=draft.certified_by,
            certified_at=draft.certified_at,
            paper_status=(
                KpiReturn.PaperStatus.KEPT if paper is not None else KpiReturn.PaperStatus.QUEUED
            ),
        )
        draft.state = EntityDraft.State.SUBMITTED
        draft.kpi_return = kpi_return
        draft.upload_content = None
        draft.save(update_fields=["state", "kpi_return", "upload_content"])
        audit.record(
            actor=actor,
            action=CguAction.KPI_RETURN_SUBMIT if latest is None else CguAction.KPI_RETURN_RESUBMIT,
            obj=kpi_return,
            before=None if latest is None else {"version": latest.version, "status": latest.status},
            after={**_snapshot(kpi_return, values), "channel": "entity", "draft": draft.pk},
        )
        if paper is None:
            # With the database queue the job is written in this transaction (one commit,
            # and a job exists exactly when its return does); otherwise after the commit.
            enqueue_on_commit(keep_return_paper, kpi_return.pk)
    return kpi_return
