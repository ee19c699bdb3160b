"""Who gets into the CGU's screens, now that the gate reads the holdings the staff layout
reads anyway: an ended holding or an inactive post lets nobody in; an additional charge
of a CGU post does. Same answers as ``access.is_cgu_staff`` without holdings."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cgu import access
from tests.factories import HoldingFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def _status(client, user):
    client.force_login(user)
    return client.get(reverse("cgu:returns")).status_code


def test_ended_holding_and_inactive_post_are_refused_additional_charge_admitted(client, cgu):
    past = UserFactory(username="was-cgu")
    HoldingFactory(
        post=PostFactory(section=cgu.section, designation_en="Former"),
        user=past,
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    retired = UserFactory(username="retired-post")
    HoldingFactory(
        post=PostFactory(section=cgu.section, designation_en="Abolished", is_active=False),
        user=retired,
    )
    charge = UserFactory(username="charge")
    HoldingFactory(
        post=PostFactory(section=cgu.budget, designation_en="SO (Budget-II)"), user=charge
    )
    HoldingFactory(
        post=PostFactory(section=cgu.section, designation_en="Vacant SO"),
        user=charge,
        kind="additional",
    )
    for user, expected in [
        (past, 403),
        (retired, 403),
        (cgu.budget_so_user, 403),
        (charge, 200),
        (cgu.asst_user, 200),
    ]:
        assert _status(client, user) == expected, user.username
        assert access.is_cgu_staff(user) == (expected == 200), user.username


def test_the_gate_reads_no_holdings_of_its_own(client, cgu, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cgu.asst_user)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("cgu:returns"))
    holdings = [q["sql"] for q in ctx.captured_queries if '"workspace_holding"' in q["sql"]]
    assert len(holdings) == 1, holdings  # the layout's panel and the gate share one read
