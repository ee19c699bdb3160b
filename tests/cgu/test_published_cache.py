"""Published figures are cached per ``published_stamp``: a hit reads no figures, and a new
publication (a first acceptance, or a resubmission accepted over an older version) is seen
at once, on the next read."""

import datetime as dt
from decimal import Decimal

import pytest

from cgu.selectors import published
from cgu.services import return_accept, return_resubmit, return_submit
from tests.cgu.conftest import uni_rows
from tests.cgu.factories import EntityFactory

pytestmark = pytest.mark.django_db


def _budget(cgu) -> Decimal | None:
    series = published.province_series(kpi=cgu.budget_kpi, cached=True)
    return series[0].points[-1].value if series else None


def _by_dept(cgu):
    return [
        (f.department.code, f.value) for f in published.kpi_by_department(cgu.budget_kpi, cgu.q3)
    ]


def test_a_publication_is_seen_at_once(cgu, submitted):
    assert _budget(cgu) is None and _by_dept(cgu) == []
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    assert _budget(cgu) == Decimal("1200.50")
    assert _by_dept(cgu) == [("HED", Decimal("1200.50"))]

    other = return_submit(
        actor=cgu.asst_user,
        entity=EntityFactory(code="UOX", department=cgu.hed),
        period=cgu.q3,
        rows=uni_rows(BUDGET="800"),
        received_on=dt.date(2025, 10, 20),
    )
    assert _budget(cgu) == Decimal("1200.50")  # submitted is not published
    return_accept(actor=cgu.so_user, kpi_return=other)
    assert _budget(cgu) == Decimal("2000.50")
    assert _by_dept(cgu) == [("HED", Decimal("2000.50"))]


def test_a_newer_accepted_version_replaces_the_cached_figures(cgu, submitted):
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    assert _budget(cgu) == Decimal("1200.50")
    # A correction of the accepted return: version 2, accepted, unpublishes version 1
    # (as many published returns as before).
    second = return_resubmit(
        actor=cgu.asst_user,
        kpi_return=submitted,
        rows=uni_rows(BUDGET="300"),
        received_on=dt.date(2025, 10, 25),
    )
    assert _budget(cgu) == Decimal("1200.50")
    return_accept(actor=cgu.so_user, kpi_return=second)
    assert _budget(cgu) == Decimal("300.00")
    assert _by_dept(cgu) == [("HED", Decimal("300.00"))]


def test_a_cache_hit_reads_no_figures(cgu, submitted, django_assert_num_queries):
    return_accept(actor=cgu.so_user, kpi_return=submitted)
    _budget(cgu)
    with django_assert_num_queries(2):  # the stamp, then the periods (the KPI is given)
        assert _budget(cgu) == Decimal("1200.50")
    _by_dept(cgu)
    with django_assert_num_queries(2):  # the stamp, then the departments' names
        _by_dept(cgu)


def test_the_dashboard_reads_the_published_stamp_once(client, cgu, submitted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return_accept(actor=cgu.so_user, kpi_return=submitted)
    client.force_login(cgu.so_user)
    client.get("/desk/cgu/")  # fills the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/desk/cgu/")
    assert response.status_code == 200
    stamps = [q for q in ctx.captured_queries if 'MAX("cgu_kpireturn"."decided_at")' in q["sql"]]
    assert len(stamps) == 1
    assert b"chart-trend" in response.content and b"chart-departments" in response.content
