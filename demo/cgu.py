"""Demo data of the CGU for ``manage.py seed_demo``: KPIs, reporting periods around today,
183 public sector entities with focal persons and monitoring files, and several periods of
returns with late and missing filers.

The registry, the monitoring files and the latest quarter's returns go through the services
(audited, on the review flow, papers on the files); older quarters' accepted figures are
bulk-loaded as history, as a migration from the previous system would be. Every figure is
invented, from a seeded random generator, so the demo is the same each time."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cgu import services
from cgu.models import (
    EntityType,
    KpiDefinition,
    KpiReturn,
    KpiValue,
    PerformanceReport,
    PublicSectorEntity,
    Reminder,
    ReportingPeriod,
)
from cgu.selectors import filing, registry
from demo import cgu_data
from organisation import services as org
from organisation.models import Department, Holding, Post
from workspace.models import SubjectHead

T = EntityType
QUARTERS_BACK = 6
LIVE_RETURNS = 32  # of the latest quarter, through the services (the rest bulk-loaded)
SEND_BACK_REASONS = [
    "Expenditure exceeds the budget without a supplementary grant; attach the sanction or "
    "correct the figure.",
    "Own-source revenue does not match the audited statement (Flag A). Reconcile and resubmit.",
    "Staff in position differs from the sanctioned strength report; confirm the figure.",
]
FIRST_NAMES = [
    "Amjad",
    "Shazia",
    "Naeem",
    "Rukhsana",
    "Zahid",
    "Farzana",
    "Tahir",
    "Nasreen",
    "Javed",
    "Gulalai",
    "Irfan",
    "Shabana",
    "Asghar",
    "Nighat",
    "Wajid",
    "Samina",
    "Khalid",
    "Bushra",
    "Rashid",
    "Saima",
    "Sajjad",
    "Humaira",
    "Zafar",
    "Robina",
    "Fazal",
    "Tahira",
]
LAST_NAMES = [
    "Khan",
    "Afridi",
    "Yousafzai",
    "Khattak",
    "Marwat",
    "Bangash",
    "Orakzai",
    "Swati",
    "Jadoon",
    "Durrani",
    "Mohmand",
    "Shinwari",
    "Wazir",
    "Tareen",
    "Kundi",
    "Gandapur",
]
DESIGNATIONS = [
    "Director Finance",
    "Treasurer",
    "Chief Finance Officer",
    "Deputy Director (Accounts)",
]
PHONE_CODES = {
    "FD": "91",
    "HED": "91",
    "STIT": "91",
    "SYA": "91",
    "HD": "91",
    "LGD": "91",
    "ESED": "91",
}

# (annual budget PKR m low, high), staff (low, high), own-source revenue share of budget
PROFILE = {
    T.UNIVERSITY: ((1500, 9000), (600, 3500), (0.30, 0.55)),
    T.TEACHING_HOSPITAL: ((4000, 26000), (1500, 6500), (0.12, 0.30)),
    T.MUNICIPAL_SERVICE: ((80, 900), (60, 600), (0.15, 0.40)),
    T.AUTHORITY: ((300, 12000), (50, 1500), (0.20, 0.70)),
    T.COMPANY: ((800, 30000), (100, 2500), (0.60, 1.10)),
    T.BOARD: ((150, 6000), (30, 900), (0.05, 0.50)),
}


@dataclass
class Cast:
    """Who does what in the demo: the CGU's officers (the current holders of its posts)."""

    clerk: object  # enters returns, opens monitoring files
    reviewer: object  # Section Officer: reviews, keeps the registry
    head: object


def _holder(post):
    holding = Holding.objects.current().filter(post=post).order_by("kind").first()
    return holding.user if holding else None


def _cast() -> Cast | None:
    posts = Post.objects.filter(section__department__code="FD", section__code="CGU")
    by_level = {p.level: p for p in posts}
    L = Post.Level
    needed = [L.ASSISTANT, L.SECTION_OFFICER, L.DEPUTY_SECRETARY]
    if any(level not in by_level for level in needed):
        return None
    return Cast(
        clerk=_holder(by_level[L.ASSISTANT]),
        reviewer=_holder(by_level[L.SECTION_OFFICER]),
        head=_holder(by_level[L.DEPUTY_SECRETARY]),
    )


# ---------------------------------------------------------------- periods


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (q - 1) + 1, 1)
    end_month = 3 * q
    end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


