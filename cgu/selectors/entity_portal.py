"""The entity portal's reads that run on every page an entity user opens, compiled once
(``kernel.compiled``): their membership (with its entity and department), the home page's due
periods with the entity's latest version and open draft of each, and the entity's people.

Compiling each queryset cost about as much as running it: the home page's three reads took
~3.5 ms of CPU a request as plain querysets, ~0.8 ms compiled (session 13,
docs/benchmarks.md). The callers (``cgu.access.entity_membership``, ``cgu.portal``) keep the
rules; these are the reads only, each scoped by the entity or user id it is given.
``tests/cgu/test_compiled_reads.py`` checks each against its plain queryset."""

from __future__ import annotations

import datetime as dt

from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from cgu.models import EntityDraft, EntityUser, KpiReturn, KpiValue, ReportingPeriod
from cgu.selectors.published import _published_aggregate
from kernel.compiled import compiled, together

DUE_PERIODS = 8  # the periods the portal lists: the latest ended ones
OPEN_DRAFT_STATES = [EntityDraft.State.DRAFT, EntityDraft.State.CERTIFIED]


@compiled
def membership_of(*, user_id: int):
    """The user's active, joined membership with its entity and the entity's department
    (at most one row: a user has one membership)."""
    return (
        EntityUser.objects.select_related("entity__department")
        .filter(user_id=user_id, deactivated_at__isnull=True, joined_at__isnull=False)
        .order_by("pk")[:1]
    )


@compiled
def due_periods(*, entity_id: int, on: dt.date):
    """The latest periods ended before ``on``, newest first, each annotated with the entity's
    latest version (``latest_row``: id, version, status, is_published) and its open draft
    (``draft_row``: id, state) as JSON, or None: a subquery each, on the indexes
    ``kpireturn_period_entity`` and the drafts' (entity, period)."""
    latest = (
        KpiReturn.objects.filter(entity_id=entity_id, period=OuterRef("pk"))
        .order_by("-version")
        .values(
            row=JSONObject(id="id", version="version", status="status", is_published="is_published")
        )[:1]
    )
    draft = (
        EntityDraft.objects.filter(
            entity_id=entity_id, period=OuterRef("pk"), state__in=OPEN_DRAFT_STATES
        )
        .order_by("-pk")
        .values(row=JSONObject(id="id", state="state"))[:1]
    )
    return (
        ReportingPeriod.objects.filter(ends_on__lt=on)
        .annotate(
            latest_row=Subquery(latest, output_field=JSONField()),
            draft_row=Subquery(draft, output_field=JSONField()),
        )
        .order_by("-ends_on", "kind")[:DUE_PERIODS]
    )


@compiled
def members_of(*, entity_id: int):
    """Every person of the entity (active, invited or deactivated) with their user."""
    return (
        EntityUser.objects.filter(entity_id=entity_id).select_related("user").order_by("role", "pk")
    )


# The period page's reads (cgu.portal.open_draft, cgu.portal.versions): as plain querysets
# Django compiled their SQL on every request, ~1.9 ms of CPU for the draft (none, mostly)
# and ~3.5 for the versions with their figures (a prefetch), of a ~11 ms request (100k
# benchmark copy, docs/benchmarks.md "The CGU's returns list, from values").


@compiled
def period_by_code(*, code: str):
    """The period of a code (codes are unique), as the portal's URLs name it."""
    return ReportingPeriod.objects.filter(code=code).order_by()[:1]


@compiled
def open_draft_of(*, entity_id: int, period_id: int):
    """The entity's open draft for the period (at most one), without its uploaded file,
    with the people who prepared and certified it."""
    return (
        EntityDraft.objects.filter(
            entity_id=entity_id, period_id=period_id, state__in=OPEN_DRAFT_STATES
        )
        .select_related("prepared_by", "certified_by")
        .defer("upload_content")
        .order_by("-prepared_at", "-pk")[:1]  # as .first() orders it (Meta.ordering)
    )


@compiled
def versions_of(*, entity_id: int, period_id: int):
    """Every version of the entity's return for the period, newest first."""
    return (
        KpiReturn.objects.filter(entity_id=entity_id, period_id=period_id)
        .select_related("period", "certified_by", "submitted_by")
        .order_by("-version")
    )


@compiled
def values_of(*, return_ids: list[int]):
    """The figures of the returns, with their KPIs, in the KPIs' order."""
    return (
        KpiValue.objects.filter(kpi_return_id__any_of=return_ids)
        .select_related("kpi")
        .order_by("kpi__position", "kpi__code")
    )


def versions_with_values(*, entity_id: int, period_id: int) -> list[KpiReturn]:
    """``versions_of`` with each version's figures in its prefetch cache, as
    ``prefetch_related(Prefetch("values", queryset=KpiValue.objects.select_related("kpi")
    .order_by("kpi__position", "kpi__code")))`` left them: ``version.values.all()`` answers
    with no query, each figure's ``kpi_return`` set. tests/cgu/test_compiled_reads.py
    compares them with the prefetch's."""
    found = versions_of(entity_id=entity_id, period_id=period_id)
    by_return: dict[int, list[KpiValue]] = {v.pk: [] for v in found}
    if found:
        for value in values_of(return_ids=list(by_return)):
            by_return[value.kpi_return_id].append(value)
    for version in found:
        values = by_return[version.pk]
        for value in values:
            value.kpi_return = version  # as the prefetch sets the reverse relation
        prefetched = version.values.get_queryset()  # built, not run
        prefetched._result_cache = values
        prefetched._prefetch_done = True
        version._prefetched_objects_cache = {"values": prefetched}
    return found


def home_reads(*, entity_id: int, on: dt.date, with_people: bool) -> tuple[list, list, list]:
    """The portal home's reads that depend on the entity alone, in one round trip
    (``kernel.compiled.together``): ``due_periods``, the rows of the published stamp
    (``published._published_aggregate``) and, if asked, ``members_of`` (else [])."""
    reads = [due_periods.bind(entity_id=entity_id, on=on), _published_aggregate.bind()]
    if with_people:
        reads.append(members_of.bind(entity_id=entity_id))
    periods, aggregate, *people = together(*reads)
    return periods, aggregate, people[0] if people else []
