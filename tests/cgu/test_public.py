"""Only accepted figures are public: submitted, under-review, returned and superseded figures
never come out of the public selectors or the public API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cgu.models import KpiReturn
from cgu.selectors import published
from cgu.services import (
    return_accept,
    return_resubmit,
    return_send_back,
    return_submit,
    return_take_up,
)
from tests.cgu.conftest import hosp_rows, uni_rows

pytestmark = pytest.mark.django_db

SECRET = "777.77"  # a figure that must never reach the public


@pytest.fixture
def mixed(cgu):
    """UOP: v1 accepted (BUDGET 1200.50), v2 correction waiting with BUDGET 777.77.
    AWKUM: returned with 777.77. LRH-MTI: under review with 777.77. UOP Q2: submitted."""
    day = dt.date(2025, 10, 20)
    v1 = return_submit(
        actor=cgu.asst_user, entity=cgu.uni, period=cgu.q3, rows=uni_rows(), received_on=day
    )
    return_accept(actor=cgu.so_user, kpi_return=v1)
    return_resubmit(actor=cgu.asst_user, kpi_return=v1, rows=uni_rows(BUDGET=SECRET))
    awkum = return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni2,
        period=cgu.q3,
        rows=uni_rows(BUDGET=SECRET),
        received_on=day,
    )
    return_send_back(actor=cgu.so_user, kpi_return=awkum, reasons="Wrong.")
    hosp = return_submit(
        actor=cgu.asst_user,
        entity=cgu.hosp,
        period=cgu.q3,
        rows=hosp_rows(BUDGET=SECRET),
        received_on=day,
    )
    return_take_up(actor=cgu.so_user, kpi_return=hosp)
    return_submit(
        actor=cgu.asst_user,
        entity=cgu.uni,
        period=cgu.q2,
        rows=uni_rows(BUDGET=SECRET),
        received_on=dt.date(2025, 7, 20),
    )
    assert KpiReturn.objects.count() == 5
    return v1


def test_public_selectors_return_the_accepted_version_only(cgu, mixed):
    figures = list(published.published_figures())
    assert {f.kpi_return_id for f in figures} == {mixed.pk}
    assert Decimal(SECRET) not in {f.value for f in figures}
    assert [p.code for p in published.published_periods()] == ["2025-Q3"]
    assert list(published.published_returns()) == [mixed]
    budget = next(s for s in published.entity_series(cgu.uni) if s.kpi.code == "BUDGET")
    assert [(p.period.code, p.value) for p in budget.points] == [("2025-Q3", Decimal("1200.50"))]
    for series in [published.department_series(cgu.hed), published.province_series()]:
        budget = next(s for s in series if s.kpi.code == "BUDGET")
        assert [p.value for p in budget.points] == [Decimal("1200.50")]
    assert published.department_series(cgu.hd) == []
    by_dept = published.kpi_by_department(cgu.budget_kpi, cgu.q3)
    assert [(f.department.code, f.value, f.entities) for f in by_dept] == [
        ("HED", Decimal("1200.50"), 1)
    ]
    assert [v.kpi_return.entity.code for v in published.kpi_ranking(cgu.budget_kpi, cgu.q3)] == [
        "UOP"
    ]
    assert sorted(e.code for e in published.not_reported(cgu.q3)) == ["AWKUM", "LRH-MTI"]
    assert sorted(e.code for e in published.not_reported(cgu.q2)) == ["AWKUM", "LRH-MTI", "UOP"]


def test_rates_average_and_amounts_add_up(cgu):
    day = dt.date(2025, 10, 20)
    for entity, util, budget in [(cgu.uni, "80", "100"), (cgu.uni2, "60", "300")]:
        r = return_submit(
            actor=cgu.asst_user,
            entity=entity,
            period=cgu.q3,
            rows=uni_rows(UTIL_PCT=util, BUDGET=budget),
            received_on=day,
        )
        return_accept(actor=cgu.so_user, kpi_return=r)
    series = {s.kpi.code: s for s in published.department_series(cgu.hed)}
    assert series["UTIL_PCT"].points[0].value == Decimal("70.00")
    assert series["BUDGET"].points[0].value == Decimal("400.00")
    assert series["BUDGET"].points[0].entities == 2


def test_published_only_if_accepted_is_a_database_rule(cgu, mixed):
    from django.db import IntegrityError, transaction

    waiting = KpiReturn.objects.get(status="submitted", period=cgu.q3)
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiReturn.objects.filter(pk=waiting.pk).update(is_published=True)


def test_public_api_serves_accepted_figures_without_sign_in(cgu, mixed):
    api = APIClient()
    response = api.get(reverse("cgu-figure-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["entity"] for r in rows} == {"UOP"}
    assert {r["version"] for r in rows} == {1}
    assert SECRET not in str(rows)
    budget = api.get(reverse("cgu-figure-list"), {"kpi": "BUDGET", "period": "2025-Q3"}).json()
    assert [(r["entity"], r["value"]) for r in budget["results"]] == [("UOP", "1200.50")]
    for params in [{"entity": "AWKUM"}, {"entity": "LRH-MTI"}, {"period": "2025-Q2"}]:
        assert api.get(reverse("cgu-figure-list"), params).json()["results"] == []
    assert api.get(reverse("cgu-figure-list"), {"kpi": "NOPE"}).status_code == 404
    periods = api.get(reverse("cgu-period-list")).json()
    assert [p["code"] for p in periods] == ["2025-Q3"]
    entities = api.get(reverse("cgu-entity-list")).json()
    assert {e["code"] for e in entities} == {"UOP", "AWKUM", "LRH-MTI"}
    assert "contact_email" not in entities[0]
    assert api.get(reverse("cgu-kpi-list")).status_code == 200


def test_staff_api_is_closed_to_the_public_and_other_officers(cgu, mixed):
    api = APIClient()
    assert api.get(reverse("cgu-return-list")).status_code in (401, 403)
    api.force_authenticate(cgu.budget_so_user)
    assert api.get(reverse("cgu-return-list")).status_code == 403
