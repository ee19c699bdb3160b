"""Demo data for complaints: the tehsils of every district (``demo.tehsils``), the territorial
offices of three divisions (Commissioner's and Deputy Commissioners' offices with a complaint
cell each, an Assistant Commissioner's office in each tehsil, and the line departments'
district offices), the Chief Secretary's Performance Management Cell, a catalogue of
categories, and complaints in every state across several districts — made through the
services, with the clock moved where a state needs time to have passed."""

from __future__ import annotations

import datetime as dt
import random
from unittest import mock

from django.utils import timezone

from complaints import services
from complaints.models import Category, Complaint, Status
from demo.organisation import DEMO_PASSWORD, LIVE_SINCE, _ensure_holding, _save, _user
from demo.tehsils import TEHSILS
from organisation import services as org
from organisation.models import (
    Department,
    District,
    Division,
    Holiday,
    Post,
    Section,
    Tehsil,
    TerritorialRole,
)

L = Post.Level
DEMO_DIVISIONS = ["PSH", "MRD", "HZR"]
CATEGORIES = [
    ("schools", "Schools and teachers", "سکول اور اساتذہ", "ESED", 10),
    ("health", "Hospitals and health centres", "ہسپتال اور مراکزِ صحت", "HD", 7),
    ("sanitation", "Sanitation and garbage", "صفائی اور کوڑا", "LGD", 5),
    ("water", "Drinking water", "پینے کا پانی", "LGD", 5),
    ("prices", "Prices and hoarding", "قیمتیں اور ذخیرہ اندوزی", None, 3),
    ("land", "Land records and revenue", "اراضی ریکارڈ اور مال", None, 15),
]
LINE = {
    "ESED": ("DEO", "District Education Office", "ضلعی تعلیمی دفتر"),
    "HD": ("DHO", "District Health Office", "ضلعی محکمہ صحت دفتر"),
    "LGD": ("TMA", "Tehsil Municipal Administration", "تحصیل میونسپل انتظامیہ"),
}


# Pakistan's public holidays of 2026 (the Islamic ones as expected; an administrator corrects
# them in the admin when the moon is sighted).
HOLIDAYS_2026 = [
    ("2026-02-05", "Kashmir Solidarity Day", "یومِ یکجہتیِ کشمیر"),
    ("2026-03-21", "Eid ul Fitr", "عید الفطر"),
    ("2026-03-22", "Eid ul Fitr", "عید الفطر"),
    ("2026-03-23", "Pakistan Day (Eid ul Fitr holidays)", "یومِ پاکستان"),
    ("2026-05-01", "Labour Day", "یومِ مزدور"),
    ("2026-05-27", "Eid ul Adha", "عید الاضحیٰ"),
    ("2026-05-28", "Youm-e-Takbeer and Eid ul Adha", "یومِ تکبیر اور عید الاضحیٰ"),
    ("2026-05-29", "Eid ul Adha", "عید الاضحیٰ"),
    ("2026-06-25", "Ashura (9th Muharram)", "عاشورہ (9 محرم)"),
    ("2026-06-26", "Ashura (10th Muharram)", "عاشورہ (10 محرم)"),
    ("2026-08-14", "Independence Day", "یومِ آزادی"),
    ("2026-08-26", "Eid Milad un Nabi", "عید میلاد النبی"),
    ("2026-11-09", "Iqbal Day", "یومِ اقبال"),
    ("2026-12-25", "Quaid-e-Azam Day and Christmas", "یومِ قائدِ اعظم اور کرسمس"),
]


def seed_holidays(actor) -> None:
    for day, en, ur in HOLIDAYS_2026:
        _save(actor, Holiday, {"date": dt.date.fromisoformat(day), "province": ""}, name_en=en,
              name_ur=ur)  # fmt: skip


def _cell(actor, section, head_en, head_ur, level, username, reports_to=None):
    head = _save(
        actor,
        Post,
        {"section": section, "level": level},
        designation_en=head_en,
        designation_ur=head_ur,
        may_approve=True,
        reports_to=reports_to,
    )
    cell = _save(
        actor,
        Post,
        {"section": section, "level": L.SECTION_OFFICER},
        designation_en=f"Complaint Cell Officer, {section.name_en}",
        designation_ur=f"شکایات سیل آفیسر، {section.name_ur}",
        reports_to=head,
    )
    _ensure_holding(actor, head, _user(f"{username}-head", head_en))
    _ensure_holding(actor, cell, _user(f"{username}-cell", f"Complaint Cell, {section.name_en}"))
    return head, cell


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def seed_all_tehsils(actor) -> dict[str, list[Tehsil]]:
    """Every district's tehsils (``demo.tehsils``), those of the divisions without offices in
    the demo too: the filing form offers them with their district. Returns each district
    code's tehsils, in the list's order."""
    districts = {d.code: d for d in District.objects.all()}
    have = {(t.district_id, t.name_en): t for t in Tehsil.objects.all()}
    by_district: dict[str, list[Tehsil]] = {}
    for code, en, ur in TEHSILS:
        district = districts.get(code)
        if district is None:  # a district an administrator has recoded or removed
            continue
        tehsil = have.get((district.pk, en))
        if tehsil is None:
            tehsil = org.org_save(
                actor=actor, instance=Tehsil(district=district, name_en=en, name_ur=ur)
            )
        by_district.setdefault(code, []).append(tehsil)
    return by_district