def period_specs(today: dt.date) -> list[dict]:
    """The last QUARTERS_BACK ended quarters (returns due a month after) and the last two
    ended financial years (July to June, due three months after), oldest first."""
    specs = []
    year, q = quarter_of(today)
    for _ in range(QUARTERS_BACK):
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        start, end = quarter_bounds(year, q)
        specs.append(
            {
                "code": f"{year}-Q{q}",
                "kind": ReportingPeriod.Kind.QUARTERLY,
                "starts_on": start,
                "ends_on": end,
                "deadline": end + dt.timedelta(days=31),
            }
        )
    fy_end_year = today.year if today > dt.date(today.year, 6, 30) else today.year - 1
    for y in (fy_end_year - 1, fy_end_year):
        specs.append(
            {
                "code": f"FY{y - 1}-{str(y)[2:]}",
                "kind": ReportingPeriod.Kind.ANNUAL,
                "starts_on": dt.date(y - 1, 7, 1),
                "ends_on": dt.date(y, 6, 30),
                "deadline": dt.date(y, 9, 30),
            }
        )
    return sorted(specs, key=lambda s: (s["ends_on"], s["kind"]))


# ---------------------------------------------------------------- figures


class Figures:
    """Invented but plausible figures of one entity, the same on every run."""

    def __init__(self, entity: PublicSectorEntity):
        self.entity = entity
        self.rng = random.Random(f"daftar-cgu-{entity.code}")
        budget, staff, osr = PROFILE[entity.type]
        scale = 5 if entity.code.startswith(("WSS", "BOK")) else 1
        self.annual = self.rng.uniform(*budget) * scale
        self.staff = self.rng.randint(*staff) * (3 if scale > 1 else 1)
        self.osr_share = self.rng.uniform(*osr)
        self.utilisation = self.rng.uniform(62, 97)
        self.service = {
            "ENROLMENT": self.rng.randint(3000, 40000),
            "FACULTY_PHD": self.rng.uniform(25, 75),
            "OPD_VISITS": self.rng.randint(80_000, 600_000),
            "BED_OCCUPANCY": self.rng.uniform(70, 112),
            "WATER_COVERAGE": self.rng.uniform(35, 90),
            "WASTE_COLLECTED": self.rng.uniform(40, 95),
            "PROJECTS_ON_TIME": self.rng.uniform(30, 90),
            "APPROVAL_DAYS": self.rng.randint(15, 120),
            "COST_RECOVERY": self.rng.uniform(60, 140),
            "CUSTOMERS": self.rng.randint(20_000, 2_000_000),
            "BENEFICIARIES": self.rng.randint(2_000, 800_000),
            "SERVICE_DAYS": self.rng.randint(3, 60),
            "COMPLAINTS_RESOLVED": self.rng.uniform(50, 98),
        }

    def quarter(self, index: int) -> dict[str, Decimal]:
        """Figures of the ``index``-th demo quarter (0 = oldest): slow growth, noise."""
        rng = random.Random(f"{self.entity.code}-{index}")
        growth = 1 + 0.015 * index
        budget = self.annual / 4 * growth * rng.uniform(0.95, 1.05)
        util = min(118.0, max(35.0, self.utilisation + rng.uniform(-9, 9) + index * 0.6))
        spent = budget * util / 100
        osr = budget * self.osr_share * rng.uniform(0.85, 1.15)
        s = self.service
        values = {
            "BUDGET": budget,
            "EXPENDITURE": spent,
            "UTIL_PCT": util,
            "OSR": osr,
            "RECEIVABLES": osr * rng.uniform(0.2, 1.4),
            "LIABILITIES": budget * rng.uniform(0.1, 0.9),
            "SURPLUS": budget - spent + osr * rng.uniform(-0.1, 0.2),
            "STAFF": self.staff + rng.randint(-15, 25),
            "ENROLMENT": s["ENROLMENT"] * growth,
            "FACULTY_PHD": min(100, s["FACULTY_PHD"] + index * 0.4),
            "GRADUATES": s["ENROLMENT"] / 16 * rng.uniform(0.6, 1.4),
            "OPD_VISITS": s["OPD_VISITS"] * growth * rng.uniform(0.9, 1.1),
            "ADMISSIONS": s["OPD_VISITS"] / 11 * rng.uniform(0.9, 1.1),
            "BED_OCCUPANCY": s["BED_OCCUPANCY"] + rng.uniform(-6, 6),
            "SURGERIES": s["OPD_VISITS"] / 45 * rng.uniform(0.8, 1.2),
            "WATER_COVERAGE": min(100, s["WATER_COVERAGE"] + index * 0.7),
            "WASTE_COLLECTED": min(100, s["WASTE_COLLECTED"] + rng.uniform(-5, 5)),
            "COMPLAINTS_RESOLVED": min(100, s["COMPLAINTS_RESOLVED"] + rng.uniform(-6, 4)),
            "PROJECTS_ON_TIME": min(100, s["PROJECTS_ON_TIME"] + rng.uniform(-8, 8)),
            "APPROVAL_DAYS": max(5, s["APPROVAL_DAYS"] - index * 2 + rng.randint(-5, 5)),
            "COST_RECOVERY": s["COST_RECOVERY"] + rng.uniform(-8, 8),
            "CUSTOMERS": s["CUSTOMERS"] * growth,
            "BENEFICIARIES": s["BENEFICIARIES"] * growth * rng.uniform(0.9, 1.1),
            "SERVICE_DAYS": max(1, s["SERVICE_DAYS"] + rng.randint(-4, 4)),
        }
        return values

    def year(self, quarters: list[dict]) -> dict[str, float]:
        """A financial year from its quarters: amounts add up, rates average."""
        out = {}
        for code in quarters[0]:
            vals = [q[code] for q in quarters]
            out[code] = sum(vals) / len(vals) if code in MEAN_CODES else sum(vals)
        return out


