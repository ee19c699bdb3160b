"""The entity portal's operations in ``manage.py benchmark`` (issue 22): its two pages as an
entity user reads them, and the submission of a certified return through the service, over
the CGU's 183 entities and their years of returns. Nothing here without the CGU's data
(``--quick`` seeds none): the operations are then absent and a note says why."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.urls import reverse

from benchmark.measure import Clients, Op, Unexpected, _get_as
from cgu import originals
from cgu.models import EntityUser, KpiDefinition, KpiReturn, PublicSectorEntity, ReportingPeriod
from cgu.services import entity as entity_services
from cgu.services import review
from demo.cgu import _cast
from demo.cgu_entities import seed as seed_entity_users

BENCH_PASSWORD = "bench-entity-pw-1234"  # noqa: S105 — synthetic benchmark users only
FAST = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


def ensure_entity_users(progress) -> bool:
    """The demo's entity users (demo.cgu_entities), seeded once into a CGU dataset."""
    if EntityUser.objects.exists():
        return True
    if not KpiReturn.objects.exists():
        return False
    with override_settings(**FAST):
        seed_entity_users(progress=lambda msg: progress(f"    {msg.strip()}"))
    return EntityUser.objects.exists()


def page_ops(clients: Clients) -> list[Op]:
    # Heads of entities that have filed: the same screens, the same number of queries.
    heads = list(
        EntityUser.objects.filter(
            joined_at__isnull=False, deactivated_at__isnull=True, role=EntityUser.Role.HEAD
        )
        .select_related("user")
        .order_by("pk")
    )
    latest = {
        m.entity_id: KpiReturn.objects.filter(entity_id=m.entity_id)
        .order_by("-period__ends_on")
        .values_list("period__code", flat=True)
        .first()
        for m in heads
    }
    published = set(KpiReturn.objects.filter(is_published=True).values_list("entity_id", flat=True))
    members = [m for m in heads if latest[m.entity_id] and m.entity_id in published]
    if not members:
        return []
    pairs = [(m.user, latest[m.entity_id]) for m in members]
    # Each head's client makes its first request here, outside the timing: a test client
    # builds its middleware chain then (~40 ms), which landed in the first iterations after
    # the warm-up (5 of 60 at 15 heads: the home page's p95 was that, 50-60 ms).
    clients.warm([m.user for m in members], reverse("entity:home"))
    return [
        Op(
            "entity portal: home",
            _get_as(clients, [(m.user, None) for m in members], reverse("entity:home")),
            note="due periods, statuses, published figures beside the department's and "
            "the province's medians",
        ),
        Op(
            "entity portal: a period's return",
            _get_as(clients, pairs, lambda code: reverse("entity:period", args=[code])),
            note="the figures form, the draft and every version with its values",
        ),
    ]


def submit_op(count: int, seed: int) -> Op | None:
    """``draft_submit``: each iteration submits a different entity's certified draft for a
    quarter it has not filed (a head alone in the entity prepared and certified it, outside
    the timing): documents intake, the return's version, its review flow, the audit row."""
    periods = list(
        ReportingPeriod.objects.filter(kind=ReportingPeriod.Kind.QUARTERLY).order_by("-ends_on")[:8]
    )
    if not periods or not KpiReturn.objects.exists():
        return None
    cast = _cast()
    if cast is None or cast.clerk is None or cast.reviewer is None:
        return None
    taken = set(KpiReturn.objects.values_list("entity_id", "period_id"))
    kpis = list(KpiDefinition.objects.filter(is_active=True, is_required=True))

    def rows_of(entity):
        return [
            {"kpi_code": k.code, "value": str(k.min_value or 0)}
            for k in kpis
            if k.applies_to(entity.type)
        ]

    plan = []
    with override_settings(**FAST):
        # Earlier runs' submissions are sent back by the CGU (outside the timing), so their
        # entities file again: the next version of the same return, run after run. A return
        # already sent back (a run that stopped before filing it again) is filed again too,
        # so that the entities without users are not used up by repeated runs.
        seen = set()
        for r in (
            KpiReturn.objects.filter(submitted_by__username__endswith="@entity.bench")
            .select_related("entity", "period", "submitted_by")
            .order_by("entity_id", "period_id", "-version")
        ):
            if len(plan) >= count:
                break
            if (r.entity_id, r.period_id) in seen:
                continue  # an older version
            seen.add((r.entity_id, r.period_id))
            if r.status in KpiReturn.OPEN_STATUSES:
                review.return_send_back(
                    actor=cast.reviewer, kpi_return=r, reasons="Benchmark: file it again."
                )
            elif r.status != KpiReturn.Status.RETURNED:
                continue
            draft = entity_services.draft_save(
                actor=r.submitted_by, entity=r.entity, period=r.period, rows=rows_of(r.entity)
            )
            plan.append(
                (r.submitted_by, entity_services.draft_certify(actor=r.submitted_by, draft=draft))
            )
        have_users = set(EntityUser.objects.values_list("entity_id", flat=True))
        for entity in PublicSectorEntity.objects.filter(is_active=True).order_by("code"):
            if len(plan) >= count:
                break
            if entity.pk in have_users:
                continue
            free = [p for p in periods if (entity.pk, p.pk) not in taken]
            if not free:
                continue
            member, key = entity_services.entity_user_invite(
                actor=cast.clerk,
                entity=entity,
                email=f"bench.{entity.code.lower()}@entity.bench",
                full_name=f"Bench {entity.code}",
                role="head",
            )
            entity_services.invitation_accept(
                actor=AnonymousUser(),
                key=key,
                password=BENCH_PASSWORD,
                password_again=BENCH_PASSWORD,
            )
            user = member.user
            user.refresh_from_db()
            draft = entity_services.draft_save(
                actor=user, entity=entity, period=free[0], rows=rows_of(entity)
            )
            plan.append((user, entity_services.draft_certify(actor=user, draft=draft)))
    if not plan:
        return None

    def call(i):
        user, draft = plan[i % len(plan)]
        return entity_services.draft_submit(actor=user, draft=draft)

    return Op(
        "entity return submit (service)",
        call,
        note="a certified draft submitted: the return's version, its review flow started, "
        "the audit row; the PDF of the figures is enqueued (next operation)",
        limit=len(plan),
    )


def paper_op(count: int) -> Op:
    """The background task that keeps the PDF of each return the submissions above left
    queued (``cgu.originals.keep_paper``): a worker's job, reported, not judged by the rule.
    The returns are found at the first call, once the submissions have run."""
    queued: list[int] = []

    def call(i):
        if not queued:
            queued.extend(
                KpiReturn.objects.filter(
                    paper_status=KpiReturn.PaperStatus.QUEUED,
                    submitted_by__username__endswith="@entity.bench",
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        if i >= len(queued):
            raise Unexpected("no queued paper left")
        return originals.keep_paper(queued[i])

    return Op(
        "entity return paper (background task)",
        call,
        note="the PDF of a submitted return's figures made and kept through the documents "
        "intake, after the entity was told it is received",
        limit=count,
        background=True,
    )
