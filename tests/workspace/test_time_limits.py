"""'Overdue' by priority (issue 17, point 8): time limits in working days per priority, the
department's own or the defaults, shown in the inbox, the file page and the counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisation.models import Holding
from tests.factories import HoldingFactory
from tests.workspace.helpers import open_file
from workspace import time_limits
from workspace.models import File, Priority
from workspace.selectors import desk as sel
from workspace.services import movement

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 30)
FRIDAY = dt.date(2026, 12, 4)


def _at_desk_since(file, day: dt.date, hour=10):
    since = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    File.objects.filter(pk=file.pk).update(desk_since=since)


def _loaded(file):
    return File.objects.select_related("holding_post__section__department").get(pk=file.pk)


def test_the_defaults_are_one_three_seven_and_fourteen_working_days(desk):
    assert time_limits.limits_of(desk.dept) == {
        Priority.MOST_IMMEDIATE: 1,
        Priority.IMMEDIATE: 3,
        Priority.URGENT: 7,
        Priority.ROUTINE: 14,
    }


def test_working_days_skip_the_weekend():
    assert time_limits.due_date(FRIDAY, 1) == FRIDAY + dt.timedelta(days=3)  # Monday
    assert time_limits.due_date(MONDAY, 3) == MONDAY + dt.timedelta(days=3)  # Thursday
    assert time_limits.due_date(MONDAY, 7) == MONDAY + dt.timedelta(days=9)  # Wednesday next
    assert time_limits.due_date(FRIDAY + dt.timedelta(days=1), 1) == FRIDAY + dt.timedelta(days=3)


def test_an_immediate_file_150_days_at_a_desk_is_overdue(desk):
    file = open_file(desk, subject="Immediate", priority=Priority.IMMEDIATE)
    _at_desk_since(file, timezone.localdate() - dt.timedelta(days=150))
    assert time_limits.is_overdue(_loaded(file))


def test_each_priority_is_overdue_the_working_day_after_its_limit(desk):
    file = open_file(desk)
    for priority, days in time_limits.DEFAULT_DAYS.items():
        File.objects.filter(pk=file.pk).update(priority=priority)
        _at_desk_since(file, MONDAY)
        due = time_limits.due_date(MONDAY, days)
        row = _loaded(file)
        assert time_limits.limit_due(row) == due
        assert not time_limits.is_overdue(row, today=due), priority
        assert time_limits.is_overdue(row, today=due + dt.timedelta(days=1)), priority


def test_a_due_date_given_when_marking_wins_over_the_limit(desk):
    file = open_file(desk, priority=Priority.MOST_IMMEDIATE)
    _at_desk_since(file, MONDAY)
    File.objects.filter(pk=file.pk).update(due_on=MONDAY + dt.timedelta(days=20))
    row = _loaded(file)
    assert not time_limits.is_overdue(row, today=MONDAY + dt.timedelta(days=10))
    assert time_limits.is_overdue(row, today=MONDAY + dt.timedelta(days=21))


def test_a_department_sets_its_own_limits(desk):
    file = open_file(desk, priority=Priority.ROUTINE)
    _at_desk_since(file, MONDAY)
    today = MONDAY + dt.timedelta(days=4)  # Friday: four working days later
    assert not time_limits.is_overdue(_loaded(file), today=today)
    desk.dept.limit_routine_days = 2
    desk.dept.save(update_fields=["limit_routine_days"])
    assert time_limits.is_overdue(_loaded(file), today=today)
    held = [desk.asst]
    desk.asst.section.department.refresh_from_db()
    assert File.objects.filter(time_limits.overdue_q(posts=held, today=today)).exists()


def test_parked_and_closed_files_are_never_overdue(desk):
    file = open_file(desk, priority=Priority.MOST_IMMEDIATE)
    _at_desk_since(file, MONDAY)
    movement.file_park(actor=desk.asst_user, file=file)
    _at_desk_since(file, MONDAY)
    assert not time_limits.is_overdue(_loaded(file), today=MONDAY + dt.timedelta(days=30))
    assert not File.objects.filter(
        time_limits.overdue_q(posts=[desk.asst], today=MONDAY + dt.timedelta(days=30))
    ).exists()


def test_the_query_and_the_row_agree_for_every_priority_arrival_and_day(desk):
    """Three weeks of arrivals × four priorities, judged on every day of five weeks: the
    counts' ``Q`` and the rows' ``is_overdue`` give the same answer each time."""
    files = []
    for offset in range(21):
        for priority in Priority.values:
            file = open_file(desk, subject=f"{offset}-{priority}", priority=priority)
            _at_desk_since(file, MONDAY + dt.timedelta(days=offset), hour=(offset * 5) % 24)
            files.append(file.pk)
    rows = list(File.objects.select_related("holding_post__section__department"))
    post = _loaded(File.objects.first()).holding_post
    for day in range(35):
        today = MONDAY + dt.timedelta(days=day)
        by_row = {f.pk for f in rows if time_limits.is_overdue(f, today=today)}
        by_query = set(
            File.objects.filter(time_limits.overdue_q(posts=[post], today=today)).values_list(
                "pk", flat=True
            )
        )
        assert by_row == by_query, today
        # The one-department form the inbox's compiled count uses says the same.
        cutoffs = time_limits.cutoffs_of(post.section.department, today)
        by_where = set(
            File.objects.filter(
                time_limits.overdue_where(today=today, cutoffs=cutoffs)
            ).values_list("pk", flat=True)
        )
        assert by_where == by_row, today


def test_the_inbox_counts_and_badges_show_it(client, desk):
    late = open_file(desk, subject="Late immediate", priority=Priority.IMMEDIATE)
    _at_desk_since(late, timezone.localdate() - dt.timedelta(days=150))
    fresh = open_file(desk, subject="Fresh routine")
    client.force_login(desk.asst_user)
    response = client.get("/desk/")
    assert response.context["counts"]["overdue"] == 1
    page = response.content.decode()
    assert page.count('<span class="badge badge-overdue">Overdue</span>') == 1
    row = page[page.index(f'href="/desk/files/{late.pk}/"') :]
    assert row.index("badge-overdue") < row.index("</tr>")
    due = time_limits.limit_due(_loaded(fresh))
    assert due.strftime("%-d %b %Y") in page  # the limit's date in the Due column
    assert "most immediate 1, immediate 3, urgent 7, routine 14 working days" in page
    # The file page says so too.
    page = client.get(f"/desk/files/{late.pk}/").content.decode()
    assert '<span class="badge badge-overdue">Overdue</span>' in page
    page = client.get(f"/desk/files/{fresh.pk}/").content.decode()
    assert "badge-overdue" not in page and "due by" in page


def test_the_counts_are_one_query_and_the_inbox_does_not_grow(client, desk):
    file = open_file(desk, priority=Priority.URGENT)
    _at_desk_since(file, timezone.localdate() - dt.timedelta(days=40))
    client.force_login(desk.asst_user)
    client.get("/desk/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/")
    for i in range(10):
        f = open_file(desk, subject=f"F{i}", priority=i % 4)
        _at_desk_since(f, timezone.localdate() - dt.timedelta(days=i * 3))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/desk/")
    assert len(many) == len(few)
    assert response.context["counts"]["overdue"] == sum(
        time_limits.is_overdue(f) for f in response.context["files"]
    )
    user = type(desk.asst_user).objects.get(pk=desk.asst_user.pk)  # as a new request
    with CaptureQueriesContext(connection) as counts:
        sel.inbox_counts(user=user)
    # the holdings (read once a request), the files' counts, the receipts' count
    assert len(counts) == 3


def _cutoff_day_by_day(today: dt.date, days: int) -> dt.date:
    """The earliest arrival day not yet late, found the slow way (one day back at a time)."""
    first = today
    while time_limits.due_date(first - dt.timedelta(days=1), days) >= today:
        first -= dt.timedelta(days=1)
    return first


def test_the_cutoff_is_the_earliest_arrival_day_not_yet_late():
    for offset in range(21):  # three weeks of todays, every weekday and weekend day
        today = MONDAY + dt.timedelta(days=offset)
        for days in (0, 1, 2, 3, 5, 7, 10, 14, 30, 60):
            found = timezone.localtime(time_limits.cutoff(today, days))
            assert found.time() == dt.time.min
            assert found.date() == _cutoff_day_by_day(today, days), (today, days)


def test_posts_of_two_departments_are_judged_each_by_its_own_limits(desk):
    """One officer holding posts in two departments (an additional charge): a routine file
    four working days at each desk is overdue only where the department allows two."""
    here = open_file(desk, priority=Priority.ROUTINE)
    there = open_file(desk, at=desk.other_so, user=desk.other_user, priority=Priority.ROUTINE)
    for file in (here, there):
        _at_desk_since(file, MONDAY)
    today = MONDAY + dt.timedelta(days=4)  # Friday: four working days later
    desk.other_dept.limit_routine_days = 2
    desk.other_dept.save(update_fields=["limit_routine_days"])
    rows = [_loaded(here), _loaded(there)]
    posts = [row.holding_post for row in rows]
    by_query = set(
        File.objects.filter(time_limits.overdue_q(posts=posts, today=today)).values_list(
            "pk", flat=True
        )
    )
    assert by_query == {there.pk}
    assert [time_limits.is_overdue(row, today=today) for row in rows] == [False, True]
    # Only the posts named are counted: the first department's post alone gives nothing.
    assert not File.objects.filter(time_limits.overdue_q(posts=posts[:1], today=today)).exists()


def test_the_inbox_counts_of_an_officer_with_posts_under_two_departments_limits(desk):
    """The counts take the compiled one-department query for the usual officer and the
    per-department rule for an additional charge in a department with other limits; both
    count what the rows' rule says."""
    here = open_file(desk, priority=Priority.ROUTINE)
    there = open_file(desk, at=desk.other_so, user=desk.other_user, priority=Priority.ROUTINE)
    parked = open_file(desk, subject="Parked")
    File.objects.filter(pk=parked.pk).update(status=File.Status.PARKED)
    days_ago = timezone.localdate() - dt.timedelta(days=7)  # 5 working days at least
    for file in (here, there):
        _at_desk_since(file, days_ago)
    desk.other_dept.limit_routine_days = 2
    desk.other_dept.save(update_fields=["limit_routine_days"])
    user = type(desk.asst_user).objects.get(pk=desk.asst_user.pk)
    alone = sel.inbox_counts(user=user)
    assert (alone["files"], alone["overdue"], alone["parked"]) == (1, 0, 1)
    HoldingFactory(post=desk.other_so, user=desk.asst_user, kind=Holding.Kind.ADDITIONAL)
    user = type(desk.asst_user).objects.get(pk=desk.asst_user.pk)  # a new request
    both = sel.inbox_counts(user=user)
    assert (both["files"], both["overdue"], both["parked"]) == (2, 1, 1)
    rows = [_loaded(here), _loaded(there)]
    assert both["overdue"] == sum(time_limits.is_overdue(row) for row in rows)
    # The same limits in both departments: the one-department query, the same answer.
    desk.other_dept.limit_routine_days = None
    desk.other_dept.save(update_fields=["limit_routine_days"])
    user = type(desk.asst_user).objects.get(pk=desk.asst_user.pk)
    assert sel.inbox_counts(user=user)["overdue"] == 0


def test_a_due_date_given_to_is_overdue_is_the_one_it_would_find(desk):
    file = open_file(desk, priority=Priority.URGENT)
    _at_desk_since(file, MONDAY)
    row = _loaded(file)
    due = time_limits.limit_due(row)
    for day in range(20):
        today = MONDAY + dt.timedelta(days=day)
        assert time_limits.is_overdue(row, today=today, due=due) == time_limits.is_overdue(
            row, today=today
        )
