"""Demo organisation for ``manage.py seed_demo``, from the articles in shared/seeds/.

KP Digital Workspace went live in four departments first (Finance, Higher Education,
Science & Technology and IT, Sports) in November 2023; the rest follow. The Finance
Department's Corporate Governance Unit watches the public sector entities.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from organisation import services as org
from organisation.models import Department, Holding, Post, Section

DEMO_PASSWORD = "daftar-demo"  # noqa: S105 — printed by seed_demo; demo data only
LIVE_SINCE = dt.date(2023, 11, 9)

L = Post.Level


@dataclass(frozen=True)
class SectionSpec:
    code: str
    slug: str
    name_en: str
    name_ur: str


# code, English, Urdu, live?, sections (the Secretary's office is added to each)
DEPARTMENTS = [
    (
        "FD",
        "Finance Department",
        "محکمہ خزانہ",
        True,
        [
            SectionSpec("SO(B-I)", "budget", "Budget-I", "بجٹ اول"),
            SectionSpec("SO(Reg)", "reg", "Regulation", "ریگولیشن"),
            SectionSpec("CGU", "cgu", "Corporate Governance Unit", "کارپوریٹ گورننس یونٹ"),
        ],
    ),
    (
        "HED",
        "Higher Education Department",
        "محکمہ اعلیٰ تعلیم",
        True,
        [
            SectionSpec("SO(Univ)", "univ", "Universities", "جامعات"),
            SectionSpec("SO(Colleges)", "colleges", "Colleges", "کالجز"),
        ],
    ),
    (
        "STIT",
        "Science & Technology and IT Department",
        "محکمہ سائنس و ٹیکنالوجی و انفارمیشن ٹیکنالوجی",
        True,
        [
            SectionSpec("SO(IT)", "it", "Information Technology", "انفارمیشن ٹیکنالوجی"),
            SectionSpec("SO(Admn)", "admn", "Administration", "انتظامیہ"),
        ],
    ),
    (
        "SYA",
        "Sports and Youth Affairs Department",
        "محکمہ کھیل و امور نوجوانان",
        True,
        [SectionSpec("SO(Sports)", "sports", "Sports", "کھیل")],
    ),
    (
        "HD",
        "Health Department",
        "محکمہ صحت",
        False,
        [SectionSpec("SO(Hosp)", "hosp", "Hospitals", "ہسپتال")],
    ),
    (
        "LGD",
        "Local Government Department",
        "محکمہ بلدیات",
        False,
        [SectionSpec("SO(Muni)", "muni", "Municipal Services", "بلدیاتی خدمات")],
    ),
    (
        "ESED",
        "Elementary & Secondary Education Department",
        "محکمہ ابتدائی و ثانوی تعلیم",
        False,
        [SectionSpec("SO(Schools)", "schools", "Schools", "سکولز")],
    ),
]

SECY = SectionSpec("Secy", "secy", "Secretary's Office", "دفترِ سیکرٹری")

# level, designation (English, Urdu) built per section, username role
SECTION_POSTS = [
    (L.DEPUTY_SECRETARY, "Deputy Secretary ({s})", "ڈپٹی سیکرٹری ({s})", "ds"),
    (L.SECTION_OFFICER, "Section Officer ({s})", "سیکشن آفیسر ({s})", "so"),
    (L.ASSISTANT, "Assistant ({s})", "اسسٹنٹ ({s})", "asst"),
]

# Demo people's names, so screens look like an office rather than a list of usernames.
NAMES = [
    "Ayesha Khan",
    "Bilal Ahmad",
    "Sana Yousafzai",
    "Imran Afridi",
    "Farah Gul",
    "Usman Shah",
    "Hina Bangash",
    "Kamran Khattak",
    "Nadia Durrani",
    "Waqas Jadoon",
    "Maryam Orakzai",
    "Zubair Marwat",
    "Rabia Swati",
    "Tariq Mohmand",
    "Saima Kundi",
    "Adnan Tareen",
    "Lubna Wazir",
    "Shahid Mahsud",
    "Noreen Achakzai",
    "Faisal Qureshi",
    "Amna Ghani",
    "Junaid Hoti",
    "Sobia Kakar",
    "Ehsan Ullah",
    "Iqra Baloch",
    "Hamza Sethi",
    "Mehwish Ali",
    "Salman Yusuf",
    "Huma Shinwari",
    "Asad Tarkani",
    "Fatima Zaman",
    "Omer Daudzai",
    "Kiran Jamal",
    "Arif Bangash",
    "Zainab Khalil",
    "Naveed Anwar",
    "Samina Rauf",
    "Haris Ali",
    "Uzma Riaz",
    "Fahad Niazi",
    "Sadia Latif",
    "Yasir Malik",
    "Aliya Sherpao",
    "Danish Kamal",
]


@dataclass
class DemoLogin:
    username: str
    post: str
    department: str


@functools.cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _user(username: str, full_name: str, **extra):
    User = get_user_model()
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, **extra}
    )
    if created:
        # One hash for every demo officer: PBKDF2 is slow on purpose, once is enough.
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


def _save(actor, model, lookup: dict, **values):
    """Create through the audited service unless it exists (idempotent)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = org.org_save(actor=actor, instance=model(**lookup, **values))
    return obj