MEAN_CODES = {k[0] for k in cgu_data.KPIS if k[9] == KpiDefinition.Aggregation.MEAN}


def _rows(entity, kpis, values: dict) -> dict[int, Decimal]:
    out = {}
    for kpi in kpis:
        if not kpi.applies_to(entity.type) or kpi.code not in values:
            continue
        raw = values[kpi.code]
        q = Decimal(1) if kpi.whole_numbers_only else Decimal("0.01")
        value = Decimal(str(raw)).quantize(q)
        if kpi.min_value is not None:
            value = max(value, kpi.min_value)
        if kpi.max_value is not None:
            value = min(value, kpi.max_value)
        out[kpi.pk] = value
    return out


# ---------------------------------------------------------------- filing behaviour


def behaviour(entity: PublicSectorEntity) -> str:
    """How an entity files: most on time, some late, a few erratic, a handful never."""
    r = random.Random(f"filing-{entity.code}").random()
    if r < 0.05:
        return "never"
    if r < 0.15:
        return "erratic"
    if r < 0.33:
        return "late"
    return "on_time"


def received(entity, period, index: int) -> dt.date | None:
    """When the entity's return for ``period`` arrived (None: it did not)."""
    kind = behaviour(entity)
    rng = random.Random(f"recv-{entity.code}-{period.code}")
    if kind == "never" or (kind == "erratic" and rng.random() < 0.45):
        return None
    if kind == "late" or (kind == "erratic" and rng.random() < 0.5):
        day = period.deadline + dt.timedelta(days=rng.randint(1, 40))
    else:
        day = period.ends_on + dt.timedelta(
            days=rng.randint(5, (period.deadline - period.ends_on).days)
        )
    return day


# ---------------------------------------------------------------- the seed


def _seed_registry(cast: Cast, progress) -> None:
    for i, (code, en, ur, unit, cat, types, req, low, high, agg) in enumerate(cgu_data.KPIS):
        if not KpiDefinition.objects.filter(code=code).exists():
            services.kpi_save(
                actor=cast.reviewer,
                instance=KpiDefinition(
                    code=code,
                    name_en=en,
                    name_ur=ur,
                    unit=unit,
                    category=cat,
                    entity_types=[str(t) for t in types],
                    is_required=req,
                    min_value=Decimal(low),
                    max_value=Decimal(high),
                    aggregation=agg,
                    position=(i + 1) * 10,
                ),
            )
    for spec in period_specs(timezone.localdate()):
        if not ReportingPeriod.objects.filter(code=spec["code"]).exists():
            services.period_save(actor=cast.reviewer, instance=ReportingPeriod(**spec))
    departments = {d.code: d for d in Department.objects.all()}
    existing = set(PublicSectorEntity.objects.values_list("code", flat=True))
    made = 0
    for n, (code, en, ur, kind, dept) in enumerate(cgu_data.all_entities()):
        if code in existing or dept not in departments:
            continue
        rng = random.Random(f"contact-{code}")
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        services.entity_save(
            actor=cast.reviewer,
            instance=PublicSectorEntity(
                code=code,
                name_en=en,
                name_ur=ur,
                type=kind,
                department=departments[dept],
                contact_name=name,
                contact_designation=rng.choice(DESIGNATIONS),
                # Every 17th has no email on record: reminders fall back to the phone.
                contact_email="" if n % 17 == 5 else f"finance@{cgu_data.slug(code)}.example.pk",
                contact_phone=f"+92 {PHONE_CODES[dept]} {rng.randint(9_000_000, 9_299_999)}",
                address=en.rsplit(" ", 1)[-1] if kind != T.MUNICIPAL_SERVICE else "",
            ),
        )
        made += 1
    periods = len(period_specs(timezone.localdate()))
    progress(f"  {len(cgu_data.KPIS)} KPIs, {periods} periods, {made} new entities")


