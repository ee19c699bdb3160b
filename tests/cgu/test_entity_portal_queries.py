"""The entity portal's pages read a fixed number of queries (issue 22's floors: home 9 → 6,
a period's return 7 → 6 when it shows no form), however many periods, versions, published
returns and other entities there are; the figures beside the medians follow publication
and registry edits at once although they are cached."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from cgu import portal
from cgu.models import EntityUser, KpiDefinition
from cgu.services import return_accept, return_resubmit, return_send_back, return_submit
from cgu.services.entity import (
    draft_certify,
    draft_save,
    draft_submit,
    entity_user_invite,
    invitation_accept,
)
from tests.cgu.conftest import uni_rows
from tests.cgu.factories import PeriodFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough pass phrase 42"  # noqa: S105

# The signed-in request's own reads (the user with its second factor, the membership) and
# the page's: home 6 (the due periods with their latest versions and drafts, the published
# figures' stamp, the KPIs' names, the people; the figures and medians come from the cache),
# a period's return 6 or 7 (the period, the draft, the versions and their values; the KPIs
# only when the figures form is shown). Before issue 22's floor work: 9 and 7.
HOME_QUERIES = 6
PERIOD_QUERIES = 7


def _head(cgu, entity, email):
    member, key = entity_user_invite(
        actor=cgu.asst_user, entity=entity, email=email, full_name=email, role="head"
    )
    invitation_accept(actor=AnonymousUser(), key=key, password=PASSWORD, password_again=PASSWORD)
    member.refresh_from_db()
    return member


def _period(year, quarter=3):
    return PeriodFactory(
        code=f"{year}-Q{quarter}",
        starts_on=dt.date(year, 7, 1),
        ends_on=dt.date(year, 9, 30),
        deadline=dt.date(year, 10, 31),
    )


def _published(cgu, entity, period, **values):
    r = return_submit(
        actor=cgu.asst_user,
        entity=entity,
        period=period,
        rows=uni_rows(**values),
        received_on=period.deadline,
    )
    return_accept(actor=cgu.so_user, kpi_return=r)
    return r


@pytest.fixture
def head(cgu, client):
    cgu.head = _head(cgu, cgu.uni, "vc@uop.edu.pk")
    _published(cgu, cgu.uni, cgu.q3)
    client.force_login(cgu.head.user)
    return cgu


def _count(client, url, django_assert_max_num_queries, limit):
    client.get(url)  # warm: the published figures cached, the session read once
    with django_assert_max_num_queries(limit) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured)


def test_home_queries_stay_flat_with_years_of_returns(head, client, django_assert_max_num_queries):
    o = head
    url = reverse("entity:home")
    few = _count(client, url, django_assert_max_num_queries, HOME_QUERIES)
    # Four more years, each published for both universities, a returned and resubmitted
    # version, and a draft: more rows behind every read of the page.
    for year in (2021, 2022, 2023, 2024):
        period = _period(year)
        _published(o, o.uni, period, STAFF=str(year))
        _published(o, o.uni2, period, STAFF=str(year + 1))
    r = return_submit(
        actor=o.asst_user, entity=o.uni2, period=_period(2020), rows=uni_rows(),
        received_on=dt.date(2020, 10, 5),
    )  # fmt: skip
    return_send_back(actor=o.so_user, kpi_return=r, reasons="Check it.")
    return_resubmit(actor=o.asst_user, kpi_return=r, rows=uni_rows(STAFF="5"))
    draft_save(actor=o.head.user, entity=o.uni, period=_period(2019), rows=uni_rows())
    more = _count(client, url, django_assert_max_num_queries, HOME_QUERIES)
    assert more == few


def test_period_page_queries_stay_flat(head, client, django_assert_max_num_queries):
    o = head
    shown = reverse("entity:period", args=[o.q3.code])  # accepted: no form
    no_form = _count(client, shown, django_assert_max_num_queries, PERIOD_QUERIES - 1)
    for n in range(3):
        r = return_resubmit(
            actor=o.asst_user,
            kpi_return=o.uni.returns.filter(period=o.q3).order_by("-version").first(),
            rows=uni_rows(STAFF=str(100 + n)),
        )
        return_accept(actor=o.so_user, kpi_return=r)
    assert _count(client, shown, django_assert_max_num_queries, PERIOD_QUERIES - 1) == no_form
    # A period with a returned version shows the form (one more read: the KPIs).
    period = _period(2024)
    r = return_submit(
        actor=o.asst_user, entity=o.uni, period=period, rows=uni_rows(),
        received_on=dt.date(2024, 10, 5),
    )  # fmt: skip
    return_send_back(actor=o.so_user, kpi_return=r, reasons="Check it.")
    url = reverse("entity:period", args=[period.code])
    with_form = _count(client, url, django_assert_max_num_queries, PERIOD_QUERIES)
    assert with_form == no_form + 1
    assert "Save the draft" in client.get(url).content.decode()


def test_the_cached_figures_follow_publication_and_registry_edits(head):
    o = head
    before = {c.kpi_code: c for c in portal.benchmarks(o.uni).rows}
    assert before["STAFF"].value == 2300
    # The entity's own new version published: its figures follow at once.
    draft = draft_save(
        actor=o.head.user, entity=o.uni, period=_period(2026, 1), rows=uni_rows(STAFF="4100")
    )
    assert portal.benchmarks(o.uni).period == o.q3  # a draft is not published
    member = _head(o, o.uni, "registrar@uop.edu.pk")
    EntityUser.objects.filter(pk=member.pk).update(role=EntityUser.Role.PREPARER)
    draft = draft_save(
        actor=member.user, entity=o.uni, period=draft.period, rows=uni_rows(STAFF="4100")
    )
    r = draft_submit(actor=member.user, draft=draft_certify(actor=o.head.user, draft=draft))
    assert portal.benchmarks(o.uni).period == o.q3  # submitted, not yet accepted
    return_accept(actor=o.so_user, kpi_return=r)
    after = portal.benchmarks(o.uni)
    assert after.period == draft.period
    assert {c.kpi_code: c.value for c in after.rows}["STAFF"] == 4100
    # A KPI renamed in the registry (or the admin) shows at once: names are read fresh.
    KpiDefinition.objects.filter(code="STAFF").update(name_en="People on the payroll")
    names = {c.kpi_code: c.kpi_name for c in portal.benchmarks(o.uni).rows}
    assert names["STAFF"] == "People on the payroll"
