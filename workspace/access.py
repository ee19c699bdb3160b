"""Who may see what. One module, so every screen, download and API asks the same questions.

A user sees
- files of the departments where they hold a post, graded up to *restricted*;
- any file that is at, or has passed through, a post they hold (its chain of custody) —
  the only way to see a *confidential* or *secret* file;
- receipts the same way: diarised in their department (up to restricted), or marked to a post
  they hold, or on a file they can see.
Anything else answers 404 (``NotFound``), so its existence is not told. Superusers get no
exemption here: grading binds administrators too.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from workspace.models import Enclosure, File, Grading, Movement, Post, Receipt


def my_post_ids(user) -> list[int]:
    """The posts the user holds now; cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_daftar_post_ids", None)
    if cached is None:
        posts = Post.objects.held_by(user).values_list("pk", "section__department_id")
        pairs = list(posts)
        user._daftar_post_ids = [p for p, _ in pairs]
        user._daftar_dept_ids = sorted({d for _, d in pairs})
        cached = user._daftar_post_ids
    return cached


def my_department_ids(user) -> list[int]:
    my_post_ids(user)
    return getattr(user, "_daftar_dept_ids", [])


def visible_files(user):
    """Files ``user`` may see (a queryset to filter further)."""
    posts = my_post_ids(user)
    if not posts:
        return File.objects.none()
    custody = Movement.objects.filter(file=OuterRef("pk"), to_post__in=posts)
    return File.objects.filter(
        Q(department__in=my_department_ids(user), grading__lte=Grading.RESTRICTED)
        | Q(holding_post__in=posts)
        | Exists(custody)
    )


def can_view_file(*, user, file) -> bool:
    return visible_files(user).filter(pk=file.pk).exists()


def visible_receipts(user):
    posts = my_post_ids(user)
    if not posts:
        return Receipt.objects.none()
    return Receipt.objects.filter(
        Q(section__department__in=my_department_ids(user), grading__lte=Grading.RESTRICTED)
        | Q(holding_post__in=posts)
        | Q(file__in=visible_files(user))
    )


def can_view_paper(*, user, paper) -> bool:
    """May ``user`` open this paper? Papers follow the files and receipts they are on; a paper
    on nothing yet is visible to its uploader only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if paper.created_by_id == user.pk:
        return True
    if Enclosure.objects.filter(paper_id=paper.pk, file__in=visible_files(user)).exists():
        return True
    return visible_receipts(user).filter(papers=paper.pk).exists()