def seed_tehsil_offices(actor, department, district, tehsils, deputy_commissioner) -> None:
    """Each of the district's tehsils gets its Assistant Commissioner's office: a
    territorial section of the Chief Secretary's Office, the Assistant Commissioner's post
    reporting to the Deputy Commissioner, and its officer."""
    for tehsil in tehsils:
        en, ur = tehsil.name_en, tehsil.name_ur
        office = _save(
            actor,
            Section,
            {"department": department, "code": f"AC-{district.code}-{_slug(en)}"[:32]},
            name_en=f"Assistant Commissioner's Office, {en}",
            name_ur=f"دفترِ اسسٹنٹ کمشنر، {ur}",
            territorial_role=TerritorialRole.ASSISTANT_COMMISSIONER,
            district=district,
            tehsil=tehsil,
        )
        post = _save(
            actor,
            Post,
            {"section": office, "level": L.SECTION_OFFICER},
            designation_en=f"Assistant Commissioner, {en}",
            designation_ur=f"اسسٹنٹ کمشنر، {ur}",
            reports_to=deputy_commissioner,
        )
        _ensure_holding(actor, post, _user(f"ac-{district.code.lower()}-{_slug(en)}", f"AC {en}"))


def seed_offices(progress=print):
    admin = _user("admin", "Daftar Administrator", is_staff=True, is_superuser=True)
    seed_holidays(admin)
    tehsils = seed_all_tehsils(admin)
    progress(
        f"  {sum(len(t) for t in tehsils.values())} tehsils in {len(tehsils)} districts"
        " (an Assistant Commissioner's office in each of the divisions below)"
    )
    cso = _save(
        admin,
        Department,
        {"code": "CSO"},
        name_en="Chief Secretary's Office",
        name_ur="دفترِ چیف سیکرٹری",
        is_live=True,
        live_since=LIVE_SINCE,
    )
    pmc = _save(
        admin,
        Section,
        {"department": cso, "code": "PMC"},
        name_en="Performance Management Cell",
        name_ur="پرفارمنس مینجمنٹ سیل",
        territorial_role=TerritorialRole.PERFORMANCE_CELL,
    )
    _cell(
        admin,
        pmc,
        "Director, Performance Management Cell",
        "ڈائریکٹر، پرفارمنس مینجمنٹ سیل",
        L.SECRETARY,
        "pmc",
    )
    for division in Division.objects.filter(code__in=DEMO_DIVISIONS):
        office = _save(
            admin,
            Section,
            {"department": cso, "code": f"COM-{division.code}"},
            name_en=f"Commissioner's Office, {division.name_en}",
            name_ur=f"دفترِ کمشنر، {division.name_ur}",
            territorial_role=TerritorialRole.COMMISSIONER,
            division=division,
        )
        commissioner, _ = _cell(
            admin,
            office,
            f"Commissioner, {division.name_en}",
            f"کمشنر، {division.name_ur}",
            L.SECRETARY,
            f"com-{division.code.lower()}",
        )
        for district in division.districts.all():
            dc_office = _save(
                admin,
                Section,
                {"department": cso, "code": f"DC-{district.code}"},
                name_en=f"Deputy Commissioner's Office, {district.name_en}",
                name_ur=f"دفترِ ڈپٹی کمشنر، {district.name_ur}",
                territorial_role=TerritorialRole.DEPUTY_COMMISSIONER,
                district=district,
            )
            dc, _ = _cell(
                admin,
                dc_office,
                f"Deputy Commissioner, {district.name_en}",
                f"ڈپٹی کمشنر، {district.name_ur}",
                L.ADDITIONAL_SECRETARY,
                f"dc-{district.code.lower()}",
                reports_to=commissioner,
            )
            seed_tehsil_offices(admin, cso, district, tehsils.get(district.code, []), dc)
            for dept_code, (code, name_en, name_ur) in LINE.items():
                dept = Department.objects.filter(code=dept_code).first()
                if dept is None:
                    continue
                line = _save(
                    admin,
                    Section,
                    {"department": dept, "code": f"{code}-{district.code}"},
                    name_en=f"{name_en}, {district.name_en}",
                    name_ur=f"{name_ur}، {district.name_ur}",
                    territorial_role=TerritorialRole.LINE,
                    district=district,
                )
                officer = _save(
                    admin,
                    Post,
                    {"section": line, "level": L.DEPUTY_SECRETARY},
                    designation_en=f"District Officer, {line.name_en}",
                    designation_ur=f"ضلعی افسر، {line.name_ur}",
                )
                _ensure_holding(
                    admin, officer, _user(f"{code.lower()}-{district.code.lower()}", line.name_en)
                )
        progress(
            f"  {division.name_en}: Commissioner's office,"
            f" {division.districts.count()} district offices and their tehsils' AC offices"
        )
    for code, en, ur, dept_code, days in CATEGORIES:
        _save(
            admin,
            Category,
            {"code": code},
            name_en=en,
            name_ur=ur,
            department=Department.objects.filter(code=dept_code).first() if dept_code else None,
            limit_days=days,
        )


