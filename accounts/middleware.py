"""Two gates on every signed-in request (after Django's and django-otp's middleware):

- ``SessionLifetimeMiddleware`` ends a session idle for ``DAFTAR_SESSION_IDLE_MINUTES`` or
  older than ``DAFTAR_SESSION_MAX_HOURS``;
- ``SecondFactorMiddleware`` lets a session that has not passed its second factor reach
  nothing but the sign-in pages (enrolment, verification, sign-out, language).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import sessions
from accounts.policy import needs_second_factor

OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/favicon")


def _is_open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES) or path.startswith(settings.STATIC_URL)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            why = sessions.expired(request.session)
            if why:
                logout(request)
                if not _wants_json(request):
                    messages.info(
                        request,
                        _("You were signed out after 30 minutes without activity.")
                        if why == "idle" and settings.DAFTAR_SESSION_IDLE_MINUTES == 30
                        else _("Your session has ended. Please sign in again."),
                    )
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not _is_open(request.path)
            and not user.is_verified()
            and needs_second_factor(user)
        ):
            if _wants_json(request):
                return JsonResponse(
                    {"detail": _("Finish signing in with your second factor first.")}, status=403
                )
            url = reverse("accounts:second_factor")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
