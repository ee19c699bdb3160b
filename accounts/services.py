"""Every write about a person's identity, each one service function that audits itself.

Identity events reach the audit trail through ``record_identity`` only: sign-in, failed
sign-in, lockout, unlock, second factor enrolled or removed, token created or revoked,
signed out everywhere. Each row carries the client address; never a password or a code.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import conf
from accounts.audit_actions import IdentityAction
from accounts.client import client_ip
from accounts.models import TOKEN_PREFIX, ApiToken, SignedInSession, token_digest
from accounts.scopes import scope_for
from kernel import audit
from kernel.errors import PermissionDenied, ValidationError

RECOVERY_CODES = 10


def record_identity(*, user, action: IdentityAction, request=None, **details) -> None:
    """One identity event in the audit trail, in its own transaction (or the caller's).
    ``details`` must never hold a password or a code."""
    after = {"ip": client_ip(request) if request is not None else None, **details}
    with transaction.atomic():
        audit.record(
            actor=user, action=action, obj=user, object_repr=user.get_username(), after=after
        )


def _may_manage(actor, user) -> bool:
    return actor.pk == user.pk or actor.is_superuser


# --- The second factor ------------------------------------------------------------------


def totp_device_for_enrolment(user) -> TOTPDevice:
    """The unconfirmed authenticator device a user is enrolling (made once, kept until
    confirmed, so reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def second_factor_enrol(*, actor, device: TOTPDevice, code: str, request=None) -> list[str]:
    """Confirm ``device`` with a code it produced; make recovery codes. Returns the codes
    (shown once)."""
    if device.user_id != actor.pk:
        raise PermissionDenied(_("This is not your device."))
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("You already have an authenticator app. Remove it first."))
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError(_("That code is not right. Check your phone's time and try again."))
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=actor).delete()
        static = StaticDevice.objects.create(user=actor, name="Recovery codes", confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
        record_identity(user=actor, action=IdentityAction.SECOND_FACTOR_ENROLLED, request=request)
    return codes


def second_factor_remove(*, actor, user, request=None) -> None:
    """Remove a user's authenticator and recovery codes (a lost phone). The user enrols
    again at the next sign-in."""
    if not _may_manage(actor, user):
        raise PermissionDenied(
            _("Only an administrator may remove another person's second factor.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_identity(
            user=user,
            action=IdentityAction.SECOND_FACTOR_REMOVED,
            request=request,
            by=actor.get_username(),
        )


def second_factor_provision(
    *, actor, user, key_hex: str = "", recovery_codes: list[str] | None = None, by: str = ""
) -> TOTPDevice:
    """Give ``user`` a confirmed authenticator with the given secret (an administrator at the
    console provisioning a token, or the demo's known secret). Replaces any existing one."""
    if not _may_manage(actor, user):
        raise PermissionDenied(_("Only an administrator may give another person a second factor."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        values = {"key": key_hex} if key_hex else {}
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=True, **values
        )
        if recovery_codes:
            static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
            StaticToken.objects.bulk_create(
                [StaticToken(device=static, token=c) for c in recovery_codes]
            )
        record_identity(
            user=user, action=IdentityAction.SECOND_FACTOR_ENROLLED, by=by or actor.get_username()
        )
    return device


# --- Lockout ------------------------------------------------------------------------------


def signin_unlock(*, actor, username: str = "", ip: str = "", request=None) -> int:
    """Lift a lockout (django-axes' records) for a username and/or a client address."""
    from axes.utils import reset

    if not (actor.is_superuser or actor.has_perm("axes.delete_accessattempt")):
        raise PermissionDenied(_("Only an administrator may lift a lockout."))
    if not username and not ip:
        raise ValidationError(_("Name the username or the address to unlock."))
    with transaction.atomic():
        count = 0
        if username:
            count += reset(username=username)
        if ip:
            count += reset(ip=ip)
        subject = get_user_model().objects.filter(username=username).first() if username else None
        record_identity(
            user=subject or actor,
            action=IdentityAction.UNLOCKED,
            request=request,
            by=actor.get_username(),
            username=username,
            address=ip,
        )
    return count


# --- API tokens ---------------------------------------------------------------------------


def token_create(*, actor, name: str, request=None, lifetime=None) -> tuple[ApiToken, str]:
    """A new API token for ``actor``. Returns the row and the token itself, which is shown
    once and stored only as its digest. Its scope is what ``accounts.scopes`` says for the
    user (empty for officers: their whole API)."""

    name = (name or "").strip()[:100] or _("API token")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            key_start=key[: len(TOKEN_PREFIX) + 6],
            digest=token_digest(key),
            created_at=now,
            expires_at=now + (lifetime or conf.token_lifetime()),
            scope=scope_for(actor),
        )
        record_identity(
            user=actor,
            action=IdentityAction.TOKEN_CREATED,
            request=request,
            token=token.pk,
            name=name,
            scope=token.scope,
        )
    return token, key


def token_revoke(*, actor, token: ApiToken, request=None) -> None:
    if not _may_manage(actor, token.user):
        raise PermissionDenied(_("This token is not yours."))
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_identity(
            user=token.user,
            action=IdentityAction.TOKEN_REVOKED,
            request=request,
            token=token.pk,
            by=actor.get_username(),
        )


# --- Sessions -----------------------------------------------------------------------------


def _session_store(key: str) -> SessionBase:
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def sign_out_everywhere(*, actor, user, request=None, keep_session_key: str = "") -> int:
    """End every session of ``user`` (but the one named) and revoke every API token."""
    if not _may_manage(actor, user):
        raise PermissionDenied(_("Only an administrator may sign another person out."))
    with transaction.atomic():
        rows = list(SignedInSession.objects.filter(user=user).exclude(session_key=keep_session_key))
        for row in rows:
            _session_store(row.session_key).delete()
        SignedInSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
        tokens = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
        record_identity(
            user=user,
            action=IdentityAction.SIGNED_OUT_EVERYWHERE,
            request=request,
            sessions=len(rows),
            tokens=tokens,
            by=actor.get_username(),
        )
    return len(rows)
