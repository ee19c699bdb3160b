"""The dashboards: each territory's figures (a DC's district, a Commissioner's division, the
Cell's province), pending by age and by office, escalations; figures only, in flat queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import selectors, services
from tests.complaints.conftest import at, clock


def _file(ladder, district, day, i):
    with clock(at(2026, 3, day)):
        return services.file_complaint(
            actor=services.portal_actor(), client=f"x{i}", category=ladder.category,
            district=district, description="A broken water pipe floods the street.",
            mobile=f"0300000010{i}", cnic_last4="1234",
        )  # fmt: skip


def test_each_office_sees_its_territory(ladder, client):

    old = _file(ladder, ladder.peshawar, 2, 1)
    _file(ladder, ladder.peshawar, 16, 2)
    _file(ladder, ladder.mardan, 16, 3)
    with clock(at(2026, 3, 10)):
        services.escalate_due(now=at(2026, 3, 10))
    now = at(2026, 3, 17)
    label, scope = selectors.dashboard_scope(ladder.dc_head_user)
    figures = selectors.dashboard(scope, now=now)
    assert label == ladder.dc.name and figures["pending"] == 2
    assert figures["ages"] == [1, 0, 1, 0]  # 1 day old; 15 days old
    assert [r["office"] for r in figures["by_office"]] == [ladder.com.pk, ladder.dc.pk]
    assert [(r["level"], r["n"]) for r in figures["escalations"]] == [(2, 1)]
    _, scope = selectors.dashboard_scope(ladder.com_user)
    assert selectors.dashboard(scope, now=now)["pending"] == 2  # Mardan is another division
    _, scope = selectors.dashboard_scope(ladder.pmc_user)
    assert selectors.dashboard(scope, now=now)["pending"] == 3
    _, scope = selectors.dashboard_scope(ladder.mardan_user)
    assert selectors.dashboard(scope, now=now)["pending"] == 1
    assert selectors.dashboard_scope(ladder.line_user) is None
    client.force_login(ladder.line_user)
    page = client.get(reverse("complaints:dashboard")).content.decode()
    assert "you hold no post in one" in page
    client.force_login(ladder.com_user)
    page = client.get(reverse("complaints:dashboard")).content.decode()
    assert old.display_ref not in page and "03000000101" not in page
    assert 'id="pending-total">2<' in page


def test_dashboard_queries_do_not_grow(ladder, client):
    client.force_login(ladder.pmc_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("complaints:dashboard")).status_code == 200
        return len(ctx)

    _file(ladder, ladder.peshawar, 2, 1)
    few = count()
    for i in range(2, 6):
        _file(ladder, ladder.mardan if i % 2 else ladder.peshawar, 2, i)
    services.escalate_due(now=at(2026, 3, 20))
    assert count() == few
