"""Staff reads of returns (the caller checks ``cgu.access.is_cgu_staff``): the returns list in
keyset pages, the review queue, one return with its figures and its other versions. Every
version, whatever its status.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from cgu.models import KpiReturn, KpiValue
from cgu.selectors import registry
from kernel.compiled import compiled, together


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


@dataclass(frozen=True, slots=True)
class ReturnRow:
    """One version of a return as the returns list shows it, from plain values: no model
    instance (see ``returns_page``)."""

    pk: int
    entity_code: str
    name_en: str
    name_ur: str
    department_code: str
    period_code: str
    version: int
    status: str
    is_published: bool
    value_count: int
    received_on: dt.date
    is_late: bool  # received after the period's deadline, as ``KpiReturn.is_late``
    submitted_at: dt.datetime
    submitted_by: str  # the person's full name, else username (``get_full_name() or …``)
    reviewed_by: str | None  # the same, or None while nobody reviewed it

    def name(self, urdu: bool) -> str:
        """The entity's name as ``BilingualName.name`` gives it (Urdu when there is one)."""
        return self.name_ur if urdu and self.name_ur else self.name_en


@dataclass
class ReturnsPage:
    """One page of ``returns_page``: the rows and the cursor of the next page (None on the
    last)."""

    rows: list[ReturnRow]
    next_cursor: str | None


def _encode_cursor(row: ReturnRow) -> str:
    raw = json.dumps([row.submitted_at.isoformat(), row.pk])
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
    year ten as in year one, with no COUNT over the table.

    One query a page, of plain values (``ReturnRow``): the return with its entity, the
    entity's department and the period joined, and the count of its figures and the names
    of the two people as subqueries. It was two queries of 51 returns with their entity,
    department, period and both users as model instances (306 a page) and a GROUP BY of the
    page's figures: ~5.4 ms of CPU of a ~16 ms request, and PostgreSQL planned the
    six-table join in ~1.5–2 ms, the subqueries' plan in ~0.5 (100k benchmark copy,
    docs/benchmarks.md "The CGU's returns list, from values"). The first page as the CGU
    opens it is compiled; ``tests/cgu/test_list_rows.py`` compares the rows with the model
    instances the page was built from before."""
    if not (status or period or department or cursor) and limit == RETURNS_PAGE:
        values = _newest_return_values()  # the list as the CGU opens it: compiled
    else:
        values = list(_filtered(status, period, department, cursor, limit))
    return _page(values, limit)


def returns_screen(
    *, status: str | None = None, period=None, department=None, cursor: str | None = None
) -> tuple[ReturnsPage, list, list]:
    """What the returns list shows: ``returns_page`` under the filters, and its choosers'
    periods (``registry.recent_periods``) and departments
    (``registry.departments_with_entities``). For the list as the CGU opens it, the three
    compiled reads go to PostgreSQL in one round trip (``kernel.compiled.together``)."""
    if status or period or department or cursor:
        page = returns_page(status=status, period=period, department=department, cursor=cursor)
        return page, registry.recent_periods(), registry.departments_with_entities()
    values, periods, departments = together(
        _newest_return_values.bind(),
        registry.recent_periods.bind(),
        registry.departments_with_entities.bind(),
    )
    return _page(values, RETURNS_PAGE), periods, departments


def _page(values: list, limit: int) -> ReturnsPage:
    more = len(values) > limit
    rows = [_row(v) for v in values[:limit]]
    return ReturnsPage(rows=rows, next_cursor=_encode_cursor(rows[-1]) if more else None)


def _row(values: tuple) -> ReturnRow:
    (pk, code, name_en, name_ur, department_code, period_code, deadline, version, status,
     is_published, received_on, submitted_at, value_count, s_first, s_last, s_username,
     reviewed_by_id, r_first, r_last, r_username) = values  # fmt: skip
    return ReturnRow(
        pk=pk,
        entity_code=code,
        name_en=name_en,
        name_ur=name_ur,
        department_code=department_code,
        period_code=period_code,
        version=version,
        status=status,
        is_published=is_published,
        value_count=value_count or 0,
        received_on=received_on,
        is_late=received_on > deadline,
        submitted_at=submitted_at,
        # As AbstractUser.get_full_name, then ``or username``.
        submitted_by=f"{s_first} {s_last}".strip() or s_username,
        reviewed_by=None
        if reviewed_by_id is None
        else (f"{r_first} {r_last}".strip() or r_username),
    )


def _user_columns(field: str) -> dict:
    """The first name, last name and username of the user in ``field``, as three scalar
    subqueries: two more joins of the user table made PostgreSQL's plan cost more than the
    rest of the query."""
    user = get_user_model().objects.filter(pk=OuterRef(field))
    return {
        f"{field}_{column}": Subquery(user.values(column)[:1])
        for column in ("first_name", "last_name", "username")
    }


def _values(qs: QuerySet) -> QuerySet:
    count = (
        KpiValue.objects.filter(kpi_return_id=OuterRef("pk"))
        .order_by()  # not KpiValue's Meta.ordering, which joins the return and KPI tables
        .values("kpi_return_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        qs.annotate(
            value_count=Subquery(count),
            **_user_columns("submitted_by_id"),
            **_user_columns("reviewed_by_id"),
        )
        .order_by("-submitted_at", "-pk")
        .values_list(
            "pk",
            "entity__code",
            "entity__name_en",
            "entity__name_ur",
            "entity__department__code",
            "period__code",
            "period__deadline",
            "version",
            "status",
            "is_published",
            "received_on",
            "submitted_at",
            "value_count",
            "submitted_by_id_first_name",
            "submitted_by_id_last_name",
            "submitted_by_id_username",
            "reviewed_by_id",
            "reviewed_by_id_first_name",
            "reviewed_by_id_last_name",
            "reviewed_by_id_username",
        )
    )


def _filtered(status, period, department, cursor, limit) -> QuerySet:
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
    return _values(qs)[: limit + 1]


@compiled
def _newest_return_values():
    return _values(KpiReturn.objects.all())[: RETURNS_PAGE + 1]


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
