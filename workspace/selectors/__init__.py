"""Reads the screens need, already scoped to what the user may see."""

from __future__ import annotations

from django.utils import timezone

from workspace.models import Holding, Post


def posts_held_by(*, user, at=None):
    """The posts ``user`` may act for now: every current holding, regular or additional."""
    return Post.objects.held_by(user, at=at).select_related("section__department")


def holdings_of(*, user, at=None):
    """Current holdings with their posts, for the "my posts" panel."""
    at = at or timezone.now()
    return (
        Holding.objects.current(at)
        .filter(user=user, post__is_active=True)
        .select_related("post__section__department")
        .order_by("kind", "-post__level")
    )


def holds_post(*, user, post, at=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    post_id = getattr(post, "pk", post)
    return Holding.objects.current(at).filter(user=user, post_id=post_id).exists()
