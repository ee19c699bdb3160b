"""Staff reads of returns (the caller checks ``cgu.access.is_cgu_staff``): the returns list in
keyset pages, the review queue, one return with its figures and its other versions. Every
version, whatever its status.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cgu.models import KpiReturn, KpiValue
from kernel.compiled import compiled


def returns_list(
    *, status: str | None = None, period=None, entity=None, department=None
) -> QuerySet:
    """Every version of every return, newest first, with what a list shows loaded and
    ``value_count`` annotated."""
    qs = KpiReturn.objects.select_related(
        "entity__department", "period", "submitted_by", "reviewed_by"
    ).annotate(value_count=Count("values"))
    if status:
        qs = qs.filter(status=status)
    if period is not None:
        qs = qs.filter(period=period)
    if entity is not None:
        qs = qs.filter(entity=entity)
    if department is not None:
        qs = qs.filter(entity__department=department)
    return qs.order_by("-submitted_at", "-pk")


@dataclass
class ReturnsPage:
    """One page of ``returns_page``: the rows and the cursor of the next page (None on the
    last)."""

    rows: list[KpiReturn]
    next_cursor: str | None


def _encode_cursor(kpi_return: KpiReturn) -> str:
    raw = json.dumps([kpi_return.submitted_at.isoformat(), kpi_return.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        at, pk = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        at = dt.datetime.fromisoformat(at)
    except (ValueError, TypeError):
        return None
    if not isinstance(pk, int) or timezone.is_naive(at):
        return None
    return at, pk


RETURNS_PAGE = 50
_RETURNS_RELATED = ("entity__department", "period", "submitted_by", "reviewed_by")


def returns_page(
    *,
    status: str | None = None,
    period=None,
    department=None,
    cursor: str | None = None,
    limit: int = RETURNS_PAGE,
) -> ReturnsPage:
    """Every version of every return, newest first, ``limit`` at a time: keyset pages on
    (``submitted_at``, ``id``) — index ``kpireturn_newest`` — so a page costs the same in
    year ten as in year one, with no COUNT over the table. Each row has ``value_count``
    (counted for the page's rows only, not by a GROUP BY over every return's values)."""
    if not (status or period or department or cursor) and limit == RETURNS_PAGE:
        rows = _newest_returns()  # the list as the CGU opens it: compiled
    else:
        rows = _returns_rows(status, period, department, cursor, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    counts = dict(_value_counts(return_ids=[r.pk for r in rows])) if rows else {}
    for r in rows:
        r.value_count = counts.get(r.pk, 0)
    return ReturnsPage(rows=rows, next_cursor=_encode_cursor(rows[-1]) if more else None)


def _returns_rows(status, period, department, cursor, limit) -> list[KpiReturn]:
    qs = KpiReturn.objects.all()
    if status:
        qs = qs.filter(status=status)
    if period is not None:
        qs = qs.filter(period=period)
    if department is not None:
        qs = qs.filter(entity__department=department)
    after = _decode_cursor(cursor)
    if after is not None:
        at, pk = after
        qs = qs.filter(Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk))
    # The page's ids first, from the return table alone (an index scan on kpireturn_newest,
    # stopping after limit + 1), then the joins for those rows only: joining first let the
    # planner join every return to its entity, period and users before sorting.
    ids = qs.order_by("-submitted_at", "-pk").values("pk")[: limit + 1]
    return list(
        KpiReturn.objects.filter(pk__in=ids)
        .select_related(*_RETURNS_RELATED)
        .order_by("-submitted_at", "-pk")
    )


@compiled
def _newest_returns():
    ids = KpiReturn.objects.order_by("-submitted_at", "-pk").values("pk")[: RETURNS_PAGE + 1]
    return (
        KpiReturn.objects.filter(pk__in=ids)
        .select_related(*_RETURNS_RELATED)
        .order_by("-submitted_at", "-pk")
    )


@compiled
def _value_counts(*, return_ids: list[int]):
    # No ordering: KpiValue's Meta.ordering (return, KPI position) joined the return and KPI
    # tables into the count, every return read to hash-join the page's ~550 values.
    return (
        KpiValue.objects.filter(kpi_return_id__any_of=return_ids)
        .order_by()
        .values("kpi_return_id")
        .annotate(n=Count("id"))
        .values_list("kpi_return_id", "n")
    )


AWAITING_ON_DASHBOARD = 8


@compiled
def awaiting_review():
    """The oldest ``AWAITING_ON_DASHBOARD`` returns waiting for review (index
    ``kpireturn_queue``), with entity and period loaded: no count of figures, so no GROUP BY
    over every return's values."""
    return (
        KpiReturn.objects.filter(status__in=KpiReturn.OPEN_STATUSES)
        .select_related("entity", "period")
        .order_by("submitted_at", "pk")[:AWAITING_ON_DASHBOARD]
    )


def return_detail(pk: int) -> KpiReturn:
    """One return with its values (and their KPIs) and its other versions."""
    return (
        KpiReturn.objects.select_related(
            "entity__department",
            "entity__monitoring_file",
            "enclosure__file",
            "period",
            "submitted_by",
            "reviewed_by",
            "certified_by",
        )
        .prefetch_related(
            Prefetch(
                "values",
                queryset=KpiValue.objects.select_related("kpi").order_by(
                    "kpi__position", "kpi__code"
                ),
            )
        )
        .get(pk=pk)
    )


def versions_of(kpi_return: KpiReturn) -> QuerySet:
    return (
        KpiReturn.objects.filter(entity_id=kpi_return.entity_id, period_id=kpi_return.period_id)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-version")
    )
