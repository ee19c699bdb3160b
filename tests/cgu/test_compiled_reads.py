"""The CGU's compiled reads (``kernel.compiled``) give what their plain querysets give:
with nothing published, with returns submitted and published, for str and date arguments."""

import datetime as dt

import pytest

from cgu.models import KpiDefinition, KpiReturn
from cgu.selectors import _common, filing, published, registry, returns
from cgu.services import return_accept
from organisation.models import Department

# On SQLite a compiled read runs its plain queryset, so the comparison could not fail there.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _same(query, **values):
    got, plain = query(**values), list(query.build(**values))
    flat = [r if isinstance(r, tuple) else {**vars(r), "_state": None} for r in got]
    assert flat == [r if isinstance(r, tuple) else {**vars(r), "_state": None} for r in plain]
    return got


def _reads(cgu):
    dept_ids = sorted(Department.objects.values_list("pk", flat=True))
    return_ids = sorted(KpiReturn.objects.values_list("pk", flat=True))
    kpi_ids = sorted(KpiDefinition.objects.values_list("pk", flat=True))
    return [
        (published._published_aggregate, {}),
        (filing._filings_of, {"period_id": cgu.q3.pk}),
        (filing._active_entities, {}),
        (returns.awaiting_review, {}),
        (_common._departments_by_id.query, {"ids": dept_ids}),
        (_common._departments_by_id.query, {"ids": dept_ids[:1]}),
        (_common._kpis_by_id.query, {"ids": kpi_ids}),
        (_common._periods_by_id.query, {"ids": [cgu.q3.pk]}),
        (registry._latest_ended, {"kind": cgu.q3.kind, "on": dt.date(2026, 1, 1)}),
        (registry._latest_ended, {"kind": cgu.q3.kind, "on": dt.date(1990, 1, 1)}),
        (registry._latest_ended, {"kind": "no such kind", "on": dt.date(2026, 1, 1)}),
        (returns._newest_returns, {}),
        (returns._value_counts, {"return_ids": return_ids}),
        (registry.recent_periods, {}),
        (registry.active_kpis, {}),
        (filing._active_entities_in_order, {}),
        (filing._period_returns, {"period_id": cgu.q3.pk}),
        (filing._reminder_counts, {"period_id": cgu.q3.pk}),
        (registry.departments_with_entities, {}),
    ]


def test_compiled_reads_agree_before_and_after_a_publication(cgu, submitted):
    for query, values in _reads(cgu):
        _same(query, **values)
    assert _same(published._published_aggregate) == []  # nothing published: no row
    assert published.published_stamp() == "0.None.-"
    assert [r.pk for r in _same(returns.awaiting_review)] == [submitted.pk]
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    for query, values in _reads(cgu):
        _same(query, **values)
    (n, top, last), *_ = _same(published._published_aggregate)
    assert (n, top) == (1, submitted.pk) and last is not None
    assert published.published_stamp() == f"1.{submitted.pk}.{last.isoformat()}"
    assert _same(returns.awaiting_review) == []
    assert registry.current_period(on=dt.date(1990, 1, 1)) is None
    page = returns.returns_page()  # the compiled first page, as the plain one would read
    assert [(r.pk, r.value_count) for r in page.rows] == [
        (r.pk, r.value_count) for r in returns.returns_list()
    ]
    assert page.rows and page.rows[0].value_count > 0
