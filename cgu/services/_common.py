"""What the CGU services share: who is acting, and waiting for row locks with a cap."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from cgu import access
from workspace.errors import PermissionDenied
from workspace.models import Post

LOCK_TIMEOUT_MS = 5000


def require_cgu_post(actor) -> Post:
    """The CGU post through which ``actor`` acts; refuses anyone holding none."""
    if actor is None or not getattr(actor, "is_active", False):
        raise PermissionDenied(_("Sign in to do this."))
    post = access.acting_cgu_post(actor)
    if post is None:
        raise PermissionDenied(
            _("Only officers of the Corporate Governance Unit (Finance Department) can do this.")
        )
    return post


def cap_lock_wait() -> None:
    """Make row locks taken in this transaction wait at most LOCK_TIMEOUT_MS (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