def _ensure_holding(actor, post, user, kind=Holding.Kind.REGULAR):
    open_holding = Holding.objects.filter(post=post, kind=kind, ends_at__isnull=True).first()
    if open_holding is None or open_holding.user_id != user.pk:
        org.holding_assign(
            actor=actor,
            post=post,
            user=user,
            kind=kind,
            starts_at=dt.datetime(2023, 11, 1, 9, 0, tzinfo=dt.UTC),
        )


@transaction.atomic
def seed_organisation(progress=print) -> list[DemoLogin]:
    """Departments, sections, posts and one officer per post. Returns the demo logins."""
    admin = _user("admin", "Daftar Administrator", is_staff=True, is_superuser=True)
    logins = [DemoLogin("admin", "administrator (all screens, /django-admin/)", "—")]
    names = iter(NAMES)
    for code, name_en, name_ur, live, sections in DEPARTMENTS:
        dept = _save(
            admin,
            Department,
            {"code": code},
            name_en=name_en,
            name_ur=name_ur,
            is_live=live,
            live_since=LIVE_SINCE if live else None,
        )
        secy_section = _save(
            admin,
            Section,
            {"department": dept, "code": SECY.code},
            name_en=SECY.name_en,
            name_ur=SECY.name_ur,
        )
        secretary = _save(
            admin,
            Post,
            {"section": secy_section, "level": L.SECRETARY},
            designation_en="Secretary",
            designation_ur="سیکرٹری",
            may_approve=True,
        )
        posts = [(secretary, f"{code.lower()}-secretary")]
        for spec in sections:
            section = _save(
                admin,
                Section,
                {"department": dept, "code": spec.code},
                name_en=spec.name_en,
                name_ur=spec.name_ur,
            )
            above = secretary
            for level, des_en, des_ur, role in SECTION_POSTS:
                if spec.slug == "cgu" and level == L.DEPUTY_SECRETARY:
                    des_en, des_ur = (
                        "Head, Corporate Governance Unit",
                        "سربراہ، کارپوریٹ گورننس یونٹ",
                    )
                post = _save(
                    admin,
                    Post,
                    {"section": section, "level": level},
                    designation_en=des_en.format(s=spec.name_en),
                    designation_ur=des_ur.format(s=spec.name_ur),
                    reports_to=above,
                )
                posts.append((post, f"{code.lower()}-{role}-{spec.slug}"))
                above = post
        for post, username in posts:
            user = _user(username, next(names, "Demo Officer"))
            _ensure_holding(admin, post, user)
            logins.append(DemoLogin(username, post.designation_en, code))
        progress(f"  {code}: {len(posts)} posts{' (live)' if live else ' (not live yet)'}")

    # Additional charge: the SO (Regulation) also holds SO (Budget-I) while its holder is away.
    so_reg = Post.objects.get(
        section__department__code="FD", section__code="SO(Reg)", level=L.SECTION_OFFICER
    )
    so_budget = Post.objects.get(
        section__department__code="FD", section__code="SO(B-I)", level=L.SECTION_OFFICER
    )
    reg_holder = Holding.objects.current().get(post=so_reg, kind=Holding.Kind.REGULAR).user
    if not Holding.objects.current().filter(post=so_budget, kind=Holding.Kind.ADDITIONAL).exists():
        org.additional_charge_give(
            actor=admin,
            post=so_budget,
            user=reg_holder,
            reason=Holding.Reason.LEAVE,
            starts_at=dt.datetime(2023, 11, 1, 9, 0, tzinfo=dt.UTC),
        )
    return logins


def additional_charges() -> list[str]:
    """One line per additional charge held now, for the demo's output: who holds which post
    besides their own, and why."""
    lines = []
    for h in (
        Holding.objects.current()
        .filter(kind=Holding.Kind.ADDITIONAL)
        .select_related("post__section__department", "user")
        .order_by("post__section__department__code", "pk")
    ):
        lines.append(
            f"{h.user.username} ({h.user.get_full_name()}) holds the additional charge of "
            f"{h.post.designation_en}, {h.post.section.department.code}"
            + (f" ({h.get_reason_display()})" if h.reason else "")
            + "; give or end one at /desk/charges/ (as admin or the department's Secretary)"
        )
    return lines
