"""django-axes' lock, grown: each lockout of the same account or client within a day doubles
the next one (15 min, 30, 60, … capped at a day), and what the locked-out person is told.

Axes counts failures per account and per client address (``AXES_LOCKOUT_PARAMETERS``) on
every door that calls ``django.contrib.auth.authenticate``: the staff sign-in, Django's admin,
Wagtail's admin and the API token endpoint, and the second-factor step reports its failures
the same way (``user_login_failed``)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import conf
from accounts.client import client_ip

WINDOW = 24 * 3600
CAP = dt.timedelta(days=1)


def _key(kind: str, value: str) -> str:
    return f"signin:lockouts:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _username(request, credentials=None) -> str:
    credentials = credentials or getattr(request, "axes_credentials", None) or {}
    name = credentials.get("username") or ""
    if not name and request is not None and request.method == "POST":
        name = request.POST.get("username", "")
    return name.strip()


def note_lockout(request, username: str) -> None:
    """Called when axes locks someone out: count it (once per lock, not per refused attempt
    during it), remembered for a day, per account and per client."""
    for kind, value in (("user", username), ("ip", client_ip(request) or "")):
        if not value:
            continue
        key = _key(kind, value)
        if not cache.add(f"{key}:current", 1, int(cool_off(request).total_seconds())):
            continue  # this lock was already counted
        cache.add(key, 0, WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW)


def lockouts(request, credentials=None) -> int:
    keys = []
    if name := _username(request, credentials):
        keys.append(_key("user", name))
    if request is not None and (ip := client_ip(request)):
        keys.append(_key("ip", ip))
    return max([cache.get(k, 0) for k in keys] or [0])


def cool_off(request=None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: the base lock, doubled for each earlier lockout today."""
    earlier = max(lockouts(request) - 1, 0) if request is not None else 0
    return min(conf.lock_base() * (2 ** min(earlier, 10)), CAP)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the same words whether or not the account exists."""
    minutes = max(int(cool_off(request).total_seconds() // 60), 1)
    message = _(
        "Too many failed sign-in attempts. Signing in is paused for %(minutes)s minutes. "
        "If you need to sign in sooner, ask your department's Daftar administrator."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=429, headers={"Retry-After": str(minutes * 60)}
        )
    response = render(
        request,
        "registration/locked_out.html",
        {"message": message, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