def _at(moment):
    """Run a service as if it were ``moment`` (the demo's complaints need days to have
    passed)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def seed(progress=print) -> int:
    seed_offices(progress=progress)
    if Complaint.objects.exists():
        progress("  complaints already seeded")
        return 0
    rng = random.Random(21)  # noqa: S311 — demo data, reproducible
    portal = services.portal_actor()
    districts = list(
        District.objects.filter(
            code__in=["PSH-PSH", "PSH-CSD", "PSH-NSR", "MRD-MRD", "MRD-SWB", "HZR-ABT", "HZR-MSH"]
        )
    )
    categories = list(Category.objects.all())
    now = timezone.now()
    texts = [
        "The drain in our street has been blocked for two weeks and water stands on the road.",
        "The girls' primary school has had no teacher for science since the summer holidays.",
        "The basic health unit has no doctor in the afternoon and medicines are out of stock.",
        "Sugar is being sold above the notified price in the main bazaar.",
        "Garbage has not been collected from the market for ten days.",
        "The mutation of my land has been pending at the patwar khana for three months.",
    ]
    made = 0
    states = [
        "registered",
        "assigned",
        "marked",
        "info",
        "resolved",
        "closed",
        "reopened",
        "escalated",
        "escalated2",
        "unrated",
    ]
    for i, district in enumerate(districts * 3):
        state = states[i % len(states)]
        category = categories[i % len(categories)]
        age = {"escalated": 20, "escalated2": 45, "unrated": 30, "closed": 12}.get(
            state, rng.randint(0, 4)
        )
        filed_at = now - dt.timedelta(days=age, hours=rng.randint(0, 8))
        with _at(filed_at):
            c = services.file_complaint(
                actor=portal,
                client=f"demo-{i}",
                category=category,
                district=district,
                description=texts[i % len(texts)],
                mobile=f"0300{1000000 + i:07d}",
                cnic_last4=f"{1000 + i}",
                language="ur" if i % 2 else "en",
            )
        made += 1
        cell = Post.objects.filter(section=c.office, level=L.SECTION_OFFICER).first()
        officer = cell.holdings.current().first().user if cell else None
        if state == "registered" or officer is None:
            continue
        act_at = filed_at + dt.timedelta(hours=3)
        with _at(act_at):
            services.assign(actor=officer, complaint=c, post=cell)
        if state in ("marked", "resolved", "closed", "reopened", "unrated"):
            line = Section.objects.filter(
                territorial_role=TerritorialRole.LINE, district=district
            ).first()
            if line:
                with _at(act_at):
                    services.mark_to(actor=officer, complaint=c, section=line)
        if state == "info":
            with _at(act_at):
                services.request_info(
                    actor=officer, complaint=c, question="Please tell us the nearest landmark."
                )
        if state in ("resolved", "closed", "reopened", "unrated"):
            with _at(act_at + dt.timedelta(days=1)):
                services.resolve(
                    actor=officer,
                    complaint=c,
                    action_taken="Inspected; the staff were directed and the work was done.",
                )
        if state == "closed":
            with _at(act_at + dt.timedelta(days=2)):
                services.give_feedback(actor=portal, complaint=c, satisfied=True)
        if state == "reopened":
            with _at(act_at + dt.timedelta(days=2)):
                services.give_feedback(
                    actor=portal,
                    complaint=c,
                    satisfied=False,
                    comment="The drain is blocked again.",
                )
        if state == "unrated":
            services.close_unanswered(actor=portal, now=now)
    escalated = services.escalate_due(actor=portal, now=now - dt.timedelta(days=25))
    escalated += services.escalate_due(actor=portal, now=now)
    progress(
        f"  {made} complaints, {escalated} escalations; the citizen's side at /complaints/new/"
        f" and /complaints/track/, the offices' at /desk/complaints/"
        f" (e.g. dc-psh-psh-cell / {DEMO_PASSWORD})"
    )
    counts = {s.label: Complaint.objects.filter(status=s).count() for s in Status}
    progress("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    return made
