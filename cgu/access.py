"""Who may do what in the CGU: the one place these rules live (as ``workspace.access`` is for
files and papers).

- CGU staff are the holders (regular or additional charge) of posts in the Finance
  Department's Corporate Governance Unit section. They enter returns, see every return and
  the compliance screens.
- Reviewers are CGU staff at Section Officer level or above; a reviewer may not decide on a
  return they entered themselves (four eyes).
- The head of the CGU is the highest CGU post; the escalation list is addressed to it.
- Everyone, signed in or not, sees published figures only (``cgu.selectors.published``).
- A return's papers (the uploaded original, or the PDF of typed figures) are opened by CGU
  staff only, whichever door is used: the CGU's screens answer 403 to anyone else, and the
  desk's paper rule (``workspace.access.paper_visibility``) is narrowed by
  ``return_paper_rule``, registered in ``CguConfig.ready``, so the desk's download, a paper's
  page and the lists answer 404 to an officer who merely sees the monitoring file.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from cgu.models import EntityUser, KpiReturn
from cgu.selectors.entity_portal import membership_of
from organisation.models import Post, Section
from organisation.selectors import my_holdings, posts_held_by

# Where the CGU sits in the organisation (department code, section code).
CGU_DEPARTMENT, CGU_SECTION = getattr(settings, "DAFTAR_CGU_SECTION", ("FD", "CGU"))
REVIEWER_MIN_LEVEL = Post.Level.SECTION_OFFICER


def cgu_section() -> Section | None:
    return Section.objects.filter(department__code=CGU_DEPARTMENT, code=CGU_SECTION).first()


def cgu_posts_of(user):
    """The CGU posts ``user`` holds now, highest first."""
    return (
        posts_held_by(user=user)
        .filter(section__department__code=CGU_DEPARTMENT, section__code=CGU_SECTION)
        .order_by("-level", "pk")
    )


def acting_cgu_post(user) -> Post | None:
    """The CGU post through which ``user`` acts (their highest), or None."""
    return cgu_posts_of(user).first()


def is_cgu_post(post) -> bool:
    """Is ``post`` (with its section and department loaded) a post of the CGU?"""
    section = post.section
    return section.code == CGU_SECTION and section.department.code == CGU_DEPARTMENT


def is_cgu_staff(user, *, holdings=None) -> bool:
    """Does ``user`` hold a CGU post now? ``holdings``: the user's current holdings of
    active posts, already read for this request (``workspace.access.my_holdings``, which
    the staff layout shows anyway), so the check costs no query of its own."""
    if not getattr(user, "is_authenticated", False):
        return False
    if holdings is not None:
        return any(is_cgu_post(h.post) for h in holdings)
    return cgu_posts_of(user).exists()


def reviewing_post(user, *, section_id: int | None = None) -> Post | None:
    """The CGU post at reviewer level through which ``user`` may review, or None."""
    posts = cgu_posts_of(user).filter(level__gte=REVIEWER_MIN_LEVEL)
    if section_id is not None:
        posts = posts.filter(section_id=section_id)
    return posts.first()


def may_review(user) -> bool:
    return getattr(user, "is_authenticated", False) and reviewing_post(user) is not None


def head_post() -> Post | None:
    """The head of the CGU: the highest active post of the section."""
    return (
        Post.objects.filter(
            section__department__code=CGU_DEPARTMENT,
            section__code=CGU_SECTION,
            is_active=True,
        )
        .order_by("-level", "pk")
        .first()
    )


def is_cgu_head(user) -> bool:
    head = head_post()
    return head is not None and cgu_posts_of(user).filter(pk=head.pk).exists()


def return_paper_rule(user):
    """``workspace.access.register_paper_rule``'s narrowing for the CGU: nothing for CGU
    staff; for anyone else, no paper that is a KPI return's (as its original, or as the
    enclosure on the monitoring file). The staff check reads the holdings the request has
    read already, so it costs no query."""
    if is_cgu_staff(user, holdings=my_holdings(user)):
        return None
    return ~Exists(
        KpiReturn.objects.filter(Q(paper=OuterRef("pk")) | Q(enclosure__paper=OuterRef("pk")))
    )


# ---------------------------------------------------------------- the entities' own people


def entity_membership(user):
    """The active ``EntityUser`` row of ``user`` (with its entity), or None. An entity user
    holds no post; they see their own entity's portal and nothing of the desk."""

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_daftar_entity_membership", False)
    if cached is not False:
        return cached
    member = membership_of.first(user_id=user.pk)  # compiled: every portal page reads it
    user._daftar_entity_membership = member
    return member


def is_entity_user(user) -> bool:
    """Was ``user`` ever made an entity user (active or not)? Such a person never reaches
    the desk, even after being deactivated and re-enabled by mistake."""

    return EntityUser.objects.filter(user_id=user.pk).exists()


def entity_token_scope(user) -> str:
    """``accounts.scopes``: an entity user's tokens reach their entity's API only."""
    member = entity_membership(user)
    if member is not None:
        return f"entity:{member.entity_id}"
    return ""
