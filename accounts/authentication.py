"""``Authorization: Token <token>`` against hashed, expiring, revocable tokens."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import ApiToken, token_digest
from accounts.scopes import scope_allows

TOUCH_EVERY = dt.timedelta(minutes=10)  # "last used" is rewritten at most this often


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and not scope_allows(found[1].scope, request.path):
            raise exceptions.PermissionDenied(
                _("This token is for its own part of the API only; it cannot reach %(path)s.")
                % {"path": request.path}
            )
        return found

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None or token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        # "Last used" is kept to within TOUCH_EVERY: no write on most requests.
        if now - (token.last_used_at or token.created_at) > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
