"""Re-authentication before approving, issuing or signing.

On the desk, ``@confirm_required`` sends a person whose last password or second-factor check
is older than ``DAFTAR_REAUTH_MINUTES`` to the confirmation screen, and back to the page they
acted from. In the API, ``RecentlyConfirmed`` (a DRF permission) accepts a token issued within
that window, or a current code from the user's authenticator in the ``X-Daftar-OTP`` header.
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import match_token
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import BasePermission

from accounts import conf, sessions
from accounts.models import ApiToken

OTP_HEADER = "HTTP_X_DAFTAR_OTP"

# For the OpenAPI schema of the actions that need a recent confirmation.
OTP_PARAMETER = OpenApiParameter(
    "X-Daftar-OTP",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A current code from your authenticator app. Needed when the token was issued more "
        "than DAFTAR_REAUTH_MINUTES (15) ago: deciding and issuing need a recent confirmation."
    ),
)


def _back_to(request) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return request.get_full_path() if request.method == "GET" else reverse("workspace:home")


def confirm_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not sessions.recently_confirmed(request.session):
            url = reverse("accounts:confirm")
            return redirect(f"{url}?{urlencode({'next': _back_to(request)})}")
        return view(request, *args, **kwargs)

    return wrapper


class RecentlyConfirmed(BasePermission):
    message = _(
        "Confirm it is you: send a current code from your authenticator app in the "
        "X-Daftar-OTP header, or use a token issued in the last few minutes."
    )
    code = "confirmation_required"

    def has_permission(self, request, view):
        from rest_framework.request import ForcedAuthentication

        authenticator = getattr(request, "successful_authenticator", None)
        if isinstance(authenticator, ForcedAuthentication):  # APIClient.force_authenticate
            return True
        code = request.META.get(OTP_HEADER, "").strip()
        if code and match_token(request.user, code) is not None:
            return True
        if isinstance(request.auth, ApiToken):
            return timezone.now() - request.auth.created_at <= conf.reauth_window()
        session = getattr(request._request, "session", None)
        return session is not None and sessions.recently_confirmed(session)
