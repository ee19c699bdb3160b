"""Daftar's own sign-in screens after the password: enrol an authenticator (QR code) or give
its code, confirm before approving/issuing, and "my sessions and tokens"."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.sessions.models import Session
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, sessions
from accounts.audit_actions import IdentityAction
from accounts.models import ApiToken, SignedInSession
from accounts.reauth import confirm_required
from accounts.signals import door
from kernel.errors import PermissionDenied, ValidationError

RECOVERY_SESSION_KEY = "daftar_new_recovery_codes"


def _next(request, default=None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("workspace:home")


def _code(request) -> str:
    # Recovery codes are lower case; a person may type them in capitals or with spaces.
    return request.POST.get("otp_token", "").strip().replace(" ", "").lower()


def _locked(request) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": request.user.get_username()})


def _failed(request, step: str) -> None:
    """A wrong code counts like a wrong password: django-axes may lock the account."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username(), "step": step},
        request=request,
    )


def _looks_like_code(text: str) -> bool:
    """Six digits (the app's code) or eight letters and digits (a recovery code)."""
    text = text.replace(" ", "")
    return (text.isdigit() and len(text) == 6) or (
        len(text) == 8 and text.isalnum() and text.islower()
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _door(request) -> str:
    """The door the sign-in came through: where the person is going after the code."""
    target = _next(request)
    for prefix, name in (("/django-admin/", "admin"), ("/cms/", "cms")):
        if target.startswith(prefix):
            return name
    return door(request)


def _signed_in(request, device) -> HttpResponseRedirect:
    otp_login(request, device)
    sessions.stamp_confirmed(request.session)
    services.record_identity(
        user=request.user,
        action=IdentityAction.SIGNED_IN,
        request=request,
        door=_door(request),
        factor="recovery_code" if device.__class__.__name__ == "StaticDevice" else "totp",
    )
    return redirect(_next(request))


@login_required
def second_factor(request):
    """Enrol (no confirmed authenticator yet) or verify (one exists)."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return enrol(request)
    error = ""
    if request.method == "POST":
        if _locked(request):
            request.axes_locked_out = True
            return render(request, "registration/second_factor.html", {"next": _next(request)})
        code = _code(request)
        device = match_token(request.user, code) if code else None
        if device is not None:
            return _signed_in(request, device)
        _failed(request, "second_factor")
        error = _(
            "That code is not right. Type the 6 digits your app shows now, or a recovery code."
        )
    return render(
        request, "registration/second_factor.html", {"error": error, "next": _next(request)}
    )


def enrol(request):
    device = services.totp_device_for_enrolment(request.user)
    error = ""
    if request.method == "POST":
        if _locked(request):
            request.axes_locked_out = True
            return render(request, "registration/second_factor.html", {"next": _next(request)})
        try:
            codes = services.second_factor_enrol(
                actor=request.user, device=device, code=_code(request), request=request
            )
        except ValidationError as exc:
            _failed(request, "enrolment")
            error = " ".join(exc.messages)
        else:
            otp_login(request, device)
            sessions.stamp_confirmed(request.session)
            services.record_identity(
                user=request.user,
                action=IdentityAction.SIGNED_IN,
                request=request,
                door=_door(request),
                factor="totp",
            )
            request.session[RECOVERY_SESSION_KEY] = codes
            url = reverse("accounts:recovery_codes")
            return redirect(f"{url}?{urlencode({'next': _next(request)})}")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 — made by qrcode
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "error": error,
            "next": _next(request),
        },
    )


@login_required
def recovery_codes(request):
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes:
        return redirect(_next(request))
    return render(
        request, "registration/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@login_required
def confirm(request):
    """Confirm it is you (password or a second-factor code) before approving or issuing."""
    error = ""
    if request.method == "POST":
        if _locked(request):
            request.axes_locked_out = True
            return render(request, "registration/confirm.html", {"next": _next(request)})
        secret = request.POST.get("secret", "").strip()
        ok = _looks_like_code(secret) and (
            match_token(request.user, secret.replace(" ", "")) is not None
        )
        if not ok and secret:
            # Not a current code: try it as the password. authenticate() reports a failure
            # to django-axes (the lockout) and to the audit trail itself.
            user = authenticate(request, username=request.user.get_username(), password=secret)
            ok = user is not None and user.pk == request.user.pk
        if ok:
            sessions.stamp_confirmed(request.session)
            messages.success(request, _("Thank you. You can now approve, issue and sign."))
            return redirect(_next(request))
        error = _("That did not match. Type your password, or the code your app shows now.")
    return render(request, "registration/confirm.html", {"error": error, "next": _next(request)})


@login_required
def security(request):
    """My sessions and tokens."""
    rows = list(SignedInSession.objects.filter(user=request.user)[:50])
    live = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    my_sessions = [r for r in rows if r.session_key in live]
    for row in my_sessions:
        row.is_current = row.session_key == request.session.session_key
    tokens = list(ApiToken.objects.filter(user=request.user)[:100])
    return render(
        request,
        "registration/security.html",
        {
            "my_sessions": my_sessions,
            "tokens": tokens,
            "new_token": request.session.pop("daftar_new_token", None),
            "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        },
    )


@login_required
@require_POST
@confirm_required
def token_create(request):
    token, key = services.token_create(
        actor=request.user, name=request.POST.get("name", ""), request=request
    )
    request.session["daftar_new_token"] = {"name": token.name, "key": key}
    return redirect("accounts:security")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:security")


@login_required
@require_POST
def sign_out_everywhere(request):
    count = services.sign_out_everywhere(
        actor=request.user,
        user=request.user,
        request=request,
        keep_session_key=request.session.session_key or "",
    )
    messages.success(
        request,
        _("Signed out of %(count)s other sessions; every API token revoked.") % {"count": count},
    )
    return redirect("accounts:security")


@login_required
@require_POST
@confirm_required
def second_factor_reset(request):
    """Replace my authenticator (a new phone): remove it and enrol again now."""
    try:
        services.second_factor_remove(actor=request.user, user=request.user, request=request)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("accounts:security")
    request.session.pop("otp_device_id", None)
    return redirect(f"{reverse('accounts:second_factor')}?next={reverse('accounts:security')}")
