"""Complaints at the scale of the files (issue 21's floors): as many complaints as files,
spread over KP's districts, a tenth of them past their time limit; then

- ``complaints: file (service, no evidence)`` — the filing service as the public page calls it;
- ``complaints: filing form (public)`` — the public page's empty form, with every district's
  tehsils (``demo.tehsils``, written here if the database has none) under their districts;
- ``complaints: cell queue`` — a DC office's complaint cell's queue, by time left;
- ``complaints: status (API)`` — the citizen's status lookup by number and four digits;
- ``complaints: DC's / Commissioner's / the Cell's dashboard`` — a district's, a division's
  and the province's figures;
- ``complaints: public statistics`` — the public page per district and division;
- ``complaints: escalation sweep`` — one sweep over everything due (rows/s), then a second
  sweep at the same instant, which must move nothing (idempotent).

The offices (a DC office per district with a complaint cell, a Commissioner's office per
division, the Performance Management Cell) are made here if missing, straight into the
tables like the rest of the generated office. Complaints are written with ``bulk_create``
in batches; they are not part of the files' dataset record and are generated once per
database (``COMPLAINTS_MARK``).
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from benchmark.measure import Clients, Op, Unexpected, _expect
from benchmark.measure import run as run_ops
from benchmark.report import Value
from complaints import figures as kept_figures
from complaints import services
from complaints.flows import HANDLE_PERMISSION, ComplaintFlow
from complaints.models import Category, Complaint, ComplaintProcess, Level, Status
from demo.tehsils import TEHSILS
from organisation.models import (
    Department,
    District,
    Division,
    Holding,
    Post,
    Section,
    Tehsil,
    TerritorialRole,
)
from workspace import tracking

BATCH = 5000


def _offices() -> dict[int, Post]:
    """The complaint cell post of each district's DC office (made if missing)."""
    if not District.objects.exists():  # the seed migration's rows, flushed (a test database)
        import importlib

        importlib.import_module("workspace.migrations.0012_seed_kp_divisions_districts").seed_into(
            Division, District
        )
    dept, _ = Department.objects.get_or_create(
        code="BCSO",
        defaults={"name_en": "Chief Secretary's Office (bench)", "is_live": True,
                  "live_since": dt.date(2023, 1, 1)},
    )  # fmt: skip
    user_model = get_user_model()
    start = timezone.now() - dt.timedelta(days=3650)

    def cell(section, username):
        post, _ = Post.objects.get_or_create(
            section=section, level=Post.Level.SECTION_OFFICER,
            defaults={"designation_en": f"Complaint Cell Officer, {section.name_en}"},
        )  # fmt: skip
        if not Holding.objects.current().filter(post=post).exists():
            user, _ = user_model.objects.get_or_create(username=username)
            Holding.objects.create(post=post, user=user, starts_at=start)
        return post

    pmc, _ = Section.objects.get_or_create(
        territorial_role=TerritorialRole.PERFORMANCE_CELL,
        defaults={"department": dept, "code": "B-PMC", "name_en": "Performance Management Cell"},
    )
    cell(pmc, "bench-pmc")
    for division in Division.objects.all():
        com, _ = Section.objects.get_or_create(
            territorial_role=TerritorialRole.COMMISSIONER, division=division,
            defaults={"department": dept, "code": f"B-COM-{division.code}",
                      "name_en": f"Commissioner's Office, {division.name_en}"},
        )  # fmt: skip
        cell(com, f"bench-com-{division.code.lower()}")
    cells = {}
    for district in District.objects.all():
        section, _ = Section.objects.get_or_create(
            territorial_role=TerritorialRole.DEPUTY_COMMISSIONER, district=district,
            defaults={"department": dept, "code": f"B-DC-{district.code}",
                      "name_en": f"Deputy Commissioner's Office, {district.name_en}"},
        )  # fmt: skip
        cells[district.pk] = cell(section, f"bench-cell-{district.code.lower()}")
    return cells


def _category() -> Category:
    category, _ = Category.objects.get_or_create(
        code="bench", defaults={"name_en": "Municipal services", "limit_days": 7}
    )
    return category


def _tehsils() -> None:
    """The province's tehsils (the demo's list) when the database has none: the filing
    form lists them all."""
    if Tehsil.objects.exists():
        return
    districts = {d.code: d for d in District.objects.all()}
    Tehsil.objects.bulk_create(
        Tehsil(district=districts[code], name_en=en, name_ur=ur)
        for code, en, ur in TEHSILS
        if code in districts
    )


