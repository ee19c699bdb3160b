"""Who must use a second factor.

Everyone who signs in to Daftar is staff: every holder of a post, every administrator and
every CMS editor needs a second factor. ``DAFTAR_MFA_EXEMPT_BELOW_LEVEL`` (a post level, e.g.
20 for Section Officer; 0, the default, exempts no one) lets an office spare the holders of
posts below that level, but never an administrator or an editor.
"""

from collections.abc import Callable, Iterable

from django.conf import settings

# The levels of the posts a user holds now: the organisation's to answer, not accounts' (the
# desk sits above accounts). The desk registers it at start-up (workspace/apps.py).
_post_levels: Callable[..., Iterable[int]] | None = None


def register_post_levels(levels: Callable[..., Iterable[int]]) -> None:
    global _post_levels
    _post_levels = levels


def needs_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    threshold = getattr(settings, "DAFTAR_MFA_EXEMPT_BELOW_LEVEL", 0) or 0
    if not threshold:
        return True
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return True
    levels = list(_post_levels(user)) if _post_levels is not None else []
    # A user holding no post at all reaches nothing on the desk; keep the factor required.
    return not levels or max(levels) >= threshold