def _seed_files(cast: Cast, progress) -> None:
    """Each entity's monitoring file, opened at the CGU Assistant's post."""
    fd = Department.objects.get(code="FD")
    # The Finance Department's file index gets a head for PSE monitoring, through the
    # audited organisation service (an administrator's act).
    head = SubjectHead.objects.filter(department=fd, code="PSE").first()
    if head is None:
        admin = get_user_model().objects.filter(is_superuser=True, is_active=True).first()
        head = org.org_save(
            actor=admin,
            instance=SubjectHead(
                department=fd,
                code="PSE",
                name_en="Public sector entities: monitoring",
                name_ur="پبلک سیکٹر ادارے: نگرانی",
            ),
        )
    opened = 0
    for entity in PublicSectorEntity.objects.filter(monitoring_file__isnull=True).order_by("code"):
        services.monitoring_file_open(actor=cast.clerk, entity=entity, subject_head=head)
        opened += 1
    progress(f"  {opened} monitoring files opened at the CGU")


def _seed_history(cast: Cast, periods, kpis, entities, progress) -> None:
    """Accepted figures of the older periods, bulk-loaded (no review flow, no papers)."""
    quarters = [p for p in periods if p.kind == ReportingPeriod.Kind.QUARTERLY]
    latest = quarters[-1]
    done = set(KpiReturn.objects.values_list("entity_id", "period_id"))
    figures = {e.pk: Figures(e) for e in entities}
    q_values = {
        e.pk: {p.pk: figures[e.pk].quarter(i) for i, p in enumerate(quarters)} for e in entities
    }
    returns, pending_values = [], []
    for period in periods:
        if period == latest:
            continue
        index = quarters.index(period) if period in quarters else None
        for e in entities:
            if (e.pk, period.pk) in done:
                continue
            day = received(e, period, index or 0)
            if day is None or day > timezone.localdate():
                continue
            if index is not None:
                values = q_values[e.pk][period.pk]
            else:
                covered = [
                    q_values[e.pk][q.pk]
                    for q in quarters
                    if period.starts_on <= q.starts_on and q.ends_on <= period.ends_on
                ]
                if len(covered) < 4:
                    # The demo's quarters do not reach back over this whole year: scale.
                    base = covered or [figures[e.pk].quarter(0)]
                    covered = (base * 4)[:4]
                values = figures[e.pk].year(covered)
            r, vals = _bulk_accepted(cast, e, period, day, _rows(e, kpis, values))
            returns.append(r)
            pending_values.append((r, vals))
    with transaction.atomic():
        KpiReturn.objects.bulk_create(returns, batch_size=500)
        KpiValue.objects.bulk_create(
            (
                KpiValue(kpi_return=r, kpi_id=kpi_id, value=v)
                for r, vals in pending_values
                for kpi_id, v in vals.items()
            ),
            batch_size=2000,
        )
    progress(f"  {len(returns)} accepted returns of earlier periods loaded as history")


def _bulk_accepted(cast, entity, period, day, values: dict[int, Decimal]):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(11, 0)))
    r = KpiReturn(
        entity=entity,
        period=period,
        version=1,
        status=KpiReturn.Status.ACCEPTED,
        is_published=True,
        source=KpiReturn.Source.FORM,
        received_on=day,
        submitted_by=cast.clerk,
        submitted_at=at,
        reviewed_by=cast.reviewer,
        decided_at=min(timezone.now(), at + dt.timedelta(days=9)),
    )
    return r, values