def generate(n: int, cells: dict[int, Post], progress, seed: int = 21) -> int:
    """``n`` complaints (those missing), a tenth due; returns how many exist."""
    have = Complaint.objects.count()
    if have >= n:
        return have
    rng = random.Random(seed)  # noqa: S311 — synthetic data
    category = _category()
    now = timezone.now()
    districts = list(cells)
    offices = {d: cells[d].section_id for d in districts}
    started = time.monotonic()
    made = have
    while made < n:
        rows = []
        for i in range(made, min(made + BATCH, n)):
            district = districts[i % len(districts)]
            registered = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            due = registered + dt.timedelta(days=9)
            if i % 10:
                due = now + dt.timedelta(days=rng.randint(1, 9))  # not yet due
            body = "".join(rng.choice(tracking.ALPHABET) for _ in range(tracking.BODY_LENGTH))
            rows.append(
                Complaint(
                    tracking_ref=body + tracking.check_character(body),
                    category=category,
                    district_id=district,
                    office_id=offices[district],
                    description="Synthetic complaint for the benchmark.",
                    status=Status.REGISTERED if i % 3 else Status.ASSIGNED,
                    level=Level.DISTRICT,
                    registered_at=registered,
                    due_at=due,
                    mobile=f"03{i % 10**9:09d}",
                    cnic_last4=f"{i % 10000:04d}",
                )
            )
        Complaint.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        made = min(made + BATCH, n)
        if made % (BATCH * 20) == 0:
            progress(f"  complaints: {made:,} of {n:,}")
    _processes(progress)
    # Written straight into the tables, past the services: the kept figures counted again.
    progress(f"  complaints: {kept_figures.rebuild():,} kept figures counted")
    if connection.vendor == "postgresql":
        # Every table written here, not only the complaints': with the flow tables' statistics
        # from before (no complaint tasks), the sweep's lookup of a batch's open tasks was
        # planned over every open task, ~3 s a batch of 2,000 at 900k complaints instead of
        # 60 ms (session 13). Autovacuum does this in production as tables grow.
        tables = [Complaint, ComplaintProcess, Process, ComplaintFlow.task_class]
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    progress(f"  complaints: {n - have:,} generated in {time.monotonic() - started:.1f} s")
    return Complaint.objects.count()


def _processes(progress) -> None:
    """Each generated complaint's ``ComplaintFlow`` exactly as Viewflow stores it after
    registration: the process, its ``register`` task done and its ``handle`` task open at the
    complaint's office (the escalation sweep ends that stay). Written in batches, straight into
    the tables (Django cannot bulk-create a multi-table child)."""
    section_type = ContentType.objects.get_for_model(Section)
    Task = ComplaintFlow.task_class
    made = 0
    while True:
        rows = list(
            Complaint.objects.filter(processes__isnull=True)
            .order_by("pk")
            .values_list("pk", "office_id", "registered_at")[:BATCH]
        )
        if not rows:
            break
        processes = Process.objects.bulk_create(
            Process(flow_class=ComplaintFlow, status=PROCESS.NEW, created=at) for _, _, at in rows
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ComplaintProcess._meta.db_table} "  # noqa: S608 — a model's table
                "(process_ptr_id, complaint_id, route) VALUES (%s, %s, '')",
                [(p.pk, c) for p, (c, _, _) in zip(processes, rows, strict=True)],
            )
        starts = Task.objects.bulk_create(
            Task(
                process_id=p.pk,
                flow_task=ComplaintFlow.register,
                flow_task_type=ComplaintFlow.register.task_type,
                status=STATUS.DONE,
                created=at,
                started=at,
                finished=at,
                token=Token("start"),
            )
            for p, (_, _, at) in zip(processes, rows, strict=True)
        )
        handles = Task.objects.bulk_create(
            Task(
                process_id=p.pk,
                flow_task=ComplaintFlow.handle,
                flow_task_type=ComplaintFlow.handle.task_type,
                status=STATUS.NEW,
                created=at,
                token=Token("start"),
                owner_permission=HANDLE_PERMISSION,
                owner_permission_content_type=section_type,
                owner_permission_obj_pk=str(office),
            )
            for p, (_, office, at) in zip(processes, rows, strict=True)
        )
        Task.previous.through.objects.bulk_create(
            Task.previous.through(from_task_id=h.pk, to_task_id=s.pk)
            for h, s in zip(handles, starts, strict=True)
        )
        made += len(rows)
    if made:
        progress(f"  complaints: {made:,} flows written")


def _wanted(name: str, only: list[str]) -> bool:
    return not only or any(word.lower() in name.lower() for word in only)


