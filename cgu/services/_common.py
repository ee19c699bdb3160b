"""What the CGU services share: who is acting."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cgu import access
from kernel.errors import PermissionDenied
from organisation.models import Post


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
