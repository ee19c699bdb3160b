"""Who holds which post now: the reads every staff page and every file action make."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from kernel.compiled import compiled
from organisation.models import Holding, Post


def posts_held_by(*, user, at=None):
    """The posts ``user`` may act for now: every current holding, regular or additional."""
    return Post.objects.held_by(user, at=at).select_related("section__department")


def holdings_of(*, user, at=None) -> list[Holding]:
    """Current holdings with their posts, for the "my posts" panel: additional charges, then
    the regular post, senior posts first. Sorted here, not by ORDER BY: an officer holds one
    to three, and Django compiles an ORDER BY over this four-table join by hashing each
    selected column (~0.3 ms on every staff page, which all read it)."""
    holdings = _current_holdings(user_id=user.pk, at=at or timezone.now())
    return sorted(holdings, key=lambda h: (h.kind, -h.post.level, h.post_id))


@compiled  # read on every staff page: compiled once (``kernel.compiled``)
def _current_holdings(*, user_id: int, at: datetime):
    return (
        Holding.objects.current(at)
        .filter(user_id=user_id, post__is_active=True)
        .select_related("post__section__department")
        .order_by()
    )


def holds_post(*, user, post, at=None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    post_id = getattr(post, "pk", post)
    return bool(_holding_of(user_id=user.pk, post_id=post_id, at=at or timezone.now()))


@compiled  # every action on a file asks it
def _holding_of(*, user_id: int, post_id: int, at: datetime):
    return (
        Holding.objects.current(at)
        .filter(user_id=user_id, post_id=post_id)
        .order_by()
        .values_list("pk", flat=True)[:1]
    )


def my_post_ids(user) -> list[int]:
    """The posts the user holds now; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_daftar_post_ids", None)
    if cached is None:
        holdings = my_holdings(user)
        pairs = sorted({(h.post_id, h.post.section.department_id) for h in holdings})
        user._daftar_post_ids = [p for p, _ in pairs]
        user._daftar_dept_ids = sorted({d for _, d in pairs})
        cached = user._daftar_post_ids
    return cached


def my_holdings(user) -> list:
    """The user's current holdings with their posts, sections and departments, read once a
    request: the access rules take their post ids from it and the staff layout's "posts I
    hold" panel shows it, so a staff page reads the holdings once, not twice."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_daftar_holdings", None)
    if cached is None:
        cached = user._daftar_holdings = holdings_of(user=user)
    return cached


def my_department_ids(user) -> list[int]:
    my_post_ids(user)
    return getattr(user, "_daftar_dept_ids", [])
