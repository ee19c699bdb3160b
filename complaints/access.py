"""Who sees and who acts on a complaint.

- The Deputy Commissioner's office of the complaint's district sees it always (the lower office
  keeps what went up visible) and acts on it while it is at the district level.
- The line office it was marked to sees it.
- The Commissioner's office of the district's division sees it from the division level up and
  acts on it at that level; the Performance Management Cell likewise at the province level.

Nobody else, whatever their rank; superusers get nothing from being so.
"""

from __future__ import annotations

from django.db.models import Q

from complaints.models import Complaint, Level
from organisation import selectors as org_selectors
from organisation.models import Post, TerritorialRole


def my_posts(user):
    return list(
        Post.objects.held_by(user).select_related(
            "section__department", "section__district", "section__division"
        )
    )


def screen_posts(user) -> list:
    """The posts ``user`` holds now, for a screen: taken from the holdings the desk reads once
    a request for every staff page (``organisation.selectors.my_holdings``, kept on the user object
    for the request), so a complaints screen adds no query of its own for them. Their sections
    carry the territorial role and the district and division ids, not those rows. The services
    ask ``my_posts``, read afresh inside their transaction."""
    seen, posts = set(), []
    for holding in org_selectors.my_holdings(user):
        if holding.post_id not in seen:
            seen.add(holding.post_id)
            posts.append(holding.post)
    return posts


def visible_q(posts) -> Q:
    q = Q(pk__in=[])
    for post in posts:
        section = post.section
        role = section.territorial_role
        if role == TerritorialRole.DEPUTY_COMMISSIONER and section.district_id:
            q |= Q(district_id=section.district_id)
        elif role == TerritorialRole.COMMISSIONER and section.division_id:
            q |= Q(district__division_id=section.division_id, level__gte=Level.DIVISION)
        elif role == TerritorialRole.PERFORMANCE_CELL:
            q |= Q(level__gte=Level.PROVINCE)
        q |= Q(marked_to_id=section.pk)
    return q


def visible_complaints(user):
    return Complaint.objects.filter(visible_q(my_posts(user)))


def acting_post(user, complaint: Complaint):
    """The post through which ``user`` may act on ``complaint`` now (the office at its current
    level), or None."""
    for post in my_posts(user):
        if post.section_id == complaint.office_id:
            return post
    return None


def viewing_post(user, complaint: Complaint):
    posts = my_posts(user)
    if not Complaint.objects.filter(visible_q(posts), pk=complaint.pk).exists():
        return None
    return acting_post(user, complaint) or (posts[0] if posts else None)