def figures(*, n_files: int, iterations: int, warmup: int, floor_ids, progress, only=()) -> list:
    """The complaints' figures; with ``only`` (``--only``), just the operations named."""
    sweep_wanted = _wanted("complaints: escalation sweep", list(only))
    if only and not sweep_wanted and not any("complaint" in w.lower() for w in only):
        return []
    cells = _offices()
    _tehsils()
    total = generate(n_files, cells, progress)
    users = {d: p.holdings.current().first().user for d, p in cells.items()}
    category = _category()
    districts = {d.pk: d for d in District.objects.filter(pk__in=list(cells))}
    district_ids = list(cells)
    portal = services.portal_actor()
    clients = Clients()
    anonymous = Client()
    sample = list(Complaint.objects.order_by("?").values_list("tracking_ref", "cnic_last4")[:200])

    def file(i):
        d = districts[district_ids[i % len(district_ids)]]
        return services.file_complaint(
            actor=portal, client=f"bench-{i}", category=category, district=d,
            description="A complaint filed by the benchmark, without evidence.",
            mobile=f"0399{time.monotonic_ns() % 10**7:07d}", cnic_last4="1234",
        )  # fmt: skip

    queue_users = [users[d] for d in district_ids]

    def queue(i):
        user = queue_users[i % len(queue_users)]
        return _expect(clients.of(user).get(reverse("complaints:queue")), 200)

    def status(i):
        ref, digits = sample[i % len(sample)]
        response = anonymous.post(
            "/api/v1/complaints/status/",
            {"reference": ref, "second_factor": digits},
            content_type="application/json",
        )
        if response.status_code != 200:
            raise Unexpected(f"status lookup answered {response.status_code}")
        return response

    commissioners = list(
        get_user_model().objects.filter(username__startswith="bench-com-").order_by("pk")
    )
    pmc = get_user_model().objects.filter(username="bench-pmc").first()

    def dashboard(user_list):
        def call(i):
            user = user_list[i % len(user_list)]
            return _expect(clients.of(user).get(reverse("complaints:dashboard")), 200)

        return call

    def filing_form(i):
        return _expect(anonymous.get(reverse("complaints:new")), 200)

    def public_stats(i):
        return _expect(anonymous.get(reverse("complaints:statistics")), 200)

    ops = [
        Op("complaints: file (service, no evidence)", file, note="one commit with its audit row"),
        Op(
            "complaints: filing form (public)",
            filing_form,
            note=f"{Tehsil.objects.count()} tehsils under their districts",
        ),
        Op("complaints: cell queue", queue, note="a DC office's cell, by time left"),
        Op("complaints: status (API)", status, note="by number and four digits"),
        Op("complaints: DC's dashboard", dashboard(queue_users), note="one district"),
        Op("complaints: Commissioner's dashboard", dashboard(commissioners), note="a division"),
        Op("complaints: the Cell's dashboard", dashboard([pmc]), note="the province"),
        Op(
            "complaints: public statistics",
            public_stats,
            note="per district and division; the figures cached ten minutes",
        ),
    ]
    # Every officer's client made and used once before timing (a test client builds its
    # middleware chain on its first request).
    for user in queue_users:
        clients.of(user).get(reverse("complaints:queue"))
    for user in [*commissioners, pmc]:
        clients.of(user).get(reverse("complaints:dashboard"))
    anonymous.get(reverse("complaints:statistics"))
    unlimited = (10**9, 60)
    huge = {
        "DAFTAR_COMPLAINT_CLIENT_LIMIT": unlimited,
        "DAFTAR_COMPLAINT_MOBILE_LIMIT": unlimited,
        "DAFTAR_TRACKING_CLIENT_LIMIT": unlimited,
    }
    ops = [op for op in ops if _wanted(op.name, list(only))]
    out = []
    with override_settings(**huge):
        out = run_ops(
            ops, n_files=n_files, iterations=iterations, warmup=warmup,
            floor_ids=floor_ids, progress=progress,
        )[1:] if ops else []  # fmt: skip
    if not sweep_wanted:
        return out
    now = timezone.now()
    due = services.due_complaints(now).count()
    started = time.monotonic()
    moved = services.escalate_due(actor=portal, now=now)
    seconds = time.monotonic() - started
    started = time.monotonic()
    again = services.escalate_due(actor=portal, now=now)
    second = time.monotonic() - started
    progress(f"  escalation sweep: {moved:,} of {total:,} moved in {seconds:.2f} s; "
             f"again: {again} in {second:.3f} s")  # fmt: skip
    out += [
        Value(
            "complaints: escalation sweep",
            n_files,
            round(moved / seconds, 1) if seconds and moved else None,
            "rows/s",
            extra={"complaints": total, "due": due, "moved": moved, "seconds": round(seconds, 3)},
        ),
        Value(
            "complaints: escalation sweep again (idempotent)",
            n_files,
            round(second, 4),
            "s",
            note="must move nothing",
            extra={"moved": again},
        ),
    ]
    return out
