"""Reads of complaints for the screens: the queue, one complaint, the public projection."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from complaints import access
from complaints.models import Complaint, Event, IdentityDisclosure, OfficeFigure, Status, pick
from workspace.models import Post, TerritorialRole


def queue(user, *, mine_only: bool = False):
    """The complaints ``user`` may see, those due soonest first (time left)."""
    posts = access.my_posts(user)
    rows = Complaint.objects.filter(access.visible_q(posts))
    if mine_only:
        rows = rows.filter(office__in=[p.section_id for p in posts])
    return rows.select_related("category", "district", "office").order_by("due_at", "registered_at")


def office_ids(user) -> set[int]:
    return {p.section_id for p in access.my_posts(user)}


def days_left(complaint: Complaint, now=None) -> int | None:
    if complaint.due_at is None or not complaint.is_open:
        return None
    now = now or timezone.now()
    return (timezone.localdate(complaint.due_at) - timezone.localdate(now)).days


def disclosures_for_senior(user):
    """Identity disclosures made by officers whose posts report to a post ``user`` holds."""
    posts = [p.pk for p in Post.objects.held_by(user)]
    return (
        IdentityDisclosure.objects.filter(post__reports_to__in=posts)
        .select_related("complaint", "officer", "post")
        .order_by("-at")[:50]
    )


@dataclass(frozen=True)
class PublicView:
    """What the citizen sees of their complaint: never a name, an officer or another's."""

    reference: str
    category: str
    district: str
    status: str
    status_label: str
    office: str
    level: int
    registered_on: object
    due_on: object
    escalations: list
    action_taken: str
    question: str
    can_answer: bool
    can_give_feedback: bool
    feedback: str

    def as_dict(self) -> dict:
        return {
            "reference": self.reference,
            "category": self.category,
            "district": self.district,
            "status": self.status,
            "status_label": self.status_label,
            "office": self.office,
            "level": self.level,
            "registered_on": self.registered_on.isoformat(),
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "escalations": [
                {"office": e["office"], "on": e["on"].isoformat(), "kind": e["kind"]}
                for e in self.escalations
            ],
            "action_taken": self.action_taken,
            "question": self.question,
            "can_answer": self.can_answer,
            "can_give_feedback": self.can_give_feedback,
            "feedback": self.feedback,
        }


def public_view(complaint: Complaint) -> PublicView:
    moves = (
        Event.objects.filter(
            complaint=complaint, kind__in=[Event.Kind.ESCALATED, Event.Kind.REOPENED]
        )
        .select_related("office")
        .order_by("at")
    )
    due_on = None
    if complaint.is_open and complaint.due_at and complaint.status != Status.INFO_REQUESTED:
        due_on = timezone.localdate(complaint.due_at) - timezone.timedelta(days=1)
    return PublicView(
        reference=complaint.display_ref,
        category=complaint.category.name,
        district=complaint.district.name,
        status=complaint.status,
        status_label=str(complaint.get_status_display()),
        office=complaint.office.name,
        level=complaint.level,
        registered_on=timezone.localdate(complaint.registered_at),
        due_on=due_on,
        escalations=[
            {
                "office": e.office.name if e.office else "",
                "on": timezone.localdate(e.at),
                "kind": e.kind,
            }
            for e in moves
        ],
        action_taken=complaint.action_taken
        if complaint.status in (Status.RESOLVED, Status.CLOSED)
        else "",
        question=complaint.info_question if complaint.status == Status.INFO_REQUESTED else "",
        can_answer=complaint.status == Status.INFO_REQUESTED,
        can_give_feedback=complaint.status == Status.RESOLVED,
        feedback=str(complaint.get_feedback_display()) if complaint.feedback else "",
    )


# ---- dashboards (the DC's, the Commissioner's, the Performance Management Cell's) ----------

AGE_BUCKETS = [(0, 3), (4, 7), (8, 15), (16, None)]


def dashboard_scope(user):
    """(label, Q over complaints) of the territory ``user``'s offices answer for: the province
    for the Performance Management Cell, a division for a Commissioner's office, a district
    for a Deputy Commissioner's office; None when they hold no such post. Figures only: no
    complaint or complainant is listed."""
    from django.db.models import Q

    posts = access.my_posts(user)
    roles = {p.section.territorial_role: p.section for p in posts}
    if TerritorialRole.PERFORMANCE_CELL in roles:
        return roles[TerritorialRole.PERFORMANCE_CELL].name, Q()
    if TerritorialRole.COMMISSIONER in roles:
        section = roles[TerritorialRole.COMMISSIONER]
        return section.name, Q(district__division_id=section.division_id)
    if TerritorialRole.DEPUTY_COMMISSIONER in roles:
        section = roles[TerritorialRole.DEPUTY_COMMISSIONER]
        return section.name, Q(district_id=section.district_id)
    return None


def dashboard(scope_q, *, now=None) -> dict:
    """Pending complaints by age and by office, overdue, and escalations in the last 30 days:
    two grouped queries over the kept figures (``complaints.figures``: a row per office,
    district and day), never over the complaints themselves. Ages and due dates count in the
    site's days: a complaint registered on the 2nd is 15 days old on the 17th; one due at the
    start of the 17th is overdue from then."""
    from django.db.models import Q, Sum

    now = now or timezone.now()
    today = timezone.localdate(now)
    days = timezone.timedelta
    open_rows = Q(kind=OfficeFigure.Kind.OPEN)
    age = {}
    for low, high in AGE_BUCKETS:
        q = open_rows & Q(day__lte=today - days(days=low))
        if high is not None:
            q &= Q(day__gte=today - days(days=high))
        age[f"age_{low}"] = Sum("n", filter=q, default=0)
    by_office = list(
        OfficeFigure.objects.filter(
            scope_q, kind__in=[OfficeFigure.Kind.OPEN, OfficeFigure.Kind.DUE]
        )
        .values("office", "office__name_en", "office__name_ur", "level")
        .annotate(
            pending=Sum("n", filter=open_rows, default=0),
            overdue=Sum("n", filter=Q(kind=OfficeFigure.Kind.DUE, day__lte=today), default=0),
            **age,
        )
        .filter(pending__gt=0)
        .order_by("-level", "-overdue", "office__name_en")
    )
    escalations = list(
        OfficeFigure.objects.filter(
            scope_q, kind=OfficeFigure.Kind.ESCALATED, day__gte=today - days(days=30)
        )
        .values("district__name_en", "district__name_ur", "level")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
        .order_by("district__name_en", "level")
    )

    for row in by_office:
        row["office_name"] = pick(row["office__name_en"], row["office__name_ur"])
        row["ages"] = [row[f"age_{low}"] for low, _ in AGE_BUCKETS]
    for row in escalations:
        row["district"] = pick(row["district__name_en"], row["district__name_ur"])
    return {
        "by_office": by_office,
        "escalations": escalations,
        "pending": sum(r["pending"] for r in by_office),
        "overdue": sum(r["overdue"] for r in by_office),
        "ages": [sum(r["ages"][i] for r in by_office) for i in range(len(AGE_BUCKETS))],
    }
