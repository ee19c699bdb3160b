"""API tokens (stored as a SHA-256 digest, never the token) and the sessions a user signed
in with (so "my sessions" can list them and "sign out everywhere" can end them)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "dft_"  # noqa: S105


def token_digest(key: str) -> str:
    """The stored form of a token. A token is 256 random bits, so a fast hash is enough: there
    is nothing to guess that a slow hash would protect (unlike a password)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="daftar_api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_start = models.CharField(_("starts with"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Empty: the holder's whole API. Otherwise the one part the token may reach, e.g.
    # "entity:12" (a public sector entity's own API, see ``accounts.scopes``).
    scope = models.CharField(_("scope"), max_length=40, blank=True, default="")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "created_at"], name="apitoken_user")]

    def __str__(self):
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class SignedInSession(models.Model):
    """One row per sign-in: which session key, from where, when. The session itself stays in
    Django's session store; this only lets the user see and end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("signed in"), default=timezone.now)
    client_ip = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "signed_in_at"], name="signedin_user")]

    def __str__(self):
        return f"{self.user} @ {self.client_ip}"
