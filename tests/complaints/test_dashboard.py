"""The dashboards: each territory's figures (a DC's district, a Commissioner's division, the
Cell's province), pending by age and by office, escalations; figures only, in flat queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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


def test_dashboard_queries_do_not_grow(ladder, client, django_capture_on_commit_callbacks):
    client.force_login(ladder.pmc_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("complaints:dashboard")).status_code == 200
        return len(ctx)

    _file(ladder, ladder.peshawar, 2, 1)
    few = count()
    with django_capture_on_commit_callbacks(execute=True):  # the figures' new version
        for i in range(2, 6):
            _file(ladder, ladder.mardan if i % 2 else ladder.peshawar, 2, i)
        services.escalate_due(now=at(2026, 3, 20))
    assert count() == few


def test_rollups_give_the_figures_a_count_of_the_complaints_gives(ladder):
    """The totals come from the offices' roll-ups and only the recent and coming days' rows:
    every bucket and "overdue" still equal a count over the complaints themselves, for
    complaints registered long before the dashboard's days (the oldest bucket)."""
    from complaints.models import Complaint, OfficeFigure

    for i, day in enumerate([1, 2, 9, 14, 20, 25, 27, 28]):
        _file(ladder, ladder.mardan if i % 3 == 0 else ladder.peshawar, day, i)
    now = at(2026, 4, 2)
    today = timezone.localdate(now)
    _, scope = selectors.dashboard_scope(ladder.pmc_user)
    board = selectors.dashboard(scope, now=now)
    expected = {}
    for c in Complaint.objects.all():
        row = expected.setdefault(c.office_id, {"pending": 0, "overdue": 0, "ages": [0] * 4})
        row["pending"] += 1
        row["overdue"] += c.due_at is not None and timezone.localdate(c.due_at) <= today
        age = (today - timezone.localdate(c.registered_at)).days
        row["ages"][next(i for i, (lo, hi) in enumerate(selectors.AGE_BUCKETS)
                         if age >= lo and (hi is None or age <= hi))] += 1  # fmt: skip
    got = {
        r["office"]: {"pending": r["pending"], "overdue": r["overdue"], "ages": r["ages"]}
        for r in board["by_office"]
    }
    assert got == expected
    assert board["ages"][-1] > 0 and board["overdue"] > 0  # the remainders were exercised
    # The roll-ups exist: one pair per office, district and level with open complaints.
    assert OfficeFigure.objects.filter(kind=OfficeFigure.Kind.OPEN_ALL).count() == len(expected)


def test_the_cached_fragment_is_replaced_when_a_figure_moves(
    ladder, client, django_capture_on_commit_callbacks
):
    """The dashboard's figures are a fragment cached under the figures' version: a second
    look reads no figure, and a filing (a new version after its commit) shows at once."""
    client.force_login(ladder.pmc_user)
    url = reverse("complaints:dashboard")
    _file(ladder, ladder.peshawar, 2, 1)
    with clock(at(2026, 3, 17)):
        with CaptureQueriesContext(connection) as first:
            assert 'id="pending-total">1<' in client.get(url).content.decode()
        with CaptureQueriesContext(connection) as again:
            assert 'id="pending-total">1<' in client.get(url).content.decode()
        figures_read = [q for q in first.captured_queries if "officefigure" in q["sql"]]
        assert figures_read and not [
            q for q in again.captured_queries if "officefigure" in q["sql"]
        ]
    with django_capture_on_commit_callbacks(execute=False) as uncommitted:
        _file(ladder, ladder.mardan, 16, 2)
    with clock(at(2026, 3, 17)):  # not committed yet: the version has not moved
        assert 'id="pending-total">1<' in client.get(url).content.decode()
    for callback in uncommitted:
        callback()
    with clock(at(2026, 3, 17)):
        assert 'id="pending-total">2<' in client.get(url).content.decode()
