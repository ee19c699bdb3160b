"""The libraries' public signals, turned into session stamps and identity audit rows.

Django sends ``user_logged_in`` / ``user_login_failed`` / ``user_logged_out`` on every door
(the staff sign-in, Django's admin, Wagtail's admin, the API token endpoint); django-axes sends
``user_locked_out``. Each audit row is written by ``accounts.services.record_identity``."""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from accounts import conf, lockout, sessions
from accounts.audit_actions import IdentityAction
from accounts.client import client_ip
from accounts.models import SignedInSession
from accounts.policy import needs_second_factor
from accounts.services import record_identity

log = logging.getLogger("daftar.auth")


def door(request) -> str:
    path = getattr(request, "path", "") or ""
    for prefix, name in (("/api/", "api"), ("/django-admin/", "admin"), ("/cms/", "cms")):
        if path.startswith(prefix):
            return name
    return "desk"


def _account(username):
    if not username:
        return None
    return get_user_model()._default_manager.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.stamp_sign_in(request.session)
    key = request.session.session_key
    if key:
        # Rows of sessions that have certainly ended by now (older than the absolute lifetime).
        SignedInSession.objects.filter(
            user=user, signed_in_at__lt=timezone.now() - conf.absolute_lifetime()
        ).delete()
        SignedInSession.objects.update_or_create(
            session_key=key,
            defaults={
                "user": user,
                "client_ip": client_ip(request) or "",
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
            },
        )
    # With a second factor, the sign-in is recorded when the factor passes (accounts.views).
    if not needs_second_factor(user) and getattr(request, "path", ""):
        record_identity(
            user=user, action=IdentityAction.SIGNED_IN, request=request, door=door(request)
        )


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # ``credentials`` has the password masked by Django; only the username is read from it.
    username = (credentials or {}).get("username", "")
    account = _account(username)
    if account is None:
        log.info("failed sign-in for an unknown username from %s", client_ip(request))
        return
    record_identity(
        user=account,
        action=IdentityAction.SIGN_IN_FAILED,
        request=request,
        door=door(request),
        step=(credentials or {}).get("step", "password"),
    )


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    lockout.note_lockout(request, username or "")
    account = _account(username)
    if account is None:
        log.warning("sign-in locked for an unknown username from %s", ip_address)
        return
    record_identity(
        user=account, action=IdentityAction.LOCKED_OUT, request=request, door=door(request)
    )