def _seed_latest(cast: Cast, period, index: int, kpis, entities, progress) -> None:
    """The latest quarter. LIVE_RETURNS of its returns go through the services — entered
    from the form (a PDF of the figures goes on each monitoring file), then accepted,
    returned (some resubmitted), taken up or left waiting; the other filers' figures are
    bulk-loaded as accepted. The rest have not filed, and half of those owing were reminded
    a week after the deadline."""
    done = set(KpiReturn.objects.filter(period=period).values_list("entity_id", flat=True))
    today = timezone.localdate()
    kpi_by_id = {k.pk: k for k in kpis}
    filers = []
    for e in entities:
        day = received(e, period, index)
        if e.pk not in done and day is not None and day <= today:
            filers.append((e, day))
    random.Random(f"latest-{period.code}").shuffle(filers)
    live, bulk = filers[:LIVE_RETURNS], filers[LIVE_RETURNS:]
    fates = ["accept", "send_back", "take_up", "wait"]
    for n, (e, day) in enumerate(live):
        rng = random.Random(f"latest-{e.code}")
        values = _rows(e, kpis, Figures(e).quarter(index))
        rows = [{"kpi_code": kpi_by_id[k].code, "value": str(v)} for k, v in values.items()]
        r = services.return_submit(
            actor=cast.clerk, entity=e, period=period, rows=rows, received_on=day
        )
        fate = fates[n % len(fates)]
        if fate == "accept":
            services.return_accept(actor=cast.reviewer, kpi_return=r)
        elif fate == "send_back":
            r = services.return_send_back(
                actor=cast.reviewer, kpi_return=r, reasons=rng.choice(SEND_BACK_REASONS)
            )
            if n % 8 == 1:
                services.return_resubmit(
                    actor=cast.clerk,
                    kpi_return=r,
                    rows=rows,
                    received_on=min(today, day + dt.timedelta(days=6)),
                )
        elif fate == "take_up":
            services.return_take_up(actor=cast.reviewer, kpi_return=r)
    made = [
        _bulk_accepted(cast, e, period, day, _rows(e, kpis, Figures(e).quarter(index)))
        for e, day in bulk
    ]
    with transaction.atomic():
        KpiReturn.objects.bulk_create([r for r, _ in made])
        KpiValue.objects.bulk_create(
            KpiValue(kpi_return=r, kpi_id=k, value=v) for r, vals in made for k, v in vals.items()
        )
    report_day = period.deadline + dt.timedelta(days=7)
    if report_day <= today and not Reminder.objects.filter(period=period).exists():
        owing = filing.compliance(period, on=report_day).owing[::2]
        Reminder.objects.bulk_create(
            Reminder(
                entity=row.entity,
                period=period,
                email=row.entity.contact_email,
                reason="overdue" if row.latest is None else "returned",
                sent_by=cast.clerk,
                created_at=timezone.make_aware(dt.datetime.combine(report_day, dt.time(10))),
                delivery=(
                    Reminder.Delivery.SENT
                    if row.entity.contact_email
                    else Reminder.Delivery.NO_EMAIL
                ),
            )
            for row in owing
        )
    progress(
        f"  {period.code}: {len(live)} returns entered and reviewed through the services, "
        f"{len(bulk)} more loaded as accepted"
    )


def seed(progress=print) -> None:
    """The CGU's demo data (idempotent: what exists is left as it is). One transaction:
    on SQLite that is one sync to disk instead of hundreds."""
    with transaction.atomic():
        _seed(progress)


def _seed(progress) -> None:
    started = time.monotonic()
    cast = _cast()
    if cast is None or not all([cast.clerk, cast.reviewer, cast.head]):
        progress("  skipped: the Finance Department's CGU posts are not seeded")
        return
    _seed_registry(cast, progress)
    _seed_files(cast, progress)
    kpis = list(KpiDefinition.objects.filter(is_active=True))
    periods = list(ReportingPeriod.objects.order_by("ends_on", "kind"))
    entities = list(PublicSectorEntity.objects.filter(is_active=True).order_by("code"))
    quarters = [p for p in periods if p.kind == ReportingPeriod.Kind.QUARTERLY]
    if not quarters:
        return
    _seed_history(cast, periods, kpis, entities, progress)
    _seed_latest(cast, quarters[-1], len(quarters) - 1, kpis, entities, progress)
    _seed_report(cast, progress)
    progress(f"  CGU seeded in {time.monotonic() - started:.1f} s")


def _seed_report(cast, progress) -> None:
    """A Service Delivery Performance Monitoring Report for the latest quarter whose returns
    were due, generated as the head of the CGU would (the weekly ``cgu_report``), so the
    demo's reports screen and public report page have one from the start."""
    if PerformanceReport.objects.exists():
        return
    period = registry.latest_due_quarter()
    if period is None:
        return
    row = services.report_generate(actor=cast.head, period=period)
    progress(f"  monitoring report for {period.code}: {row.entities_reported} entities")
