"""The synthetic office's organisation, beside the demo's seeds (``demo``).

Up to 36 departments (KP's administrative departments), each with a Secretary and an
Additional Secretary (both may approve) in the Secretary's office, and up to eight sections of
a Deputy Secretary, a Section Officer and an Assistant reporting up that chain; one officer
per post, and a few officers holding a colleague's post on additional charge. Twelve subject
heads per department. A thousand rows at most, so written with the ORM's ``bulk_create``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from benchmark.overlay import FAST_HASHERS
from benchmark.shape import DEPARTMENTS, SECTIONS, Shape
from benchmark.writer import Progress
from demo import organisation
from demo.cgu import seed as seed_cgu
from demo.portal import seed as seed_portal
from organisation.models import Department, Holding, Post, Section
from workspace.models import SubjectHead

L = Post.Level

HEADS = [
    "General correspondence",
    "Establishment",
    "Estimates",
    "Release of funds",
    "Development schemes",
    "Litigation",
    "Procurement",
    "Inquiries",
    "Retirement benefits",
    "Public grievances",
    "Assembly business",
    "Inspections",
]
LIVE_SINCE = dt.date(2023, 11, 9)


class P:
    """A post as the generator needs it."""

    __slots__ = ("id", "level", "approver", "up", "section", "section_id", "dept", "user_id")

    def __init__(self, id, level, approver, section, section_id, dept, user_id):
        self.id, self.level, self.approver = id, level, approver
        # ``section`` is None for the Secretary's office (no Assistant–SO–DS chain there).
        self.section, self.section_id, self.dept, self.user_id = section, section_id, dept, user_id
        self.up = None


@dataclass(eq=False)
class S:
    id: int
    code: str
    dept: D
    posts: list = field(default_factory=list)  # asst, so, ds


@dataclass(eq=False)
class D:
    id: int
    code: str
    weight: float
    heads: list = field(default_factory=list)  # (id, code)
    sections: list = field(default_factory=list)
    secretary: P | None = None
    additional: P | None = None

    @property
    def posts(self) -> list[P]:
        return [self.secretary, self.additional] + [p for s in self.sections for p in s.posts]


@dataclass
class Org:
    depts: list[D]
    posts: list[P]
    weights: list[float]


def seed_base(progress: Progress, *, with_cgu: bool = True) -> None:
    """The demo's seeds (idempotent): organisation, CGU, public site. Without the CGU
    (``--quick``) the performance pages render with no entity figures; it saves half a minute."""
    quiet = _indent(progress)
    with override_settings(**FAST_HASHERS):
        started = time.perf_counter()
        organisation.seed_organisation(progress=quiet)
        if with_cgu:
            seed_cgu(progress=quiet)
        seed_portal(progress=quiet)
    progress(f"  base seeded in {time.perf_counter() - started:.1f} s")


def _indent(progress):
    return lambda msg: progress(f"    {msg.strip()}")


def build_org(shape: Shape, rng: random.Random, progress: Progress) -> Org:
    """Departments, sections, posts, officers and holdings (a thousand rows: the ORM)."""
    User = get_user_model()
    now = timezone.now()
    taken = set(Department.objects.values_list("code", flat=True))
    specs = [(c, n) for c, n in DEPARTMENTS if c not in taken][: shape.departments]
    with transaction.atomic():
        depts = Department.objects.bulk_create(
            Department(code=c, name_en=n, is_live=True, live_since=LIVE_SINCE) for c, n in specs
        )
        secy_sections = Section.objects.bulk_create(
            Section(department=d, code="Secy", name_en="Secretary's office") for d in depts
        )
        sections = Section.objects.bulk_create(
            Section(department=d, code=code, name_en=f"Section {code[3:-1]}")
            for d in depts
            for code in SECTIONS[: shape.sections_per_department]
        )
        heads = SubjectHead.objects.bulk_create(
            SubjectHead(department=d, code=str(i + 1), name_en=name)
            for d in depts
            for i, name in enumerate(HEADS)
        )
        secretaries = Post.objects.bulk_create(
            Post(section=s, level=L.SECRETARY, designation_en="Secretary", may_approve=True)
            for s in secy_sections
        )
        additionals = Post.objects.bulk_create(
            Post(
                section=s,
                level=L.ADDITIONAL_SECRETARY,
                designation_en="Additional Secretary",
                may_approve=True,
                reports_to=secy,
            )
            for s, secy in zip(secy_sections, secretaries, strict=True)
        )
        above = {d.pk: a for d, a in zip(depts, additionals, strict=True)}
        chain = {}
        for level, title in [
            (L.DEPUTY_SECRETARY, "Deputy Secretary"),
            (L.SECTION_OFFICER, "Section Officer"),
            (L.ASSISTANT, "Assistant"),
        ]:
            made = Post.objects.bulk_create(
                Post(
                    section=s,
                    level=level,
                    designation_en=f"{title} ({s.name_en})",
                    reports_to=chain.get(s.pk, above[s.department_id]),
                )
                for s in sections
            )
            chain = {p.section_id: p for p in made}
        posts = list(Post.objects.filter(section__department__in=depts).select_related("section"))
        hashed = make_password(None)
        users = User.objects.bulk_create(
            User(
                username=f"bench-{p.section.department_id}-{p.section.code.lower()}-{p.level}",
                first_name="Officer",
                last_name=f"{p.pk}",
                password=hashed,
            )
            for p in posts
        )
        since = now - dt.timedelta(days=365 * (shape.years + 1))
        Holding.objects.bulk_create(
            Holding(post=p, user=u, starts_at=since) for p, u in zip(posts, users, strict=True)
        )
        holder = {p.pk: u.pk for p, u in zip(posts, users, strict=True)}
        # A few officers also hold a colleague's post on additional charge.
        extra = rng.sample(posts, max(1, int(len(posts) * shape.additional_charges)))
        charges = []
        for post in extra:
            peer = rng.choice([q for q in posts if q.section_id == post.section_id and q != post])
            charges.append(
                Holding(
                    post=post,
                    user_id=holder[peer.pk],
                    kind=Holding.Kind.ADDITIONAL,
                    starts_at=now - dt.timedelta(days=rng.randint(1, 40)),
                )
            )
        Holding.objects.bulk_create(charges)

    by_id: dict[int, P] = {}
    org_depts: list[D] = []
    for i, d in enumerate(depts):
        org_depts.append(D(id=d.pk, code=d.code, weight=1 / (i + 1) ** 0.7))
    dmap = {d.id: d for d in org_depts}
    smap: dict[int, S] = {}
    for s in sections:
        smap[s.pk] = S(id=s.pk, code=s.code, dept=dmap[s.department_id])
        dmap[s.department_id].sections.append(smap[s.pk])
    secy_map = {s.pk: s for s in secy_sections}
    for h in heads:
        dmap[h.department_id].heads.append((h.pk, h.code))
    for p in posts:
        section = smap.get(p.section_id)
        dept = dmap[p.section.department_id]
        by_id[p.pk] = P(p.pk, p.level, p.may_approve, section, p.section_id, dept, holder[p.pk])
        if p.section_id in secy_map:
            if p.level == L.SECRETARY:
                dept.secretary = by_id[p.pk]
            else:
                dept.additional = by_id[p.pk]
    for p in posts:
        by_id[p.pk].up = by_id.get(p.reports_to_id)
    for s in smap.values():
        s.posts = sorted(
            (by_id[p.pk] for p in posts if p.section_id == s.id), key=lambda q: q.level
        )
    all_posts = [p for d in org_depts for p in d.posts]
    progress(
        f"  office: {len(org_depts)} departments, {len(sections)} sections, "
        f"{len(all_posts)} posts and officers, {len(charges)} additional charges"
    )
    return Org(depts=org_depts, posts=all_posts, weights=[d.weight for d in org_depts])
