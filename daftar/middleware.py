"""Daftar's own middleware: what every answer says to browsers and caches, and requests
refused before any view sees them.

- ``NoStoreForStaff``: every staff page, sign-in page, admin page and API answer says
  ``Cache-Control: no-store, private`` — a secret file's page must not stay in a shared
  proxy or the browser's back-forward cache of a shared computer. The public site keeps its
  own caching (``portal_pages/caching.py``: ``public, max-age=300`` for anonymous pages).
- ``PermissionsPolicy``: the browser features Daftar never uses are switched off for every
  page and every frame in it (``DAFTAR_PERMISSIONS_POLICY``).
- ``RefuseNulBytes``: a NUL character in the query string (``?number=%00``) cannot be
  stored or searched (PostgreSQL refuses it in text) and is never typed by a person: the
  request is answered 400 with a message, before any view runs.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

#: paths whose answers are for one signed-in person (or the sign-in form itself)
STAFF_PREFIXES = ("/desk/", "/api/", "/accounts/", "/django-admin/", "/cms/", "/i18n/")

NO_STORE = "no-store, private"

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-create=(self), "
    "publickey-credentials-get=(self), "
    "screen-wake-lock=(), usb=(), xr-spatial-tracking=()"
)


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


class NoStoreForStaff:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if is_staff_path(request.path):
            response["Cache-Control"] = NO_STORE
        elif signed_in and not response.has_header("Cache-Control"):
            # A public page seen by a signed-in editor carries their Wagtail user bar.
            response["Cache-Control"] = NO_STORE
        return response


class PermissionsPolicy:
    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.value = getattr(settings, "DAFTAR_PERMISSIONS_POLICY", PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.value and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = self.value
        return response


def _has_nul(request) -> bool:
    if "%00" in request.META.get("QUERY_STRING", ""):
        return True
    return any("\x00" in v for values in request.GET.lists() for v in values[1])


class RefuseNulBytes:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return nul_refusal(request)
        return self.get_response(request)


def nul_message() -> str:
    return _(
        "What you entered contains a NUL character, which cannot be part of a file number "
        "or a search. Type it again (do not paste it from another program) and try again."
    )


def nul_refusal(request):
    message = nul_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
